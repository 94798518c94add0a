// CPython 3.13 test_socket.py: the plain (one-thread) classes TCPTimeoutTest,
// UDPTimeoutTest, TestExceptions, InheritanceTest, NonblockConstantTest,
// TestLinuxAbstractNamespace, TestUnixDomain and CreateServerTest, ported.
// Names, comments and assertions are CPython's, in pysocket's terms (see
// LEDGER.md). fcntl's flags are read from /proc/self/fdinfo, and cleared with
// libc's fcntl through Deno.dlopen: neither pysocket nor Deno has fcntl.

import assert from "node:assert/strict";
import * as socket from "../../mod.ts";
import { openDescriptors } from "../_helpers.ts";
import { b, bind_port, find_unused_port, IPV6_ENABLED, test, unixName } from "./_support.ts";

const linux = Deno.build.os === "linux";

// Descriptors open before the module's tests; the last test checks that
// every one they opened was closed (by identity: another module's workers
// may close theirs meanwhile).
let fdsBefore = new Set<string>();
Deno.test({
  name: "plain classes (descriptors before the module)",
  ignore: !linux,
  fn: () => void (fdsBefore = openDescriptors()),
});

// --- fcntl, for the flags CPython's tests read -----------------------------------

/** fcntl.fcntl(fd, F_GETFL) and F_GETFD, as /proc/self/fdinfo shows them (O_CLOEXEC in flags). */
function fdFlags(fd: number): number {
  const info = Deno.readTextFileSync(`/proc/self/fdinfo/${fd}`);
  return parseInt(/^flags:\s+([0-7]+)/m.exec(info)![1], 8);
}
const O_NONBLOCK = 0o4000;
const O_CLOEXEC = 0o2000000;

/** fcntl(fd, F_SETFD, flags): libc's, through Deno.dlopen. */
function fcntlSetfd(fd: number, flags: number): void {
  const libc = Deno.dlopen("libc.so.6", {
    fcntl: { parameters: ["i32", "i32", "i32"], result: "i32" },
  });
  const F_SETFD = 2;
  try {
    assert.equal(libc.symbols.fcntl(fd, F_SETFD, flags), 0);
  } finally {
    libc.close();
  }
}

// --- TCPTimeoutTest, UDPTimeoutTest (SocketTCPTest, SocketUDPTest) ---------------------

function tcpServer(): socket.Socket {
  const serv = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  bind_port(serv);
  serv.listen();
  return serv;
}
function udpServer(): socket.Socket {
  const serv = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  bind_port(serv);
  return serv;
}

test("TCPTimeoutTest", "testTCPTimeout", () => {
  using serv = tcpServer();
  const raise_timeout = () => {
    serv.settimeout(1.0);
    serv.accept();
  };
  assert.throws(raise_timeout, socket.TimeoutError, "Error generating a timeout exception (TCP)");
});

test("TCPTimeoutTest", "testTimeoutZero", () => {
  using serv = tcpServer();
  let ok = false;
  try {
    serv.settimeout(0.0);
    serv.accept();
  } catch (e) {
    if (e instanceof socket.TimeoutError) assert.fail("caught timeout instead of error (TCP)");
    else if (e instanceof socket.OSError) ok = true;
    else assert.fail("caught unexpected exception (TCP)");
  }
  if (!ok) assert.fail("accept() returned success when we did not expect it");
});

// CPython: skipUnless(hasattr(signal, 'alarm')). Not here: Deno runs a signal
// listener only between event-loop tasks, never inside the blocking FFI call,
// so no handler can raise Alarm out of a blocked accept() (pysocket retries
// the EINTR, PEP 475). GeneralModuleTests.test_sendall_interrupted is skipped
// for the same reason.
test("TCPTimeoutTest", "testInterruptedTimeout", () => {}, true);

test("UDPTimeoutTest", "testUDPTimeout", () => {
  using serv = udpServer();
  const raise_timeout = () => {
    serv.settimeout(1.0);
    serv.recv(1024);
  };
  assert.throws(raise_timeout, socket.TimeoutError, "Error generating a timeout exception (UDP)");
});

test("UDPTimeoutTest", "testTimeoutZero", () => {
  using serv = udpServer();
  let ok = false;
  try {
    serv.settimeout(0.0);
    serv.recv(1024);
  } catch (e) {
    if (e instanceof socket.TimeoutError) assert.fail("caught timeout instead of error (UDP)");
    else if (e instanceof socket.OSError) ok = true;
    else assert.fail("caught unexpected exception (UDP)");
  }
  if (!ok) assert.fail("recv() returned success when we did not expect it");
});

// --- TestExceptions -------------------------------------------------------------------

