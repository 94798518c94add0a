// asyncio's socket functions (loop.sock_recv and friends), socket first:
// each tries its call at once and, only when that would block, waits for the
// reactor without blocking the event loop.

import { native } from "../../ffi/mod.ts";
import { BlockingIOError, errno, osError, SendfileNotAvailableError } from "../errors.ts";
import {
  park,
  READABLE,
  type Readiness,
  readiness,
  type Waiter,
  watch,
  WRITABLE,
  yieldIfDue,
} from "./reactor.ts";
import { intoView, toBytes } from "../_args.ts";
import type { Address, Sender } from "../address.ts";
import type { Data, Socket } from "../socket.ts";
import {
  checkBinaryMode,
  fileBlocks,
  fileChunks,
  hasDescriptor,
  seekTo,
  type SendfileSource,
  sendfileSource,
} from "../_sendfile.ts";
import { isSocket, quiet } from "../_brand.ts";

const { SOL_SOCKET, SO_ERROR } = native.constants;

/** Options of the async socket functions. */
export interface AsyncOptions {
  /** Aborting it rejects the pending operation with the signal's reason. */
  signal?: AbortSignal;
}

/** The options when none are given: shared, so that a call allocates none. */
const NO_OPTIONS: AsyncOptions = Object.freeze({});
/** What a sock_sendall that sent everything at once gives: one shared promise. */
const SENT: Promise<void> = Promise.resolve();

function checkNonblocking(sock: Socket): void {
  if (!isSocket(sock)) throw new TypeError("a socket object is required");
  if (sock.gettimeout() !== 0) throw new RangeError("the socket must be non-blocking");
}

/** What an operation gives back when its call would block. */
const BLOCKED = Symbol("blocked");
/** What `tryNow` gives back when the event loop must have its turn first. */
const LATER = Symbol("later");
type Op<T> = () => T | typeof BLOCKED;
type Wait = typeof BLOCKED | typeof LATER;

/** Runs `op` at once, unless the turn is up; throws when the signal is aborted. */
function tryNow<T>(op: Op<T>, signal?: AbortSignal): T | typeof BLOCKED | typeof LATER {
  signal?.throwIfAborted();
  return yieldIfDue() === null ? op() : LATER;
}

/**
 * Runs `op` on a non-blocking socket until it does not block, waiting for
 * readiness in between. A call that succeeds at once, the common case under
 * load, settles without an async frame. What it throws rejects the promise.
 */
function attempt<T>(
  sock: Socket,
  wanted: Readiness,
  op: Op<T>,
  signal: AbortSignal | undefined,
): Promise<T> {
  let r: T | typeof BLOCKED | typeof LATER;
  try {
    checkNonblocking(sock);
    r = tryNow(op, signal);
  } catch (e) {
    return Promise.reject(e);
  }
  // (T may not be narrowed by TypeScript, hence the casts)
  if (r === BLOCKED || r === LATER) return wait(sock, wanted, op, signal, r as Wait);
  return Promise.resolve(r as T);
}

/**
 * The rest of `attempt`: parked until the event loop has had its turn
 * (LATER), or waiting for readiness (BLOCKED).
 */
function wait<T>(
  sock: Socket,
  wanted: Readiness,
  op: Op<T>,
  signal: AbortSignal | undefined,
  r: Wait,
): Promise<T> {
  const promise = new Promise<T>(captureSettlers);
  const pending = new PendingOperation<T>(
    sock,
    wanted,
    op,
    signal,
    resolveNext as (value: T) => void,
    rejectNext,
  );
  if (r === BLOCKED) pending.block();
  else park(pending);
  return promise;
}

let resolveNext: (value: never) => void = () => {};
let rejectNext: (reason: unknown) => void = () => {};

/** The executor of every waiting operation's promise: one function, not a closure each. */
function captureSettlers(resolve: (value: never) => void, reject: (reason: unknown) => void) {
  resolveNext = resolve;
  rejectNext = reject;
}

/**
 * An operation that blocked: the reactor's waiter, which tries the call
 * again when told the socket may be ready, until it does not block. A plain
 * object and callbacks, not an async frame and a promise per wait: at one
 * connection every operation waits, and that has to cost little.
 */
