// Bridges from a pysocket stream socket to the Deno and Node ecosystems: a
// Deno.Conn, and a node:stream Duplex (for node:tls, node:http and anything
// else that takes a Node socket). Both run on the async path.

import type { Duplex } from "node:stream";
import { native } from "../../ffi/mod.ts";
import { sock_recv, sock_recv_into, sock_sendall } from "./sock.ts";
import type { Address } from "../address.ts";
import { errnoNames, OSError, osError } from "../errors.ts";
import type { Socket } from "../socket.ts";
import { isSocket } from "../_brand.ts";

const constants = native.constants;

/** A pysocket address as Deno names one; the families a Deno.Conn can have. */
type ConnAddr = Deno.NetAddr | Deno.UnixAddr;

/** Checks that `sock` can back a connection object: an open, non-blocking stream socket. */
function checkStream(sock: Socket, caller: string): void {
  if (!isSocket(sock)) throw new TypeError(`${caller}() needs a socket object`);
  if (sock.fileno() < 0) throw osError(native.errnos.EBADF);
  if (sock.gettimeout() !== 0) throw new RangeError("the socket must be non-blocking");
  if (sock.type !== constants.SOCK_STREAM) {
    throw new RangeError(`${caller}() needs a SOCK_STREAM socket`);
  }
  const f = sock.family;
  if (f !== constants.AF_INET && f !== constants.AF_INET6 && f !== constants.AF_UNIX) {
    throw new RangeError(`${caller}() needs an AF_INET, AF_INET6 or AF_UNIX socket`);
  }
}

/** A Python-form address as Deno's: `[host, port, ...]` is TCP, a path (or abstract name) Unix. */
function denoAddr(a: Address): ConnAddr {
  if (Array.isArray(a)) {
    return bare({ transport: "tcp", hostname: a[0] as string, port: a[1] as number });
  }
  // AF_UNIX: a path, "" when unnamed, or bytes for a Linux abstract name (leading NUL kept).
  const path = typeof a === "string" ? a : new TextDecoder().decode(a as Uint8Array);
  return bare({ transport: "unix", path });
}

/** `o` without a prototype, as Deno's own addresses are (so they compare deep-equal). */
function bare<T extends object>(o: T): T {
  return Object.assign(Object.create(null), o);
}

/**
 * A `Deno.Conn` over a non-blocking pysocket stream socket, for code written
 * against Deno's connections (`Deno.connect`, `Deno.listen`): `readable` and
 * `writable` are the socket's own streams, `read()` and `write()` its async
 * receive and send, `closeWrite()` is `shutdown(SHUT_WR)`, `ref()`/`unref()`
 * and `close()` (also `using`) act on the socket, which the connection now
 * owns. The addresses are taken once, here. It has no resource id, so it is
 * not a `Deno.TcpConn`: Deno's own functions that need one (`Deno.startTls`)
 * do not take it; for TLS use node:tls over {@link toDuplex}. Failures are
 * pysocket's {@link OSError}s, not `Deno.errors`.
 *
 * @param sock a connected, non-blocking `SOCK_STREAM` socket (AF_INET, AF_INET6 or AF_UNIX)
 * @returns the connection; `localAddr`/`remoteAddr` are `Deno.NetAddr`
 *   (transport "tcp") or `Deno.UnixAddr` (transport "unix", path "" when unnamed)
 * @throws {RangeError} when the socket is blocking or has a timeout, is not a
 *   stream socket, or is of another family
 * @throws {OSError} when the socket is closed (EBADF) or not connected (ENOTCONN)
 * @example
 * ```ts
 * import { socketpair, toConn } from "@pysocket/pysocket";
 * const [a, b] = socketpair();
 * a.setblocking(false);
 * b.setblocking(false);
 * using conn = toConn(a);
 * await conn.write(new TextEncoder().encode("ping"));
 * console.log(b.recv(10), conn.remoteAddr); // Uint8Array of "ping", { transport: "unix", path: "" }
 * b.close();
 * ```
 */
export function toConn(sock: Socket): Deno.Conn<Deno.NetAddr | Deno.UnixAddr> {
  checkStream(sock, "toConn");
  return new SocketConn(sock, denoAddr(sock.getsockname()), denoAddr(sock.getpeername()));
}

class SocketConn implements Deno.Conn<ConnAddr> {
  readonly #sock: Socket;
  readonly localAddr: ConnAddr;
  readonly remoteAddr: ConnAddr;

  constructor(sock: Socket, localAddr: ConnAddr, remoteAddr: ConnAddr) {
    this.#sock = sock;
    this.localAddr = localAddr;
    this.remoteAddr = remoteAddr;
  }

