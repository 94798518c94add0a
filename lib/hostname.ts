// sethostname(): Python's socket.sethostname, on Unix.

import { native } from "../ffi/mod.ts";
import { fsName } from "./_args.ts";
import { raiseErrno } from "./errors.ts";

/**
 * Sets this machine's host name: Python's `socket.sethostname` (Unix only).
 * It needs the privilege to (CAP_SYS_ADMIN on Linux, root on macOS).
 *
 * @param name the new name: a string (UTF-8) or bytes
 * @throws {PermissionError} without the privilege
 * @throws {OSError} EINVAL for a name too long; ENOSYS on Windows
 * @throws {RangeError} for a name with a NUL byte
 * @throws {TypeError} for anything but a string or bytes
 * @example
 * ```ts ignore
 * import { gethostname, sethostname } from "@pysocket/pysocket";
 * sethostname(gethostname()); // as root
 * ```
 */
export function sethostname(name: string | Uint8Array): void {
  // Python takes bytes as they are (its "S" first), a str through the file system encoding.
  const bytes = fsName(name, true);
  if (native.sethostname(bytes) < 0) raiseErrno();
}
