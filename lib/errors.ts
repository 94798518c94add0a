// Python's OSError family, and the one place that turns a failed native call
// into an exception.

import { native } from "../ffi/mod.ts";

/**
 * Python's `OSError`: a failed system call, with its `errno` and `strerror`.
 * Also exported as `error`, Python's `socket.error`.
 *
 * @example
 * ```ts
 * import { ConnectionRefusedError, OSError, socket } from "@pysocket/pysocket";
 * const s = socket();
 * try {
 *   s.connect(["127.0.0.1", 1]);
 * } catch (e) {
 *   if (e instanceof ConnectionRefusedError) console.log(e.errno, e.strerror);
 *   else if (e instanceof OSError) throw e;
 * } finally {
 *   s.close();
 * }
 * ```
 */
export class OSError extends Error {
  /** The numeric error code, or `null` when the error has none. */
  readonly errno: number | null;
  /** The system's text for `errno`, or `null`. */
  readonly strerror: string | null;
  /** On Windows, the Winsock or Win32 error code a call failed with (Python's `winerror`). */
  winerror?: number;

  /**
   * Builds an error as Python does: `new OSError(errno, strerror)` reads
   * "[Errno 111] Connection refused"; `new OSError(message)` has no errno.
   *
   * @param errnoOrMessage the error code, or the whole message
   * @param strerror the text for the code
   */
  constructor(errnoOrMessage: number | string, strerror?: string) {
    const code = typeof errnoOrMessage === "number" ? errnoOrMessage : null;
    const text = code === null ? null : strerror ?? describe(code);
    super(code === null ? String(errnoOrMessage) : `[Errno ${code}] ${text}`);
    this.errno = code;
    this.strerror = text;
    this.name = new.target.name;
  }
}

/** Python's `BlockingIOError`: the operation would block (EAGAIN, EINPROGRESS, ...).
 *
 * A call on a non-blocking socket that would block throws one shared,
 * frozen instance per errno value, with no stack trace: building a new Error
 * costs many times the system call that failed, and non-blocking loops meet
 * this error all the time.
 *
 * @example
 * ```ts
 * import { BlockingIOError } from "@pysocket/pysocket";
 * console.log(new BlockingIOError(11).message);
 * ```
 */
export class BlockingIOError extends OSError {}
/** Python's `ChildProcessError` (ECHILD).
 * @example
 * ```ts
 * import { ChildProcessError } from "@pysocket/pysocket";
 * console.log(new ChildProcessError(10).message);
 * ```
 */
export class ChildProcessError extends OSError {}
/** Python's `ConnectionError`, base of the connection failures.
 * @example
 * ```ts
 * import { ConnectionError, ConnectionResetError } from "@pysocket/pysocket";
 * console.log(new ConnectionResetError(104) instanceof ConnectionError);
 * ```
 */
export class ConnectionError extends OSError {}
/** Python's `BrokenPipeError` (EPIPE, ESHUTDOWN).
 * @example
 * ```ts
 * import { BrokenPipeError } from "@pysocket/pysocket";
 * console.log(new BrokenPipeError(32).message);
 * ```
 */
export class BrokenPipeError extends ConnectionError {}
/** Python's `ConnectionAbortedError` (ECONNABORTED).
 * @example
 * ```ts
 * import { ConnectionAbortedError } from "@pysocket/pysocket";
 * console.log(new ConnectionAbortedError(103).message);
 * ```
 */
export class ConnectionAbortedError extends ConnectionError {}
/** Python's `ConnectionRefusedError` (ECONNREFUSED).
 * @example
 * ```ts
 * import { ConnectionRefusedError } from "@pysocket/pysocket";
 * console.log(new ConnectionRefusedError(111).message);
 * ```
 */
export class ConnectionRefusedError extends ConnectionError {}
/** Python's `ConnectionResetError` (ECONNRESET).
 * @example
 * ```ts
 * import { ConnectionResetError } from "@pysocket/pysocket";
 * console.log(new ConnectionResetError(104).message);
 * ```
 */
