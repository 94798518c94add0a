// Python's socketserver module: servers that accept connections (or
// datagrams) and hand each to a new request handler. It follows CPython's
// Lib/socketserver.py method for method, so that overriding server_bind(),
// verify_request(), handle_error() and the rest works as there.
//
// Where Deno differs: Python runs serve_forever() in a thread of its own and
// stops it with shutdown() from another. A Deno isolate has one thread for
// JavaScript, so here serve_forever() returns a promise: it waits for the
// next request on the reactor, without holding the event loop, and handles
// each request as Python does, synchronously, one at a time. shutdown()
// returns a promise too, settled once the loop has stopped; Ctrl-C handlers,
// timers and handlers themselves can call it.

import { repr, toBytes } from "./_args.ts";
import * as constants from "./constants.ts";
import { OSError } from "./errors.ts";
import type { SocketFile } from "./io.ts";
import { READABLE, readiness } from "./async/reactor.ts";
import { select } from "./select.ts";
import type { Address } from "./address.ts";
import { type Data, Socket } from "./socket.ts";

/**
 * What a server hands its handler: a connected socket (stream servers), or
 * `[data, server socket]` (datagram servers).
 */
export type Request = Socket | [Uint8Array, Socket];

/** Any server a handler can be given: a stream server or a datagram server. */
export type AnyServer = BaseServer<Socket> | BaseServer<[Uint8Array, Socket]>;

/**
 * What a server calls on the handler it made for a request. Under
 * {@link AsyncTaskMixIn} each may return a promise, which is awaited.
 */
export interface RequestHandler {
  /** Called before handle(). */
  setup(): void | Promise<void>;
  /** Serves the request. */
  handle(): void | Promise<void>;
  /** Called after handle(), even when it threw. */
  finish(): void | Promise<void>;
}

/**
 * A handler class: constructed once per request, as Python's are, with the
 * request, the client's address and the server. Any handler class fits any
 * server, as in Python: a stream server's requests are sockets, a datagram
 * server's `[data, socket]`.
 */
export type HandlerClass = new (
  request: never,
  client_address: Address,
  server: AnyServer,
) => RequestHandler;

/**
 * Python's `socketserver.BaseServer`: the request loop, without a socket.
 * Use {@link TCPServer}, {@link UDPServer} or a Unix server.
 */
export abstract class BaseServer<R extends Request = Request> implements Disposable {
  /** Seconds handle_request() waits; null: for ever. Python's class attribute `timeout`. */
  static timeout: number | null = null;

  /** The address the server listens on (once bound, what getsockname() says). */
  server_address: Address;
  /** The handler class, constructed for each request. */
  RequestHandlerClass: HandlerClass;
  /** Seconds handle_request() waits; null: for ever. */
  timeout: number | null;

  #serving: Promise<void> | null = null;
  #shutdownRequest = false;
  #wake: AbortController | null = null;

  /**
   * Makes a server (the socket-based subclasses also bind and listen).
   *
   * @param server_address where to listen
   * @param RequestHandlerClass the handler class
   */
  constructor(server_address: Address, RequestHandlerClass: HandlerClass) {
    this.server_address = server_address;
    this.RequestHandlerClass = RequestHandlerClass;
    this.timeout = (this.constructor as typeof BaseServer).timeout;
  }

  /** The server's socket, as Python's `fileno()` gives it to selectors. */
  abstract fileno(): number;
  /** Takes the next request: `[request, client_address]`. */
  abstract get_request(): [R, Address];

  /** Called by the constructor to start listening. May be overridden. */
  server_activate(): void {}