test("TestExceptions", "testExceptionTree", () => {
  // (issubclass(X, Y) is X.prototype instanceof Y.)
  assert.ok(socket.OSError.prototype instanceof Error);
  assert.ok(socket.herror.prototype instanceof socket.OSError);
  assert.ok(socket.gaierror.prototype instanceof socket.OSError);
  assert.ok(socket.timeout.prototype instanceof socket.OSError);
  assert.equal(socket.error, socket.OSError);
  assert.equal(socket.timeout, socket.TimeoutError);
});

test("TestExceptions", "test_setblocking_invalidfd", () => {
  // Regression test for issue #28471

  const sock0 = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0);
  const sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0, sock0.fileno());
  sock0.close();
  try {
    assert.throws(() => sock.setblocking(false), socket.OSError);
  } finally {
    sock.detach();
  }
});

// --- InheritanceTest ----------------------------------------------------------------------

// CPython: skipUnless(hasattr(socket, "SOCK_CLOEXEC")); requires_linux_version(2, 6, 28)
test("InheritanceTest", "test_SOCK_CLOEXEC", () => {
  using s = socket.socket(socket.AF_INET, socket.SOCK_STREAM | socket.SOCK_CLOEXEC!);
  assert.equal(s.type, socket.SOCK_STREAM);
  assert.equal(s.get_inheritable(), false);
}, socket.SOCK_CLOEXEC === undefined);

test("InheritanceTest", "test_default_inheritable", () => {
  using sock = socket.socket();
  assert.equal(sock.get_inheritable(), false);
});

test("InheritanceTest", "test_dup", () => {
  using sock = socket.socket();
  using newsock = sock.dup();
  sock.close();
  assert.equal(newsock.get_inheritable(), false);
});

test("InheritanceTest", "test_set_inheritable", () => {
  using sock = socket.socket();
  sock.set_inheritable(true);
  assert.equal(sock.get_inheritable(), true);

  sock.set_inheritable(false);
  assert.equal(sock.get_inheritable(), false);
});

// CPython: skipIf(fcntl is None)
test("InheritanceTest", "test_get_inheritable_cloexec", () => {
  using sock = socket.socket();
  const fd = sock.fileno();
  assert.equal(sock.get_inheritable(), false);

  // clear FD_CLOEXEC flag
  fcntlSetfd(fd, 0);

  assert.equal(sock.get_inheritable(), true);
}, !linux);

// CPython: skipIf(fcntl is None)
test("InheritanceTest", "test_set_inheritable_cloexec", () => {
  using sock = socket.socket();
  const fd = sock.fileno();
  assert.equal(fdFlags(fd) & O_CLOEXEC, O_CLOEXEC);

  sock.set_inheritable(true);
  assert.equal(fdFlags(fd) & O_CLOEXEC, 0);
}, !linux);

test("InheritanceTest", "test_socketpair", () => {
  const [s1, s2] = socket.socketpair();
  try {
    assert.equal(s1.get_inheritable(), false);
    assert.equal(s2.get_inheritable(), false);
  } finally {
    s1.close();
    s2.close();
  }
});

// --- NonblockConstantTest ---------------------------------------------------------------

function checkNonblock(s: socket.Socket, nonblock = true, timeout = 0.0): void {
  if (nonblock) {
    assert.equal(s.type, socket.SOCK_STREAM);
    assert.equal(s.gettimeout(), timeout);
    assert.ok(fdFlags(s.fileno()) & O_NONBLOCK);
    if (timeout === 0) {
      // timeout == 0: means that getblocking() must be False.
      assert.equal(s.getblocking(), false);
    } else {
      // If timeout > 0, the socket will be in a "blocking" mode
      // from the standpoint of the Python API.  For Python socket
      // object, "blocking" means that operations like 'sock.recv()'
      // will block.  Internally, file descriptors for
      // "blocking" Python sockets *with timeouts* are in a
      // *non-blocking* mode, and 'sock.recv()' uses 'select()'
      // and handles EWOULDBLOCK/EAGAIN to enforce the timeout.
      assert.equal(s.getblocking(), true);
    }
  } else {
    assert.equal(s.type, socket.SOCK_STREAM);
    assert.equal(s.gettimeout(), null);
    assert.ok(!(fdFlags(s.fileno()) & O_NONBLOCK));
    assert.equal(s.getblocking(), true);
  }
}

