// CPython 3.13 test_socket.py: NonBlockingTCPTests, BasicSocketPairTest,
// PurePythonSocketPairTest, TCPCloserTest, ContextManagersTest,
// BufferIOTest and BasicUDPLITETest, ported. Each testFoo runs on the test's
// thread and its _testFoo in a worker, at the same time (see _threaded.ts);
// names, comments and assertions are CPython's, in pysocket's terms (see
// LEDGER.md).

import assert from "node:assert/strict";
import * as socket from "../../mod.ts";
import { assertBytes, b, HOST, MSG, UINT_MAX } from "./_support.ts";
import {
  register,
  skip,
  skipUnless,
  SocketConnectedTest,
  SocketPairTest,
  ThreadedTCPSocketTest,
  ThreadedUDPLITESocketTest,
} from "./_threaded.ts";
import { socketCount } from "./_open_sockets.ts";

const socketsClosed = socketCount("more threaded classes");

const linux = Deno.build.os === "linux";

/** support.LONG_TIMEOUT: five minutes (the harness ends a test at its own bound first). */
const LONG_TIMEOUT = 5 * 60;

/** time.sleep: blocks the thread. */
function sleep(seconds: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, seconds * 1000);
}

/** test_socket.socket_setdefaulttimeout, a context manager: runs `fn` with the default set. */
function socket_setdefaulttimeout(timeout: number | null, fn: () => void): void {
  const old_timeout = socket.getdefaulttimeout();
  try {
    socket.setdefaulttimeout(timeout);
    fn();
  } finally {
    socket.setdefaulttimeout(old_timeout);
  }
}

/**
 * fcntl.fcntl(sock, F_GETFL): the file status flags, as /proc/self/fdinfo
 * shows them (neither pysocket nor Deno has fcntl).
 */
function fcntlGetfl(sock: socket.Socket): number {
  const info = Deno.readTextFileSync(`/proc/self/fdinfo/${sock.fileno()}`);
  return parseInt(/^flags:\s+([0-7]+)/m.exec(info)![1], 8);
}
const O_NONBLOCK = 0o4000;

/** Python's private `sock._closed`: pysocket's closed socket has fileno() -1 and says so in its repr. */
function closed(sock: socket.Socket): boolean {
  const c = sock.fileno() === -1;
  assert.equal(Deno.inspect(sock).includes("[closed]"), c);
  return c;
}

class NonBlockingTCPTests extends ThreadedTCPSocketTest {
  // (self.event = threading.Event() is the harness's, shared by both halves.)

  assert_sock_timeout(sock: socket.Socket, timeout: number | null): void {
    assert.equal(this.serv.gettimeout(), timeout);

    const blocking = timeout !== 0.0;
    assert.equal(sock.getblocking(), blocking);

    if (linux) {
      // When a Python socket has a non-zero timeout, it's switched
      // internally to a non-blocking mode. Later, sock.sendall(),
      // sock.recv(), and other socket operations use a select() call and
      // handle EWOULDBLOCK/EGAIN on all socket operations. That's how
      // timeouts are enforced.
      const fd_blocking = timeout === null;

      const flag = fcntlGetfl(sock);
      assert.equal(!(flag & O_NONBLOCK), fd_blocking);
    }
  }

  testSetBlocking(): void {
    // Test setblocking() and settimeout() methods
    this.serv.setblocking(true);
    this.assert_sock_timeout(this.serv, null);

    this.serv.setblocking(false);
    this.assert_sock_timeout(this.serv, 0.0);

    this.serv.settimeout(null);
    this.assert_sock_timeout(this.serv, null);

    this.serv.settimeout(0);
    this.assert_sock_timeout(this.serv, 0);

    this.serv.settimeout(10);
    this.assert_sock_timeout(this.serv, 10);

    this.serv.settimeout(0);
    this.assert_sock_timeout(this.serv, 0);
  }

  _testSetBlocking(): void {}