  /**
   * Handles one request at a time until {@link BaseServer.shutdown}. It
   * waits for requests on the reactor, so the event loop runs meanwhile;
   * each request is handled synchronously, as in Python, and the loop gives
   * the event loop a turn at least every `poll_interval` seconds.
   *
   * @param poll_interval seconds between calls of service_actions() when idle
   * @returns a promise settled once shutdown() has stopped the loop
   * @example
   * ```ts
   * import { BaseRequestHandler, TCPServer } from "@pysocket/pysocket/socketserver";
   * import { create_connection, type Socket } from "@pysocket/pysocket";
   * class Hello extends BaseRequestHandler<Socket> {
   *   override handle() {
   *     this.request.sendall("hello\n");
   *   }
   * }
   * using server = new TCPServer(["127.0.0.1", 0], Hello);
   * const done = server.serve_forever();
   * using c = create_connection(server.server_address as [string, number]);
   * c.settimeout(5);
   * setTimeout(() => { console.log(c.recv(100)); server.shutdown(); }, 50);
   * await done;
   * ```
   */
  serve_forever(poll_interval = 0.5): Promise<void> {
    if (this.#serving) return this.#serving;
    return this.#serving = this.#loop(poll_interval).finally(() => {
      this.#shutdownRequest = false;
      this.#serving = null;
    });
  }

  async #loop(poll_interval: number): Promise<void> {
    let turn = performance.now();
    while (!this.#shutdownRequest && this.fileno() >= 0) {
      let ready = select([this.fileno()], [], [], 0)[0].length > 0;
      if (!ready || performance.now() - turn >= 100) {
        // Idle, or busy for 100 ms: the event loop's turn.
        ready = await this.#readable(ready ? 0 : poll_interval);
        turn = performance.now();
      }
      if (this.#shutdownRequest) break;
      if (ready) this._handle_request_noblock();
      this.service_actions();
    }
  }

  /** Whether the socket becomes readable within `seconds`, waiting on the reactor. */
  async #readable(seconds: number): Promise<boolean> {
    const wake = this.#wake = new AbortController();
    const timer = setTimeout(() => wake.abort(), seconds * 1000);
    try {
      await readiness(this.fileno(), READABLE, this, wake.signal);
      // The reactor may wake for an event that is stale by now (readable data
      // the loop's select() took meanwhile): it wakes its waiters to try their
      // call again, but the request handler calls a blocking one. Ask again.
      return select([this.fileno()], [], [], 0)[0].length > 0;
    } catch (e) {
      if (wake.signal.aborted) return select([this.fileno()], [], [], 0)[0].length > 0;
      // server_close() while serving: the loop ends (Python's would spin on EBADF).
      if (this.fileno() < 0) return (this.#shutdownRequest = true, false);
      throw e;
    } finally {
      clearTimeout(timer);
      this.#wake = null;
    }
  }

  /**
   * Stops the serve_forever() loop, after the request being handled.
   *
   * @returns a promise settled once the loop has stopped (at once if none runs)
   * @example
   * ```ts
   * import { BaseRequestHandler, TCPServer } from "@pysocket/pysocket/socketserver";
   * using server = new TCPServer(["127.0.0.1", 0], BaseRequestHandler);
   * const done = server.serve_forever(0.05);
   * await server.shutdown();
   * await done;
   * ```
   */
  shutdown(): Promise<void> {
    if (this.#serving === null) return Promise.resolve();
    this.#shutdownRequest = true;
    this.#wake?.abort();
    return this.#serving;
  }

  /** Called by the serve_forever() loop at each turn. May be overridden. */
  service_actions(): void {}

  /**
   * Handles one request, waiting for it (blocking) up to `timeout` seconds
   * (the socket's timeout, if shorter); then handle_timeout() is called.
   *
   * @example
   * ```ts
   * import { BaseRequestHandler, TCPServer } from "@pysocket/pysocket/socketserver";
   * using server = new TCPServer(["127.0.0.1", 0], BaseRequestHandler);
   * server.timeout = 0.01;
   * server.handle_request(); // nobody came: handle_timeout()
   * ```
   */
  handle_request(): void {
    let timeout = this.socketTimeout();
    if (timeout === null) timeout = this.timeout;
    else if (this.timeout !== null) timeout = Math.min(timeout, this.timeout);
    const deadline = timeout === null ? Infinity : performance.now() + timeout * 1000;
    for (;;) {
      if (select([this.fileno()], [], [], timeout)[0].length > 0) {
        return this._handle_request_noblock();
      }
      if (timeout !== null) {
        timeout = (deadline - performance.now()) / 1000;
        if (timeout < 0) return this.handle_timeout();
      }
    }
  }

  /** The socket's own timeout, which handle_request() also respects. */
  protected socketTimeout(): number | null {
    return null;
  }

  /** Takes a request that select() said is there, and processes it. */
  _handle_request_noblock(): void {
    let request: R, client_address: Address;
    try {
      [request, client_address] = this.get_request();
    } catch (e) {
      if (e instanceof OSError) return;
      throw e;
    }
    if (this.verify_request(request, client_address)) {
      try {
        this.process_request(request, client_address);
      } catch (e) {
        this.handle_error(request, client_address, e);
        this.shutdown_request(request);
      }
    } else {
      this.shutdown_request(request);
    }
  }

  /** Called when handle_request() waited `timeout` in vain. May be overridden. */
  handle_timeout(): void {}

  /**
   * Whether to process a request. May be overridden.
   *
   * @returns true to go on
   */
  verify_request(_request: R, _client_address: Address): boolean {
    return true;
  }

  /** Handles a request, then shuts it down. May be overridden. */
  process_request(request: R, client_address: Address): void {
    this.finish_request(request, client_address);
    this.shutdown_request(request);
  }

  /** Cleans up the server. May be overridden. */
  server_close(): void {}

  /** Handles one request by constructing the handler class. */
  finish_request(request: R, client_address: Address): void {
    const handler = this.makeHandler(request, client_address);
    synchronous(handler.setup(), "setup");
    try {
      synchronous(handler.handle(), "handle");
    } finally {
      synchronous(handler.finish(), "finish");
    }
  }

  /** The handler for a request (Python's constructor call in finish_request()). */
  protected makeHandler(request: R, client_address: Address): RequestHandler {
    // R is one of the two kinds of request, so the server is one of the two kinds.
    const Handler = this.RequestHandlerClass as new (
      request: R,
      client_address: Address,
      server: AnyServer,
    ) => RequestHandler;
    return new Handler(request, client_address, this as unknown as AnyServer);
  }

  /** Shuts down and closes one request. */
  shutdown_request(request: R): void {
    this.close_request(request);
  }

  /** Cleans up one request. */
  close_request(_request: R): void {}

  /**
   * Reports a handler's error and goes on, as Python's does: the error's
   * stack between two lines of dashes, on stderr. May be overridden.
   *
   * @param request the request being handled
   * @param client_address its client
   * @param error what was thrown (Python reads it from sys.exc_info())
   */
  handle_error(_request: R, client_address: Address, error?: unknown): void {
    console.error("-".repeat(40));
    console.error("Exception occurred during processing of request from", repr(client_address));
    console.error(error instanceof Error ? error.stack : String(error));
    console.error("-".repeat(40));
  }

  /** `using server = new TCPServer(...)` closes it at the end of the block, as Python's `with`. */
  [Symbol.dispose](): void {
    this.server_close();
  }
}