class PendingOperation<T> implements Waiter {
  #resolve: (value: T) => void;
  #reject: (reason: unknown) => void;

  constructor(
    readonly sock: Socket,
    readonly wanted: Readiness,
    readonly op: Op<T>,
    public signal: AbortSignal | undefined,
    resolve: (value: T) => void,
    reject: (reason: unknown) => void,
  ) {
    this.#resolve = resolve;
    this.#reject = reject;
  }

  /** Waits for readiness; the waiter is registered in the same step as the call that blocked. */
  block(): void {
    try {
      watch(this.sock.fileno(), this.wanted, this, this.signal, this.sock);
    } catch (e) {
      this.#reject(e);
    }
  }

  /** Tries the call again: now, or after the gate if it is shut. */
  run(): void {
    let got: T | typeof BLOCKED | typeof LATER;
    try {
      got = tryNow(this.op, this.signal);
    } catch (e) {
      return this.#reject(e);
    }
    if (got === LATER) park(this);
    else if (got === BLOCKED) this.block();
    else this.#resolve(got as T);
  }

  fail(reason: unknown): void {
    this.#reject(reason);
  }
}

/** A Socket method as an operation: its BlockingIOError means BLOCKED. */
function fromSocketMethod<T>(call: () => T): Op<T> {
  return () => {
    try {
      return call();
    } catch (e) {
      if (e instanceof BlockingIOError) return BLOCKED;
      throw e;
    }
  };
}

/**
 * What a native call that returned `n` gives as an operation: its count, or
 * BLOCKED; EINTR runs `op` again at once (PEP 475), and any other failure
 * throws.
 */
function resultOf(n: number, op: Op<number>): number | typeof BLOCKED {
  return n >= 0 ? n : failedAgain(op);
}

/**
 * What a woken operation's failed call gives, errno saying why: BLOCKED, or
 * `op` run again at once for EINTR (PEP 475); any other failure throws.
 */
function failedAgain<T>(op: Op<T>): T | typeof BLOCKED {
  const r = failed();
  return r === LATER ? op() : r;
}

/**
 * What a native call's first try, which returned `n`, gives: its count,
 * BLOCKED, or LATER for EINTR (tried again after the turn, PEP 475); any
 * other failure throws. The first try needs no `op` closure, so that a call
 * that succeeds at once allocates only its promise.
 */
function firstTry(n: number): number | Wait {
  return n >= 0 ? n : failed();
}

/**
 * What a first try's failed call gives, errno saying why: BLOCKED, or LATER
 * for EINTR; any other failure throws.
 */
function failed(): Wait {
  const e = native.errno();
  if (e === errno.EAGAIN || e === errno.EWOULDBLOCK) return BLOCKED;
  if (e === errno.EINTR) return LATER;
  throw osError(e);
}

/**
 * Receives up to `nbytes` bytes: Python's `loop.sock_recv`. Resolves with an
 * empty array once the peer has shut down. The bytes are as {@link Socket.recv}'s:
 * exactly what came, up to 4 KiB as a view of a shared buffer.
 *
 * @param sock a non-blocking socket
 * @param nbytes the most bytes to receive
 * @param options `signal` to cancel
 * @returns the bytes received
 * @throws {RangeError} when the socket is not non-blocking
 * @throws {OSError} when the call fails, or EBADF when the socket is closed meanwhile
 * @example
 * ```ts
 * import { sock_recv, sock_sendall, socketpair } from "@pysocket/pysocket";
 * const [a, b] = socketpair();
 * a.setblocking(false);
 * b.setblocking(false);
 * await sock_sendall(a, "hi");
 * console.log(await sock_recv(b, 100));
 * a.close();
 * b.close();
 * ```
 */
export function sock_recv(
  sock: Socket,
  nbytes: number,
  options: AsyncOptions = NO_OPTIONS,
): Promise<Uint8Array> {
  const signal = options?.signal;
  let r: Uint8Array | Wait;
  try {
    checkNonblocking(sock);
    signal?.throwIfAborted();
    r = yieldIfDue() === null ? quiet.recv(sock, nbytes) ?? failed() : LATER;
  } catch (e) {
    return Promise.reject(e);
  }
  if (r !== BLOCKED && r !== LATER) return Promise.resolve(r);
  const op = (): Uint8Array | typeof BLOCKED => quiet.recv(sock, nbytes) ?? failedAgain(op);
  return wait(sock, READABLE, op, signal, r);
}