  // CPython runs this with _testcapi (cpython_only); its UINT_MAX is C's,
  // and UINT_MAX < ULONG_MAX on this 64-bit Linux.
  testSetBlocking_overflow(): void {
    // Issue 15989
    this.serv.setblocking(false);
    assert.equal(this.serv.gettimeout(), 0.0);

    // (Python's setblocking takes any int as a flag; pysocket's is typed boolean.)
    this.serv.setblocking((UINT_MAX + 1) as unknown as boolean);
    assert.equal(this.serv.gettimeout(), null);
  }

  _testSetBlocking_overflow(): void {}

  // CPython: skipUnless(hasattr(socket, 'SOCK_NONBLOCK')), requires_linux_version(2, 6, 28)
  @skipUnless(socket.SOCK_NONBLOCK !== undefined, "test needs socket.SOCK_NONBLOCK")
  testInitNonBlocking(): void {
    // create a socket with SOCK_NONBLOCK
    this.unwatch(this.serv);
    this.serv.close();
    this.serv = socket.socket(socket.AF_INET, socket.SOCK_STREAM | socket.SOCK_NONBLOCK!);
    this.assert_sock_timeout(this.serv, 0);
  }

  _testInitNonBlocking(): void {}

  testInheritFlagsBlocking(): void {
    // bpo-7995: accept() on a listening socket with a timeout and the
    // default timeout is None, the resulting socket must be blocking.
    socket_setdefaulttimeout(null, () => {
      this.serv.settimeout(10);
      const [conn] = this.serv.accept();
      this.addCleanup(() => conn.close());
      assert.equal(conn.gettimeout(), null);
    });
  }

  _testInheritFlagsBlocking(): void {
    this.cli.connect([HOST, this.port]);
  }

  testInheritFlagsTimeout(): void {
    // bpo-7995: accept() on a listening socket with a timeout and the
    // default timeout is None, the resulting socket must inherit
    // the default timeout.
    const default_timeout = 20.0;
    socket_setdefaulttimeout(default_timeout, () => {
      this.serv.settimeout(10);
      const [conn] = this.serv.accept();
      this.addCleanup(() => conn.close());
      assert.equal(conn.gettimeout(), default_timeout);
    });
  }

  _testInheritFlagsTimeout(): void {
    this.cli.connect([HOST, this.port]);
  }

  testAccept(): void {
    // Testing non-blocking accept
    this.serv.setblocking(false);

    // connect() didn't start: non-blocking accept() fails
    const start_time = performance.now();
    assert.throws(() => this.serv.accept(), socket.BlockingIOError);
    const dt = (performance.now() - start_time) / 1000;
    assert.ok(dt < 1.0, `${dt} < 1.0`);

    this.event.set();

    const [read] = socket.select([this.serv], [], [], LONG_TIMEOUT);
    if (!read.includes(this.serv)) {
      assert.fail("Error trying to do accept after select.");
    }

    // connect() completed: non-blocking accept() doesn't block
    const [conn] = this.serv.accept();
    this.addCleanup(() => conn.close());
    assert.equal(conn.gettimeout(), null);
  }

  _testAccept(): void {
    // don't connect before event is set to check
    // that non-blocking accept() raises BlockingIOError
    this.event.wait();

    this.cli.connect([HOST, this.port]);
  }

  testRecv(): void {
    // Testing non-blocking recv
    const [conn] = this.serv.accept();
    this.watch(conn);
    this.addCleanup(() => {
      this.unwatch(conn);
      conn.close();
    });
    conn.setblocking(false);

    // the server didn't send data yet: non-blocking recv() fails
    assert.throws(() => conn.recv(MSG.length), socket.BlockingIOError);

    this.event.set();

    const [read] = socket.select([conn], [], [], LONG_TIMEOUT);
    if (!read.includes(conn)) {
      assert.fail("Error during select call to non-blocking socket.");
    }

    // the server sent data yet: non-blocking recv() doesn't block
    const msg = conn.recv(MSG.length);
    assertBytes(msg, MSG);
  }

  _testRecv(): void {
    this.cli.connect([HOST, this.port]);

    // don't send anything before event is set to check
    // that non-blocking recv() raises BlockingIOError
    this.event.wait();

    // send data: recv() will no longer block
    this.cli.sendall(MSG);
  }
}

