// Module functions that make sockets: create_connection, create_server,
// socketpair, fromfd, dup, close, send_fds/recv_fds.

import { native } from "../ffi/mod.ts";
import {
  type Address,
  type AddressOf,
  codec,
  type DatagramOf,
  type Family,
  type Inet4Address,
  type InetAddress,
  type Kind,
  type Sender,
} from "./address.ts";
import { items, pyType, repr, toBuffer, toCInt, truthy } from "./_args.ts";
import { CMSG_LEN } from "./convert.ts";
import { OSError, osError, raiseErrno } from "./errors.ts";
import { type AddrInfoEntry, getaddrinfo } from "./resolver.ts";
import { forget } from "./async/reactor.ts";
import { type Data, Socket, toFd } from "./socket.ts";

const constants = native.constants;
const sys = native.sys;

/** Options of {@link create_connection} beyond Python's positional ones. */
export interface CreateConnectionOptions {
  /** Throw an AggregateError of every attempt's error instead of the first. */
  all_errors?: boolean;
}

/**
 * Connects to a TCP service at `[host, port]`, trying each address the name
 * resolves to, as Python's `socket.create_connection`.
 *
 * @param address `[host, port]`
 * @param timeout seconds for each attempt (and the socket's timeout after);
 *   `undefined` keeps the default timeout, `null` blocks
 * @param source_address `[host, port]` to bind before connecting
 * @param options `all_errors`: report every attempt's error
 * @returns the connected socket
 * @throws {OSError} the first attempt's error (or `AggregateError` with `all_errors`)
 * @example
 * ```ts
 * import { create_connection, create_server } from "@pysocket/pysocket";
 * using srv = create_server(["127.0.0.1", 0]);
 * using c = create_connection(srv.getsockname(), 5);
 * const [host, port] = c.getpeername(); // an IPv4 or IPv6 address: InetAddress
 * ```
 */
export function create_connection(
  address: [string | null, number | string],
  timeout?: number | null,
  source_address: [string, number] | null = null,
  options: CreateConnectionOptions = {},
): Socket<InetAddress, false> {
  const [host, port] = unpackPair(address) as [string | null, number | string];
  const errors: unknown[] = [];
  for (const [family, type, proto, , sa] of candidates(host, port)) {
    let sock: Socket<InetAddress> | null = null;
    try {
      sock = new Socket(family, type, proto);
      if (timeout !== undefined) sock.settimeout(timeout);
      if (truthy(source_address)) sock.bind(source_address!);
      sock.connect(sa);
      return sock;
    } catch (e) {
      if (!(e instanceof OSError)) {
        sock?.close();
        throw e;
      }
      errors.push(e);
      sock?.close();
    }
  }
  if (errors.length === 0) throw new OSError("getaddrinfo returns an empty list");
  if (truthy(options?.all_errors)) throw new AggregateError(errors, "create_connection failed");
  // As Python: without all_errors, the last attempt's error.
  throw errors[errors.length - 1];
}

/** Python's `host, port = address`: any iterable of exactly two items. */
function unpackPair(v: unknown): [unknown, unknown] {
  const list = items(v, `cannot unpack non-iterable ${pyType(v)} object`);
  if (list.length > 2) throw new RangeError("too many values to unpack (expected 2)");
  if (list.length < 2) {
    throw new RangeError(`not enough values to unpack (expected 2, got ${list.length})`);
  }
  return list as [unknown, unknown];
}

/**
 * What getaddrinfo gives create_connection. A numeric host with a numeric
 * port resolves to itself: that one entry, without the C library's lookup.
 */
function candidates(host: string | null, port: number | string): AddrInfoEntry[] {
  if (
    typeof host === "string" && Number.isInteger(port) && port as number >= 0 &&
    port as number <= 65535
  ) {
    const family = codec.numericFamily(host);
    if (family === constants.AF_INET) {
      return [[family, constants.SOCK_STREAM, constants.IPPROTO_TCP, "", [host, port as number]]];
    }
    if (family === constants.AF_INET6) {
      return [[family, constants.SOCK_STREAM, constants.IPPROTO_TCP, "", [
        host,
        port as number,
        0,
        0,
      ]]];
    }
  }
  return getaddrinfo(host, port, 0, constants.SOCK_STREAM);
}

/**
 * Options of {@link create_server}, as Python's keyword arguments; `F` is the
 * family's type, which names the server's address type (see {@link Family}).
 */
export interface CreateServerOptions<F extends number = number> {
  /** `AF_INET` (default) or `AF_INET6`. */
  family?: F;
  /** listen() backlog; default as `Socket.listen()`. */
  backlog?: number | null;
  /** Set SO_REUSEPORT, so several processes can share the port. */
  reuse_port?: boolean;
  /** With `AF_INET6`: accept IPv4 connections too, on one socket. */
  dualstack_ipv6?: boolean;
}