// CPython: skipUnless(hasattr(socket, "SOCK_NONBLOCK")); requires_linux_version(2, 6, 28)
test("NonblockConstantTest", "test_SOCK_NONBLOCK", () => {
  // a lot of it seems silly and redundant, but I wanted to test that
  // changing back and forth worked ok
  {
    using s = socket.socket(socket.AF_INET, socket.SOCK_STREAM | socket.SOCK_NONBLOCK!);
    checkNonblock(s);
    s.setblocking(true);
    checkNonblock(s, false);
    s.setblocking(false);
    checkNonblock(s);
    s.settimeout(null);
    checkNonblock(s, false);
    s.settimeout(2.0);
    checkNonblock(s, true, 2.0);
    s.setblocking(true);
    checkNonblock(s, false);
  }
  // defaulttimeout
  const t = socket.getdefaulttimeout();
  try {
    socket.setdefaulttimeout(0.0);
    {
      using s = socket.socket();
      checkNonblock(s);
    }
    socket.setdefaulttimeout(null);
    {
      using s = socket.socket();
      checkNonblock(s, false);
    }
    socket.setdefaulttimeout(2.0);
    {
      using s = socket.socket();
      checkNonblock(s, true, 2.0);
    }
    socket.setdefaulttimeout(null);
    {
      using s = socket.socket();
      checkNonblock(s, false);
    }
  } finally {
    socket.setdefaulttimeout(t);
  }
}, socket.SOCK_NONBLOCK === undefined || !linux);

// --- TestLinuxAbstractNamespace ------------------------------------------------------------

const UNIX_PATH_MAX = 108;

// CPython: skipUnless(sys.platform in ('linux', 'android'), 'Linux specific test'), the class.
test("TestLinuxAbstractNamespace", "testLinuxAbstractNamespace", () => {
  const address = b("\x00python-test-hello\x00\xff");
  using s1 = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
  s1.bind(address);
  s1.listen();
  using s2 = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
  s2.connect(s1.getsockname());
  using _s3 = s1.accept()[0];
  assert.deepEqual(s1.getsockname(), address);
  assert.deepEqual(s2.getpeername(), address);
}, !linux);

test("TestLinuxAbstractNamespace", "testMaxName", () => {
  const address = b("\x00" + "h".repeat(UNIX_PATH_MAX - 1));
  using s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
  s.bind(address);
  assert.deepEqual(s.getsockname(), address);
}, !linux);

test("TestLinuxAbstractNamespace", "testNameOverflow", () => {
  const address = "\x00" + "h".repeat(UNIX_PATH_MAX);
  using s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
  assert.throws(() => s.bind(address), socket.OSError);
}, !linux);

test("TestLinuxAbstractNamespace", "testStrName", () => {
  // Check that an abstract name can be passed as a string.
  const s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
  try {
    s.bind("\x00python\x00test\x00");
    assert.deepEqual(s.getsockname(), b("\x00python\x00test\x00"));
  } finally {
    s.close();
  }
}, !linux);

test("TestLinuxAbstractNamespace", "testBytearrayName", () => {
  // Check that an abstract name can be passed as a bytearray.
  // (bytearray is a Uint8Array too; here one over a bigger buffer, a view.)
  using s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
  const buf = new Uint8Array(32);
  buf.set(b("\x00python\x00test\x00"), 4);
  s.bind(buf.subarray(4, 4 + 13));
  assert.deepEqual(s.getsockname(), b("\x00python\x00test\x00"));
}, !linux);

test("TestLinuxAbstractNamespace", "testAutobind", () => {
  // Check that binding to an empty string binds to an available address
  // in the abstract namespace as specified in unix(7) "Autobind feature".
  // (assertRegex on bytes: the regex is matched against their latin-1 text.)
  const abstract_address = /^\0[0-9a-f]{5}/;
  const text = (v: unknown) => String.fromCharCode(...(v as Uint8Array));
  using s1 = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
  s1.bind("");
  assert.match(text(s1.getsockname()), abstract_address);
  // Each socket is bound to a different abstract address.
  using s2 = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
  s2.bind("");
  assert.match(text(s2.getsockname()), abstract_address);
  assert.notDeepEqual(s1.getsockname(), s2.getsockname());
}, !linux);

// --- TestUnixDomain -------------------------------------------------------------------

/** os_helper.TESTFN, made absolute: in a fresh temporary directory, removed after. */
function unixTest(name: string, fn: (sock: socket.Socket, dir: string) => void, ignore = false) {
  test("TestUnixDomain", name, () => {
    using tmp = unixName();
    const dir = tmp.path.slice(0, tmp.path.lastIndexOf("/"));
    using sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
    fn(sock, dir);
  }, ignore);
}
const TESTFN = "@test_pysocket_tmp";

unixTest("testUnbound", (sock) => {
  // Issue #30205 (note getsockname() can return None on OS X)
  assert.ok(["", null].includes(sock.getsockname() as string | null));
});

