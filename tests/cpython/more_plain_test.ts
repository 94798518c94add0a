// CPython 3.13 test_socket.py: the plain (one-thread) classes
// CreateServerFunctionalTest, SendRecvFdsTests, BasicVSOCKTest and
// UDPLITETimeoutTest, ported. Names, comments and assertions are CPython's,
// in pysocket's terms (see LEDGER.md). os.pipe, os.read, os.write,
// os.close and fcntl.ioctl are libc's, through Deno.dlopen: Deno gives no
// file's descriptor.

import assert from "node:assert/strict";
import * as socket from "../../mod.ts";
import {
  assertBytes,
  b,
  bind_port,
  find_unused_port,
  IPV6_ENABLED,
  LOOPBACK_TIMEOUT,
  MSG,
  test,
} from "./_support.ts";
import { socketCount } from "./_open_sockets.ts";

const socketsClosed = socketCount("more plain classes");

const linux = Deno.build.os === "linux";

/** libc's pipe, read, write, close, open and ioctl (os and fcntl's). */
const libc = linux
  ? Deno.dlopen("libc.so.6", {
    pipe: { parameters: ["buffer"], result: "i32" },
    read: { parameters: ["i32", "buffer", "usize"], result: "isize" },
    write: { parameters: ["i32", "buffer", "usize"], result: "isize" },
    close: { parameters: ["i32"], result: "i32" },
    open: { parameters: ["buffer", "i32"], result: "i32" },
    ioctl: { parameters: ["i32", "u64", "buffer"], result: "i32" },
  }).symbols
  : null;

const os = {
  pipe(): [number, number] {
    const fds = new Int32Array(2);
    assert.equal(libc!.pipe(fds), 0);
    return [fds[0], fds[1]];
  },
  write(fd: number, data: Uint8Array): number {
    return Number(libc!.write(fd, data, BigInt(data.byteLength)));
  },
  read(fd: number, n: number): Uint8Array {
    const buf = new Uint8Array(n);
    const got = Number(libc!.read(fd, buf, BigInt(n)));
    assert.ok(got >= 0);
    return buf.subarray(0, got);
  },
  close(fd: number): void {
    assert.equal(libc!.close(fd), 0);
  },
};

// --- CreateServerFunctionalTest --------------------------------------------------------

class CreateServerFunctionalTest {
  timeout = LOOPBACK_TIMEOUT;
  #joins: (() => Promise<void>)[] = [];

  echo_server(sock: socket.Socket): void {
    // (run(sock) is a worker's (_echo_worker.ts): it owns a dup of the
    // listening socket, as the thread owns sock, and closes it.)
    sock.settimeout(this.timeout);
    const thread = new Worker(new URL("./_echo_worker.ts", import.meta.url), { type: "module" });
    const finished = new Promise<string | null>((resolve) => {
      thread.onmessage = (e: MessageEvent<{ error: string | null }>) => resolve(e.data.error);
      thread.onerror = (e: ErrorEvent) => {
        e.preventDefault();
        resolve(e.message);
      };
    });
    thread.postMessage({
      fd: socket.dup(sock.fileno()),
      family: sock.family,
      timeout: this.timeout,
    });
    // self.addCleanup(thread.join, self.timeout)
    this.#joins.push(async () => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const error = await Promise.race([
        finished,
        new Promise<string>((r) =>
          timer = setTimeout(() => r("thread still running"), this.timeout * 1000)
        ),
      ]);
      clearTimeout(timer);
      thread.terminate();
      if (error !== null) assert.fail(`echo_server's thread: ${error}`);
    });
  }

  echo_client(addr: [string, number], family: number): void {
    using sock = socket.socket(family);
    sock.settimeout(this.timeout);
    sock.connect(addr);
    sock.sendall(b("foo"));
    assertBytes(sock.recv(1024), b("foo"));
  }

  async run(fn: (self: this) => void): Promise<void> {
    try {
      fn(this);
    } finally {
      for (const join of this.#joins.reverse()) await join();
    }
  }
}

const functional = (name: string, fn: (self: CreateServerFunctionalTest) => void, ignore = false) =>
  test("CreateServerFunctionalTest", name, () => new CreateServerFunctionalTest().run(fn), ignore);

