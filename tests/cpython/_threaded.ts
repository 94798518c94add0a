// CPython's ThreadableTest, for Deno: the server half of a test (testFoo)
// runs on the test's thread, its client half (_testFoo) in a Worker, at the
// same time, as CPython runs it in a second thread.
//
// One class holds both halves, as in CPython. The test module is imported on
// both sides: on the test's thread register() makes a Deno.test per test
// method; in the worker (_client_worker.ts) it only records the class, and
// the worker makes an instance of its own. What the halves share:
//
// - CPython's threading.Events (server_ready, client_ready, done, and the
//   event/evt/misc_event, and FileObjectClassTestCase's evt1/evt2/
//   serv_finished/cli_finished, some classes make) are Int32 cells of a
//   SharedArrayBuffer, waited on with Atomics.wait, so a blocking wait
//   blocks its thread as Event.wait() does. A wait without a timeout is
//   bounded by LOOPBACK_TIMEOUT and fails when it runs out.
// - `self`'s plain attributes: what setUp stored (the port, addresses) goes
//   to the worker by postMessage when the server is ready; what clientSetUp
//   stored (cli_addr) comes back through a shared mailbox before
//   client_ready is set, so the server sees it when its wait returns.
// - The client's exception, as CPython's queue: it fails the test.
//
// Nothing hangs: each side's sockets are listed in the shared buffer, and a
// watchdog worker shuts them all down (shutdown(SHUT_RDWR): accept, recv and
// send return at once) when a test runs past LOOPBACK_TIMEOUT; the test then
// fails and says so.

import * as socket from "../../mod.ts";
import { bind_port, HOST, HOSTv6, LOOPBACK_TIMEOUT, unixName } from "./_support.ts";

/** Set to run the tests marked @defect as well (they fail until pysocket is fixed). */
const runDefects = !inClientWorker() && Deno.env.get("PYSOCKET_CPYTHON_DEFECTS") === "1";

function inClientWorker(): boolean {
  return (globalThis as { __cpythonClient?: boolean }).__cpythonClient === true;
}

/** True in the client worker, which sets it before it imports a test module. */
export const inClient: boolean = inClientWorker();

// Int32 cells of the shared buffer.
const SERVER_READY = 0, CLIENT_READY = 1, DONE = 2, EVENT = 3, EVT = 4, MISC_EVENT = 5;
const EVT1 = 6, EVT2 = 7, SERV_FINISHED = 11, CLI_FINISHED = 12;
const SERVER_CRASHED = 8, FINISHED = 9, FIRED = 10;
/** Watched descriptors, each stored as fd + 1 (0: a free slot). */
const FDS = 16, NFDS = 32;
const CELLS = FDS + NFDS;
const MAILBOX = 64 * 1024;

/** unittest.SkipTest. */
export class SkipTest extends Error {
  override name = "SkipTest";
}

/** threading.Event over a cell of shared memory. */
export class Event {
  constructor(readonly cells: Int32Array, readonly i: number, readonly bound = LOOPBACK_TIMEOUT) {}
  set(): void {
    Atomics.store(this.cells, this.i, 1);
    Atomics.notify(this.cells, this.i);
  }
  clear(): void {
    Atomics.store(this.cells, this.i, 0);
  }
  is_set(): boolean {
    return Atomics.load(this.cells, this.i) === 1;
  }
  /**
   * Blocks until set or until `timeout` seconds pass (false then). Without a
   * timeout, as Python's, it waits at most the harness bound (LOOPBACK_TIMEOUT) and then throws.
   */
  wait(timeout: number | null = null): boolean {
    const limit = timeout ?? this.bound;
    const deadline = performance.now() + limit * 1000;
    while (Atomics.load(this.cells, this.i) !== 1) {
      const left = deadline - performance.now();
      if (left <= 0) {
        if (timeout === null) {
          throw new Error(`Event.wait(): not set within ${this.bound} s (harness bound)`);
        }
        return false;
      }
      Atomics.wait(this.cells, this.i, 0, left);
    }
    return true;
  }
}

/** The memory both halves of one test share. */
export interface Shared {
  sab: SharedArrayBuffer;
  mailbox: SharedArrayBuffer;
}

function newShared(): Shared {
  return {
    sab: new SharedArrayBuffer(CELLS * 4),
    mailbox: new SharedArrayBuffer(MAILBOX),
  };
}

