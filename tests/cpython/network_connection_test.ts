// CPython 3.13 test_socket.py: NetworkConnectionNoServer,
// NetworkConnectionAttributesTest and NetworkConnectionBehaviourTest,
// ported (BasicTCPTest2 is in basic_tcp_udp_test.ts, beside BasicTCPTest).
// Names, comments and assertions are CPython's, in pysocket's terms (see
// LEDGER.md); the threaded classes run on the harness (_threaded.ts).

import assert from "node:assert/strict";
import * as socket from "../../mod.ts";
import {
  assertBytes,
  b,
  bind_port,
  find_unused_port,
  HOST,
  IPV6_ENABLED,
  LOOPBACK_TIMEOUT,
  test,
} from "./_support.ts";
import { register, ThreadedTCPSocketTest } from "./_threaded.ts";
import { socketCount } from "./_open_sockets.ts";

const socketsClosed = socketCount("network connection classes");

const errno = socket.errno;

/** time.sleep: blocks the thread. */
function sleep(seconds: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, seconds * 1000);
}

/** socket_helper.get_socket_conn_refused_errs. */
function get_socket_conn_refused_errs(): number[] {
  const errors = [errno.ECONNREFUSED];
  // On Solaris, ENETUNREACH is returned sometimes instead of ECONNREFUSED
  if (errno.ENETUNREACH !== undefined) errors.push(errno.ENETUNREACH);
  // bpo-31910: socket.create_connection() fails randomly
  // with EADDRNOTAVAIL on Travis CI
  if (errno.EADDRNOTAVAIL !== undefined) errors.push(errno.EADDRNOTAVAIL);
  // bpo-37583: The destination host cannot be reached
  if (errno.EHOSTUNREACH !== undefined) errors.push(errno.EHOSTUNREACH);
  if (!IPV6_ENABLED) errors.push(errno.EAFNOSUPPORT);
  return errors;
}

// --- NetworkConnectionNoServer ------------------------------------------------------

// (socket_helper.skip_if_tcp_blackhole skips on FreeBSD with
// net.inet.tcp.blackhole set, never on Linux.)
test("NetworkConnectionNoServer", "test_connect", () => {
  const port = find_unused_port();
  using cli = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  let cm: unknown = null;
  try {
    cli.connect([HOST, port]);
  } catch (e) {
    cm = e;
  }
  assert.ok(cm instanceof socket.OSError, `OSError not raised: ${cm}`);
  assert.equal(cm.errno, errno.ECONNREFUSED);
});

test("NetworkConnectionNoServer", "test_create_connection", () => {
  // Issue #9792: errors raised by create_connection() should have
  // a proper errno attribute.
  const port = find_unused_port();
  let cm: unknown = null;
  try {
    socket.create_connection([HOST, port]);
  } catch (e) {
    cm = e;
  }
  assert.ok(cm instanceof socket.OSError, `OSError not raised: ${cm}`);

  // Issue #16257: create_connection() calls getaddrinfo() against
  // 'localhost'.  This may result in an IPV6 addr being returned
  // as well as an IPV4 one:
  //   >>> socket.getaddrinfo('localhost', port, 0, SOCK_STREAM)
  //   >>> [(2,  2, 0, '', ('127.0.0.1', 41230)),
  //        (26, 2, 0, '', ('::1', 41230, 0, 0))]
  //
  // create_connection() enumerates through all the addresses returned
  // and if it doesn't successfully bind to any of them, it propagates
  // the last exception it encountered.
  //
  // On Solaris, ENETUNREACH is returned in this circumstance instead
  // of ECONNREFUSED.  So, if that errno exists, add it to our list of
  // expected errnos.
  const expected_errnos = get_socket_conn_refused_errs();
  assert.ok(expected_errnos.includes(cm.errno!), `${cm.errno} in ${expected_errnos}`);
});

test("NetworkConnectionNoServer", "test_create_connection_all_errors", () => {
  // (ExceptionGroup is AggregateError, its exceptions its errors.)
  const port = find_unused_port();
  let eg: unknown = null;
  try {
    socket.create_connection([HOST, port], undefined, null, { all_errors: true });
  } catch (e) {
    if (!(e instanceof AggregateError)) throw e;
    eg = e;
  }
  if (eg === null) assert.fail("expected connection to fail");

  assert.ok(eg instanceof AggregateError);
  for (const e of eg.errors) {
    assert.ok(e instanceof socket.OSError);
  }

  const addresses = socket.getaddrinfo("localhost", port, 0, socket.SOCK_STREAM);
  // assert that we got an exception for each address
  assert.equal(addresses.length, eg.errors.length);
});