/** A server that handles requests synchronously cannot wait for a handler's promise. */
function synchronous(result: void | Promise<void>, method: string): void {
  if (result instanceof Promise) {
    result.catch(() => {}); // reported below, not as an unhandled rejection
    throw new TypeError(
      `${method}() returned a promise: serve async handlers with AsyncTaskMixIn`,
    );
  }
}

/**
 * A server class AsyncTaskMixIn can extend. (A mixin's base must take any
 * arguments, by TypeScript's rule, and it may serve either kind of request.)
 */
// deno-lint-ignore no-explicit-any
export type ServerClass = new (...args: any[]) => TCPServer<any>;

/** What AsyncTaskMixIn adds to a server. */
export interface AsyncTasks {
  /** The requests being served, each a task. */
  readonly tasks: Set<Promise<void>>;
}

/** A server class with AsyncTaskMixIn: its statics, and instances with {@link AsyncTasks}. */
export type AsyncTaskServerClass<B extends ServerClass> =
  & Omit<B, "prototype">
  & (new (...args: ConstructorParameters<B>) => InstanceType<B> & AsyncTasks);

/**
 * Serves each request as a task of its own on the reactor, so that many are
 * served at once: what Python's `ThreadingMixIn` is for, without threads (a
 * Deno isolate runs JavaScript on one). The handler's `setup()`, `handle()`
 * and `finish()` may be async and are awaited; a connection is made
 * non-blocking first, so the handler uses the async functions (`sock_recv`,
 * `sock_sendall`, ...). A handler that throws or rejects goes to
 * handle_error(), as in Python. `tasks` holds the requests being served;
 * `await Promise.all(server.tasks)` waits for them, as Python's
 * server_close() joins its threads.
 *
 * @param Base the server class to extend, e.g. {@link TCPServer}
 * @returns the class, for `class MyServer extends AsyncTaskMixIn(TCPServer) {}`
 * @example
 * ```ts
 * import { AsyncTaskMixIn, BaseRequestHandler, TCPServer } from "@pysocket/pysocket/socketserver";
 * import { sock_recv, sock_sendall, type Socket } from "@pysocket/pysocket";
 * class Echo extends BaseRequestHandler<Socket> {
 *   override async handle() {
 *     let data;
 *     while ((data = await sock_recv(this.request, 1024)).length) {
 *       await sock_sendall(this.request, data);
 *     }
 *   }
 * }
 * class AsyncTCPServer extends AsyncTaskMixIn(TCPServer) {}
 * using server = new AsyncTCPServer(["127.0.0.1", 0], Echo);
 * const serving = server.serve_forever();
 * await server.shutdown();
 * await serving;
 * ```
 */