functional("test_tcp4", (self) => {
  const port = find_unused_port();
  using sock = socket.create_server(["", port]);
  self.echo_server(sock);
  self.echo_client(["127.0.0.1", port], socket.AF_INET);
});

// CPython: skipUnless(socket_helper.IPV6_ENABLED, 'IPv6 required for this test')
functional("test_tcp6", (self) => {
  const port = find_unused_port();
  using sock = socket.create_server(["", port], { family: socket.AF_INET6 });
  self.echo_server(sock);
  self.echo_client(["::1", port], socket.AF_INET6);
}, !IPV6_ENABLED);

// --- dual stack tests

// CPython: skipIf(not socket.has_dualstack_ipv6()), skipUnless(IPV6_ENABLED)
functional("test_dual_stack_client_v4", (self) => {
  const port = find_unused_port();
  using sock = socket.create_server(["", port], {
    family: socket.AF_INET6,
    dualstack_ipv6: true,
  });
  self.echo_server(sock);
  self.echo_client(["127.0.0.1", port], socket.AF_INET);
}, !socket.has_dualstack_ipv6() || !IPV6_ENABLED);

// CPython: skipIf(not socket.has_dualstack_ipv6()), skipUnless(IPV6_ENABLED)
functional("test_dual_stack_client_v6", (self) => {
  const port = find_unused_port();
  using sock = socket.create_server(["", port], {
    family: socket.AF_INET6,
    dualstack_ipv6: true,
  });
  self.echo_server(sock);
  self.echo_client(["::1", port], socket.AF_INET6);
}, !socket.has_dualstack_ipv6() || !IPV6_ENABLED);

// --- SendRecvFdsTests -------------------------------------------------------------------

// CPython: requireAttrs(socket, "send_fds", "recv_fds", "AF_UNIX")
test("SendRecvFdsTests", "testSendAndRecvFds", () => {
  const cleanups: (() => void)[] = [];
  const close_pipes = (pipes: [number, number][]) => {
    for (const [fd1, fd2] of pipes) {
      os.close(fd1);
      os.close(fd2);
    }
  };
  const close_fds = (fds: number[]) => {
    for (const fd of fds) os.close(fd);
  };
  try {
    // send 10 file descriptors
    const pipes = Array.from({ length: 10 }, () => os.pipe());
    cleanups.push(() => close_pipes(pipes));
    const fds = pipes.map(([rfd]) => rfd);

    // use a UNIX socket pair to exchange file descriptors locally
    const [sock1, sock2] = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM);
    let msg: Uint8Array, fds2: number[], flags: number;
    {
      using _s1 = sock1, _s2 = sock2;
      socket.send_fds(sock1, [MSG], fds);
      // request more data and file descriptors than expected
      [msg, fds2, flags] = socket.recv_fds(sock2, MSG.length * 2, fds.length * 2);
      const got = fds2;
      cleanups.push(() => close_fds(got));
    }

    assertBytes(msg, MSG);
    assert.equal(fds2.length, fds.length);
    assert.equal(flags, 0);
    // don't test addr

    // test that file descriptors are connected
    for (const [index, [, wfd]] of pipes.entries()) {
      os.write(wfd, new TextEncoder().encode(String(index)));
    }

    for (const [index, rfd] of fds2.entries()) {
      const data = os.read(rfd, 100);
      assertBytes(data, new TextEncoder().encode(String(index)));
    }
  } finally {
    for (const cleanup of cleanups.reverse()) cleanup();
  }
}, !linux || socket.AF_UNIX === undefined);

// --- BasicVSOCKTest ---------------------------------------------------------------------

/** test_socket.get_cid: the local CID from /dev/vsock's IOCTL_VM_SOCKETS_GET_LOCAL_CID, or null. */
function get_cid(): number | null {
  if (libc === null) return null; // fcntl is None
  if (socket.IOCTL_VM_SOCKETS_GET_LOCAL_CID === undefined) return null;
  const O_RDONLY = 0;
  const f = libc.open(new TextEncoder().encode("/dev/vsock\0"), O_RDONLY);
  if (f < 0) return null; // OSError
  try {
    const r = new Uint8Array(4);
    if (libc.ioctl(f, BigInt(socket.IOCTL_VM_SOCKETS_GET_LOCAL_CID), r) < 0) return null;
    return new DataView(r.buffer).getUint32(0, true); // struct.unpack("I", r)[0]
  } finally {
    libc.close(f);
  }
}
const HAVE_SOCKET_VSOCK = get_cid() !== null;
// CPython: skipIf(fcntl is None, "need fcntl"), skipUnless(HAVE_SOCKET_VSOCK,
// 'VSOCK sockets required for this test.'), on the class
const noVsock = libc === null || !HAVE_SOCKET_VSOCK;

