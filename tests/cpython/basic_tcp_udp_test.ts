// CPython 3.13 test_socket.py: BasicTCPTest, BasicUDPTest and BasicTCPTest2, ported. Each
// testFoo runs on the test's thread and its _testFoo in a worker, at the same
// time (see _threaded.ts); names, comments and assertions are CPython's.

import assert from "node:assert/strict";
import * as socket from "../../mod.ts";
import { assertBytes, b, concat, HOST, INT_MAX, MSG, UINT_MAX } from "./_support.ts";
import { register, SocketConnectedTest, ThreadedUDPSocketTest } from "./_threaded.ts";

class BasicTCPTest extends SocketConnectedTest {
  testRecv(): void {
    // Testing large receive over TCP
    const msg = this.cli_conn.recv(1024);
    assertBytes(msg, MSG);
  }

  _testRecv(): void {
    this.serv_conn.send(MSG);
  }

  testOverFlowRecv(): void {
    // Testing receive in chunks over TCP
    const seg1 = this.cli_conn.recv(MSG.length - 3);
    const seg2 = this.cli_conn.recv(1024);
    const msg = concat(seg1, seg2);
    assertBytes(msg, MSG);
  }

  _testOverFlowRecv(): void {
    this.serv_conn.send(MSG);
  }

  testRecvFrom(): void {
    // Testing large recvfrom() over TCP
    const [msg, _addr] = this.cli_conn.recvfrom(1024);
    assertBytes(msg, MSG);
  }

  _testRecvFrom(): void {
    this.serv_conn.send(MSG);
  }

  testOverFlowRecvFrom(): void {
    // Testing recvfrom() in chunks over TCP
    const [seg1] = this.cli_conn.recvfrom(MSG.length - 3);
    const [seg2] = this.cli_conn.recvfrom(1024);
    const msg = concat(seg1, seg2);
    assertBytes(msg, MSG);
  }

  _testOverFlowRecvFrom(): void {
    this.serv_conn.send(MSG);
  }

  testSendAll(): void {
    // Testing sendall() with a 2048 byte string over TCP
    const parts: Uint8Array[] = [];
    // Bounded: 2048 bytes come in at least one byte per recv, then b''.
    for (let i = 0; i <= 2048; i++) {
      const read = this.cli_conn.recv(1024);
      if (read.length === 0) break;
      parts.push(read.slice());
    }
    assertBytes(concat(...parts), b("f".repeat(2048)));
  }

  _testSendAll(): void {
    const big_chunk = b("f".repeat(2048));
    this.serv_conn.sendall(big_chunk);
  }

  testFromFd(): void {
    // Testing fromfd()
    const fd = this.cli_conn.fileno();
    const sock = socket.fromfd(fd, socket.AF_INET, socket.SOCK_STREAM);
    this.addCleanup(() => sock.close());
    assert.ok(sock instanceof socket.Socket);
    const msg = sock.recv(1024);
    assertBytes(msg, MSG);
  }

  _testFromFd(): void {
    this.serv_conn.send(MSG);
  }

  testDup(): void {
    // Testing dup()
    const sock = this.cli_conn.dup();
    this.addCleanup(() => sock.close());
    const msg = sock.recv(1024);
    assertBytes(msg, MSG);
  }

  _testDup(): void {
    this.serv_conn.send(MSG);
  }

  check_shutdown(): void {
    // Test shutdown() helper
    const msg = this.cli_conn.recv(1024);
    assertBytes(msg, MSG);
    // wait for _testShutdown[_overflow] to finish: on OS X, when the server
    // closes the connection the client also becomes disconnected,
    // and the client's shutdown call will fail. (Issue #4397.)
    this.done.wait();
  }

  testShutdown(): void {
    this.check_shutdown();
  }

  _testShutdown(): void {
    this.serv_conn.send(MSG);
    this.serv_conn.shutdown(2);
  }

  // CPython runs this with _testcapi (cpython_only); its INT_MAX and UINT_MAX are C's.
  testShutdown_overflow(): void {
    this.check_shutdown();
  }

  _testShutdown_overflow(): void {
    this.serv_conn.send(MSG);
    // Issue 15989 (OverflowError is RangeError in pysocket)
    assert.throws(() => this.serv_conn.shutdown(INT_MAX + 1), RangeError);
    assert.throws(() => this.serv_conn.shutdown(2 + (UINT_MAX + 1)), RangeError);
    this.serv_conn.shutdown(2);
  }

  testDetach(): void {
    // Testing detach()
    const fileno = this.cli_conn.fileno();
    const f = this.cli_conn.detach();
    assert.equal(f, fileno);
    // cli_conn cannot be used anymore...
    // (Python's private _closed flag: pysocket's detached socket reads as closed.)
    assert.equal(this.cli_conn.fileno(), -1);
    assert.ok(Deno.inspect(this.cli_conn).includes("[closed]"));
    assert.throws(() => this.cli_conn.recv(1024), socket.OSError);
    this.cli_conn.close();
    // ...but we can create another socket using the (still open)
    // file descriptor
    const sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, -1, f);
    this.addCleanup(() => sock.close());
    const msg = sock.recv(1024);
    assertBytes(msg, MSG);
  }

  _testDetach(): void {
    this.serv_conn.send(MSG);
  }
}

class BasicUDPTest extends ThreadedUDPSocketTest {
  testSendtoAndRecv(): void {
    // Testing sendto() and Recv() over UDP
    const msg = this.serv.recv(MSG.length);
    assertBytes(msg, MSG);
  }

  _testSendtoAndRecv(): void {
    this.cli.sendto(MSG, 0, [HOST, this.port]);
  }

  testRecvFrom(): void {
    // Testing recvfrom() over UDP
    const [msg, _addr] = this.serv.recvfrom(MSG.length);
    assertBytes(msg, MSG);
  }

  _testRecvFrom(): void {
    this.cli.sendto(MSG, 0, [HOST, this.port]);
  }

  testRecvFromNegative(): void {
    // Negative lengths passed to recvfrom should give ValueError.
    assert.throws(() => this.serv.recvfrom(-1), RangeError);
  }

  _testRecvFromNegative(): void {
    this.cli.sendto(MSG, 0, [HOST, this.port]);
  }
}

// NetworkConnectionTest, a mixin: "Prove network connection."
// BasicTCPTest2(NetworkConnectionTest, BasicTCPTest): NetworkConnectionTest's
// clientSetUp comes first in the MRO and replaces SocketConnectedTest's.
// (It is here, beside BasicTCPTest, as a module that imported this one would
// register BasicTCPTest's tests a second time.)
class BasicTCPTest2 extends BasicTCPTest {
  // Tests that NetworkConnection does not break existing TCP functionality.

  override clientSetUp(): void {
    // We're inherited below by BasicTCPTest2, which also inherits
    // BasicTCPTest, which defines self.port referenced below.
    this.cli = this.watch(socket.create_connection([HOST, this.port]));
    this.serv_conn = this.cli;
  }
}

register(BasicTCPTest, import.meta.url);
register(BasicUDPTest, import.meta.url);
register(BasicTCPTest2, import.meta.url);