/**
 * Receives into `buffer`: Python's `loop.sock_recv_into`. An empty buffer
 * resolves 0 at once, without a call, as in Python.
 *
 * @param sock a non-blocking socket
 * @param buffer where the bytes go
 * @param options `signal` to cancel
 * @returns the number of bytes received (0 once the peer has shut down)
 * @throws {RangeError} when the socket is not non-blocking
 * @throws {OSError} when the call fails
 * @example
 * ```ts
 * import { sock_recv_into, sock_sendall, socketpair } from "@pysocket/pysocket";
 * const [a, b] = socketpair();
 * a.setblocking(false);
 * b.setblocking(false);
 * await sock_sendall(a, "hi");
 * const buf = new Uint8Array(10);
 * console.log(await sock_recv_into(b, buf));
 * a.close();
 * b.close();
 * ```
 */
export function sock_recv_into(
  sock: Socket,
  buffer: ArrayBufferView | ArrayBuffer,
  options: AsyncOptions = NO_OPTIONS,
): Promise<number> {
  const signal = options?.signal;
  let view: Uint8Array, r: number | Wait;
  try {
    checkNonblocking(sock);
    signal?.throwIfAborted();
    view = intoView(buffer, 0, "recv_into", "");
    // As asyncio's, through recv_into(): nothing asked, nothing done.
    if (view.byteLength === 0) return Promise.resolve(0);
    r = yieldIfDue() === null ? firstTry(native.recv(sock.fileno(), view, 0)) : LATER;
  } catch (e) {
    return Promise.reject(e);
  }
  if (r !== BLOCKED && r !== LATER) return Promise.resolve(r);
  return recvIntoLater(sock, view, signal, r);
}

/**
 * Receives a datagram and its sender: Python's `loop.sock_recvfrom`.
 *
 * @param sock a non-blocking socket
 * @param bufsize the most bytes to receive
 * @param options `signal` to cancel
 * @returns `[data, address]`
 * @throws {RangeError} when the socket is not non-blocking
 * @throws {OSError} when the call fails
 * @example
 * ```ts
 * import { AF_INET, sock_recvfrom, sock_sendto, SOCK_DGRAM, socket } from "@pysocket/pysocket";
 * using a = socket(AF_INET, SOCK_DGRAM);
 * a.bind(["127.0.0.1", 0]);
 * a.setblocking(false);
 * using b = socket(AF_INET, SOCK_DGRAM);
 * b.setblocking(false);
 * await sock_sendto(b, "ping", a.getsockname());
 * console.log(await sock_recvfrom(a, 100));
 * ```
 */
export function sock_recvfrom<A extends Address, Datagram extends boolean>(
  sock: Socket<A, Datagram>,
  bufsize: number,
  options: AsyncOptions = NO_OPTIONS,
): Promise<[Uint8Array, Sender<A, Datagram>]> {
  type Got = [Uint8Array, Sender<A, Datagram>];
  const signal = options?.signal;
  let r: Got | Wait;
  try {
    checkNonblocking(sock);
    signal?.throwIfAborted();
    r = yieldIfDue() === null ? quiet.recvfrom(sock, bufsize) as Got | null ?? failed() : LATER;
  } catch (e) {
    return Promise.reject(e);
  }
  if (r !== BLOCKED && r !== LATER) return Promise.resolve(r);
  const op = (): Got | typeof BLOCKED =>
    quiet.recvfrom(sock, bufsize) as Got | null ?? failedAgain(op);
  return wait(sock, READABLE, op, signal, r);
}