/**
 * A listening TCP socket bound to `address`, as Python's `socket.create_server`.
 * SO_REUSEADDR is set; IPv6 sockets are IPv6-only unless `dualstack_ipv6`.
 *
 * @param address `[host, port]` (port 0: any free port)
 * @param options `family`, `backlog`, `reuse_port`, `dualstack_ipv6`
 * @returns the listening socket
 * @throws {OSError} when binding fails; the message names the address
 * @throws {RangeError} for options the OS cannot honour
 * @example
 * ```ts
 * import { create_server } from "@pysocket/pysocket";
 * using srv = create_server(["127.0.0.1", 0]);
 * const [host, port] = srv.getsockname(); // AF_INET by default: an Inet4Address
 * ```
 */
export function create_server<F extends number = Family<Inet4Address>>(
  address: Address,
  options?: CreateServerOptions<F>,
): Socket<AddressOf<F>, false>;
export function create_server(
  address: Address,
  options: CreateServerOptions = {},
): Socket<Address, false> {
  options ??= {};
  const family = options.family === undefined ? constants.AF_INET : options.family;
  if (truthy(options.reuse_port) && constants.SO_REUSEPORT === undefined) {
    throw new RangeError("SO_REUSEPORT not supported on this platform");
  }
  if (truthy(options.dualstack_ipv6)) {
    if (!has_dualstack_ipv6()) {
      throw new RangeError("dualstack_ipv6 not supported on this platform");
    }
    if (family !== constants.AF_INET6) {
      throw new RangeError("dualstack_ipv6 requires AF_INET6 family");
    }
  }
  const sock = new Socket<Address, false>(family, constants.SOCK_STREAM);
  try {
    // As Python: on Windows SO_REUSEADDR would let another socket take the
    // port while this one holds it, so it is set only elsewhere.
    if (!native.reuseAddrSteals) {
      try {
        sock.setsockopt(constants.SOL_SOCKET, constants.SO_REUSEADDR, 1);
      } catch (e) {
        if (!(e instanceof OSError)) throw e;
      }
    }
    if (truthy(options.reuse_port)) {
      sock.setsockopt(constants.SOL_SOCKET, constants.SO_REUSEPORT, 1);
    }
    if (family === constants.AF_INET6) {
      sock.setsockopt(
        constants.IPPROTO_IPV6,
        constants.IPV6_V6ONLY,
        truthy(options.dualstack_ipv6) ? 0 : 1,
      );
    }
    try {
      sock.bind(address);
    } catch (e) {
      if (!(e instanceof OSError)) throw e;
      const msg = `${e.strerror ?? "None"} (while attempting to bind on address ${repr(address)})`;
      // Python's OSError(errno, msg): one without an errno reads "[Errno None] None (...)".
      if (e.errno === null) throw new OSError(`[Errno None] ${msg}`);
      throw osError(e.errno, msg);
    }
    if (options.backlog === null || options.backlog === undefined) sock.listen();
    else sock.listen(options.backlog);
    return sock;
  } catch (e) {
    sock.close();
    throw e;
  }
}

/** Python's `socket.has_ipv6`: whether IPv6 is supported (always, here). */
export const has_ipv6: boolean = true;

/**
 * Whether one AF_INET6 socket can accept both IPv4 and IPv6 connections.
 * Python's `socket.has_dualstack_ipv6`.
 *
 * @returns true where IPV6_V6ONLY can be turned off
 * @example
 * ```ts
 * import { has_dualstack_ipv6 } from "@pysocket/pysocket";
 * console.log(has_dualstack_ipv6());
 * ```
 */
export function has_dualstack_ipv6(): boolean {
  if (constants.IPPROTO_IPV6 === undefined || constants.IPV6_V6ONLY === undefined) return false;
  try {
    using s = new Socket(constants.AF_INET6, constants.SOCK_STREAM);
    s.setsockopt(constants.IPPROTO_IPV6, constants.IPV6_V6ONLY, 0);
    return true;
  } catch (e) {
    if (e instanceof OSError) return false;
    throw e;
  }
}

/**
 * A pair of connected sockets, as Python's `socket.socketpair`.
 *
 * @param family default `AF_UNIX` (`AF_INET` on Windows, as in Python)
 * @param type default `SOCK_STREAM`
 * @param proto default 0
 * @returns the two sockets
 * @throws {OSError} when the OS cannot make the pair
 * @example
 * ```ts
 * import { socketpair } from "@pysocket/pysocket";
 * const [a, b] = socketpair();
 * a.sendall("x");
 * console.log(b.recv(1));
 * a.close();
 * b.close();
 * ```
 */