export function AsyncTaskMixIn<B extends ServerClass>(Base: B): AsyncTaskServerClass<B> {
  // (TypeScript cannot see that the class below makes InstanceType<B>.)
  return class extends Base {
    /** The requests being served, each a task. */
    readonly tasks: Set<Promise<void>> = new Set();

    /** Starts serving the request as a task, and returns at once. */
    override process_request(request: Request, client_address: Address): void {
      if (!Array.isArray(request)) request.setblocking(false);
      const task = this.#serve(request, client_address);
      this.tasks.add(task);
      task.finally(() => this.tasks.delete(task));
    }

    async #serve(request: Request, client_address: Address): Promise<void> {
      try {
        const handler = this.makeHandler(request, client_address);
        await handler.setup();
        try {
          await handler.handle();
        } finally {
          await handler.finish();
        }
      } catch (e) {
        this.handle_error(request, client_address, e);
      } finally {
        this.shutdown_request(request);
      }
    }
  } as unknown as AsyncTaskServerClass<B>;
}

/**
 * Python's `socketserver.TCPServer`: a server on a stream socket. Class
 * settings are static, as Python's are class attributes:
 * `static override allow_reuse_address = true` in a subclass, or
 * `TCPServer.allow_reuse_address = true`.
 *
 * @example
 * ```ts
 * import { StreamRequestHandler, TCPServer } from "@pysocket/pysocket/socketserver";
 * import { create_connection } from "@pysocket/pysocket";
 * class Upper extends StreamRequestHandler {
 *   override handle() {
 *     const line = this.rfile.readline() as Uint8Array;
 *     this.wfile.write(new TextDecoder().decode(line).toUpperCase());
 *   }
 * }
 * using server = new TCPServer(["127.0.0.1", 0], Upper);
 * using c = create_connection(server.server_address as [string, number]);
 * c.sendall("hello\n");
 * server.handle_request();
 * console.log(new TextDecoder().decode(c.recv(100))); // "HELLO\n"
 * ```
 */
export class TCPServer<R extends Request = Socket> extends BaseServer<R> {
  /** The address family of the socket. */
  static address_family: number = constants.AF_INET;
  /** The socket type. */
  static socket_type: number = constants.SOCK_STREAM;
  /** listen()'s backlog. */
  static request_queue_size = 5;
  /** Whether to set SO_REUSEADDR before binding. */
  static allow_reuse_address = false;
  /** Whether to set SO_REUSEPORT before binding. */
  static allow_reuse_port = false;

  /** The server's socket. */
  socket: Socket;