export class ConnectionResetError extends ConnectionError {}
/** Python's `FileExistsError` (EEXIST), e.g. binding an AF_UNIX path that exists.
 * @example
 * ```ts
 * import { FileExistsError } from "@pysocket/pysocket";
 * console.log(new FileExistsError(17).message);
 * ```
 */
export class FileExistsError extends OSError {}
/** Python's `FileNotFoundError` (ENOENT), e.g. connecting to a missing AF_UNIX path.
 * @example
 * ```ts
 * import { FileNotFoundError } from "@pysocket/pysocket";
 * console.log(new FileNotFoundError(2).message);
 * ```
 */
export class FileNotFoundError extends OSError {}
/** Python's `InterruptedError` (EINTR); pysocket retries instead of raising it.
 * @example
 * ```ts
 * import { InterruptedError } from "@pysocket/pysocket";
 * console.log(new InterruptedError(4).message);
 * ```
 */
export class InterruptedError extends OSError {}
/** Python's `IsADirectoryError` (EISDIR).
 * @example
 * ```ts
 * import { IsADirectoryError } from "@pysocket/pysocket";
 * console.log(new IsADirectoryError(21).message);
 * ```
 */
export class IsADirectoryError extends OSError {}
/** Python's `NotADirectoryError` (ENOTDIR).
 * @example
 * ```ts
 * import { NotADirectoryError } from "@pysocket/pysocket";
 * console.log(new NotADirectoryError(20).message);
 * ```
 */
export class NotADirectoryError extends OSError {}
/** Python's `PermissionError` (EACCES, EPERM), e.g. a raw socket without privileges.
 * @example
 * ```ts
 * import { PermissionError } from "@pysocket/pysocket";
 * console.log(new PermissionError(1).message);
 * ```
 */
export class PermissionError extends OSError {}
/** Python's `ProcessLookupError` (ESRCH).
 * @example
 * ```ts
 * import { ProcessLookupError } from "@pysocket/pysocket";
 * console.log(new ProcessLookupError(3).message);
 * ```
 */
export class ProcessLookupError extends OSError {}
/**
 * Python's `TimeoutError`: a socket timeout expired ("timed out"), or ETIMEDOUT.
 * Also exported as `timeout`, Python's `socket.timeout`.
 *
 * @example
 * ```ts
 * import { socketpair, TimeoutError } from "@pysocket/pysocket";
 * const [a, b] = socketpair();
 * a.settimeout(0.01);
 * try {
 *   a.recv(1);
 * } catch (e) {
 *   console.log(e instanceof TimeoutError, (e as Error).message); // true "timed out"
 * }
 * a.close();
 * b.close();
 * ```
 */
export class TimeoutError extends OSError {}
/**
 * Python's `socket.gaierror`: getaddrinfo/getnameinfo failed; `errno` is the
 * EAI_* code.
 *
 * @example
 * ```ts
 * import { gaierror, getaddrinfo } from "@pysocket/pysocket";
 * try {
 *   getaddrinfo("no.such.host.invalid", 80);
 * } catch (e) {
 *   if (e instanceof gaierror) console.log(e.errno, e.strerror);
 * }
 * ```
 */
export class gaierror extends OSError {}
/**
 * Python's `socket.herror`: gethostbyaddr and friends failed; `errno` is the
 * h_errno value.
 *
 * @example
 * ```ts
 * import { gethostbyaddr, herror } from "@pysocket/pysocket";
 * try {
 *   gethostbyaddr("192.0.2.1");
 * } catch (e) {
 *   if (e instanceof herror) console.log(e.message);
 * }
 * ```
 */
export class herror extends OSError {}

/**
 * Python's `asyncio.SendfileNotAvailableError`: `sock_sendfile` was told not
 * to fall back to reading and sending, and the OS cannot send this file
 * itself.
 *
 * @example
 * ```ts
 * import { SendfileNotAvailableError, sock_sendfile, socketpair } from "@pysocket/pysocket";
 * const [a, b] = socketpair();
 * a.setblocking(false);
 * try {
 *   await sock_sendfile(a, "/etc/hostname", 0, null, { fallback: false });
 * } catch (e) {
 *   if (!(e instanceof SendfileNotAvailableError)) throw e;
 * }
 * a.close();
 * b.close();
 * ```
 */