export function socketpair<F extends number = number, T extends number = Kind<false>>(
  family?: F,
  type?: T,
  proto?: number,
): [Socket<AddressOf<F>, DatagramOf<T>>, Socket<AddressOf<F>, DatagramOf<T>>];
export function socketpair(
  family: number = native.socketpairEmulated ? constants.AF_INET : constants.AF_UNIX,
  type: number = constants.SOCK_STREAM,
  proto = 0,
): [Socket, Socket] {
  const fds = new Int32Array(2);
  // As Python's socketpair(family=None): None is the default family.
  if (family === null) family = native.socketpairEmulated ? constants.AF_INET : constants.AF_UNIX;
  family = toCInt(family);
  type = toCInt(type);
  if (native.socketpairEmulated) {
    // Windows has no socketpair(): Python's socket.py builds one from a
    // loopback TCP connection, and refuses what that cannot be.
    if (family !== constants.AF_INET && family !== constants.AF_INET6) {
      throw new RangeError("Only AF_INET and AF_INET6 socket address families are supported");
    }
    if (type !== constants.SOCK_STREAM) {
      throw new RangeError("Only SOCK_STREAM socket type is supported");
    }
    if (proto !== 0) throw new RangeError("Only protocol zero is supported");
  }
  if (native.socketpair(family, type | sys.SOCK_CLOEXEC, toCInt(proto), fds) < 0) raiseErrno();
  let a: Socket | null = null;
  try {
    a = new Socket(family, type, proto, fds[0]);
    return [a, new Socket(family, type, proto, fds[1])];
  } catch (e) {
    if (a) a.close();
    else native.close(fds[0]);
    native.close(fds[1]);
    throw e;
  }
}

/**
 * Duplicates a descriptor (close-on-exec). Python's `socket.dup`.
 *
 * @param fd the descriptor
 * @returns the new descriptor
 * @throws {OSError} EBADF for a bad descriptor
 * @example
 * ```ts
 * import { close, dup, socket } from "@pysocket/pysocket";
 * using s = socket();
 * close(dup(s.fileno()));
 * ```
 */
export function dup(fd: number): number {
  const r = native.dup(toFd(fd));
  if (r < 0) raiseErrno();
  return r;
}

/**
 * Closes a descriptor. Python's `socket.close`.
 *
 * @param fd the descriptor
 * @throws {OSError} EBADF for a bad descriptor
 * @example
 * ```ts
 * import { close, socket } from "@pysocket/pysocket";
 * close(socket().detach());
 * ```
 */
export function close(fd: number): void {
  fd = toFd(fd);
  forget(fd); // the reactor must not keep waiting on a number the OS will reuse
  if (native.close(fd) < 0) raiseErrno();
}

/**
 * Windows only: the socket that another process's `Socket.share()` made the
 * bytes for. Python's `socket.fromshare`.
 *
 * @param info the bytes from `share()`
 * @returns the socket
 * @throws {TypeError} where the OS has no such call
 * @throws {RangeError} for bytes of the wrong size
 * @throws {OSError} when Winsock refuses
 * @example
 * ```ts
 * import { fromshare, socket } from "@pysocket/pysocket";
 * using s = socket();
 * if (Deno.build.os === "windows") fromshare(s.share(Deno.pid)).close();
 * ```
 */
export function fromshare(info: Uint8Array): Socket {
  if (!native.fromshare) throw new TypeError("module 'socket' has no attribute 'fromshare'");
  const bytes = toBuffer(info);
  if (bytes.byteLength !== native.shareSize) throw new RangeError("wrong size of buffer");
  const fd = native.fromshare(bytes);
  if (fd < 0) raiseErrno();
  return new Socket(-1, -1, -1, fd);
}

/**
 * A socket on a duplicate of `fd`. Python's `socket.fromfd`.
 *
 * @param fd an open socket descriptor (left open)
 * @param family its family
 * @param type its type
 * @param proto its protocol
 * @returns the new socket
 * @throws {OSError} EBADF for a bad descriptor
 * @example
 * ```ts
 * import { AF_INET, fromfd, SOCK_STREAM, socket } from "@pysocket/pysocket";
 * using s = socket();
 * using t = fromfd(s.fileno(), AF_INET, SOCK_STREAM);
 * ```
 */
export function fromfd<F extends number, T extends number>(
  fd: number,
  family: F,
  type: T,
  proto?: number,
): Socket<AddressOf<F>, DatagramOf<T>>;
export function fromfd(fd: number, family: number, type: number, proto = 0): Socket {
  const nfd = dup(fd);
  try {
    return new Socket(family, type, proto, nfd);
  } catch (e) {
    native.close(nfd);
    throw e;
  }
}

/**
 * A socket's method, bound, as Python's `sock.sendmsg` finds it: anything
 * but a socket has no such attribute (Python's AttributeError, a TypeError here).
 */
function boundMethod<
  K extends "sendmsg" | "recvmsg",
  A extends Address = Address,
  Datagram extends boolean = boolean,