unixTest("testStrAddr", (sock, dir) => {
  // Test binding to and retrieving a normal string pathname.
  const path = `${dir}/${TESTFN}`;
  sock.bind(path);
  assert.equal(sock.getsockname(), path);
});

unixTest("testBytesAddr", (sock, dir) => {
  // Test binding to a bytes pathname.
  const path = `${dir}/${TESTFN}`;
  sock.bind(new TextEncoder().encode(path));
  assert.equal(sock.getsockname(), path);
});

unixTest("testSurrogateescapeBind", (sock, dir) => {
  // Test binding to a valid non-ASCII pathname, with the
  // non-ASCII bytes supplied using surrogateescape encoding.
  const path = `${dir}/${TESTFN}-\xe0\xf2\u0258\u0141\u011f`;
  const encoded = new TextEncoder().encode(path);
  // b.decode("ascii", "surrogateescape"): each byte above 0x7f is U+DC80 + byte.
  const escaped = String.fromCharCode(...[...encoded].map((c) => c < 0x80 ? c : 0xdc00 + c));
  sock.bind(escaped);
  assert.equal(sock.getsockname(), path);
});

unixTest("testUnencodableAddr", (sock, dir) => {
  // Test binding to a pathname that cannot be encoded in the
  // file system encoding.
  // (os_helper.TESTFN_UNENCODABLE here: TESTFN + "-\udcff", the byte 0xff.)
  const path = `${dir}/${TESTFN}-\udcff`;
  sock.bind(path);
  assert.equal(sock.getsockname(), path);
});

// CPython: skipIf(sys.platform in ('linux', 'android'), 'Linux behavior is tested by TestLinuxAbstractNamespace')
unixTest("testEmptyAddress", (sock) => {
  // Test that binding empty address fails.
  assert.throws(() => sock.bind(""), socket.OSError);
}, linux);

// --- CreateServerTest -------------------------------------------------------------------

test("CreateServerTest", "test_address", () => {
  const port = find_unused_port();
  {
    using sock = socket.create_server(["127.0.0.1", port]);
    assert.equal(sock.getsockname()[0], "127.0.0.1");
    assert.equal(sock.getsockname()[1], port);
  }
  if (IPV6_ENABLED) {
    using sock = socket.create_server(["::1", port], { family: socket.AF_INET6 });
    assert.equal(sock.getsockname()[0], "::1");
    assert.equal(sock.getsockname()[1], port);
  }
});

test("CreateServerTest", "test_family_and_type", () => {
  {
    using sock = socket.create_server(["127.0.0.1", 0]);
    assert.equal(sock.family, socket.AF_INET);
    assert.equal(sock.type, socket.SOCK_STREAM);
  }
  if (IPV6_ENABLED) {
    using s = socket.create_server(["::1", 0], { family: socket.AF_INET6 });
    assert.equal(s.family, socket.AF_INET6);
    // (CPython asserts sock.type, the closed IPv4 socket's, here: its type stays.)
    assert.equal(s.type, socket.SOCK_STREAM);
  }
});

test("CreateServerTest", "test_reuse_port", () => {
  if (socket.SO_REUSEPORT === undefined) {
    assert.throws(() => socket.create_server(["localhost", 0], { reuse_port: true }), RangeError);
  } else {
    {
      using sock = socket.create_server(["localhost", 0]);
      const opt = sock.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT);
      assert.equal(opt, 0);
    }
    {
      using sock = socket.create_server(["localhost", 0], { reuse_port: true });
      const opt = sock.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT);
      assert.notEqual(opt, 0);
    }
  }
});

// CPython: skipIf(no IPV6_V6ONLY), skipUnless(IPV6_ENABLED)
test("CreateServerTest", "test_ipv6_only_default", () => {
  using sock = socket.create_server(["::1", 0], { family: socket.AF_INET6 });
  assert.ok(sock.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY!));
}, socket.IPV6_V6ONLY === undefined || !IPV6_ENABLED);

// CPython: skipIf(not socket.has_dualstack_ipv6()), skipUnless(IPV6_ENABLED)
test("CreateServerTest", "test_dualstack_ipv6_family", () => {
  using sock = socket.create_server(["::1", 0], {
    family: socket.AF_INET6,
    dualstack_ipv6: true,
  });
  assert.equal(sock.family, socket.AF_INET6);
}, !socket.has_dualstack_ipv6() || !IPV6_ENABLED);

Deno.test({
  name: "plain classes (every descriptor the module opened is closed)",
  ignore: !linux,
  fn: () => {
    const left = [...openDescriptors()].filter((d) => !fdsBefore.has(d));
    assert.deepEqual(left, []);
  },
});
