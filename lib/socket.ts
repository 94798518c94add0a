// class Socket: Python's socket.socket, method for method.

import type { AddressFamily, SocketKind } from "./enums.ts";
import { native } from "../ffi/mod.ts";
import {
  type Address,
  type AddressOf,
  codec,
  type DatagramOf,
  type Family,
  type Inet4Address,
  type Kind,
  type Sender,
} from "./address.ts";
import {
  argType,
  intoView,
  isBytesLike,
  isInt,
  items,
  pyName,
  pyType,
  repr,
  toBuffer,
  toBytes,
  toCInt,
  toClinicInt,
  toCLong,
  toInt,
  toSize,
  toTimeout,
  toUInt32Mask,
} from "./_args.ts";
import { errno, OSError, osError, raiseErrno, timedOut, wouldBlock } from "./errors.ts";
import { isLarge, receiveBuffer, received, unused } from "./_received.ts";
import { SocketFile, type TextOptions } from "./io.ts";
import { forget, READABLE, type Readiness, setRef, WRITABLE } from "./async/reactor.ts";
import { readableOf, writableOf } from "./async/streams.ts";
import { sock_accept } from "./async/sock.ts";
import { brand, quiet } from "./_brand.ts";
import {
  checkBinaryMode,
  fileBlocks,
  fileChunks,
  hasDescriptor,
  seekTo,
  type SendfileSource,
  sendfileSource,
} from "./_sendfile.ts";

const constants = native.constants;
const sys = native.sys;

/** Ancillary data item of recvmsg/sendmsg: `[level, type, data]`. */
export type AncData = [level: number, type: number, data: Uint8Array];

/** Data a send accepts: bytes, any view or buffer, or a string sent as UTF-8. */
export type Data = ArrayBufferView | ArrayBuffer | string;

let defaultTimeout: number | null = null;

/**
 * The default timeout, in seconds, of new sockets (`null`: blocking), as
 * Python's `socket.getdefaulttimeout()`.
 *
 * @returns the timeout in seconds, or `null`
 * @example
 * ```ts
 * import { getdefaulttimeout } from "@pysocket/pysocket";
 * console.log(getdefaulttimeout()); // null
 * ```
 */
export function getdefaulttimeout(): number | null {
  return defaultTimeout;
}

/**
 * Sets the timeout of sockets created (or accepted) from now on, as Python's
 * `socket.setdefaulttimeout()`.
 *
 * @param timeout seconds (≥ 0), or `null` for blocking sockets
 * @throws {RangeError} when the timeout is negative or NaN
 * @throws {TypeError} when it is not a number
 * @example
 * ```ts
 * import { setdefaulttimeout } from "@pysocket/pysocket";
 * setdefaulttimeout(5);
 * setdefaulttimeout(null);
 * ```
 */
export function setdefaulttimeout(timeout: number | null): void {
  defaultTimeout = toTimeout(timeout);
}

/**
 * A descriptor argument: a C long, as Python takes one. Python then cuts it
 * to a C int, so that its `close(2**32)` closes descriptor 0; here a number
 * beyond a C int is EBADF, the descriptor that no process has.
 */
export function toFd(v: unknown): number {
  const n = toCLong(v);
  if (n > 0x7fffffff || n < -0x80000000) throw osError(errno.EBADF);
  return n;
}

/** What the finalizer needs of a socket: its descriptor (-1 once released) and its numbers. */
interface Held {
  fd: number;
  family: number;
  type: number;
  proto: number;
}

// Sockets collected while open are closed, with Python's ResourceWarning.
const finalizer = new FinalizationRegistry<Held>((held) => {
  if (held.fd >= 0) {
    // Described before the close, as Python's warning names the addresses the socket had;
    // an address that will not decode is left out, so that the descriptor is closed still.
    let text: string;
    try {
      text = describe(held);
    } catch {
      text = describe(held, false);
    }
    // As close() does: the reactor must not keep watching a number the OS will reuse.
    forget(held.fd);
    native.close(held.fd);
    console.warn(`ResourceWarning: unclosed ${text}`);
  }
});

/** Python's repr of a socket: its numbers, then laddr and raddr where the OS gives them. */
function describe({ fd, family, type, proto }: Held, addresses = true): string {
  let s = `<socket.socket${fd < 0 ? " [closed]" : ""} fd=${fd}, family=${family}, ` +
    `type=${type}, proto=${proto}`;
  if (fd < 0 || !addresses) return s + ">";
  for (
    const [name, ask] of [["laddr", native.getsockname], ["raddr", native.getpeername]] as const
  ) {
    sockaddrLen[0] = sockaddr.byteLength;
    // As Python's repr: an address the OS will not give is left out.
    if (ask(fd, sockaddr, sockaddrLen) < 0) continue;
    const a = codec.decode(sockaddr, sockaddrLen[0], proto);
    if (a !== "" && !(a instanceof Uint8Array && a.byteLength === 0)) s += `, ${name}=${repr(a)}`;
  }
  return s + ">";
}

/** A control message of sendmsg: a sequence of level, type and data (Python's "(iiy*)"). */
function ancItem(item: unknown): AncData {
  const what = "[sendmsg() ancillary data items]() argument must be";
  // A sequence: a tuple, a str, an array.array or memoryview; not bytes (a
  // Uint8Array), whose items PyArg refuses to unpack.
  const sequence = Array.isArray(item) || typeof item === "string" ||
    (ArrayBuffer.isView(item) && !(item instanceof Uint8Array));
  if (!sequence) throw new TypeError(`${what} 3-item sequence, not ${argType(item)}`);
  const parts = items(item, "");
  if (parts.length !== 3) {
    throw new TypeError(`${what} sequence of length 3, not ${parts.length}`);
  }
  return [toCInt(parts[0]), toCInt(parts[1]), toBytes(parts[2])];
}

/** Python's error for a method this OS's socket module lacks (Windows: recvmsg, sendmsg). */
function noAttribute(name: string): never {
  throw new TypeError(`'socket' object has no attribute '${name}'`);
}

/** Flags as a C int; integers pass at the cost of one comparison. */
function flagsOf(v: unknown): number {
  return typeof v === "number" && (v | 0) === v ? v | 0 : toCInt(v);
}

// Scratch buffers shared by every socket: a call fills and reads them before
// it returns, so no two calls use them at once, and a socket costs none.
const sockaddr = new Uint8Array(codec.storage);
const sockaddrLen = new Uint32Array(1);
const optInt = new Int32Array(1);
const optIntBytes = new Uint8Array(optInt.buffer);
const optLong = new BigUint64Array(1);
const optLongBytes = new Uint8Array(optLong.buffer);

/** The flag bits socket() accepts in `type` that are not part of the type. */
const TYPE_FLAGS = sys.SOCK_NONBLOCK | sys.SOCK_CLOEXEC;

/** A keyword argument Python types as int (`O!` with PyLong_Type), as a C int. */
function toCIntOf(v: unknown, name: string): number {
  if (typeof v !== "number" && typeof v !== "bigint" && typeof v !== "boolean") {
    throw new TypeError(`sendmsg_afalg() argument '${name}' must be int, not ${pyType(v)}`);
  }
  return toCInt(v);
}

/**
 * A socket, as Python's `socket.socket`: the same methods with the same
 * arguments, returning arrays where Python returns tuples.
 *
 * @example
 * ```ts
 * import { AF_INET, SOCK_STREAM, Socket } from "@pysocket/pysocket";
 * using srv = new Socket(AF_INET, SOCK_STREAM);
 * srv.bind(["127.0.0.1", 0]);
 * srv.listen();
 * console.log(srv.getsockname());
 * ```
 */
export class Socket<A extends Address = Address, Datagram extends boolean = boolean> {
  static {
    // Python's name for the class, in messages ("'socket' object cannot be interpreted as ...").
    Object.defineProperty(this.prototype, pyName, { value: "socket" });
    quiet.recv = (sock, bufsize) => sock.#recvQuiet(bufsize);
    quiet.recvfrom = (sock, bufsize) => sock.#recvfromQuiet(bufsize);
  }
  #fd: number;
  #family: number;
  #type: number;
  #proto: number;
  #timeout: number | null = null;
  #closed = false;
  #ioRefs = 0;
  /** Whether the last recv() brought more than 4 KiB: the next gets an array of its own. */
  #large = false;
  #readable?: ReadableStream<Uint8Array>;
  #writable?: WritableStream<Uint8Array | string>;
  readonly #held: Held;