class BasicSocketPairTest extends SocketPairTest {
  _check_defaults(sock: socket.Socket | null): void {
    assert.ok(sock instanceof socket.Socket);
    if (socket.AF_UNIX !== undefined) {
      assert.equal(sock.family, socket.AF_UNIX);
    } else {
      assert.equal(sock.family, socket.AF_INET);
    }
    assert.equal(sock.type, socket.SOCK_STREAM);
    assert.equal(sock.proto, 0);
  }

  _testDefaults(): void {
    this._check_defaults(this.cli);
  }

  testDefaults(): void {
    this._check_defaults(this.serv);
  }

  testRecv(): void {
    const msg = this.serv!.recv(1024);
    assertBytes(msg, MSG);
  }

  _testRecv(): void {
    this.cli!.send(MSG);
  }

  testSend(): void {
    this.serv!.send(MSG);
  }

  _testSend(): void {
    const msg = this.cli!.recv(1024);
    assertBytes(msg, MSG);
  }
}

// CPython forces socket._fallback_socketpair, socket.py's emulation of
// socketpair over a loopback TCP connection, in place of the OS's
// _socket.socketpair. On Linux pysocket's socketpair is the OS's
// socketpair(2), as CPython's _socket.socketpair, with no fallback to force:
// socketpair(AF_INET6) and socketpair(AF_INET) fail with EOPNOTSUPP, as
// Python's own do without the fallback (`python3 -c 'import socket;
// socket.socketpair(socket.AF_INET)'`: OSError: [Errno 95]). pysocket's
// emulation is the Windows backend's (native code over Winsock), so on
// Windows the four tests of the pair's behaviour run as CPython's.
const noFallback =
  "pysocket's socketpair on Linux is the OS's socketpair(2), as CPython's _socket.socketpair: " +
  "no loopback-TCP fallback (socket._fallback_socketpair) to force, and socketpair(AF_INET) " +
  "is EOPNOTSUPP here, as it is in Python without the fallback";
const onlyEmulated = (reason: string) => skipUnless(Deno.build.os === "windows", reason);

class PurePythonSocketPairTest extends SocketPairTest {
  // Explicitly use socketpair AF_INET or AF_INET6 to ensure that is the
  // code path we're using regardless platform is the pure python one where
  // `_socket.socketpair` does not exist.  (AF_INET does not work with
  // _socket.socketpair on many platforms).
  override socketpair(): [socket.Socket, socket.Socket] {
    // called by super().setUp().
    try {
      return socket.socketpair(socket.AF_INET6);
    } catch (e) {
      if (!(e instanceof socket.OSError)) throw e;
      return socket.socketpair(socket.AF_INET);
    }
  }

  // (CPython's setUp and tearDown swap socket.socketpair for
  // socket._fallback_socketpair and back; pysocket has no such fallback.)

  @onlyEmulated(noFallback)
  test_recv(): void {
    const msg = this.serv!.recv(1024);
    assertBytes(msg, MSG);
  }

  _test_recv(): void {
    this.cli!.send(MSG);
  }

  @onlyEmulated(noFallback)
  test_send(): void {
    this.serv!.send(MSG);
  }

  _test_send(): void {
    const msg = this.cli!.recv(1024);
    assertBytes(msg, MSG);
  }

  @onlyEmulated(noFallback)
  test_ipv4(): void {
    const [cli, srv] = socket.socketpair(socket.AF_INET);
    cli.close();
    srv.close();
  }

  _test_ipv4(): void {}

  // CPython: skipIf(no IPPROTO_IPV6 or IPV6_V6ONLY), skipUnless(IPV6_ENABLED)
  @onlyEmulated(noFallback)
  test_ipv6(): void {
    const [cli, srv] = socket.socketpair(socket.AF_INET6);
    cli.close();
    srv.close();
  }

  _test_ipv6(): void {}

  // It replaces socket.socket.getsockname so that another socket connects
  // to the fallback's listening socket first, and checks that the fallback
  // refuses the pair. pysocket has no fallback in TypeScript whose
  // getsockname could be replaced (the Windows emulation is native code).
  @skip(
    noFallback + "; and the Windows emulation is native code, which calls no " +
      "socket.getsockname to replace",
  )
  test_injected_authentication_failure(): void {}