  /**
   * Makes the socket and, unless told not to, binds it and listens.
   *
   * @param server_address where to listen (port 0: any free port)
   * @param RequestHandlerClass the handler class
   * @param bind_and_activate false to call server_bind() and server_activate() yourself
   * @throws {OSError} when binding or listening fails; the socket is closed then
   */
  constructor(
    server_address: Address,
    RequestHandlerClass: HandlerClass,
    bind_and_activate = true,
  ) {
    super(server_address, RequestHandlerClass);
    const cls = this.constructor as typeof TCPServer;
    this.socket = new Socket(cls.address_family, cls.socket_type);
    if (bind_and_activate) {
      try {
        this.server_bind();
        this.server_activate();
      } catch (e) {
        this.server_close();
        throw e;
      }
    }
  }

  /** Binds the socket, with SO_REUSEADDR/SO_REUSEPORT if asked. May be overridden. */
  server_bind(): void {
    const cls = this.constructor as typeof TCPServer;
    if (cls.allow_reuse_address && constants.SO_REUSEADDR !== undefined) {
      this.socket.setsockopt(constants.SOL_SOCKET, constants.SO_REUSEADDR, 1);
    }
    if (cls.allow_reuse_port && constants.SO_REUSEPORT !== undefined) {
      this.socket.setsockopt(constants.SOL_SOCKET, constants.SO_REUSEPORT, 1);
    }
    this.socket.bind(this.server_address);
    this.server_address = this.socket.getsockname()!;
  }

  /** Listens, with the class's request_queue_size. May be overridden. */
  override server_activate(): void {
    this.socket.listen((this.constructor as typeof TCPServer).request_queue_size);
  }

  /** Closes the socket. */
  override server_close(): void {
    this.socket.close();
  }

  /**
   * The socket's descriptor.
   *
   * @returns the descriptor
   */
  fileno(): number {
    return this.socket.fileno();
  }

  /** Accepts a connection. */
  get_request(): [R, Address] {
    return this.socket.accept() as [R, Address];
  }

  /** Shuts the connection down for writing, then closes it. */
  override shutdown_request(request: R): void {
    try {
      // Explicitly shut down, so the peer sees the end at once even if a
      // makefile() object still holds the socket open.
      (request as Socket).shutdown(constants.SHUT_WR);
    } catch (e) {
      if (!(e instanceof OSError)) throw e; // the peer may be gone already
    }
    this.close_request(request);
  }

  /** Closes the connection. */
  override close_request(request: R): void {
    (request as Socket).close();
  }

  /** The socket's timeout, which handle_request() respects. */
  protected override socketTimeout(): number | null {
    return this.socket.gettimeout();
  }
}

/**
 * Python's `socketserver.UDPServer`: each datagram is a request, handed over
 * as `[data, server socket]`.
 *
 * @example
 * ```ts
 * import { DatagramRequestHandler, UDPServer } from "@pysocket/pysocket/socketserver";
 * import { AF_INET, SOCK_DGRAM, socket } from "@pysocket/pysocket";
 * class Echo extends DatagramRequestHandler {
 *   override handle() {
 *     this.wfile.write(this.rfile.read());
 *   }
 * }
 * using server = new UDPServer(["127.0.0.1", 0], Echo);
 * using c = socket(AF_INET, SOCK_DGRAM);
 * c.sendto("ping", server.server_address);
 * server.handle_request();
 * console.log(c.recv(100)); // "ping" as bytes
 * ```
 */
export class UDPServer extends TCPServer<[Uint8Array, Socket]> {
  /** The socket type: SOCK_DGRAM. */
  static override socket_type: number = constants.SOCK_DGRAM;
  /** The largest datagram received. */
  static max_packet_size = 8192;

  /** Receives a datagram: `[[data, socket], client_address]`. */
  override get_request(): [[Uint8Array, Socket], Address] {
    const size = (this.constructor as typeof UDPServer).max_packet_size;
    const [data, client_addr] = this.socket.recvfrom(size);
    return [[data, this.socket], client_addr!];
  }

