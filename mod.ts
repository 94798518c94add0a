/**
 * pysocket: Python's `socket` module for Deno, on the operating system's own
 * socket library through FFI. Python code ports line by line:
 *
 * ```ts
 * import * as socket from "@pysocket/pysocket";
 *
 * using s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
 * s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
 * s.bind(["127.0.0.1", 0]);
 * s.listen();
 * console.log("listening on", s.getsockname());
 * ```
 *
 * Every method keeps Python's name and argument order; tuples are arrays,
 * `None` is `null`, bytes are `Uint8Array`, timeouts are seconds. Errors are
 * Python's: {@link OSError} and its errno subclasses, {@link gaierror},
 * {@link herror}, {@link TimeoutError}; `TypeError` and `RangeError` (Python's
 * ValueError/OverflowError) for bad arguments.
 *
 * Needs `--allow-ffi`: the calls go straight to libc (ws2_32 on Windows).
 *
 * @module
 */

export * from "./lib/constants.ts";
export {
  AddressFamily,
  AddressInfo,
  type EnumMethods,
  type FlagMethods,
  type IntEnum,
  type IntFlag,
  MsgFlag,
  SocketKind,
} from "./lib/enums.ts";
export {
  BlockingIOError,
  BrokenPipeError,
  ChildProcessError,
  ConnectionAbortedError,
  ConnectionError,
  ConnectionRefusedError,
  ConnectionResetError,
  /** Python's errno module, as `socket.errno` reaches it: this OS's errno names and values. */
  errnoNames as errno,
  FileExistsError,
  FileNotFoundError,
  gaierror,
  herror,
  InterruptedError,
  IsADirectoryError,
  NotADirectoryError,
  OSError,
  PermissionError,
  ProcessLookupError,
  SendfileNotAvailableError,
  TimeoutError,
} from "./lib/errors.ts";
import { OSError, TimeoutError } from "./lib/errors.ts";
/** Python's `socket.error`: the same class as {@link OSError}. */
export const error: typeof OSError = OSError;
/** Python's `socket.error`: the same class as {@link OSError}. */
export type error = OSError;
/** Python's `socket.timeout`: the same class as {@link TimeoutError}. */
export const timeout: typeof TimeoutError = TimeoutError;
/** Python's `socket.timeout`: the same class as {@link TimeoutError}. */
export type timeout = TimeoutError;
export type {
  Address,
  AddressOf,
  AlgAddress,
  BluetoothAddress,
  CanAddress,
  DatagramOf,
  Family,
  Inet4Address,
  Inet6Address,
  Inet6FullAddress,
  InetAddress,
  Kind,
  NetlinkAddress,
  PacketAddress,
  QipcrtrAddress,
  Sender,
  TipcAddress,
  UnixAddress,
  VsockAddress,
} from "./lib/address.ts";
export {
  type AncData,
  type Data,
  getdefaulttimeout,
  setdefaulttimeout,
  Socket,
  socket,
  SocketType,
} from "./lib/socket.ts";
export {
  type SendfileDenoFile,
  type SendfileFileObject,
  type SendfileSource,
} from "./lib/_sendfile.ts";
export { SocketFile, type TextOptions } from "./lib/io.ts";
export {
  CMSG_LEN,
  CMSG_SPACE,
  htonl,
  htons,
  inet_aton,
  inet_ntoa,
  inet_ntop,
  inet_pton,
  ntohl,
  ntohs,
} from "./lib/convert.ts";
export {
  type AddrInfoEntry,
  getaddrinfo,
  getfqdn,
  gethostbyaddr,
  gethostbyname,
  gethostbyname_ex,
  gethostname,
  getnameinfo,
  getprotobyname,
  getservbyname,
  getservbyport,
  if_indextoname,
  if_nameindex,
  if_nametoindex,
} from "./lib/resolver.ts";
export {
  close,
  create_connection,
  create_server,
  type CreateConnectionOptions,
  type CreateServerOptions,
  dup,
  fromfd,
  fromshare,
  has_dualstack_ipv6,
  has_ipv6,
  recv_fds,
  send_fds,
  socketpair,
} from "./lib/create.ts";
export { select, type Selectable } from "./lib/select.ts";
export { sethostname } from "./lib/hostname.ts";
export { repr } from "./lib/_args.ts";

export {
  type AsyncOptions,
  type SendfileOptions,
  sock_accept,
  sock_connect,
  sock_recv,
  sock_recv_into,
  sock_recvfrom,
  sock_recvfrom_into,
  sock_sendall,
  sock_sendfile,
  sock_sendto,
} from "./lib/async/sock.ts";
export { toConn, toDuplex, type ToDuplexOptions } from "./lib/async/conn.ts";