export class SendfileNotAvailableError extends Error {
  /** The class's name, as Python's traceback would show it. */
  override name = "SendfileNotAvailableError";
}

// strerror() text per errno, fetched once: errors on hot paths (EAGAIN) stay cheap.
const texts = new Map<number, string>();
function describe(code: number): string {
  let t = texts.get(code);
  if (t === undefined) texts.set(code, t = native.strerror(code));
  return t;
}

const E = native.errnos;
const byErrno = new Map<number, typeof OSError>();
for (
  const [cls, names] of [
    [BlockingIOError, ["EAGAIN", "EALREADY", "EWOULDBLOCK", "EINPROGRESS"]],
    [ChildProcessError, ["ECHILD"]],
    [BrokenPipeError, ["EPIPE", "ESHUTDOWN"]],
    [ConnectionAbortedError, ["ECONNABORTED"]],
    [ConnectionRefusedError, ["ECONNREFUSED"]],
    [ConnectionResetError, ["ECONNRESET"]],
    [FileExistsError, ["EEXIST"]],
    [FileNotFoundError, ["ENOENT"]],
    [IsADirectoryError, ["EISDIR"]],
    [NotADirectoryError, ["ENOTDIR"]],
    [InterruptedError, ["EINTR"]],
    [PermissionError, ["EACCES", "EPERM", "ENOTCAPABLE"]],
    [ProcessLookupError, ["ESRCH"]],
    [TimeoutError, ["ETIMEDOUT"]],
  ] as const
) {
  for (const n of names) if (E[n] !== undefined) byErrno.set(E[n], cls);
}

/** errno values that lib/ tests against, for the running OS. */
export const errno = {
  EINTR: E.EINTR,
  EAGAIN: E.EAGAIN,
  EWOULDBLOCK: E.EWOULDBLOCK ?? E.EAGAIN,
  /** What a non-blocking connect() reports while it goes on: Winsock says WSAEWOULDBLOCK. */
  CONNECTING: native.connectInProgress,
  EBADF: E.EBADF,
  EINVAL: E.EINVAL,
  ENOSYS: E.ENOSYS,
} as const;

/**
 * Python's errno module, as `socket.errno` reaches it: this OS's errno names
 * and their values, to compare with an {@link OSError}'s `errno`.
 *
 * @example
 * ```ts
 * import { errno, OSError, socket } from "@pysocket/pysocket";
 * try {
 *   socket().connect(["127.0.0.1", 1]);
 * } catch (e) {
 *   if (e instanceof OSError && e.errno === errno.ECONNREFUSED) console.log("refused");
 * }
 * ```
 */
export const errnoNames: Readonly<Record<string, number>> = Object.freeze({ ...native.errnos });

/** The OSError subclass Python picks for an errno value, built. */
export function osError(code: number, strerror?: string): OSError {
  const cls = byErrno.get(code) ?? OSError;
  const e = new cls(code, strerror);
  if (native.winsockErrors && code >= 10000) {
    // Python names a Windows error code as such: "[WinError 10061] ...".
    e.winerror = code;
    e.message = `[WinError ${code}] ${e.strerror}`;
  }
  return e;
}

const shared = new Map<number, OSError>();

/** The error a non-blocking call throws when it would block (see BlockingIOError). */
export function wouldBlock(code: number): OSError {
  let e = shared.get(code);
  if (e === undefined) {
    // Made with no stack trace: a trace keeps its frames' functions and
    // receivers alive, and this error lives as long as the module, so the
    // socket of the first call that would have blocked never got collected.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      e = osError(code);
    } finally {
      Error.stackTraceLimit = limit;
    }
    shared.set(code, Object.freeze(e));
  }
  return e;
}

/** Throws the OSError for the errno of the native call that just failed. */
export function raiseErrno(): never {
  throw osError(native.errno());
}

/** Python's timeout error, "timed out". */
export function timedOut(): TimeoutError {
  return new TimeoutError("timed out");
}

/** A gaierror for an EAI_* code, with the resolver's text. */
export function gaiError(code: number): gaierror {
  if (code === native.constants.EAI_SYSTEM) return osError(native.errno()) as gaierror;
  return new gaierror(code, native.gai_strerror(code));
}