  /** Nothing: a datagram socket does not listen. */
  override server_activate(): void {}

  /** Nothing to shut down. */
  override shutdown_request(request: [Uint8Array, Socket]): void {
    this.close_request(request);
  }

  /** Nothing to close. */
  override close_request(_request: [Uint8Array, Socket]): void {}
}

/** Python's `socketserver.UnixStreamServer`: TCPServer's work on an AF_UNIX stream socket. */
export class UnixStreamServer extends TCPServer {
  /** The address family: AF_UNIX. */
  static override address_family: number = constants.AF_UNIX as number;
}

/** Python's `socketserver.UnixDatagramServer`: UDPServer's work on an AF_UNIX datagram socket. */
export class UnixDatagramServer extends UDPServer {
  /** The address family: AF_UNIX. */
  static override address_family: number = constants.AF_UNIX as number;
}

/**
 * Python's `socketserver.BaseRequestHandler`: one per request, with
 * `request`, `client_address` and `server`. Override handle(), and
 * setup()/finish() if needed. The server calls setup(), handle() and
 * finish() once construction is over (Python calls them from the
 * constructor, where a JavaScript subclass's fields would not be set yet).
 */
export class BaseRequestHandler<R extends Request = Request> implements RequestHandler {
  /** The request: a connected socket, or `[data, socket]` for datagrams. */
  request: R;
  /** The client's address. */
  client_address: Address;
  /** The server. */
  server: AnyServer;

  /**
   * Keeps what the server hands over.
   *
   * @param request the request
   * @param client_address the client's address
   * @param server the server
   */
  constructor(request: R, client_address: Address, server: AnyServer) {
    this.request = request;
    this.client_address = client_address;
    this.server = server;
  }

  /** Called before handle(). */
  setup(): void {}
  /** Serves the request. */
  handle(): void {}
  /** Called after handle(), even when it threw. */
  finish(): void {}
}

/** A file that writes straight to a socket (Python's `_SocketWriter`): nothing to flush. */
export class SocketWriter {
  #sock: Socket;
  /** Whether close() was called. */
  closed = false;

  /**
   * Writes to `sock`.
   *
   * @param sock the connected socket
   */
  constructor(sock: Socket) {
    this.#sock = sock;
  }

  /**
   * Sends all of `b`.
   *
   * @param b the bytes (a string goes as UTF-8)
   * @returns how many bytes went
   */
  write(b: Data): number {
    const bytes = toBytes(b);
    this.#sock.sendall(bytes);
    return bytes.byteLength;
  }

  /** Nothing: nothing is held back. */
  flush(): void {}

  /** Marks the writer closed; the socket stays open. */
  close(): void {
    this.closed = true;
  }

  /**
   * The socket's descriptor.
   *
   * @returns the descriptor
   */
  fileno(): number {
    return this.#sock.fileno();
  }
}

/**
 * Python's `socketserver.StreamRequestHandler`: `rfile` reads the
 * connection (buffered), `wfile` writes it (straight through, unless
 * `wbufsize` says otherwise). Settings are static, as Python's are class
 * attributes.
 */
export class StreamRequestHandler extends BaseRequestHandler<Socket> {
  /** rfile's buffer size (-1: the default). */
  static rbufsize: number = -1;
  /** wfile's buffer size (0: unbuffered, straight to the socket). */
  static wbufsize = 0;
  /** A timeout for the connection, in seconds; null: none. */
  static timeout: number | null = null;
  /** Whether to set TCP_NODELAY. */
  static disable_nagle_algorithm = false;

  /** The connection (the request). */
  connection!: Socket;
  /** Reads the connection. */
  rfile!: SocketFile;
  /** Writes the connection. */
  wfile!: SocketFile | SocketWriter;

  /** Makes rfile and wfile. */
  override setup(): void {
    const cls = this.constructor as typeof StreamRequestHandler;
    this.connection = this.request;
    if (cls.timeout !== null) this.connection.settimeout(cls.timeout);
    if (cls.disable_nagle_algorithm) {
      this.connection.setsockopt(constants.IPPROTO_TCP, constants.TCP_NODELAY as number, 1);
    }
    this.rfile = this.connection.makefile("rb", cls.rbufsize);
    this.wfile = cls.wbufsize === 0
      ? new SocketWriter(this.connection)
      : this.connection.makefile("wb", cls.wbufsize);
  }