test("NetworkConnectionNoServer", "test_create_connection_timeout", () => {
  // Issue #9792: create_connection() should not recast timeout errors
  // as generic socket errors.
  // (CPython replaces socket.socket with a MockSocket whose connect()
  // raises TimeoutError('timed out'). An ES module's binding cannot be
  // replaced, and the port keeps to real sockets: here connect() really
  // times out, on a listening socket whose accept queue (listen(0): one
  // connection) is full, so the kernel drops the next SYN.)
  using full = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  const port = bind_port(full);
  full.listen(0);
  using queued = socket.create_connection([HOST, port], LOOPBACK_TIMEOUT);
  void queued;
  try {
    socket.create_connection([HOST, port], 0.5).close();
  } catch (exc) {
    if (exc instanceof socket.TimeoutError) {
      return;
    } else if (exc instanceof socket.OSError) {
      if (IPV6_ENABLED || exc.errno !== errno.EAFNOSUPPORT) throw exc;
      return;
    }
    throw exc;
  }
  assert.fail("TimeoutError not raised");
});

// --- NetworkConnectionAttributesTest (SocketTCPTest, ThreadableTest) ----------------

class NetworkConnectionAttributesTest extends ThreadedTCPSocketTest {
  // (cli is None until a _test method makes it with create_connection;
  // the client's addCleanup(self.cli.close) is clientTearDown's close here,
  // as the harness runs cleanups on the server's side.)
  declare cli: socket.Socket;
  source_port!: number;

  override clientSetUp(): void {
    this.source_port = find_unused_port();
  }

  override clientTearDown(): void {
    if (this.cli != null) {
      this.unwatch(this.cli);
      this.cli.close();
    }
    (this as { cli: socket.Socket | null }).cli = null;
    this.done.set(); // ThreadableTest.clientTearDown(self)
  }

  _justAccept(): void {
    const [conn] = this.serv.accept();
    conn.close();
  }

  testFamily(): void {
    this._justAccept();
  }
  _testFamily(): void {
    this.cli = this.watch(
      socket.create_connection([HOST, this.port], LOOPBACK_TIMEOUT),
    );
    assert.equal(this.cli.family, 2);
  }

  testSourceAddress(): void {
    this._justAccept();
  }
  _testSourceAddress(): void {
    this.cli = this.watch(
      socket.create_connection([HOST, this.port], LOOPBACK_TIMEOUT, ["", this.source_port]),
    );
    assert.equal((this.cli.getsockname() as [string, number])[1], this.source_port);
    // The port number being used is sufficient to show that the bind()
    // call happened.
  }

  testTimeoutDefault(): void {
    this._justAccept();
  }
  _testTimeoutDefault(): void {
    // passing no explicit timeout uses socket's global default
    assert.ok(socket.getdefaulttimeout() === null);
    socket.setdefaulttimeout(42);
    try {
      this.cli = this.watch(socket.create_connection([HOST, this.port]));
    } finally {
      socket.setdefaulttimeout(null);
    }
    assert.equal(this.cli.gettimeout(), 42);
  }

  testTimeoutNone(): void {
    this._justAccept();
  }
  _testTimeoutNone(): void {
    // None timeout means the same as sock.settimeout(None)
    assert.ok(socket.getdefaulttimeout() === null);
    socket.setdefaulttimeout(30);
    try {
      this.cli = this.watch(socket.create_connection([HOST, this.port], null));
    } finally {
      socket.setdefaulttimeout(null);
    }
    assert.equal(this.cli.gettimeout(), null);
  }

  testTimeoutValueNamed(): void {
    this._justAccept();
  }
  _testTimeoutValueNamed(): void {
    // (timeout=30: JS has no keyword arguments; the position is the keyword's.)
    this.cli = this.watch(socket.create_connection([HOST, this.port], 30));
    assert.equal(this.cli.gettimeout(), 30);
  }

  testTimeoutValueNonamed(): void {
    this._justAccept();
  }
  _testTimeoutValueNonamed(): void {
    this.cli = this.watch(socket.create_connection([HOST, this.port], 30));
    assert.equal(this.cli.gettimeout(), 30);
  }
}

// --- NetworkConnectionBehaviourTest (SocketTCPTest, ThreadableTest) ------------------

class NetworkConnectionBehaviourTest extends ThreadedTCPSocketTest {
  override clientSetUp(): void {}

  override clientTearDown(): void {
    this.unwatch(this.cli);
    this.cli.close();
    (this as { cli: socket.Socket | null }).cli = null;
    this.done.set(); // ThreadableTest.clientTearDown(self)
  }

  testInsideTimeout(): void {
    const [conn] = this.serv.accept();
    this.addCleanup(() => conn.close());
    sleep(3);
    conn.send(b("done!"));
  }
  testOutsideTimeout(): void {
    this.testInsideTimeout();
  }

  _testInsideTimeout(): void {
    const sock = this.cli = this.watch(socket.create_connection([HOST, this.port]));
    const data = sock.recv(5);
    assertBytes(data, b("done!"));
  }

  _testOutsideTimeout(): void {
    const sock = this.cli = this.watch(socket.create_connection([HOST, this.port], 1));
    assert.throws(() => sock.recv(5), socket.TimeoutError);
  }
}

register(NetworkConnectionAttributesTest, import.meta.url);
register(NetworkConnectionBehaviourTest, import.meta.url);

socketsClosed();