  _test_injected_authentication_failure(): void {
    // No-op.  Exists for base class threading infrastructure to call.
  }
}

class TCPCloserTest extends ThreadedTCPSocketTest {
  /** The client's descriptor: the server half reads from the client's socket, as CPython's `sd = self.cli`. */
  cli_fileno!: number;

  override clientSetUp(): void {
    super.clientSetUp();
    this.cli_fileno = this.cli.fileno();
  }

  testClose(): void {
    const [conn] = this.serv.accept();
    conn.close();

    // (self.cli is the client thread's socket; here it is the same
    // descriptor, wrapped on this thread and detached, not closed, at the end.)
    const sd = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0, this.cli_fileno);
    try {
      const [read] = socket.select([sd], [], [], 1.0);
      assert.deepEqual(read, [sd]);
      assertBytes(sd.recv(1), b(""));
    } finally {
      sd.detach();
    }

    // Calling close() many times should be safe.
    conn.close();
    conn.close();
  }

  _testClose(): void {
    this.cli.connect([HOST, this.port]);
    sleep(1.0);
  }
}

class ContextManagersTest extends ThreadedTCPSocketTest {
  /** self.serv.getsockname(), which the client half asks: taken in setUp, as the server's socket stays on its thread. */
  serv_sockname: [string, number] | null = null;

  override setUp(): void {
    super.setUp();
    this.serv_sockname = this.serv.getsockname() as [string, number];
  }

  // (CPython has no testSocketClass, so this half never runs there either.)
  _testSocketClass(): void {
    let sock: socket.Socket;
    // base test
    {
      using s = socket.socket();
      sock = s;
      assert.ok(!closed(sock));
    }
    assert.ok(closed(sock));
    // close inside with block
    {
      using s = socket.socket();
      sock = s;
      sock.close();
    }
    assert.ok(closed(sock));
    // exception inside with block
    {
      using s = socket.socket();
      sock = s;
      assert.throws(() => s.sendall(b("foo")), socket.OSError);
    }
    assert.ok(closed(sock));
  }

  testCreateConnectionBase(): void {
    const [conn] = this.serv.accept();
    this.addCleanup(() => conn.close());
    const data = conn.recv(1024);
    conn.sendall(data);
  }

  _testCreateConnectionBase(): void {
    const address = this.serv_sockname!;
    let sock: socket.Socket;
    {
      using s = this.watch(socket.create_connection(address));
      sock = s;
      assert.ok(!closed(sock));
      sock.sendall(b("foo"));
      assertBytes(sock.recv(1024), b("foo"));
      this.unwatch(s);
    }
    assert.ok(closed(sock));
  }

  testCreateConnectionClose(): void {
    const [conn] = this.serv.accept();
    this.addCleanup(() => conn.close());
    const data = conn.recv(1024);
    conn.sendall(data);
  }

  _testCreateConnectionClose(): void {
    const address = this.serv_sockname!;
    let sock: socket.Socket;
    {
      using s = socket.create_connection(address);
      sock = s;
      sock.close();
    }
    assert.ok(closed(sock));
    assert.throws(() => sock.sendall(b("foo")), socket.OSError);
  }
}

class BufferIOTest extends SocketConnectedTest {
  // Test the buffer versions of socket.recv() and socket.send().
  // (array.array("B") and bytearray are Uint8Arrays, memoryview(buf) a
  // DataView of buf's memory.)

  testRecvIntoArray(): void {
    let buf = new Uint8Array(MSG.length);
    const nbytes = this.cli_conn.recv_into(buf);
    assert.equal(nbytes, MSG.length);
    buf = buf.slice(); // buf.tobytes()
    const msg = buf.subarray(0, MSG.length);
    assertBytes(msg, MSG);
  }

  _testRecvIntoArray(): void {
    const buf = MSG.slice();
    this.serv_conn.send(buf);
  }

  testRecvIntoBytearray(): void {
    const buf = new Uint8Array(1024);
    const nbytes = this.cli_conn.recv_into(buf);
    assert.equal(nbytes, MSG.length);
    const msg = buf.subarray(0, MSG.length);
    assertBytes(msg, MSG);
  }

  _testRecvIntoBytearray(): void {
    this._testRecvIntoArray();
  }