/** `self`'s plain attributes (numbers, strings, arrays of them): what one half tells the other. */
function plainState(obj: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const plain = (v: unknown): boolean =>
    v === null || ["number", "string", "boolean"].includes(typeof v) ||
    (Array.isArray(v) && v.every(plain));
  for (const [k, v] of Object.entries(obj)) if (plain(v)) out[k] = v;
  return out;
}

/**
 * CPython's ThreadableTest with unittest.TestCase's addCleanup and
 * skipTest. Subclasses define setUp/tearDown (server) and
 * clientSetUp/clientTearDown (client), and tests in pairs: testFoo, _testFoo.
 */
export class ThreadableTest {
  server_ready!: Event;
  client_ready!: Event;
  done!: Event;
  /** The extra Events some classes make in setUp (self.event, self.evt, self.misc_event). */
  event!: Event;
  evt!: Event;
  misc_event!: Event;
  /** FileObjectClassTestCase's four Events (self.evt1, self.evt2, self.serv_finished, self.cli_finished). */
  evt1!: Event;
  evt2!: Event;
  serv_finished!: Event;
  cli_finished!: Event;
  #cells!: Int32Array;
  #mailbox!: Uint8Array;
  #cleanups: (() => unknown)[] = [];
  #onReady: (() => void) | null = null;

  /** @internal Binds the instance to the shared memory of its test. */
  _attach(shared: Shared, onReady: (() => void) | null): void {
    const cells = new Int32Array(shared.sab);
    const bound = boundOf(this.constructor as TestClass);
    this.#cells = cells;
    this.#mailbox = new Uint8Array(shared.mailbox);
    this.server_ready = new Event(cells, SERVER_READY, bound);
    this.client_ready = new Event(cells, CLIENT_READY, bound);
    this.done = new Event(cells, DONE, bound);
    this.event = new Event(cells, EVENT, bound);
    this.evt = new Event(cells, EVT, bound);
    this.misc_event = new Event(cells, MISC_EVENT, bound);
    this.evt1 = new Event(cells, EVT1, bound);
    this.evt2 = new Event(cells, EVT2, bound);
    this.serv_finished = new Event(cells, SERV_FINISHED, bound);
    this.cli_finished = new Event(cells, CLI_FINISHED, bound);
    this.#onReady = onReady;
  }

  setUp(): void {}
  tearDown(): void {}
  clientSetUp(): void {
    throw new Error("clientSetUp must be implemented.");
  }
  clientTearDown(): void {
    this.done.set();
  }

  /**
   * Lets the client proceed before the server's setUp makes a blocking call
   * that needs it (an accept). Sends `self`'s plain attributes to the worker.
   */
  serverExplicitReady(): void {
    const ready = this.#onReady;
    this.#onReady = null;
    ready?.();
    this.server_ready.set();
  }

  addCleanup(fn: () => unknown): void {
    this.#cleanups.push(fn);
  }

  /** @internal Runs the cleanups, last added first, as unittest's doCleanups. */
  _doCleanups(): void {
    const errors: unknown[] = [];
    while (this.#cleanups.length) {
      try {
        this.#cleanups.pop()!();
      } catch (e) {
        errors.push(e);
      }
    }
    if (errors.length) throw errors[0];
  }

  skipTest(reason: string): never {
    throw new SkipTest(reason);
  }