/**
 * Receives a datagram into `buffer`: Python's `loop.sock_recvfrom_into`.
 *
 * @param sock a non-blocking socket
 * @param buffer where the bytes go
 * @param nbytes the most bytes to receive (0: the buffer's size)
 * @param options `signal` to cancel
 * @returns `[nbytes, address]`
 * @throws {RangeError} when the socket is not non-blocking
 * @throws {OSError} when the call fails
 * @example
 * ```ts
 * import { AF_INET, sock_recvfrom_into, sock_sendto, SOCK_DGRAM, socket } from "@pysocket/pysocket";
 * using a = socket(AF_INET, SOCK_DGRAM);
 * a.bind(["127.0.0.1", 0]);
 * a.setblocking(false);
 * using b = socket(AF_INET, SOCK_DGRAM);
 * b.setblocking(false);
 * await sock_sendto(b, "ping", a.getsockname());
 * console.log(await sock_recvfrom_into(a, new Uint8Array(100)));
 * ```
 */
export function sock_recvfrom_into<A extends Address, Datagram extends boolean>(
  sock: Socket<A, Datagram>,
  buffer: ArrayBufferView | ArrayBuffer,
  nbytes = 0,
  options: AsyncOptions = NO_OPTIONS,
): Promise<[number, Sender<A, Datagram>]> {
  return attempt(
    sock,
    READABLE,
    fromSocketMethod(() => sock.recvfrom_into(buffer, nbytes)),
    options?.signal,
  );
}

// The slow paths live in functions of their own: a closure in the function
// itself would make every call allocate its context, fast path or not.

function recvIntoLater(
  sock: Socket,
  view: Uint8Array,
  signal: AbortSignal | undefined,
  r: Wait,
): Promise<number> {
  const size = view.byteLength;
  const op = (): number | typeof BLOCKED => {
    intact(view, size, "recv_into");
    return resultOf(native.recv(sock.fileno(), view, 0), op);
  };
  return wait(sock, READABLE, op, signal, r);
}

/**
 * Throws where a caller's buffer was detached or shrunk while an operation
 * on it waited: a receive into it would read as the end of the stream, and
 * a send would end as if all had gone.
 */
function intact(view: Uint8Array, size: number, caller: string): void {
  if (view.byteLength < size) {
    throw new TypeError(`${caller}() buffer was detached or shrunk while the call waited`);
  }
}

async function sendallLater(
  sock: Socket,
  buf: Uint8Array,
  off: number,
  signal: AbortSignal | undefined,
  r: Wait,
): Promise<void> {
  const size = buf.byteLength;
  const op = (): number | typeof BLOCKED => {
    intact(buf, size, "sendall");
    return resultOf(native.send(sock.fileno(), rest(buf, off), 0), op);
  };
  off += await wait(sock, WRITABLE, op, signal, r);
  while (off < buf.byteLength) off += await attempt(sock, WRITABLE, op, signal);
}

/** What of `buf` is left from `off` on (`buf` itself at 0, without a view). */
function rest(buf: Uint8Array, off: number): Uint8Array {
  return off === 0 ? buf : buf.subarray(off);
}

/**
 * Sends all of `data`: Python's `loop.sock_sendall`. It sends at least once,
 * as Python's does: with no data, a socket that cannot send still fails, and
 * a connected datagram socket sends an empty datagram.
 *
 * @param sock a non-blocking socket
 * @param data bytes, or a string sent as UTF-8
 * @param options `signal` to cancel (what was sent stays sent)
 * @throws {RangeError} when the socket is not non-blocking
 * @throws {OSError} when the call fails
 * @example
 * ```ts
 * import { sock_recv, sock_sendall, socketpair } from "@pysocket/pysocket";
 * const [a, b] = socketpair();
 * a.setblocking(false);
 * b.setblocking(false);
 * await sock_sendall(a, "hello");
 * console.log(await sock_recv(b, 5));
 * a.close();
 * b.close();
 * ```
 */
export function sock_sendall(
  sock: Socket,
  data: Data,
  options: AsyncOptions = NO_OPTIONS,
): Promise<void> {
  const signal = options?.signal;
  let buf: Uint8Array, off = 0, r: number | Wait = 0;
  try {
    checkNonblocking(sock);
    buf = toBytes(data);
    // Sent at once, as it usually is, it settles without an async frame. At
    // least one send, as asyncio's: sending nothing on a closed or
    // unconnected socket fails as sending something does.
    do {
      signal?.throwIfAborted();
      r = yieldIfDue() === null ? firstTry(native.send(sock.fileno(), rest(buf, off), 0)) : LATER;
      if (r === BLOCKED || r === LATER) break;
      off += r;
    } while (off < buf.byteLength);
  } catch (e) {
    return Promise.reject(e);
  }
  // (Nothing to send that would block is sent, as asyncio's; one not yet tried is tried later.)
  if (off >= buf.byteLength && r !== LATER) return SENT;
  return sendallLater(sock, buf, off, signal, r as Wait);
}