  /**
   * Creates a socket, or wraps an existing descriptor, as Python's
   * `socket.socket(family, type, proto, fileno)`.
   *
   * @param family address family, default `AF_INET` (or the descriptor's)
   * @param type socket type, default `SOCK_STREAM`; may include `SOCK_NONBLOCK`
   * @param proto protocol, default 0
   * @param fileno an open socket descriptor to wrap instead of creating one
   * @throws {OSError} when the OS refuses, e.g. an unsupported family
   * @throws {RangeError} for a negative descriptor
   */
  constructor(family?: Family<A>, type?: Kind<Datagram>, proto?: number, fileno?: number | null);
  /**
   * Creates a socket of a family and type the type checker does not know
   * (a `number`, or a union of families): its addresses are the wide
   * {@link Address}.
   *
   * @param family address family, default `AF_INET` (or the descriptor's)
   * @param type socket type, default `SOCK_STREAM`; may include `SOCK_NONBLOCK`
   * @param proto protocol, default 0
   * @param fileno an open socket descriptor to wrap instead of creating one
   * @throws {OSError} when the OS refuses, e.g. an unsupported family
   * @throws {RangeError} for a negative descriptor
   */
  constructor(family?: number, type?: number, proto?: number, fileno?: number | null);
  constructor(family = -1, type = -1, proto = -1, fileno: number | null = null) {
    family = toClinicInt(family);
    type = toClinicInt(type);
    proto = toClinicInt(proto);
    if (fileno === null || fileno === undefined) {
      if (family === -1) family = constants.AF_INET;
      if (type === -1) type = constants.SOCK_STREAM;
      if (proto === -1) proto = 0;
      const fd = native.socket(family, type | sys.SOCK_CLOEXEC, proto);
      if (fd < 0) raiseErrno();
      this.#fd = fd;
    } else {
      const fd = toFd(fileno);
      if (fd < 0) throw new RangeError("negative file descriptor");
      this.#fd = fd;
      if (family === -1 || type === -1 || proto === -1) {
        const info = native.socketInfo(fd);
        if (info === null) raiseErrno();
        if (family === -1) family = info[0];
        if (type === -1) type = info[1];
        if (proto === -1) proto = info[2];
      } else {
        // As Python does: a descriptor that is not an open socket is refused.
        sockaddrLen[0] = sockaddr.byteLength;
        if (native.getsockname(fd, sockaddr, sockaddrLen) < 0) {
          const e = native.errno();
          if (e === errno.EBADF || e === native.errnos.ENOTSOCK) throw osError(e);
        }
      }
    }
    this.#family = family;
    this.#type = type & ~TYPE_FLAGS;
    this.#proto = proto;
    this.#held = { fd: this.#fd, family, type: this.#type, proto };
    finalizer.register(this, this.#held, this);
    brand(this);
    try {
      if (sys.SOCK_NONBLOCK && type & sys.SOCK_NONBLOCK) this.#timeout = 0;
      else if (defaultTimeout !== null) this.#setTimeout(defaultTimeout);
    } catch (e) {
      this.close();
      throw e;
    }
  }

  /**
   * A readable byte stream (BYOB-capable) of what the peer sends, on the
   * async path: the socket must be a non-blocking stream socket. Made once.
   *
   * @throws {RangeError} when the socket is not non-blocking
   * @example
   * ```ts
   * import { socketpair } from "@pysocket/pysocket";
   * const [a, b] = socketpair();
   * a.setblocking(false);
   * b.setblocking(false);
   * const text = b.readable.pipeThrough(new TextDecoderStream());
   * const writer = a.writable.getWriter();
   * await writer.write(new TextEncoder().encode("hello"));
   * await writer.close();
   * for await (const part of text) console.log(part);
   * a.close();
   * b.close();
   * ```
   */
  get readable(): ReadableStream<Uint8Array> {
    this.#streamable();
    return this.#readable ??= readableOf(this);
  }

  /**
   * A writable stream that sends each chunk in full, on the async path;
   * closing it shuts down the writing side. Made once.
   *
   * @throws {RangeError} when the socket is not non-blocking
   * @example
   * ```ts
   * import { socketpair } from "@pysocket/pysocket";
   * const [a, b] = socketpair();
   * a.setblocking(false);
   * const writer = a.writable.getWriter();
   * await writer.write("hi");
   * await writer.close();
   * console.log(b.recv(10));
   * a.close();
   * b.close();
   * ```
   */
  get writable(): WritableStream<Uint8Array | string> {
    this.#streamable();
    return this.#writable ??= writableOf(this);
  }

  #streamable(): void {
    if (this.#timeout !== 0) throw new RangeError("the socket must be non-blocking");
    if (this.#type !== constants.SOCK_STREAM) {
      throw new RangeError("only SOCK_STREAM type sockets have streams");
    }
  }

  /** The address family, e.g. `AF_INET`: a plain number, named by {@link AddressFamily}. */
  get family(): AddressFamily {
    return this.#family;
  }
  /**
   * The socket type, e.g. `SOCK_STREAM` (without SOCK_NONBLOCK/SOCK_CLOEXEC): a plain number,
   * named by {@link SocketKind}.
   */
  get type(): SocketKind {
    return this.#type;
  }
  /** The protocol number. */
  get proto(): number {
    return this.#proto;
  }
  /** The timeout in seconds, `0` for non-blocking, `null` for blocking. */
  get timeout(): number | null {
    return this.#timeout;
  }

  // --- the one path every socket call takes on failure -------------------

  /** Waits for readiness until `deadline` (ms, performance.now clock; Infinity: forever). */
  #wait(wanted: Readiness, deadline: number): void {
    for (;;) {
      const left = deadline - performance.now();
      if (left <= 0) throw timedOut();
      const ms = deadline === Infinity ? -1 : Math.min(Math.ceil(left), 0x7fffffff);
      const r = native.poll1(this.#fd, wanted === WRITABLE ? sys.POLLOUT : sys.POLLIN, ms);
      if (r > 0) return;
      if (r === 0) throw timedOut();
      if (native.errno() !== errno.EINTR) raiseErrno();
    }
  }

  /**
   * Called after `op` failed: retries on EINTR (PEP 475), and in timeout mode
   * waits for readiness on EAGAIN until the deadline (by default, the timeout
   * from the first wait); otherwise throws.
   */
  #retry(wanted: Readiness, op: () => number, deadline?: number): number {
    for (;;) {
      const e = native.errno();
      if (e !== errno.EINTR) {
        const t = this.#timeout;
        const blocked = e === errno.EAGAIN || e === errno.EWOULDBLOCK;
        if (!t) throw blocked ? wouldBlock(e) : osError(e);
        if (!blocked) throw osError(e);
        deadline ??= performance.now() + t * 1000;
        this.#wait(wanted, deadline);
      }
      const r = op();
      if (r >= 0) return r;
    }
  }