>(sock: Socket<A, Datagram>, name: K): Socket<A, Datagram>[K] {
  if (!(sock instanceof Socket)) {
    throw new TypeError(`'${pyType(sock)}' object has no attribute '${name}'`);
  }
  return sock[name].bind(sock) as Socket<A, Datagram>[K];
}

/** Python's `maxfds * 4` in recv_fds: a number, or what CMSG_LEN() then refuses. */
function timesFour(maxfds: unknown): number | bigint {
  if (typeof maxfds === "bigint") return maxfds * 4n;
  if (typeof maxfds === "number" && !Number.isInteger(maxfds)) {
    throw new TypeError("'float' object cannot be interpreted as an integer");
  }
  if (typeof maxfds === "number" || typeof maxfds === "boolean") return Number(maxfds) * 4;
  // Python's sequences repeat, and CMSG_LEN() refuses what they make; other types cannot.
  if (
    typeof maxfds === "string" || Array.isArray(maxfds) ||
    (ArrayBuffer.isView(maxfds) && !(maxfds instanceof DataView)) ||
    maxfds instanceof ArrayBuffer || maxfds instanceof SharedArrayBuffer
  ) {
    return maxfds as unknown as number;
  }
  throw new TypeError(`unsupported operand type(s) for *: '${pyType(maxfds)}' and 'int'`);
}

/** The descriptors of send_fds, as Python's `array.array("i", fds)` reads them. */
function fdList(fds: unknown): unknown[] {
  if (typeof fds === "string") {
    throw new TypeError("cannot use a str to initialize an array with typecode 'i'");
  }
  if (fds instanceof Uint8Array) {
    // Bytes initialize an array with their machine values.
    const bytes = toBuffer(fds);
    if (bytes.byteLength % 4) throw new RangeError("bytes length not a multiple of item size");
    return [...new Int32Array(bytes.slice().buffer)];
  }
  return items(fds, `'${pyType(fds)}' object is not iterable`);
}

/**
 * Sends data with descriptors attached (SCM_RIGHTS) over an AF_UNIX socket.
 * Python's `socket.send_fds`.
 *
 * @param sock the AF_UNIX socket
 * @param buffers the data
 * @param fds descriptors to pass
 * @param flags send flags
 * @param address destination for unconnected sockets
 * @returns the number of data bytes sent
 * @throws {OSError} when the OS refuses
 * @example
 * ```ts
 * import { recv_fds, send_fds, socket, socketpair } from "@pysocket/pysocket";
 * const [a, b] = socketpair();
 * using s = socket();
 * send_fds(a, ["fd"], [s.fileno()]);
 * const [msg, fds] = recv_fds(b, 16, 1);
 * a.close();
 * b.close();
 * ```
 */
export function send_fds(
  sock: Socket,
  buffers: Iterable<Data>,
  fds: Iterable<number>,
  flags = 0,
  address: Address | null = null,
): number {
  const sendmsg = boundMethod(sock, "sendmsg");
  const list = Int32Array.from(fdList(fds).map(toCInt));
  return sendmsg(
    buffers,
    [[constants.SOL_SOCKET, constants.SCM_RIGHTS, new Uint8Array(list.buffer)]],
    flags,
    address,
  );
}

/**
 * Receives data and up to `maxfds` descriptors (SCM_RIGHTS). Python's
 * `socket.recv_fds`.
 *
 * @param sock the AF_UNIX socket
 * @param bufsize the most data bytes
 * @param maxfds the most descriptors
 * @param flags recv flags
 * @returns `[data, fds, msg_flags, address]`
 * @throws {OSError} when the OS refuses
 * @example
 * ```ts
 * import { recv_fds, send_fds, socketpair } from "@pysocket/pysocket";
 * const [a, b] = socketpair();
 * send_fds(a, ["x"], [0]);
 * const [data, fds] = recv_fds(b, 1, 1);
 * a.close();
 * b.close();
 * ```
 */
export function recv_fds<A extends Address, Datagram extends boolean>(
  sock: Socket<A, Datagram>,
  bufsize: number,
  maxfds: number,
  flags = 0,
): [Uint8Array, number[], number, Sender<A, Datagram>] {
  const recvmsg = boundMethod(sock, "recvmsg");
  const [data, anc, mflags, addr] = recvmsg(bufsize, CMSG_LEN(timesFour(maxfds)), flags);
  const fds: number[] = [];
  for (const [level, type, bytes] of anc) {
    if (level === constants.SOL_SOCKET && type === constants.SCM_RIGHTS) {
      const n = Math.floor(bytes.byteLength / 4);
      const view = new DataView(bytes.buffer, bytes.byteOffset, n * 4);
      for (let i = 0; i < n; i++) fds.push(view.getInt32(i * 4, true));
    }
  }
  return [data, fds, mflags, addr];
}