/**
 * Sends a datagram to `address`: Python's `loop.sock_sendto`.
 *
 * @param sock a non-blocking socket
 * @param data the datagram
 * @param address where to send it
 * @param options `signal` to cancel
 * @returns the number of bytes sent
 * @throws {RangeError} when the socket is not non-blocking
 * @throws {OSError} when the call fails
 * @example
 * ```ts
 * import { AF_INET, sock_sendto, SOCK_DGRAM, socket } from "@pysocket/pysocket";
 * using s = socket(AF_INET, SOCK_DGRAM);
 * s.setblocking(false);
 * await sock_sendto(s, "ping", ["127.0.0.1", 9]);
 * ```
 */
export function sock_sendto(
  sock: Socket,
  data: Data,
  address: Address,
  options: AsyncOptions = NO_OPTIONS,
): Promise<number> {
  return attempt(
    sock,
    WRITABLE,
    fromSocketMethod(() => sock.sendto(data, address)),
    options?.signal,
  );
}

/**
 * Accepts a connection: Python's `loop.sock_accept`. The new socket is
 * non-blocking too.
 *
 * @param sock a listening, non-blocking socket
 * @param options `signal` to cancel
 * @returns `[conn, address]`
 * @throws {RangeError} when the socket is not non-blocking
 * @throws {OSError} when the call fails
 * @example
 * ```ts
 * import { create_connection, create_server, sock_accept } from "@pysocket/pysocket";
 * using srv = create_server(["127.0.0.1", 0]);
 * srv.setblocking(false);
 * using c = create_connection(srv.getsockname());
 * const [conn, addr] = await sock_accept(srv);
 * conn.close();
 * ```
 */
export async function sock_accept<A extends Address, Datagram extends boolean>(
  sock: Socket<A, Datagram>,
  options: AsyncOptions = NO_OPTIONS,
): Promise<[Socket<A, Datagram>, A]> {
  checkNonblocking(sock);
  const [conn, addr] = await attempt(
    sock,
    READABLE,
    fromSocketMethod(() => sock.accept()),
    options?.signal,
  );
  conn.setblocking(false);
  return [conn, addr];
}

/**
 * Connects to `address`: Python's `loop.sock_connect`.
 *
 * @param sock a non-blocking socket
 * @param address the peer's address (a host name is resolved before connecting)
 * @param options `signal` to cancel
 * @throws {RangeError} when the socket is not non-blocking
 * @throws {OSError} e.g. ConnectionRefusedError
 * @example
 * ```ts
 * import { create_server, sock_connect, socket } from "@pysocket/pysocket";
 * using srv = create_server(["127.0.0.1", 0]);
 * using c = socket();
 * c.setblocking(false);
 * await sock_connect(c, srv.getsockname());
 * ```
 */
export async function sock_connect(
  sock: Socket,
  address: Address,
  options: AsyncOptions = NO_OPTIONS,
): Promise<void> {
  checkNonblocking(sock);
  for (let due = yieldIfDue(); due; due = yieldIfDue()) await due;
  options?.signal?.throwIfAborted();
  try {
    sock.connect(address);
    return;
  } catch (e) {
    if (!(e instanceof BlockingIOError)) throw e;
  }
  // The connection goes on in the background: wait for it, then ask how it went.
  await readiness(sock.fileno(), WRITABLE, sock, options?.signal);
  const err = sock.getsockopt(SOL_SOCKET, SO_ERROR);
  if (err !== 0) throw osError(err);
}

/** Options of {@link sock_sendfile}. */
export interface SendfileOptions extends AsyncOptions {
  /**
   * Whether to read and send the file where the OS cannot send it itself
   * (default true); when false, that case throws SendfileNotAvailableError.
   */
  fallback?: boolean;
}

