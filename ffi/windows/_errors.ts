// Windows' error codes as CPython reports them.

import { errnos } from "./errno.ts";

/**
 * A kernel32 error as the errno CPython gives it (PC/errmap.h): Win32 codes
 * share numbers with errno values but not meanings (3 is "path not found",
 * not ESRCH). The codes files and handles fail with here; others are EINVAL.
 */
export function win32Errno(code: number): number {
  switch (code) {
    case 2: // ERROR_FILE_NOT_FOUND
    case 3: // ERROR_PATH_NOT_FOUND
    case 15: // ERROR_INVALID_DRIVE
    case 53: // ERROR_BAD_NETPATH
    case 67: // ERROR_BAD_NET_NAME
    case 123: // ERROR_INVALID_NAME
    case 161: // ERROR_BAD_PATHNAME
      return errnos.ENOENT;
    case 5: // ERROR_ACCESS_DENIED
    case 32: // ERROR_SHARING_VIOLATION
    case 33: // ERROR_LOCK_VIOLATION
      return errnos.EACCES;
    case 4: // ERROR_TOO_MANY_OPEN_FILES
      return errnos.EMFILE;
    case 6: // ERROR_INVALID_HANDLE
      return errnos.EBADF;
    case 8: // ERROR_NOT_ENOUGH_MEMORY
    case 14: // ERROR_OUTOFMEMORY
      return errnos.ENOMEM;
    case 267: // ERROR_DIRECTORY
      return errnos.ENOTDIR;
    default:
      return errnos.EINVAL;
  }
}