  /** Lists a socket for the watchdog, which shuts it down if the test hangs. */
  watch(sock: socket.Socket): socket.Socket {
    const v = sock.fileno() + 1;
    for (let i = FDS; i < FDS + NFDS; i++) {
      if (Atomics.compareExchange(this.#cells, i, 0, v) === 0) return sock;
    }
    return sock; // every slot taken: the test's own timeouts remain
  }

  /** Takes a socket off the watchdog's list (before it closes, so its number is not shut down later). */
  unwatch(sock: socket.Socket | null | undefined): void {
    if (!sock || sock.fileno() < 0) return;
    const v = sock.fileno() + 1;
    for (let i = FDS; i < FDS + NFDS; i++) Atomics.compareExchange(this.#cells, i, v, 0);
  }

  /** @internal Client side: stores clientSetUp's plain attributes for the server. */
  _postClientState(): void {
    const bytes = new TextEncoder().encode(JSON.stringify(plainState(this)));
    if (bytes.byteLength + 4 > this.#mailbox.byteLength) return;
    new DataView(this.#mailbox.buffer).setUint32(0, bytes.byteLength, true);
    this.#mailbox.set(bytes, 4);
  }

  /** @internal Server side: takes the attributes the client stored that the server lacks. */
  _takeClientState(): void {
    const n = new DataView(this.#mailbox.buffer).getUint32(0, true);
    if (n === 0) return;
    const state = JSON.parse(new TextDecoder().decode(this.#mailbox.slice(4, 4 + n)));
    const self = this as unknown as Record<string, unknown>;
    for (const [k, v] of Object.entries(state)) if (self[k] === undefined) self[k] = v;
  }
}

// --- CPython's fixture classes -------------------------------------------------

/** SocketTCPTest + ThreadedTCPSocketTest: a listening TCP server, a client TCP socket. */
export class ThreadedTCPSocketTest extends ThreadableTest {
  serv!: socket.Socket;
  port!: number;
  cli!: socket.Socket;

  override setUp(): void {
    this.serv = this.watch(socket.socket(socket.AF_INET, socket.SOCK_STREAM));
    this.port = bind_port(this.serv);
    this.serv.listen();
  }
  override tearDown(): void {
    this.unwatch(this.serv);
    this.serv.close();
  }
  override clientSetUp(): void {
    this.cli = this.watch(socket.socket(socket.AF_INET, socket.SOCK_STREAM));
  }
  override clientTearDown(): void {
    this.unwatch(this.cli);
    this.cli.close();
    super.clientTearDown();
  }
}

/** SocketUDPTest + ThreadedUDPSocketTest: a bound UDP server, a client UDP socket. */
export class ThreadedUDPSocketTest extends ThreadableTest {
  serv!: socket.Socket;
  port!: number;
  cli!: socket.Socket;

  override setUp(): void {
    this.serv = this.watch(socket.socket(socket.AF_INET, socket.SOCK_DGRAM));
    this.port = bind_port(this.serv);
  }
  override tearDown(): void {
    this.unwatch(this.serv);
    this.serv.close();
  }
  override clientSetUp(): void {
    this.cli = this.watch(socket.socket(socket.AF_INET, socket.SOCK_DGRAM));
  }
  override clientTearDown(): void {
    this.unwatch(this.cli);
    this.cli.close();
    super.clientTearDown();
  }
}

/**
 * SocketConnectedTest: the server accepts in setUp (after
 * serverExplicitReady), the client connects in clientSetUp. cli_conn is the
 * server's end, serv_conn the client's.
 */
export class SocketConnectedTest extends ThreadedTCPSocketTest {
  cli_conn!: socket.Socket;
  serv_conn!: socket.Socket;

  override setUp(): void {
    super.setUp();
    // Indicate explicitly we're ready for the client thread to
    // proceed and then perform the blocking call to accept
    this.serverExplicitReady();
    const [conn] = this.serv.accept();
    this.cli_conn = this.watch(conn);
  }
  override tearDown(): void {
    this.unwatch(this.cli_conn);
    this.cli_conn.close();
    super.tearDown();
  }
  override clientSetUp(): void {
    super.clientSetUp();
    this.cli.connect([HOST, this.port]);
    this.serv_conn = this.cli;
  }
  override clientTearDown(): void {
    this.unwatch(this.serv_conn);
    this.serv_conn.close();
    super.clientTearDown();
  }
}

// The following classes are used by the sendmsg()/recvmsg() tests.
// Combining, for instance, ConnectedStreamTestMixin and TCPTestBase
// gives a drop-in replacement for SocketConnectedTest, but different
// address families can be used, and the attributes serv_addr and
// cli_addr will be set to the addresses of the endpoints.
//
// (CPython's multiple inheritance, in a line: the address family bases
// (InetTestBase, TCPTestBase, UDP6TestBase, UnixStreamBase, ...) extend
// SocketTestBase, and ThreadedSocketTestMixin and ConnectedStreamTestMixin
// are functions that extend one of them, as they come before it in
// CPython's MRO: `ConnectedStreamTestMixin(TCPTestBase)`.)

// deno-lint-ignore no-explicit-any
export type Ctor<T = object> = new (...args: any[]) => T;

/**
 * A base class for socket tests.
 *
 * Subclasses must provide methods newSocket() to return a new socket
 * and bindSock(sock) to bind it to an unused address.
 *
 * Creates a socket self.serv and sets self.serv_addr to its address.
 */
export class SocketTestBase extends ThreadableTest {
  serv!: socket.Socket;
  serv_addr!: socket.Address;

  newSocket(): socket.Socket {
    throw new Error("newSocket must be implemented");
  }
  bindSock(_sock: socket.Socket): void {
    throw new Error("bindSock must be implemented");
  }

  override setUp(): void {
    this.serv = this.watch(this.newSocket());
    this.addCleanup(() => this.close_server());
    this.bindServer();
  }

  close_server(): void {
    this.unwatch(this.serv);
    this.serv.close();
    this.serv = null as unknown as socket.Socket;
  }

  /** Bind server socket and set self.serv_addr to its address. */
  bindServer(): void {
    this.bindSock(this.serv);
    this.serv_addr = this.serv.getsockname();
  }
}

/** Mixin to listen on the server socket. */
export function SocketListeningTestMixin<B extends Ctor<SocketTestBase>>(Base: B) {
  return class SocketListeningTestMixin extends Base {
    override setUp(): void {
      super.setUp();
      this.serv.listen();
    }
  };
}

/**
 * Mixin to add client socket and allow client/server tests.
 *
 * Client socket is self.cli and its address is self.cli_addr.  See
 * ThreadableTest for usage information.
 */
export function ThreadedSocketTestMixin<B extends Ctor<SocketTestBase>>(Base: B) {
  return class ThreadedSocketTestMixin extends Base {
    cli!: socket.Socket;
    cli_addr!: socket.Address;

    override clientSetUp(): void {
      this.cli = this.watch(this.newClientSocket());
      this.bindClient();
    }

    /** Return a new socket for use as client. */
    newClientSocket(): socket.Socket {
      return this.newSocket();
    }

    /** Bind client socket and set self.cli_addr to its address. */
    bindClient(): void {
      this.bindSock(this.cli);
      this.cli_addr = this.cli.getsockname();
    }

    override clientTearDown(): void {
      this.unwatch(this.cli);
      this.cli.close();
      this.cli = null as unknown as socket.Socket;
      super.clientTearDown();
    }
  };
}

/**
 * Mixin to allow client/server stream tests with connected client.
 *
 * Server's socket representing connection to client is self.cli_conn
 * and client's connection to server is self.serv_conn.  (Based on
 * SocketConnectedTest.)
 */
export function ConnectedStreamTestMixin<B extends Ctor<SocketTestBase>>(Base: B) {
  return class ConnectedStreamTestMixin
    extends SocketListeningTestMixin(ThreadedSocketTestMixin(Base)) {
    cli_conn!: socket.Socket;
    serv_conn!: socket.Socket;

    override setUp(): void {
      super.setUp();
      // Indicate explicitly we're ready for the client thread to
      // proceed and then perform the blocking call to accept
      this.serverExplicitReady();
      const [conn] = this.serv.accept();
      this.cli_conn = this.watch(conn);
    }

    override tearDown(): void {
      this.unwatch(this.cli_conn);
      this.cli_conn.close();
      this.cli_conn = null as unknown as socket.Socket;
      super.tearDown();
    }

    override clientSetUp(): void {
      super.clientSetUp();
      this.cli.connect(this.serv_addr);
      this.serv_conn = this.cli;
    }

    override clientTearDown(): void {
      // (serv_conn is cli, which ThreadedSocketTestMixin's clientTearDown
      // closes again: a second close does nothing.)
      this.unwatch(this.serv_conn);
      this.serv_conn?.close();
      this.serv_conn = null as unknown as socket.Socket;
      super.clientTearDown();
    }
  };
}

/** Base class for Unix-domain socket tests. */
export class UnixSocketTestBase extends SocketTestBase {
  // This class is used for file descriptor passing tests, so we
  // create the sockets in a private directory so that other users
  // can't send anything that might be problematic for a privileged
  // user running the tests.

  override bindSock(sock: socket.Socket): void {
    // (socket_helper.create_unix_domain_name and os_helper.unlink: a
    // path in a directory of its own, removed with the directory.)
    const name = unixName();
    this.addCleanup(() => name[Symbol.dispose]());
    bind_unix_socket(this, sock, name.path);
  }
}

/** Base class for Unix-domain SOCK_STREAM tests. */
export class UnixStreamBase extends UnixSocketTestBase {
  override newSocket(): socket.Socket {
    return socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
  }
}

/** Base class for IPv4 socket tests. */
export class InetTestBase extends SocketTestBase {
  host = HOST;
  port!: number;

  override setUp(): void {
    super.setUp();
    this.port = (this.serv_addr as [string, number])[1];
  }

  override bindSock(sock: socket.Socket): void {
    bind_port(sock, this.host);
  }
}

/** Base class for TCP-over-IPv4 tests. */
export class TCPTestBase extends InetTestBase {
  override newSocket(): socket.Socket {
    return socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  }
}

/** Base class for UDP-over-IPv4 tests. */
export class UDPTestBase extends InetTestBase {
  override newSocket(): socket.Socket {
    return socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  }
}

/** Base class for UDPLITE-over-IPv4 tests. */
export class UDPLITETestBase extends InetTestBase {
  override newSocket(): socket.Socket {
    return socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDPLITE!);
  }
}

/** Base class for SCTP tests in one-to-one (SOCK_STREAM) mode. */
export class SCTPStreamBase extends InetTestBase {
  override newSocket(): socket.Socket {
    return socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_SCTP);
  }
}

/** Base class for IPv6 socket tests. */
export class Inet6TestBase extends InetTestBase {
  override host = HOSTv6;
}

/** Base class for UDP-over-IPv6 tests. */
export class UDP6TestBase extends Inet6TestBase {
  override newSocket(): socket.Socket {
    return socket.socket(socket.AF_INET6, socket.SOCK_DGRAM);
  }
}

/** Base class for UDPLITE-over-IPv6 tests. */
export class UDPLITE6TestBase extends Inet6TestBase {
  override newSocket(): socket.Socket {
    return socket.socket(socket.AF_INET6, socket.SOCK_DGRAM, socket.IPPROTO_UDPLITE!);
  }
}

/**
 * socket_helper.bind_unix_socket: binds, and skips the test when the OS
 * refuses the path (PermissionError), as CPython does.
 */
function bind_unix_socket(test: ThreadableTest, sock: socket.Socket, path: string): void {
  try {
    sock.bind(path);
  } catch (e) {
    if (e instanceof socket.PermissionError) {
      test.skipTest(`cannot bind AF_UNIX sockets: ${e.message}`);
    }
    throw e;
  }
}

// --- skip and defect marks, beside the test method --------------------------------

type Method = (this: never) => unknown;
const marks = new Map<unknown, { kind: "skip" | "defect"; reason: string }>();

/** Skips a test, with the reason written beside it (Deno cannot run it, or CPython skips it here). */
export function skip(reason: string) {
  return (fn: Method, _ctx: ClassMethodDecoratorContext): void => {
    marks.set(fn, { kind: "skip", reason });
  };
}

/** A test pysocket fails: ignored so the suite passes, and listed in LEDGER.md as a fix to make. */
export function defect(what: string) {
  return (fn: Method, _ctx: ClassMethodDecoratorContext): void => {
    marks.set(fn, { kind: "defect", reason: what });
  };
}

// --- running ---------------------------------------------------------------------------

/**
 * A class of threaded tests. `skipReason`, when a string, skips all its tests
 * with that reason, as CPython's class decorators do (requireSocket,
 * skipUnless): a static field the class computes under CPython's condition.
 */
type TestClass = (new () => ThreadableTest) & {
  harnessTimeout?: number;
  skipReason?: string | null;
};

/**
 * The seconds a test of the class may take before the watchdog ends it:
 * LOOPBACK_TIMEOUT, or a class's static `harnessTimeout` (the harness's own tests).
 */
function boundOf(cls: TestClass): number {
  return cls.harnessTimeout ?? LOOPBACK_TIMEOUT;
}
/** The classes register() has seen, by name: the worker finds its class here. */
export const registry: Map<string, TestClass> = new Map();

/** unittest's getTestCaseNames: every method named test*, sorted. */
function testNames(cls: TestClass): string[] {
  const names = new Set<string>();
  for (let p = cls.prototype; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const k of Object.getOwnPropertyNames(p)) {
      if (k.startsWith("test") && typeof (p as Record<string, unknown>)[k] === "function") {
        names.add(k);
      }
    }
  }
  return [...names].sort();
}

/**
 * Makes a Deno.test named `Class.testFoo` for each test of the class, whose
 * client half runs in a worker that imports `moduleUrl` (the caller's
 * import.meta.url). In the worker it only records the class.
 */
export function register(cls: TestClass, moduleUrl: string, define = true): void {
  registry.set(cls.name, cls);
  if (inClient || !define) return;
  for (const name of testNames(cls)) {
    const mark = marks.get((cls.prototype as unknown as Record<string, unknown>)[name]);
    Deno.test({
      name: `${cls.name}.${name}`,
      ignore: (typeof cls.skipReason === "string") ||
        (mark !== undefined && !(mark.kind === "defect" && runDefects)),
      fn: () => runThreaded(cls, name, moduleUrl),
    });
  }
}

interface Outcome {
  kind: "loaded" | "result" | "error";
  error?: { name: string; message: string; stack?: string };
}

/** The messages of a worker, one at a time, each awaited with a bound. */
function inbox(worker: Worker, seconds: number): (what: string) => Promise<Outcome> {
  const queue: Outcome[] = [];
  let wake: (() => void) | null = null;
  worker.onmessage = (e: MessageEvent<Outcome>) => {
    queue.push(e.data);
    wake?.();
  };
  worker.onerror = (e: ErrorEvent) => {
    e.preventDefault();
    queue.push({ kind: "error", error: { name: "WorkerError", message: e.message } });
    wake?.();
  };
  return async (what: string) => {
    // A little longer than the watchdog's bound, so that it fires first.
    const deadline = Date.now() + seconds * 1000 + 2000;
    while (queue.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`the client worker sent no ${what} in time`);
      let timer: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((r) => {
        wake = r;
        timer = setTimeout(r, left);
      });
      clearTimeout(timer);
      wake = null;
    }
    return queue.shift()!;
  };
}

function revive(e: { name: string; message: string; stack?: string }): Error {
  const err = new Error(`client half: ${e.name}: ${e.message}`);
  if (e.stack) err.stack = `client half: ${e.stack}`;
  return err;
}

/**
 * Runs one threaded test: the server half here, the client half in a worker
 * that imports `moduleUrl`; throws what either half threw, or the watchdog's
 * report when the test ran past its bound.
 */
export async function runThreaded(
  cls: TestClass,
  method: string,
  moduleUrl: string,
): Promise<void> {
  const seconds = boundOf(cls);
  const shared = newShared();
  const cells = new Int32Array(shared.sab);
  const client = new Worker(new URL("./_client_worker.ts", import.meta.url), { type: "module" });
  const watchdog = new Worker(new URL("./_watchdog_worker.ts", import.meta.url), {
    type: "module",
  });
  const next = inbox(client, seconds);
  let serverError: unknown = null;
  let clientError: Error | null = null;
  let readyPosted = false; // the client answers with a result only once told the server is ready
  try {
    client.postMessage({ kind: "start", moduleUrl, className: cls.name, method, ...shared });
    const loaded = await next("loaded");
    if (loaded.kind !== "loaded") throw revive(loaded.error!);
    watchdog.postMessage({ sab: shared.sab, seconds });

    // ThreadableTest._setUp, then the test, tearDown and the cleanups; all
    // on this thread and synchronous, as the server half's calls block.
    const self = new cls();
    self._attach(shared, () => {
      client.postMessage({ kind: "ready", state: plainState(self) });
      readyPosted = true;
    });
    try {
      try {
        self.setUp();
      } catch (e) {
        Atomics.store(cells, SERVER_CRASHED, 1);
        throw e;
      } finally {
        self.serverExplicitReady();
      }
      if (!self.client_ready.wait(seconds)) {
        throw new Error("the client half was not ready in time");
      }
      self._takeClientState();
      self.addCleanup(() => self.done.wait());
      try {
        await (self as unknown as Record<string, () => unknown>)[method]();
      } finally {
        try {
          self.tearDown();
        } finally {
          self._doCleanups();
        }
      }
    } catch (e) {
      serverError = e;
      try {
        self._doCleanups();
      } catch {
        // the first error is the one to report
      }
    }
  } catch (e) {
    serverError = e;
  } finally {
    if (readyPosted) {
      try {
        const result = await next("result");
        if (result.error) clientError = revive(result.error);
      } catch (e) {
        clientError ??= e as Error;
      }
    }
    // Both halves are done: the watchdog stands down.
    Atomics.store(cells, FINISHED, 1);
    watchdog.terminate();
    client.terminate();
  }
  if (Atomics.load(cells, FIRED) === 1) {
    throw new Error(
      `watchdog: the test ran past ${seconds} s and its sockets were shut down` +
        (serverError ? ` (server: ${serverError})` : "") +
        (clientError ? ` (${clientError.message})` : ""),
    );
  }
  if (serverError instanceof SkipTest) {
    console.log(`skipped: ${serverError.message}`);
    return;
  }
  if (serverError) {
    if (clientError) console.error(clientError);
    throw serverError;
  }
  if (clientError) throw clientError;
}

/** @internal Worker side of runThreaded: CPython's clientRun. */
export async function clientRun(
  self: ThreadableTest,
  method: string,
): Promise<unknown> {
  let error: unknown = null;
  try {
    try {
      self.clientSetUp();
      self._postClientState();
    } catch (e) {
      error = e;
      try {
        self.clientTearDown();
      } catch {
        self.done.set();
      }
      return error;
    } finally {
      self.client_ready.set();
    }
    if (serverCrashed(self)) {
      self.clientTearDown();
      return null;
    }
    try {
      await (self as unknown as Record<string, () => unknown>)[`_${method}`]();
    } catch (e) {
      error = e;
    } finally {
      self.clientTearDown();
    }
  } catch (e) {
    error ??= e;
    self.done.set();
  } finally {
    // What the client half gave addCleanup (a file it made, a Unix socket's
    // path): CPython's client thread adds to the test's own list, which
    // unittest runs after the test; here the worker's instance runs its own.
    try {
      self._doCleanups();
    } catch (e) {
      error ??= e;
    }
  }
  return error;
}

function serverCrashed(self: ThreadableTest): boolean {
  return Atomics.load(self.done.cells, SERVER_CRASHED) === 1;
}

/** @internal For the watchdog: the cells it reads and writes. */
export const layout = { FDS, NFDS, FINISHED, FIRED } as const;

// --- CPython's SocketPairTest and ThreadedUDPLITESocketTest ------------------------

/**
 * SocketPairTest: `self.serv, self.cli = self.socketpair()` in setUp. A
 * socket object cannot cross to the worker, but its descriptor can (one
 * process, two threads): setUp detaches the client's end and sends its
 * descriptor, family, type and proto, and clientSetUp makes the client's
 * socket of them again, as it came from the pair.
 */
export class SocketPairTest extends ThreadableTest {
  serv: socket.Socket | null = null;
  cli: socket.Socket | null = null;
  /** The client's end of the pair, for the worker: its descriptor, family, type and proto. */
  cli_fd = -1;
  cli_family = -1;
  cli_type = -1;
  cli_proto = -1;

  socketpair(): [socket.Socket, socket.Socket] {
    // To be overridden by some child classes.
    return socket.socketpair();
  }

  override setUp(): void {
    const [serv, cli] = this.socketpair();
    this.serv = this.watch(serv);
    this.watch(cli);
    [this.cli_family, this.cli_type, this.cli_proto] = [cli.family, cli.type, cli.proto];
    this.cli_fd = cli.detach();
  }
  override tearDown(): void {
    if (this.serv) {
      this.unwatch(this.serv);
      this.serv.close();
    }
    this.serv = null;
  }
  override clientSetUp(): void {
    // (CPython's is empty: its client thread shares self.cli.)
    this.cli = socket.socket(this.cli_family, this.cli_type, this.cli_proto, this.cli_fd);
  }
  override clientTearDown(): void {
    if (this.cli) {
      this.unwatch(this.cli);
      this.cli.close();
    }
    this.cli = null;
    super.clientTearDown();
  }
}

/** SocketUDPLITETest + ThreadedUDPLITESocketTest: ThreadedUDPSocketTest over IPPROTO_UDPLITE. */
export class ThreadedUDPLITESocketTest extends ThreadableTest {
  serv!: socket.Socket;
  port!: number;
  cli!: socket.Socket;

  override setUp(): void {
    this.serv = this.watch(
      socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDPLITE!),
    );
    this.port = bind_port(this.serv);
  }
  override tearDown(): void {
    this.unwatch(this.serv);
    this.serv.close();
  }
  override clientSetUp(): void {
    this.cli = this.watch(
      socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDPLITE!),
    );
  }
  override clientTearDown(): void {
    this.unwatch(this.cli);
    this.cli.close();
    super.clientTearDown();
  }
}

/** unittest.skipUnless as a mark: skips the test with the reason when `condition` is false. */
export function skipUnless(condition: boolean, reason: string) {
  return condition ? (_fn: Method, _ctx: ClassMethodDecoratorContext): void => {} : skip(reason);
}