/**
 * Sends a file: Python's `loop.sock_sendfile`. Zero-copy through sendfile(2)
 * where the OS has it for this file, else (unless `fallback` is false) by
 * reading 64 KiB at a time and sending it.
 *
 * The file is taken as by `Socket.sendfile`: a descriptor, a path, or an
 * object with `fileno()` goes through sendfile(2); a file object without
 * one (`read(size)`, or a `Deno.FsFile`'s `readSync`) is read 256 KiB at a
 * time from its position, after `seek(offset)` when `offset` is not 0, and is
 * "not a regular file" when `fallback` is false. A file object with `seek`
 * (or `seekSync`) is left at `offset + sent`, as asyncio leaves it; a text
 * one (`mode` without "b") is refused.
 *
 * @param sock a non-blocking stream socket
 * @param file a descriptor, a path, a file object, or a `Deno.FsFile`
 * @param offset where in the file to start
 * @param count how many bytes at most (`null`: to the end)
 * @param options `signal` to cancel (what was sent stays sent), `fallback`
 * @returns the number of bytes sent
 * @throws {RangeError} when the socket is not a non-blocking stream socket,
 *   or for a bad offset or count
 * @throws {SendfileNotAvailableError} when `fallback` is false and the OS
 *   cannot send this file itself
 * @throws {OSError} when a call fails
 * @example
 * ```ts
 * import { sock_recv, sock_sendfile, socketpair } from "@pysocket/pysocket";
 * const [a, b] = socketpair();
 * a.setblocking(false);
 * b.setblocking(false);
 * const sent = await sock_sendfile(a, "/etc/hostname");
 * console.log(sent, await sock_recv(b, sent));
 * a.close();
 * b.close();
 * ```
 */
export async function sock_sendfile(
  sock: Socket,
  file: SendfileSource,
  offset = 0,
  count: number | null = null,
  options: SendfileOptions = NO_OPTIONS,
): Promise<number> {
  checkNonblocking(sock);
  const { signal, fallback = true } = options ?? {};
  signal?.throwIfAborted();
  checkBinaryMode(file);
  if (!hasDescriptor(file)) {
    // asyncio: no fileno() is "not a regular file", which the fallback
    // reads. sendfileSource makes asyncio's checks of the type, count and offset.
    sendfileSource(sock.type, 0, offset, count);
    if (!fallback) throw new SendfileNotAvailableError("not a regular file");
    return await sendByReading(sock, file, offset, count ?? 0, signal);
  }
  const src = sendfileSource(sock.type, file, offset, count);
  let total = 0;
  try {
    const position = new BigInt64Array([BigInt(src.start)]);
    while (total < src.count) {
      const want = Math.min(src.count - total, 0x40000000);
      const n = await attempt(sock, WRITABLE, () => {
        const n = native.sendfile(sock.fileno(), src.fd, position, want);
        if (n >= 0) return n;
        const e = native.errno();
        if (e === errno.EAGAIN || e === errno.EWOULDBLOCK) return BLOCKED;
        // As asyncio: a first call that fails (not this file, not this OS)
        // hands over to reading and sending, which meets any real error again.
        if (total === 0) return -1;
        throw osError(e);
      }, signal);
      if (n < 0) {
        if (!fallback) {
          throw new SendfileNotAvailableError(
            "sendfile call failed",
          );
        }
        for (const part of fileChunks(src.fd, src.start, src.count)) {
          await sock_sendall(sock, part, { signal });
          total += part.byteLength;
        }
        break;
      }
      if (n === 0) break;
      total += n;
    }
    return total;
  } finally {
    src.close();
    // asyncio leaves the file at offset + sent, on error too.
    if (total > 0) seekTo(file, src.start + total);
  }
}

/** asyncio's _sock_sendfile_fallback for a file object without a descriptor. */
async function sendByReading(
  sock: Socket,
  file: unknown,
  offset: number,
  count: number,
  signal: AbortSignal | undefined,
): Promise<number> {
  let total = 0;
  try {
    for (const data of fileBlocks(file, offset, count, 256 * 1024)) {
      await sock_sendall(sock, data, { signal });
      total += data.byteLength;
    }
    return total;
  } finally {
    if (total > 0) seekTo(file, offset + total);
  }
}