  get readable(): ReadableStream<Uint8Array<ArrayBuffer>> {
    // A byte stream's chunks are views of buffers it owns: always ArrayBuffers.
    return this.#sock.readable as ReadableStream<Uint8Array<ArrayBuffer>>;
  }

  get writable(): WritableStream<Uint8Array> {
    return this.#sock.writable;
  }

  /** Deno's read: the number of bytes read into `p`, or null at the end of the stream. */
  async read(p: Uint8Array): Promise<number | null> {
    if (p.byteLength === 0) return 0; // recv of nothing would read as the end
    const n = await sock_recv_into(this.#sock, p);
    return n === 0 ? null : n;
  }

  /** Deno's write: sends all of `p` (a write may send less; this one never does). */
  async write(p: Uint8Array): Promise<number> {
    await sock_sendall(this.#sock, p);
    return p.byteLength;
  }

  closeWrite(): Promise<void> {
    try {
      this.#sock.shutdown(constants.SHUT_WR);
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(e);
    }
  }

  close(): void {
    this.#sock.close();
  }

  ref(): void {
    this.#sock.ref();
  }

  unref(): void {
    this.#sock.unref();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

/** Options of {@link toDuplex}. */
export interface ToDuplexOptions {
  /**
   * Whether the writing side stays open after the peer has shut down its
   * side, as `net.Socket`'s option of that name (default false: the duplex
   * ends its side too, once what was written has been sent).
   */
  allowHalfOpen?: boolean;
}

/** Node's name for an errno value (`ECONNRESET`), as `net.Socket`'s errors carry it in `code`. */
let errnoCodes: Map<number, string> | undefined;

/**
 * The OSError a socket call failed with, given Node's `code` (`"ECONNRESET"`)
 * besides its `errno`, since Node code tells errors apart by `code`.
 */
function withCode(e: unknown): Error {
  if (e instanceof OSError && e.errno !== null && !("code" in e)) {
    if (errnoCodes === undefined) {
      errnoCodes = new Map();
      // The first name of a value is the one Node uses (EAGAIN, not EWOULDBLOCK).
      for (const [name, value] of Object.entries(errnoNames)) {
        if (!errnoCodes.has(value)) errnoCodes.set(value, name);
      }
    }
    const code = errnoCodes.get(e.errno);
    if (code !== undefined && Object.isExtensible(e)) Object.assign(e, { code });
  }
  return e as Error;
}

/** Deno's node:stream, fetched when first needed (see {@link toDuplex}). */
function nodeStream(): typeof import("node:stream") {
  return (globalThis as unknown as {
    process: { getBuiltinModule(id: "node:stream"): typeof import("node:stream") };
  }).process.getBuiltinModule("node:stream");
}

type SocketDuplexClass = new (sock: Socket, options: ToDuplexOptions) => Duplex;
let SocketDuplex: SocketDuplexClass | undefined;

/** The Duplex subclass over a socket, defined once node:stream is loaded. */
function socketDuplexClass(): SocketDuplexClass {
  return SocketDuplex ??= class extends nodeStream().Duplex {
    readonly #sock: Socket;
    #idleMs = 0;
    #idle: ReturnType<typeof setTimeout> | undefined;
    readonly remoteAddress?: string;
    readonly remotePort?: number;
    readonly remoteFamily?: string;
    readonly localAddress?: string;
    readonly localPort?: number;

    constructor(sock: Socket, options: ToDuplexOptions) {
      super({ allowHalfOpen: options.allowHalfOpen ?? false });
      this.#sock = sock;
      if (sock.family !== constants.AF_UNIX) {
        // As net.Socket has them, for node:http's req.socket.remoteAddress and the like.
        const [remoteHost, remotePort] = sock.getpeername() as [string, number];
        const [localHost, localPort] = sock.getsockname() as [string, number];
        this.remoteAddress = remoteHost;
        this.remotePort = remotePort;
        this.remoteFamily = sock.family === constants.AF_INET6 ? "IPv6" : "IPv4";
        this.localAddress = localHost;
        this.localPort = localPort;
      }
    }

    override _read(): void {
      // One receive at a time: Node calls _read again only after a push.
      sock_recv(this.#sock, 65536).then(
        (data) => {
          this.#active();
          this.push(data.length === 0 ? null : data);
        },
        (e) => void (this.destroyed || this.destroy(withCode(e))),
      );
    }

    override _write(
      chunk: Uint8Array,
      _encoding: string,
      callback: (error?: Error | null) => void,
    ): void {
      sock_sendall(this.#sock, chunk).then(
        () => (this.#active(), callback()),
        (e) => callback(withCode(e)),
      );
    }

    /** Corked writes (node:http's head and body) go out in one send. */
    override _writev(
      chunks: { chunk: Uint8Array }[],
      callback: (error?: Error | null) => void,
    ): void {
      let size = 0;
      for (const { chunk } of chunks) size += chunk.byteLength;
      const all = new Uint8Array(size);
      size = 0;
      for (const { chunk } of chunks) all.set(chunk, (size += chunk.byteLength) - chunk.byteLength);
      this._write(all, "buffer", callback);
    }

    override _final(callback: (error?: Error | null) => void): void {
      try {
        this.#sock.shutdown(constants.SHUT_WR);
        callback();
      } catch (e) {
        callback(withCode(e));
      }
    }

    override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
      clearTimeout(this.#idle);
      // Closing rejects a pending receive or send with EBADF; the stream,
      // destroyed, ignores that.
      try {
        this.#sock.close();
      } catch (e) {
        error ??= withCode(e);
      }
      callback(error);
    }

    /**
     * net.Socket's idle timeout: "timeout" is emitted after `ms` without
     * data either way (0 turns it off); nothing is closed. node:http sets
     * it for keep-alive (and Deno's calls it without checking it is there).
     */
    setTimeout(ms: number, callback?: () => void): this {
      this.#idleMs = ms > 0 ? ms : 0;
      if (callback) {
        if (this.#idleMs === 0) this.removeListener("timeout", callback);
        else this.once("timeout", callback);
      }
      this.#active();
      return this;
    }

    /** Restarts the idle timer, if one is set: there was data. */
    #active(): void {
      clearTimeout(this.#idle);
      this.#idle = undefined;
      if (this.#idleMs === 0 || this.destroyed) return;
      const idle = setTimeout(() => {
        this.#idle = undefined;
        this.emit("timeout");
      }, this.#idleMs);
      Deno.unrefTimer(idle); // as net.Socket's: the timer alone keeps no program alive
      this.#idle = idle;
    }

    /** net.Socket's: TCP_NODELAY on (default) or off; nothing for AF_UNIX. */
    setNoDelay(noDelay = true): this {
      if (this.#sock.family !== constants.AF_UNIX && this.#sock.fileno() >= 0) {
        this.#sock.setsockopt(constants.IPPROTO_TCP, constants.TCP_NODELAY, noDelay ? 1 : 0);
      }
      return this;
    }

    /** net.Socket's: SO_KEEPALIVE on or off (the initial delay is left to the OS). */
    setKeepAlive(enable = false): this {
      if (this.#sock.family !== constants.AF_UNIX && this.#sock.fileno() >= 0) {
        this.#sock.setsockopt(constants.SOL_SOCKET, constants.SO_KEEPALIVE, enable ? 1 : 0);
      }
      return this;
    }
  };
}

/**
 * A node:stream `Duplex` over a non-blocking pysocket stream socket, for
 * Node APIs that take a socket: `tls.connect({ socket })`, `new
 * tls.TLSSocket(duplex, { isServer: true, ... })`, `server.emit("connection",
 * duplex)` of node:http. Reading receives, writing sends in full, `end()`
 * shuts down the writing side once all is sent (so the peer reads the end of
 * the stream), and `destroy()` closes the socket, which the duplex now owns;
 * when both sides have ended it is destroyed, so the descriptor closes. A
 * failure (a peer's reset: `ConnectionResetError`) destroys it with
 * pysocket's {@link OSError}, which also carries Node's `code`
 * (`"ECONNRESET"`). An IP socket's duplex has `remoteAddress`,
 * `remotePort`, `remoteFamily`, `localAddress` and `localPort`, as a
 * `net.Socket` has.
 *
 * node:stream loads on the first call, through `process.getBuiltinModule`:
 * importing it with the module would cost every program that imports
 * pysocket Deno's Node layer (some 10 ms at start and 5 MB), used or not.
 *
 * @param sock a connected, non-blocking `SOCK_STREAM` socket (AF_INET, AF_INET6 or AF_UNIX)
 * @param options `allowHalfOpen` (default false, as net.Socket's)
 * @returns the duplex
 * @throws {RangeError} when the socket is blocking or has a timeout, is not a
 *   stream socket, or is of another family
 * @throws {OSError} when the socket is closed (EBADF), or, for AF_INET and
 *   AF_INET6, not connected (ENOTCONN)
 * @example
 * ```ts
 * import { sock_recv, socketpair, toDuplex } from "@pysocket/pysocket";
 * const [a, b] = socketpair();
 * a.setblocking(false);
 * b.setblocking(false);
 * const duplex = toDuplex(a);
 * duplex.end("over a Duplex");
 * console.log(new TextDecoder().decode(await sock_recv(b, 100))); // "over a Duplex"
 * duplex.destroy(); // closes a
 * b.close();
 * ```
 */
export function toDuplex(sock: Socket, options: ToDuplexOptions = {}): Duplex {
  checkStream(sock, "toDuplex");
  const Class = socketDuplexClass();
  return new Class(sock, options ?? {});
}