test("BasicVSOCKTest", "testCrucialConstants", () => {
  // (socket.AF_VSOCK raises AttributeError where it is missing; pysocket's is undefined there.)
  assert.notEqual(socket.AF_VSOCK, undefined);
}, noVsock);

test("BasicVSOCKTest", "testVSOCKConstants", () => {
  for (
    const c of [
      socket.SO_VM_SOCKETS_BUFFER_SIZE,
      socket.SO_VM_SOCKETS_BUFFER_MIN_SIZE,
      socket.SO_VM_SOCKETS_BUFFER_MAX_SIZE,
      socket.VMADDR_CID_ANY,
      socket.VMADDR_PORT_ANY,
      socket.VMADDR_CID_HOST,
      socket.VM_SOCKETS_INVALID_VERSION,
      socket.IOCTL_VM_SOCKETS_GET_LOCAL_CID,
    ]
  ) {
    assert.notEqual(c, undefined);
  }
}, noVsock);

test("BasicVSOCKTest", "testCreateSocket", () => {
  using s = socket.socket(socket.AF_VSOCK!, socket.SOCK_STREAM);
  void s;
}, noVsock);

test("BasicVSOCKTest", "testSocketBufferSize", () => {
  using s = socket.socket(socket.AF_VSOCK!, socket.SOCK_STREAM);
  const AF_VSOCK = socket.AF_VSOCK!;
  const MAX = socket.SO_VM_SOCKETS_BUFFER_MAX_SIZE!;
  const SIZE = socket.SO_VM_SOCKETS_BUFFER_SIZE!;
  const MIN = socket.SO_VM_SOCKETS_BUFFER_MIN_SIZE!;
  const orig_max = s.getsockopt(AF_VSOCK, MAX);
  const orig = s.getsockopt(AF_VSOCK, SIZE);
  const orig_min = s.getsockopt(AF_VSOCK, MIN);

  s.setsockopt(AF_VSOCK, MAX, orig_max * 2);
  s.setsockopt(AF_VSOCK, SIZE, orig * 2);
  s.setsockopt(AF_VSOCK, MIN, orig_min * 2);

  assert.equal(orig_max * 2, s.getsockopt(AF_VSOCK, MAX));
  assert.equal(orig * 2, s.getsockopt(AF_VSOCK, SIZE));
  assert.equal(orig_min * 2, s.getsockopt(AF_VSOCK, MIN));
}, noVsock);

// --- UDPLITETimeoutTest (SocketUDPLITETest) -------------------------------------------

// CPython: skipUnless(HAVE_SOCKET_UDPLITE, 'UDPLITE sockets required for this test.')
const noUdplite = socket.IPPROTO_UDPLITE === undefined;

function udpliteServer(): socket.Socket {
  const serv = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDPLITE!);
  bind_port(serv);
  return serv;
}

test("UDPLITETimeoutTest", "testUDPLITETimeout", () => {
  using serv = udpliteServer();
  const raise_timeout = () => {
    serv.settimeout(1.0);
    serv.recv(1024);
  };
  assert.throws(
    raise_timeout,
    socket.TimeoutError,
    "Error generating a timeout exception (UDPLITE)",
  );
}, noUdplite);

test("UDPLITETimeoutTest", "testTimeoutZero", () => {
  using serv = udpliteServer();
  let ok = false;
  try {
    serv.settimeout(0.0);
    serv.recv(1024);
  } catch (e) {
    if (e instanceof socket.TimeoutError) assert.fail("caught timeout instead of error (UDPLITE)");
    else if (e instanceof socket.OSError) ok = true;
    else assert.fail("caught unexpected exception (UDPLITE)");
  }
  if (!ok) assert.fail("recv() returned success when we did not expect it");
}, noUdplite);

socketsClosed();