  /** Flushes wfile and closes both files. */
  override finish(): void {
    if (!this.wfile.closed) {
      try {
        this.wfile.flush();
      } catch (e) {
        if (!(e instanceof OSError)) throw e;
      }
    }
    this.wfile.close();
    this.rfile.close();
  }
}

/**
 * Python's `io.BytesIO`, as far as a datagram handler uses it: read,
 * readline, write and getvalue.
 */
export class BytesIO {
  #data: Uint8Array;
  #pos = 0;
  #size: number;

  /**
   * A file over `initial`.
   *
   * @param initial the bytes to read
   */
  constructor(initial: Uint8Array = new Uint8Array(0)) {
    this.#data = initial.slice();
    this.#size = initial.byteLength;
  }

  /**
   * Reads up to `size` bytes (all that is left by default).
   *
   * @param size the most to read; negative: the rest
   * @returns the bytes
   */
  read(size = -1): Uint8Array {
    const end = size < 0 ? this.#size : Math.min(this.#size, this.#pos + size);
    const out = this.#data.slice(this.#pos, end);
    this.#pos = end;
    return out;
  }

  /**
   * Reads up to and including the next newline.
   *
   * @param limit the most to read; negative: no limit
   * @returns the bytes
   */
  readline(limit = -1): Uint8Array {
    let end = this.#data.subarray(0, this.#size).indexOf(0x0a, this.#pos);
    end = end < 0 ? this.#size : end + 1;
    if (limit >= 0) end = Math.min(end, this.#pos + limit);
    return this.read(end - this.#pos);
  }

  /**
   * Writes bytes at the position, growing the file.
   *
   * @param b the bytes (a string goes as UTF-8)
   * @returns how many were written
   */
  write(b: Data): number {
    const bytes = toBytes(b);
    const end = this.#pos + bytes.byteLength;
    if (end > this.#data.byteLength) {
      const grown = new Uint8Array(Math.max(end, this.#data.byteLength * 2));
      grown.set(this.#data.subarray(0, this.#size));
      this.#data = grown;
    }
    this.#data.set(bytes, this.#pos);
    this.#pos = end;
    this.#size = Math.max(this.#size, end);
    return bytes.byteLength;
  }

  /**
   * Everything written (or given), whatever the position.
   *
   * @returns a copy of the bytes
   */
  getvalue(): Uint8Array {
    return this.#data.slice(0, this.#size);
  }
}

/**
 * Python's `socketserver.DatagramRequestHandler`: `rfile` reads the
 * datagram, and what is written to `wfile` goes back to the client as one
 * datagram when handle() returns.
 */
export class DatagramRequestHandler extends BaseRequestHandler<[Uint8Array, Socket]> {
  /** The datagram. */
  packet!: Uint8Array;
  /** The server's socket. */
  socket!: Socket;
  /** Reads the datagram. */
  rfile!: BytesIO;
  /** Collects the reply. */
  wfile!: BytesIO;

  /** Makes rfile and wfile. */
  override setup(): void {
    [this.packet, this.socket] = this.request;
    this.rfile = new BytesIO(this.packet);
    this.wfile = new BytesIO();
  }

  /** Sends what was written to wfile back to the client. */
  override finish(): void {
    this.socket.sendto(this.wfile.getvalue(), this.client_address);
  }
}

/** A TCPServer that serves each connection as a task (Python's `ThreadingTCPServer`, without threads). */
export const AsyncTaskTCPServer: AsyncTaskServerClass<typeof TCPServer<Socket>> = AsyncTaskMixIn(
  TCPServer<Socket>,
);
/** A UDPServer that serves each datagram as a task (Python's `ThreadingUDPServer`, without threads). */
export const AsyncTaskUDPServer: AsyncTaskServerClass<typeof UDPServer> = AsyncTaskMixIn(UDPServer);