  // The hot calls' second tries, each its own method: a closure in the
  // caller would make V8 allocate its context on every call, first tries too.
  #recvAgain(buf: Uint8Array, flags: number): number {
    return this.#retry(READABLE, () => native.recv(this.#fd, buf, flags));
  }

  #recvfromAgain(buf: Uint8Array, flags: number): number {
    return this.#retry(READABLE, () => this.#recvfromOnce(buf, flags));
  }

  #sendAgain(buf: Uint8Array, flags: number, deadline?: number): number {
    return this.#retry(WRITABLE, () => native.send(this.#fd, buf, flags), deadline);
  }

  #sendtoAgain(buf: Uint8Array, flags: number, len: number): number {
    return this.#retry(WRITABLE, () => native.sendto(this.#fd, buf, flags, sockaddr, len));
  }

  #check(r: number): void {
    if (r < 0) raiseErrno();
  }

  #sockaddr(address: unknown, caller: string): number {
    return codec.encode(this.#family, address, sockaddr, caller, this.#proto);
  }

  #decoded(): Address | null {
    return codec.decode(sockaddr, sockaddrLen[0], this.#proto);
  }

  /** The decoded address, as this socket's family gives it (the codec's result is the wide union). */
  #address(): A {
    return this.#decoded() as A;
  }

  /** A decoded sender, as recvfrom() gives it. */
  #sender(): Sender<A, Datagram> {
    return this.#decoded() as Sender<A, Datagram>;
  }

  // --- lifetime -------------------------------------------------------------

  /**
   * Closes the socket. Calling it again does nothing. With files from
   * `makefile()` still open, the descriptor closes when the last one does.
   *
   * @throws {OSError} when the OS reports an error other than ECONNRESET
   * @example
   * ```ts
   * import { socket } from "@pysocket/pysocket";
   * const s = socket();
   * s.close();
   * s.close(); // no error
   * ```
   */
  close(): void {
    this.#closed = true;
    if (this.#ioRefs <= 0) this.#realClose();
  }

  #realClose(): void {
    const fd = this.#fd;
    if (fd < 0) return;
    this.#fd = -1;
    this.#held.fd = -1;
    finalizer.unregister(this);
    forget(fd); // pending async operations reject with EBADF
    if (native.close(fd) < 0) {
      const e = native.errno();
      if (e !== native.errnos.ECONNRESET) throw osError(e);
    }
  }

  /** @ignore makefile() bookkeeping: a file holds the socket open. */
  _ioRef(delta: number): void {
    this.#ioRefs += delta;
    if (this.#ioRefs <= 0 && this.#closed) this.#realClose();
  }

  /** `using s = socket()` closes `s` at the end of the block, as Python's `with`. */
  [Symbol.dispose](): void {
    this.close();
  }

  /**
   * Accepts connections as they come, for `for await`, as a `Deno.Listener`
   * does: each step is {@link sock_accept}'s `[conn, address]`, `conn`
   * non-blocking (as asyncio's are). Closing the socket ends the loop, even
   * while an accept waits; leaving the loop (`break`) leaves the socket
   * open, with no accept pending. A connection the peer aborted before it
   * was accepted (ECONNABORTED) is skipped, as asyncio's servers skip it;
   * any other failure (EMFILE, ...) throws out of the loop.
   *
   * @returns an iterator of `[conn, address]`
   * @throws {RangeError} (from the first step) when the socket is not non-blocking
   * @throws {OSError} when accept fails other than by the socket's closing
   * @example
   * ```ts
   * import { create_connection, create_server } from "@pysocket/pysocket";
   * const srv = create_server(["127.0.0.1", 0]);
   * srv.setblocking(false);
   * const client = create_connection(srv.getsockname());
   * for await (const [conn, addr] of srv) {
   *   console.log("Connected by", addr);
   *   conn.close();
   *   srv.close(); // ends the loop
   * }
   * client.close();
   * ```
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<
    [Socket<A, Datagram>, A],
    void,
    undefined
  > {
    for (;;) {
      let accepted: [Socket<A, Datagram>, A];
      try {
        accepted = await sock_accept(this);
      } catch (e) {
        // Closed (or detached) before or during the accept: the end, not an error.
        if (this.#fd < 0) return;
        if (e instanceof OSError && e.errno === native.errnos.ECONNABORTED) continue;
        throw e;
      }
      yield accepted;
    }
  }

  // No [Symbol.asyncDispose]: `await using` takes [Symbol.dispose] as it is,
  // and closing has nothing to wait for. It rejects pending operations at
  // once (EBADF), which ends a `for await` over the socket; waiting for
  // queued writes instead could wait forever on a peer that does not read.
  // Deno.Listener and Deno.Conn have only [Symbol.dispose] too.

  /**
   * Lets the program exit while an async operation on this socket is still
   * pending, as `Deno.Conn.unref()` does; {@link Socket.ref} undoes it. It
   * holds for operations pending now and started later. While every pending
   * operation belongs to an unref()'d socket, they are looked after from a
   * timer, so they may answer up to 10 ms late.
   *
   * @example
   * ```ts
   * import { AF_INET, sock_recv, SOCK_DGRAM, socket } from "@pysocket/pysocket";
   * const s = socket(AF_INET, SOCK_DGRAM);
   * s.bind(["127.0.0.1", 0]);
   * s.setblocking(false);
   * s.unref();
   * sock_recv(s, 100).catch(() => {}); // does not keep the program alive
   * ```
   */
  unref(): void {
    setRef(this, this.#fd, false);
  }

  /**
   * Makes pending and later async operations on this socket keep the program
   * alive again, as they do at first (see {@link Socket.unref}).
   *
   * @example
   * ```ts
   * import { socket } from "@pysocket/pysocket";
   * using s = socket();
   * s.unref();
   * s.ref();
   * ```
   */
  ref(): void {
    setRef(this, this.#fd, true);
  }

  /**
   * Gives up the descriptor without closing it.
   *
   * @returns the descriptor; the socket now reads as closed
   * @example
   * ```ts
   * import { close, socket } from "@pysocket/pysocket";
   * const fd = socket().detach();
   * close(fd);
   * ```
   */
  detach(): number {
    const fd = this.#fd;
    if (fd >= 0) forget(fd);
    this.#fd = -1;
    this.#held.fd = -1;
    this.#closed = true;
    finalizer.unregister(this);
    return fd;
  }

  /**
   * The descriptor, or -1 once closed.
   *
   * @returns the descriptor number
   * @example
   * ```ts
   * import { socket } from "@pysocket/pysocket";
   * using s = socket();
   * console.log(s.fileno() >= 0);
   * ```
   */
  fileno(): number {
    return this.#fd;
  }

  /**
   * A new socket on a duplicate of the descriptor, with the same timeout.
   *
   * @returns the new socket
   * @throws {OSError} when the descriptor is closed or the table is full
   * @example
   * ```ts
   * import { socket } from "@pysocket/pysocket";
   * using s = socket();
   * using d = s.dup();
   * console.log(d.fileno() !== s.fileno());
   * ```
   */
  dup(): Socket<A, Datagram> {
    const fd = native.dup(this.#fd);
    if (fd < 0) raiseErrno();
    const s = new Socket<A, Datagram>(this.#family, this.#type, this.#proto, fd);
    s.settimeout(this.#timeout);
    return s;
  }

  // --- addresses ---------------------------------------------------------------

  /**
   * Binds the socket to an address.
   *
   * @param address `[host, port]`, `[host, port, flowinfo, scope_id]` or a path
   * @throws {OSError} e.g. `EADDRINUSE`; {@link gaierror} for an unknown host
   * @throws {TypeError} for an address of the wrong shape
   * @throws {RangeError} for a port outside 0-65535
   * @example
   * ```ts
   * import { socket } from "@pysocket/pysocket";
   * using s = socket();
   * s.bind(["127.0.0.1", 0]);
   * ```
   */
  bind(address: Address): void {
    const len = this.#sockaddr(address, "bind");
    this.#check(native.bind(this.#fd, sockaddr, len));
  }

  /**
   * Connects to a remote address. In timeout mode it waits at most the
   * timeout; non-blocking it throws BlockingIOError (EINPROGRESS).
   *
   * @param address the peer's address
   * @throws {ConnectionRefusedError} when nothing listens there
   * @throws {TimeoutError} when the timeout expires
   * @example
   * ```ts
   * import { socket } from "@pysocket/pysocket";
   * using srv = socket();
   * srv.bind(["127.0.0.1", 0]);
   * srv.listen();
   * using c = socket();
   * c.connect(srv.getsockname());
   * ```
   */
  connect(address: Address): void {
    this.#connect(address, true);
  }

  /**
   * Like `connect`, but returns the errno value (0 on success) instead of
   * throwing for OS errors. Bad addresses still throw.
   *
   * @param address the peer's address
   * @returns 0, or the error code
   * @example
   * ```ts
   * import { socket } from "@pysocket/pysocket";
   * using s = socket();
   * console.log(s.connect_ex(["127.0.0.1", 1])); // 111 (ECONNREFUSED) on Linux
   * ```
   */
  connect_ex(address: Address): number {
    return this.#connect(address, false);
  }

  #connect(address: unknown, raise: boolean): number {
    const len = this.#sockaddr(address, raise ? "connect" : "connect_ex");
    if (native.connect(this.#fd, sockaddr, len) === 0) return 0;
    let e = native.errno();
    const t = this.#timeout;
    if (e === errno.EINTR || (e === errno.CONNECTING && t)) {
      // The connection goes on in the background: wait for it, then ask how it went.
      try {
        this.#wait(WRITABLE, t ? performance.now() + t * 1000 : Infinity);
      } catch (err) {
        if (!raise && err instanceof OSError) return err.errno ?? errno.EWOULDBLOCK;
        throw err;
      }
      e = this.getsockopt(constants.SOL_SOCKET, constants.SO_ERROR);
      if (e === 0) return 0;
    }
    if (raise) throw osError(e);
    return e;
  }

  /**
   * The socket's own address.
   *
   * @returns the address in Python's form
   * @throws {OSError} on a closed socket
   * @example
   * ```ts
   * import { socket } from "@pysocket/pysocket";
   * using s = socket();
   * s.bind(["127.0.0.1", 0]);
   * const [host, port] = s.getsockname();
   * ```
   */
  getsockname(): A {
    sockaddrLen[0] = sockaddr.byteLength;
    this.#check(native.getsockname(this.#fd, sockaddr, sockaddrLen));
    return this.#address();
  }

  /**
   * The connected peer's address.
   *
   * @returns the address in Python's form
   * @throws {OSError} ENOTCONN when not connected
   * @example
   * ```ts
   * import { socketpair } from "@pysocket/pysocket";
   * const [a, b] = socketpair();
   * console.log(a.getpeername()); // "" (unnamed AF_UNIX peer)
   * a.close();
   * b.close();
   * ```
   */
  getpeername(): A {
    sockaddrLen[0] = sockaddr.byteLength;
    this.#check(native.getpeername(this.#fd, sockaddr, sockaddrLen));
    return this.#address();
  }

  /**
   * Listens for connections.
   *
   * @param backlog queue length; default min(SOMAXCONN, 128), as Python
   * @throws {OSError} when the socket cannot listen
   * @example
   * ```ts
   * import { socket } from "@pysocket/pysocket";
   * using s = socket();
   * s.bind(["127.0.0.1", 0]);
   * s.listen(5);
   * ```
   */
  listen(backlog?: number): void {
    let b = backlog === undefined ? Math.min(constants.SOMAXCONN, 128) : toCInt(backlog);
    if (b < 0) b = 0;
    this.#check(native.listen(this.#fd, b));
  }

  /**
   * Accepts a connection.
   *
   * @returns `[socket, address]` for the new connection
   * @throws {BlockingIOError} non-blocking with none pending
   * @throws {TimeoutError} when the timeout expires
   * @example
   * ```ts
   * import { socket } from "@pysocket/pysocket";
   * using srv = socket();
   * srv.bind(["127.0.0.1", 0]);
   * srv.listen();
   * using c = socket();
   * c.connect(srv.getsockname());
   * const [conn, addr] = srv.accept();
   * conn.close();
   * ```
   */
  accept(): [Socket<A, Datagram>, A] {
    // AF_ALG's accept takes no address buffer (with one, Linux fails it with
    // ECONNABORTED): the address is None, as Python's is (bpo-31705).
    const alg = this.#family === constants.AF_ALG;
    const op = () => {
      sockaddrLen[0] = alg ? 0 : sockaddr.byteLength;
      return native.accept(this.#fd, alg ? null : sockaddr, alg ? null : sockaddrLen);
    };
    let fd = op();
    if (fd < 0) fd = this.#retry(READABLE, op);
    const address = this.#address();
    const sock = new Socket<A, Datagram>(this.#family, this.#type, this.#proto, fd);
    if (defaultTimeout === null && this.#timeout) sock.setblocking(true);
    return [sock, address];
  }

  // --- options and modes ---------------------------------------------------------

  /**
   * Reads a socket option: an integer, or with `buflen` the raw bytes.
   *
   * @param level e.g. `SOL_SOCKET`
   * @param optname e.g. `SO_RCVBUF`
   * @param buflen size of the bytes form (1-1024); 0 or absent for an int
   * @returns the integer value, or the option's bytes
   * @throws {OSError} for an unknown option, or a buflen out of range
   * @example
   * ```ts
   * import { SO_TYPE, SOL_SOCKET, socket } from "@pysocket/pysocket";
   * using s = socket();
   * console.log(s.getsockopt(SOL_SOCKET, SO_TYPE)); // 1
   * console.log(s.getsockopt(SOL_SOCKET, SO_TYPE, 4)); // Uint8Array(4) [1, 0, 0, 0]
   * ```
   */
  getsockopt(level: number, optname: number): number;
  /**
   * Reads a socket option's raw bytes, as Python's
   * `getsockopt(level, optname, buflen)` (typed as Python's typeshed types it:
   * a `buflen` of 0 reads the integer, as Python does).
   *
   * @param level e.g. `SOL_SOCKET`
   * @param optname e.g. `SO_LINGER`
   * @param buflen size of the bytes form (1-1024)
   * @returns the option's bytes
   */
  getsockopt(level: number, optname: number, buflen: number): Uint8Array;
  /**
   * Reads a socket option, for callers that pass `buflen` on: the integer
   * without it, the bytes with it.
   *
   * @param level e.g. `SOL_SOCKET`
   * @param optname e.g. `SO_RCVBUF`
   * @param buflen size of the bytes form (1-1024); 0 or absent for an int
   * @returns the integer value, or the option's bytes
   */
  getsockopt(level: number, optname: number, buflen?: number): number | Uint8Array;
  getsockopt(level: number, optname: number, buflen?: number): number | Uint8Array {
    level = toCInt(level);
    optname = toCInt(optname);
    const n = buflen === undefined ? 0 : toCInt(buflen);
    if (n === 0 && this.#family === constants.AF_VSOCK) {
      // An AF_VSOCK socket's options are 64-bit, and Python reads every one so.
      sockaddrLen[0] = 8;
      optLong[0] = 0n;
      this.#check(native.getsockopt(this.#fd, level, optname, optLongBytes, sockaddrLen));
      const v = optLong[0];
      return v > BigInt(Number.MAX_SAFE_INTEGER) ? v as unknown as number : Number(v);
    }
    if (n === 0) {
      sockaddrLen[0] = 4;
      optInt[0] = 0;
      this.#check(
        native.getsockopt(this.#fd, level, optname, optIntBytes, sockaddrLen),
      );
      return optInt[0];
    }
    if (n < 0 || n > 1024) throw new OSError("getsockopt buflen out of range");
    const buf = receiveBuffer(n);
    sockaddrLen[0] = n;
    this.#check(native.getsockopt(this.#fd, level, optname, buf, sockaddrLen));
    return received(buf, sockaddrLen[0]);
  }

  /**
   * Sets a socket option: an integer, bytes, or `null` with an explicit length
   * (Python's `setsockopt(level, opt, None, optlen)`).
   *
   * @param level e.g. `SOL_SOCKET`
   * @param optname e.g. `SO_REUSEADDR`
   * @param value an integer (a C int), the option's bytes, or `null`
   * @param optlen with `null`: the length to pass
   * @throws {OSError} when the OS rejects the option
   * @throws {TypeError} for a value of the wrong type
   * @example
   * ```ts
   * import { SO_REUSEADDR, SOL_SOCKET, socket } from "@pysocket/pysocket";
   * using s = socket();
   * s.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1);
   * ```
   */
  setsockopt(
    level: number,
    optname: number,
    value: number | boolean | ArrayBufferView | ArrayBuffer | null,
    optlen?: number,
  ): void {
    level = toCInt(level);
    optname = toCInt(optname);
    if (optlen !== undefined) {
      // Python's setsockopt(level, optname, None, optlen): a C unsigned int, not
      // checked (its bits above 32 dropped); anything else takes three arguments.
      if (
        value !== null ||
        !(typeof optlen === "bigint" || typeof optlen === "boolean" || Number.isInteger(optlen))
      ) {
        throw new TypeError("setsockopt() takes exactly 3 arguments (4 given)");
      }
      this.#check(native.setsockopt(this.#fd, level, optname, null, toUInt32Mask(optlen)));
      return;
    }
    if (this.#family === constants.AF_VSOCK) {
      // Python sets every AF_VSOCK option as a 64-bit integer (its "K": wrapped, not checked).
      if (typeof value !== "number" && typeof value !== "bigint" && typeof value !== "boolean") {
        throw new TypeError(`setsockopt() argument 3 must be int, not ${pyType(value)}`);
      }
      if (typeof value === "number" && !Number.isInteger(value)) {
        throw new TypeError("setsockopt() argument 3 must be int, not float");
      }
      optLong[0] = BigInt.asUintN(64, BigInt(value));
      this.#check(native.setsockopt(this.#fd, level, optname, optLongBytes, 8));
      return;
    }
    if (
      (typeof value === "number" && Number.isInteger(value)) || typeof value === "boolean" ||
      typeof value === "bigint"
    ) {
      const n = toInt(value);
      // Python tries the int form, then the bytes form, and reports the latter.
      if (n > 0x7fffffff || n < -0x80000000) {
        throw new TypeError("a bytes-like object is required, not 'int'");
      }
      optInt[0] = n;
      this.#check(native.setsockopt(this.#fd, level, optname, optIntBytes, 4));
      return;
    }
    const bytes = toBuffer(value);
    this.#check(native.setsockopt(this.#fd, level, optname, bytes, bytes.byteLength));
  }

  #setTimeout(t: number | null): void {
    this.#timeout = t;
    // Timeout mode runs the descriptor non-blocking and waits with poll().
    this.#check(native.setNonblocking(this.#fd, t !== null));
  }

  /**
   * Blocking (`true`, timeout `null`) or non-blocking (`false`, timeout 0).
   *
   * @param flag whether calls block
   * @throws {OSError} on a closed socket
   * @example
   * ```ts
   * import { socket } from "@pysocket/pysocket";
   * using s = socket();
   * s.setblocking(false);
   * console.log(s.getblocking(), s.gettimeout()); // false 0
   * ```
   */
  setblocking(flag: boolean): void {
    // Python reads the flag as a C long; a bool is one.
    this.#setTimeout(toCLong(flag) ? null : 0);
  }

  /**
   * Whether the socket is in blocking (or timeout) mode.
   *
   * @returns `false` only when non-blocking
   * @example
   * ```ts
   * import { socket } from "@pysocket/pysocket";
   * using s = socket();
   * console.log(s.getblocking()); // true
   * ```
   */
  getblocking(): boolean {
    return this.#timeout !== 0;
  }

  /**
   * Sets the timeout: seconds (blocking calls throw TimeoutError after it),
   * 0 (non-blocking) or `null` (blocking).
   *
   * @param value seconds, or `null`
   * @throws {RangeError} for a negative or NaN value
   * @throws {OSError} on a closed socket
   * @example
   * ```ts
   * import { socket } from "@pysocket/pysocket";
   * using s = socket();
   * s.settimeout(2.5);
   * ```
   */
  settimeout(value: number | null): void {
    this.#setTimeout(toTimeout(value));
  }

  /**
   * The timeout in seconds, 0 when non-blocking, `null` when blocking.
   *
   * @returns the timeout
   * @example
   * ```ts
   * import { socket } from "@pysocket/pysocket";
   * using s = socket();
   * console.log(s.gettimeout()); // null
   * ```
   */
  gettimeout(): number | null {
    return this.#timeout;
  }

  /**
   * Whether child processes inherit the descriptor (new sockets: `false`).
   *
   * @returns the inheritable flag
   * @throws {OSError} on a closed socket
   * @example
   * ```ts
   * import { socket } from "@pysocket/pysocket";
   * using s = socket();
   * console.log(s.get_inheritable()); // false
   * ```
   */
  get_inheritable(): boolean {
    const r = native.getInheritable(this.#fd);
    if (r < 0) raiseErrno();
    return r === 1;
  }

  /**
   * Sets whether child processes inherit the descriptor.
   *
   * @param inheritable the new flag
   * @throws {OSError} on a closed socket
   * @example
   * ```ts
   * import { socket } from "@pysocket/pysocket";
   * using s = socket();
   * s.set_inheritable(true);
   * ```
   */
  set_inheritable(inheritable: boolean): void {
    // Python's os.set_inheritable reads the flag as a C int; a bool is one.
    this.#check(native.setInheritable(this.#fd, toClinicInt(inheritable) !== 0));
  }

  /**
   * Shuts down one or both directions.
   *
   * @param how `SHUT_RD`, `SHUT_WR` or `SHUT_RDWR`
   * @throws {OSError} ENOTCONN when not connected
   * @example
   * ```ts
   * import { SHUT_WR, socketpair } from "@pysocket/pysocket";
   * const [a, b] = socketpair();
   * a.shutdown(SHUT_WR);
   * console.log(b.recv(10).length); // 0
   * a.close();
   * b.close();
   * ```
   */
  shutdown(how: number): void {
    this.#check(native.shutdown(this.#fd, toClinicInt(how)));
  }

  // --- receiving ----------------------------------------------------------------

  /**
   * Receives up to `bufsize` bytes. An empty result means the peer closed.
   *
   * The result is exactly as long as what came, however large `bufsize` is,
   * and costs what it holds: results of up to 4 KiB are views of a shared
   * 8 KiB `ArrayBuffer`, as Node's pooled Buffers are. Each is yours to keep
   * and write to, and never overlaps another; its `.buffer` holds others
   * too (`.slice()` gives one of its own).
   *
   * @param bufsize the most bytes to return
   * @param flags `MSG_PEEK` and friends
   * @returns the bytes received
   * @throws {RangeError} for a negative bufsize
   * @throws {TimeoutError} when the timeout expires
   * @example
   * ```ts
   * import { socketpair } from "@pysocket/pysocket";
   * const [a, b] = socketpair();
   * a.sendall("hi");
   * console.log(new TextDecoder().decode(b.recv(1024))); // "hi"
   * a.close();
   * b.close();
   * ```
   */
  recv(bufsize: number, flags = 0): Uint8Array {
    const size = toSize(bufsize);
    flags = flagsOf(flags);
    if (size < 0) throw new RangeError("negative buffersize in recv");
    // As Python: nothing asked, nothing done (not even on a closed socket).
    if (size === 0) return new Uint8Array(0);
    const buf = receiveBuffer(size, this.#large);
    let n = native.recv(this.#fd, buf, flags);
    if (n < 0) n = this.#recvAgain(buf, flags);
    this.#large = isLarge(n);
    return received(buf, n);
  }

  /** recv(bufsize) tried once, for the async layer: null when it failed (see `quiet`). */
  #recvQuiet(bufsize: number): Uint8Array | null {
    const size = toSize(bufsize);
    if (size < 0) throw new RangeError("negative buffersize in recv");
    if (size === 0) return new Uint8Array(0);
    const buf = receiveBuffer(size, this.#large);
    const n = native.recv(this.#fd, buf, 0);
    if (n < 0) {
      unused(buf);
      return null;
    }
    this.#large = isLarge(n);
    return received(buf, n);
  }

  /**
   * Receives into an existing buffer, without allocating.
   *
   * @param buffer where the bytes go
   * @param nbytes the most to receive (0: the buffer's length)
   * @param flags `MSG_PEEK` and friends
   * @returns the number of bytes received
   * @throws {RangeError} when nbytes is negative or larger than the buffer
   * @throws {TypeError} when buffer is not a view or an ArrayBuffer
   * @example
   * ```ts
   * import { socketpair } from "@pysocket/pysocket";
   * const [a, b] = socketpair();
   * a.send(new Uint8Array([1, 2, 3]));
   * const buf = new Uint8Array(16);
   * console.log(b.recv_into(buf)); // 3
   * a.close();
   * b.close();
   * ```
   */
  recv_into(buffer: ArrayBufferView | ArrayBuffer, nbytes = 0, flags = 0): number {
    const tooBig = "buffer too small for requested bytes";
    let view: Uint8Array;
    // The defaults can fail no check, so the usual call skips the pair.
    if (nbytes === 0 && flags === 0) view = intoView(buffer, 0, "recv_into", tooBig);
    else [view, flags] = intoView(buffer, nbytes, "recv_into", tooBig, flags);
    // As Python: nothing asked, nothing done (not even on a closed socket).
    if (view.byteLength === 0) return 0;
    let n = native.recv(this.#fd, view, flags);
    if (n < 0) n = this.#recvAgain(view, flags);
    return n;
  }

  /**
   * Receives data and the sender's address. The data is as {@link Socket.recv}'s:
   * exactly what came, up to 4 KiB as a view of a shared buffer.
   *
   * @param bufsize the most bytes to return
   * @param flags `MSG_PEEK` and friends
   * @returns `[data, address]`; the address is `null` where the OS gives none
   * @throws {RangeError} for a negative bufsize
   * @example
   * ```ts
   * import { AF_INET, SOCK_DGRAM, socket } from "@pysocket/pysocket";
   * using a = socket(AF_INET, SOCK_DGRAM);
   * a.bind(["127.0.0.1", 0]);
   * using b = socket(AF_INET, SOCK_DGRAM);
   * b.sendto("ping", a.getsockname());
   * const [data, from] = a.recvfrom(1500);
   * ```
   */
  recvfrom(bufsize: number, flags = 0): [Uint8Array, Sender<A, Datagram>] {
    const size = toSize(bufsize);
    flags = flagsOf(flags);
    if (size < 0) throw new RangeError("negative buffersize in recvfrom");
    const buf = receiveBuffer(size);
    const n = this.#recvfrom(buf, flags);
    return [received(buf, n), this.#sender()];
  }

  /** recvfrom(bufsize) tried once, for the async layer: null when it failed (see `quiet`). */
  #recvfromQuiet(bufsize: number): [Uint8Array, Sender<A, Datagram>] | null {
    const size = toSize(bufsize);
    if (size < 0) throw new RangeError("negative buffersize in recvfrom");
    const buf = receiveBuffer(size);
    const n = this.#recvfromOnce(buf, 0);
    if (n < 0) {
      unused(buf);
      return null;
    }
    return [received(buf, n), this.#sender()];
  }

  #recvfrom(buf: Uint8Array, flags: number): number {
    const n = this.#recvfromOnce(buf, flags);
    return n >= 0 ? n : this.#recvfromAgain(buf, flags);
  }

  #recvfromOnce(buf: Uint8Array, flags: number): number {
    sockaddrLen[0] = sockaddr.byteLength;
    return native.recvfrom(this.#fd, buf, flags, sockaddr, sockaddrLen);
  }

  /**
   * Receives into a buffer, with the sender's address.
   *
   * @param buffer where the bytes go
   * @param nbytes the most to receive (0: the buffer's length)
   * @param flags `MSG_PEEK` and friends
   * @returns `[nbytes, address]`
   * @throws {RangeError} when nbytes is negative or larger than the buffer
   * @throws {TypeError} when buffer is not a view or an ArrayBuffer
   * @example
   * ```ts
   * import { AF_INET, SOCK_DGRAM, socket } from "@pysocket/pysocket";
   * using a = socket(AF_INET, SOCK_DGRAM);
   * a.bind(["127.0.0.1", 0]);
   * a.sendto("x", a.getsockname());
   * const [n, from] = a.recvfrom_into(new Uint8Array(64));
   * ```
   */
  recvfrom_into(
    buffer: ArrayBufferView | ArrayBuffer,
    nbytes = 0,
    flags = 0,
  ): [number, Sender<A, Datagram>] {
    const tooBig = "nbytes is greater than the length of the buffer";
    let view: Uint8Array;
    if (nbytes === 0 && flags === 0) view = intoView(buffer, 0, "recvfrom_into", tooBig);
    else [view, flags] = intoView(buffer, nbytes, "recvfrom_into", tooBig, flags);
    const n = this.#recvfrom(view, flags);
    return [n, this.#sender()];
  }

  /**
   * Receives data and ancillary data (control messages). The data is as
   * {@link Socket.recv}'s: exactly what came, up to 4 KiB as a view of a shared buffer.
   *
   * @param bufsize the most data bytes
   * @param ancbufsize room for ancillary data (see `CMSG_SPACE`)
   * @param flags `MSG_PEEK` and friends
   * @returns `[data, ancdata, msg_flags, address]`
   * @throws {RangeError} for negative sizes
   * @example
   * ```ts
   * import { CMSG_SPACE, socketpair } from "@pysocket/pysocket";
   * const [a, b] = socketpair();
   * a.sendmsg(["hi"]);
   * const [data, anc, flags, addr] = b.recvmsg(16, CMSG_SPACE(4));
   * a.close();
   * b.close();
   * ```
   */
  recvmsg(
    bufsize: number,
    ancbufsize = 0,
    flags = 0,
  ): [Uint8Array, AncData[], number, Sender<A, Datagram>] {
    if (!native.recvmsg) noAttribute("recvmsg");
    const size = toSize(bufsize);
    const anc = toSize(ancbufsize);
    flags = toCInt(flags);
    if (size < 0) throw new RangeError("negative buffer size in recvmsg()");
    const buf = receiveBuffer(size);
    const [n, ancdata, mflags, addr] = this.#recvmsg([buf], anc, flags);
    return [received(buf, n), ancdata, mflags, addr];
  }

  /**
   * Receives into several buffers, with ancillary data.
   *
   * @param buffers the buffers to fill, in order
   * @param ancbufsize room for ancillary data
   * @param flags `MSG_PEEK` and friends
   * @returns `[nbytes, ancdata, msg_flags, address]`
   * @throws {RangeError} for a negative ancbufsize
   * @throws {TypeError} when buffers is not an iterable of views or ArrayBuffers
   * @example
   * ```ts
   * import { socketpair } from "@pysocket/pysocket";
   * const [a, b] = socketpair();
   * a.send("hello");
   * const head = new Uint8Array(2), rest = new Uint8Array(8);
   * const [n] = b.recvmsg_into([head, rest]);
   * a.close();
   * b.close();
   * ```
   */
  recvmsg_into(
    buffers: Iterable<ArrayBufferView | ArrayBuffer>,
    ancbufsize = 0,
    flags = 0,
  ): [number, AncData[], number, Sender<A, Datagram>] {
    if (!native.recvmsg) noAttribute("recvmsg_into");
    const anc = toSize(ancbufsize);
    flags = toCInt(flags);
    const bufs = items(buffers, "recvmsg_into() argument 1 must be an iterable").map((b) => {
      if (isBytesLike(b)) return toBytes(b);
      throw new TypeError(
        "recvmsg_into() argument 1 must be an iterable of single-segment read-write buffers",
      );
    });
    return this.#recvmsg(bufs, anc, flags);
  }

  #recvmsg(
    bufs: Uint8Array[],
    anc: number,
    f: number,
  ): [number, AncData[], number, Sender<A, Datagram>] {
    if (anc < 0 || anc > 0x7fffffff) throw new RangeError("invalid ancillary data buffer length");
    const op = () => native.recvmsg!(this.#fd, bufs, anc, f, sockaddr.byteLength);
    let r = op();
    if (r.n < 0) {
      this.#retry(READABLE, () => (r = op()).n);
    }
    return [
      r.n,
      r.ancillary,
      r.flags,
      codec.decode(r.addr, undefined, this.#proto) as Sender<A, Datagram>,
    ];
  }

  // --- sending --------------------------------------------------------------------

  /**
   * Sends data; may send only part of it.
   *
   * @param data bytes, any view or buffer, or a string (UTF-8)
   * @param flags `MSG_DONTWAIT` and friends
   * @returns the number of bytes sent
   * @throws {BrokenPipeError} when the peer is gone
   * @example
   * ```ts
   * import { socketpair } from "@pysocket/pysocket";
   * const [a, b] = socketpair();
   * console.log(a.send("abc")); // 3
   * a.close();
   * b.close();
   * ```
   */
  send(data: Data, flags = 0): number {
    const buf = toBytes(data);
    flags = flagsOf(flags);
    let n = native.send(this.#fd, buf, flags);
    if (n < 0) n = this.#sendAgain(buf, flags);
    return n;
  }

  /**
   * Sends all of the data, looping over partial sends. In timeout mode the
   * timeout bounds the whole call.
   *
   * @param data bytes, any view or buffer, or a string (UTF-8)
   * @param flags `MSG_DONTWAIT` and friends
   * @throws {TimeoutError} when the timeout expires first
   * @throws {BrokenPipeError} when the peer is gone
   * @example
   * ```ts
   * import { socketpair } from "@pysocket/pysocket";
   * const [a, b] = socketpair();
   * a.sendall("hello");
   * a.close();
   * b.close();
   * ```
   */
  sendall(data: Data, flags = 0): void {
    const buf = toBytes(data);
    flags = flagsOf(flags);
    const deadline = this.#timeout ? performance.now() + this.#timeout * 1000 : undefined;
    let off = 0;
    // At least one send, as Python: sending nothing on a closed or
    // unconnected socket fails as sending something does.
    do {
      const part = off === 0 ? buf : buf.subarray(off);
      let n = native.send(this.#fd, part, flags);
      if (n < 0) n = this.#sendAgain(part, flags, deadline);
      off += n;
    } while (off < buf.byteLength);
  }

  /**
   * Sends a datagram to an address: `sendto(data, address)` or
   * `sendto(data, flags, address)`, as Python.
   *
   * @param data bytes, any view or buffer, or a string (UTF-8)
   * @param flagsOrAddress the flags, or the address
   * @param address the address, when flags are given
   * @returns the number of bytes sent
   * @throws {TypeError} without an address
   * @example
   * ```ts
   * import { AF_INET, SOCK_DGRAM, socket } from "@pysocket/pysocket";
   * using s = socket(AF_INET, SOCK_DGRAM);
   * s.sendto("ping", ["127.0.0.1", 9]);
   * ```
   */
  sendto(data: Data, flagsOrAddress: number | Address, address?: Address): number {
    let flags = 0;
    let addr: unknown = flagsOrAddress;
    if (arguments.length < 2 || arguments.length > 3) {
      throw new TypeError(`sendto() takes 2 or 3 arguments (${arguments.length} given)`);
    }
    const buf = toBytes(data);
    if (arguments.length >= 3) {
      flags = toCInt(flagsOrAddress);
      addr = address;
    }
    const len = this.#sockaddr(addr, "sendto");
    const n = native.sendto(this.#fd, buf, flags, sockaddr, len);
    return n >= 0 ? n : this.#sendtoAgain(buf, flags, len);
  }

  /**
   * Sends data from several buffers and ancillary data in one call.
   *
   * @param buffers the data, gathered in order
   * @param ancdata `[level, type, data]` control messages
   * @param flags send flags
   * @param address destination, for unconnected sockets
   * @returns the number of data bytes sent
   * @throws {OSError} when the OS rejects the message
   * @example
   * ```ts
   * import { SCM_RIGHTS, SOL_SOCKET, socketpair } from "@pysocket/pysocket";
   * const [a, b] = socketpair();
   * a.sendmsg(["fd follows"], [[SOL_SOCKET, SCM_RIGHTS!, new Int32Array([0])]]);
   * a.close();
   * b.close();
   * ```
   */
  sendmsg(
    buffers: Iterable<Data>,
    ancdata: Iterable<[number, number, Data]> = [],
    flags = 0,
    address: Address | null = null,
  ): number {
    if (!native.sendmsg) noAttribute("sendmsg");
    // Python's order: the flags, the address, the buffers, the control messages.
    const f = toCInt(flags);
    let addr: Uint8Array | null = null;
    if (address !== null && address !== undefined) {
      addr = sockaddr.slice(0, this.#sockaddr(address, "sendmsg"));
    }
    const bufs = items(buffers, "sendmsg() argument 1 must be an iterable").map(toBytes);
    const anc = items(ancdata, "sendmsg() argument 2 must be an iterable").map(ancItem);
    const op = () => native.sendmsg!(this.#fd, bufs, anc, f, addr);
    const n = op();
    return n < 0 ? this.#retry(WRITABLE, op) : n;
  }

  /**
   * Sends to an AF_ALG operation socket with its settings as ancillary data:
   * Python's `sendmsg_afalg(msg, *, op, iv, assoclen, flags)`.
   *
   * @param msg the data, as buffers (may be empty)
   * @param options `op` (required: `ALG_OP_ENCRYPT` or `ALG_OP_DECRYPT`),
   *   `iv` (bytes), `assoclen` (AEAD's associated data length), `flags`
   * @returns the number of bytes sent
   * @throws {OSError} "algset is only supported for AF_ALG" on another family
   * @throws {TypeError} when `op` is missing or negative, `assoclen` is negative or not an
   *   int, or `iv` is not bytes (null included, as Python's None)
   * @example
   * ```ts ignore
   * import { AF_ALG, ALG_OP_ENCRYPT, ALG_SET_KEY, SOCK_SEQPACKET, SOL_ALG, socket } from "@pysocket/pysocket";
   * using algo = socket(AF_ALG!, SOCK_SEQPACKET);
   * algo.bind(["skcipher", "cbc(aes)"]);
   * algo.setsockopt(SOL_ALG!, ALG_SET_KEY!, new Uint8Array(16));
   * const [op] = algo.accept();
   * op.sendmsg_afalg(["sixteen bytes!!!"], { op: ALG_OP_ENCRYPT!, iv: new Uint8Array(16) });
   * console.log(op.recv(16));
   * ```
   */
  sendmsg_afalg(
    msg: Iterable<Data> = [],
    options: { op: number; iv?: Data; assoclen?: number; flags?: number },
  ): number {
    if (this.#family !== constants.AF_ALG) throw new OSError("algset is only supported for AF_ALG");
    // An option left out is undefined; null is Python's None, which iv and assoclen refuse.
    const { op, iv, assoclen, flags = 0 } = options ?? {};
    const opInt = op === undefined ? -1 : toCIntOf(op, "op");
    if (opInt < 0) throw new TypeError("Invalid or missing argument 'op'");
    const word = (v: number) => {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setUint32(0, v, true);
      return b;
    };
    const anc: [number, number, Uint8Array][] = [[
      constants.SOL_ALG,
      constants.ALG_SET_OP,
      word(opInt),
    ]];
    if (iv !== undefined) {
      if (typeof iv === "string") throw new TypeError("a bytes-like object is required, not 'str'");
      const bytes = toBytes(iv);
      const ivStruct = new Uint8Array(4 + bytes.byteLength); // struct af_alg_iv
      new DataView(ivStruct.buffer).setUint32(0, bytes.byteLength, true);
      ivStruct.set(bytes, 4);
      anc.push([constants.SOL_ALG, constants.ALG_SET_IV, ivStruct]);
    }
    if (assoclen !== undefined) {
      const n = toCIntOf(assoclen, "assoclen");
      if (n < 0) throw new TypeError("assoclen must be positive");
      anc.push([constants.SOL_ALG, constants.ALG_SET_AEAD_ASSOCLEN, word(n)]);
    }
    return this.sendmsg(msg, anc, flags);
  }

  /**
   * Sends a file, zero-copy where the OS has sendfile(2), else by reading and
   * sending. Python's `socket.sendfile(file, offset, count)`.
   *
   * The file is a descriptor, a path, a file object or a `Deno.FsFile`. A
   * descriptor, a path, or an object with `fileno()` is sent by sendfile(2)
   * from `offset` (a descriptor's own position is neither used nor moved). An
   * object without `fileno()` is read and sent, as Python's
   * `_sendfile_use_send`: `read(size)` (or a Deno.FsFile's `readSync`) from
   * its position, after `seek(offset)` when `offset` is not 0. Either way a
   * file object that has `seek` (or `seekSync`) is left at `offset + sent`,
   * on return and when sending fails part way, as Python leaves it. An object
   * whose `mode` lacks "b" (a text file) is refused.
   *
   * @param file a descriptor, a path, a file object, or a `Deno.FsFile`
   * @param offset where in the file to start
   * @param count how many bytes at most (`null`: to the end)
   * @returns the number of bytes sent
   * @throws {RangeError} for a non-stream or non-blocking socket, a text-mode
   *   file, or bad offset/count
   * @throws {TimeoutError} when the socket has a timeout and stays unwritable that long
   * @example
   * ```ts
   * import { socketpair } from "@pysocket/pysocket";
   * const [a, b] = socketpair();
   * using file = Deno.openSync("/etc/hostname");
   * const sent = a.sendfile(file, 0); // read and sent; file's position is now `sent`
   * a.sendfile("/etc/hostname"); // a path: zero-copy
   * a.close();
   * b.close();
   * ```
   */
  sendfile(file: SendfileSource, offset = 0, count: number | null = null): number {
    // Python's order: the file's mode, the type, the count, the file's
    // fileno() (what has none, Python reads and sends, checking the
    // blocking mode first), the blocking mode, then the offset as
    // os.sendfile() takes it (None: the file's start; negative: EINVAL).
    checkBinaryMode(file);
    if (!(this.#type & constants.SOCK_STREAM)) {
      throw new RangeError("only SOCK_STREAM type sockets are supported");
    }
    if (count !== null && count !== undefined) {
      if (!isInt(count)) {
        throw new TypeError(`count must be a positive integer (got ${repr(count)})`);
      }
      if (count <= 0) {
        throw new RangeError(`count must be a positive integer (got ${repr(count)})`);
      }
    }
    if (!hasDescriptor(file)) {
      if (this.#timeout === 0) throw new RangeError("non-blocking sockets are not supported");
      return this.#sendfileByReading(file, offset ?? 0, count ?? 0);
    }
    const fileno = typeof file === "object" && file !== null && !(file instanceof URL);
    if (!fileno && this.#timeout === 0) {
      throw new RangeError("non-blocking sockets are not supported");
    }
    const src = sendfileSource(constants.SOCK_STREAM, file, 0, count);
    let start = 0;
    // Where sending has reached: sendfile(2) advances it.
    const at = new BigInt64Array(1);
    try {
      if (this.#timeout === 0) throw new RangeError("non-blocking sockets are not supported");
      start = offset === null ? 0 : toCLong(offset);
      if (start < 0) throw osError(errno.EINVAL);
      at[0] = BigInt(start);
      this.#sendfile(src.fd, at, src.count);
      return Number(at[0]) - start;
    } finally {
      src.close();
      if (Number(at[0]) > start) seekTo(file, Number(at[0]));
    }
  }

  /** sendfile(2) from `at[0]`, which it advances, up to `count` bytes or the end. */
  #sendfile(fd: number, at: BigInt64Array, count: number): void {
    const start = Number(at[0]);
    let total = 0;
    while (total < count) {
      const want = Math.min(count - total, 0x40000000);
      const op = () => native.sendfile(this.#fd, fd, at, want);
      let n = op();
      if (n < 0) {
        const e = native.errno();
        if (total === 0 && (e === errno.ENOSYS || e === errno.EINVAL)) {
          for (const part of fileChunks(fd, start, count)) {
            this.sendall(part);
            at[0] += BigInt(part.byteLength);
          }
          return;
        }
        // As Python's, the timeout bounds each wait, not the whole file.
        n = this.#retry(WRITABLE, op);
      }
      if (n === 0) break;
      total += n;
    }
  }

  /** Python's _sendfile_use_send: the file object's own read(), 8 KiB at a time. */
  #sendfileByReading(file: unknown, offset: number, count: number): number {
    let total = 0;
    try {
      for (let data of fileBlocks(file, offset, count, 8192)) {
        while (data.byteLength > 0) {
          const sent = this.send(data);
          total += sent;
          data = data.subarray(sent);
        }
      }
      return total;
    } finally {
      if (total > 0) seekTo(file, offset + total);
    }
  }

  /**
   * Windows only: a Winsock control code, as Python's `socket.ioctl`.
   * `SIO_RCVALL` takes `RCVALL_ON`, `RCVALL_OFF`, ...; `SIO_KEEPALIVE_VALS`
   * takes `[onoff, time_ms, interval_ms]`; `SIO_LOOPBACK_FAST_PATH` takes a
   * boolean.
   *
   * @param control `SIO_RCVALL`, `SIO_KEEPALIVE_VALS` or `SIO_LOOPBACK_FAST_PATH`
   * @param option the control's argument, as above
   * @throws {TypeError} where the OS has no ioctl (as Python, which lacks the
   *   method there), or for an option of the wrong shape
   * @throws {RangeError} for another control code
   * @throws {OSError} when Winsock refuses
   * @example
   * ```ts
   * import { SIO_KEEPALIVE_VALS, socket } from "@pysocket/pysocket";
   * using s = socket();
   * if (SIO_KEEPALIVE_VALS !== undefined) s.ioctl(SIO_KEEPALIVE_VALS, [1, 10_000, 3_000]);
   * ```
   */
  ioctl(control: number, option: number | boolean | [number, number, number]): void {
    if (!native.ioctl) throw new TypeError("'socket' object has no attribute 'ioctl'");
    const code = toInt(control);
    const ulong = (v: unknown) => {
      const n = toInt(v);
      if (n < 0 || n > 0xffffffff) {
        throw new RangeError("Python int too large to convert to C long");
      }
      return n;
    };
    let values: number[];
    if (code === constants.SIO_RCVALL) values = [ulong(option)];
    else if (code === constants.SIO_LOOPBACK_FAST_PATH) values = [option ? 1 : 0];
    else if (code === constants.SIO_KEEPALIVE_VALS) {
      if (!Array.isArray(option) || option.length !== 3) {
        throw new TypeError("ioctl() argument 2 must be a tuple of three integers");
      }
      values = option.map(ulong);
    } else throw new RangeError(`invalid ioctl command ${code}`);
    this.#check(native.ioctl(this.#fd, code, new Uint8Array(new Uint32Array(values).buffer)));
  }

  /**
   * Windows only: bytes with which process `process_id` can open this same
   * socket through `fromshare()`. Python's `socket.share`.
   *
   * @param process_id the receiving process's id
   * @returns the bytes to hand to that process
   * @throws {TypeError} where the OS has no such call
   * @throws {OSError} when Winsock refuses
   * @example
   * ```ts
   * import { fromshare, socket } from "@pysocket/pysocket";
   * using s = socket();
   * if (Deno.build.os === "windows") fromshare(s.share(Deno.pid)).close();
   * ```
   */
  share(process_id: number): Uint8Array {
    if (!native.share) throw new TypeError("'socket' object has no attribute 'share'");
    const info = native.share(this.#fd, toCInt(process_id));
    if (info === null) raiseErrno();
    return info;
  }

  /**
   * A file object over the socket, as Python's `makefile(mode, buffering, *,
   * encoding, errors, newline)`: `read`, `readinto`, `readline`, `write`,
   * `flush`, `close`. Modes "r", "w", "rw", with "b" for bytes; text modes
   * read and write characters in the encoding asked for (UTF-8 by default).
   *
   * @param mode a combination of r, w and b
   * @param buffering buffer size in bytes (default 8192; 0 unbuffered, binary only)
   * @param options Python's keyword arguments for text mode: encoding, errors, newline
   * @returns the file
   * @throws {RangeError} for an invalid mode
   * @example
   * ```ts
   * import { socketpair } from "@pysocket/pysocket";
   * const [a, b] = socketpair();
   * const w = a.makefile("w");
   * w.write("line\n");
   * w.flush();
   * const r = b.makefile("r");
   * console.log(r.readline()); // "line\n"
   * w.close(); r.close(); a.close(); b.close();
   * ```
   */
  makefile(mode = "r", buffering: number | null = null, options: TextOptions = {}): SocketFile {
    return new SocketFile(this, mode, buffering, options);
  }

  /** Python's repr, for `console.log` and `Deno.inspect`. */
  [Symbol.for("Deno.customInspect")](): string {
    return describe({ fd: this.#fd, family: this.#family, type: this.#type, proto: this.#proto });
  }
}

/**
 * Creates a socket, as Python's `socket.socket(family, type, proto, fileno)`.
 *
 * The result's type says what its addresses are when the family's does:
 * `socket(AF_INET6, SOCK_DGRAM)` is a `Socket<Inet6FullAddress, true>`, so
 * its `recvfrom()` gives `[data, [host, port, flowinfo, scope_id]]`; a family
 * known only at run time gives a `Socket` of the wide {@link Address}.
 *
 * @param family address family, default `AF_INET`
 * @param type socket type, default `SOCK_STREAM`
 * @param proto protocol, default 0
 * @param fileno an open socket descriptor to wrap
 * @returns the socket
 * @throws {OSError} when the OS refuses
 * @example
 * ```ts
 * import { AF_INET6, socket, SOCK_DGRAM } from "@pysocket/pysocket";
 * using s = socket(AF_INET6, SOCK_DGRAM);
 * s.bind(["::1", 0]);
 * const [host, port, flowinfo, scope_id] = s.getsockname();
 * ```
 */
export function socket<F extends number = Family<Inet4Address>, T extends number = Kind<false>>(
  family?: F,
  type?: T,
  proto: number = -1,
  fileno: number | null = null,
): Socket<AddressOf<F>, DatagramOf<T>> {
  return new Socket(family, type, proto, fileno);
}

/** Python's `socket.SocketType`: the socket class. */
export const SocketType: typeof Socket = Socket;