  testRecvIntoMemoryview(): void {
    const buf = new Uint8Array(1024);
    const nbytes = this.cli_conn.recv_into(new DataView(buf.buffer));
    assert.equal(nbytes, MSG.length);
    const msg = buf.subarray(0, MSG.length);
    assertBytes(msg, MSG);
  }

  _testRecvIntoMemoryview(): void {
    this._testRecvIntoArray();
  }

  testRecvFromIntoArray(): void {
    let buf = new Uint8Array(MSG.length);
    const [nbytes] = this.cli_conn.recvfrom_into(buf);
    assert.equal(nbytes, MSG.length);
    buf = buf.slice(); // buf.tobytes()
    const msg = buf.subarray(0, MSG.length);
    assertBytes(msg, MSG);
  }

  _testRecvFromIntoArray(): void {
    const buf = MSG.slice();
    this.serv_conn.send(buf);
  }

  testRecvFromIntoBytearray(): void {
    const buf = new Uint8Array(1024);
    const [nbytes] = this.cli_conn.recvfrom_into(buf);
    assert.equal(nbytes, MSG.length);
    const msg = buf.subarray(0, MSG.length);
    assertBytes(msg, MSG);
  }

  _testRecvFromIntoBytearray(): void {
    this._testRecvFromIntoArray();
  }

  testRecvFromIntoMemoryview(): void {
    const buf = new Uint8Array(1024);
    const [nbytes] = this.cli_conn.recvfrom_into(new DataView(buf.buffer));
    assert.equal(nbytes, MSG.length);
    const msg = buf.subarray(0, MSG.length);
    assertBytes(msg, MSG);
  }

  _testRecvFromIntoMemoryview(): void {
    this._testRecvFromIntoArray();
  }

  testRecvFromIntoSmallBuffer(): void {
    // See issue #20246.
    const buf = new Uint8Array(8);
    assert.throws(() => this.cli_conn.recvfrom_into(buf, 1024), RangeError);
  }

  _testRecvFromIntoSmallBuffer(): void {
    this.serv_conn.send(MSG);
  }

  testRecvFromIntoEmptyBuffer(): void {
    const buf = new Uint8Array(0);
    this.cli_conn.recvfrom_into(buf);
    this.cli_conn.recvfrom_into(buf, 0);
  }

  _testRecvFromIntoEmptyBuffer(): void {
    this._testRecvFromIntoArray();
  }
}

// CPython: skipUnless(HAVE_SOCKET_UDPLITE), on the class
const HAVE_SOCKET_UDPLITE = socket.IPPROTO_UDPLITE !== undefined;
const udplite = skipUnless(HAVE_SOCKET_UDPLITE, "UDPLITE sockets required for this test.");

class BasicUDPLITETest extends ThreadedUDPLITESocketTest {
  @udplite
  testSendtoAndRecv(): void {
    // Testing sendto() and Recv() over UDPLITE
    const msg = this.serv.recv(MSG.length);
    assertBytes(msg, MSG);
  }

  _testSendtoAndRecv(): void {
    this.cli.sendto(MSG, 0, [HOST, this.port]);
  }

  @udplite
  testRecvFrom(): void {
    // Testing recvfrom() over UDPLITE
    const [msg] = this.serv.recvfrom(MSG.length);
    assertBytes(msg, MSG);
  }

  _testRecvFrom(): void {
    this.cli.sendto(MSG, 0, [HOST, this.port]);
  }

  @udplite
  testRecvFromNegative(): void {
    // Negative lengths passed to recvfrom should give ValueError.
    assert.throws(() => this.serv.recvfrom(-1), RangeError);
  }

  _testRecvFromNegative(): void {
    this.cli.sendto(MSG, 0, [HOST, this.port]);
  }
}

register(NonBlockingTCPTests, import.meta.url);
register(BasicSocketPairTest, import.meta.url);
register(PurePythonSocketPairTest, import.meta.url);
register(TCPCloserTest, import.meta.url);
register(ContextManagersTest, import.meta.url);
register(BufferIOTest, import.meta.url);
register(BasicUDPLITETest, import.meta.url);

socketsClosed();
