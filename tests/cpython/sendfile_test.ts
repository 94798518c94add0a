// CPython 3.13 test_socket.py: SendfileUsingSendTest and
// SendfileUsingSendfileTest, ported. Each testFoo runs on the test's thread
// and its _testFoo in a worker (see _threaded.ts); names, comments and
// assertions are CPython's.
//
// CPython picks the path under test with meth_from_sock(), a private method
// (_sendfile_use_send or _sendfile_use_sendfile). pysocket has only the public
// sendfile(), which takes the same two paths by the file it is given: one
// without fileno() is read and sent (_sendfile_use_send), one with fileno()
// goes through sendfile(2) (_sendfile_use_sendfile). So here each class opens
// its file differently (open_rb) and meth_from_sock() is sendfile():
// SendfileUsingSendTest opens a Deno.FsFile (no descriptor: readSync, and
// seekSync for its position), SendfileUsingSendfileTest a file object over a
// descriptor (fileno(), read(), seek(), tell(), as Python's).

import assert from "node:assert/strict";
import * as socket from "../../mod.ts";
import { native } from "../../ffi/mod.ts";
import { openDescriptors } from "../_helpers.ts";
import { HOST, LOOPBACK_TIMEOUT } from "./_support.ts";
import { inClient, register, ThreadedTCPSocketTest } from "./_threaded.ts";

/** support.LONG_TIMEOUT: 5 minutes. */
const LONG_TIMEOUT = 5 * 60;

/** time.sleep(), blocking the thread as Python's does. */
function sleep(seconds: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, seconds * 1000);
}

/** assertEqual for large bytes: node's deepEqual would take minutes on 10 MiB. */
function assertSameBytes(actual: Uint8Array, expected: Uint8Array): void {
  assert.equal(actual.byteLength, expected.byteLength);
  for (let i = 0; i < expected.byteLength; i++) {
    if (actual[i] !== expected[i]) assert.fail(`bytes differ first at index ${i}`);
  }
}

/** An open file's position: file.tell(). */
type Tellable = { tell(): number } | Deno.FsFile;
function tell(file: Tellable): number {
  return "tell" in file ? file.tell() : file.seekSync(0, Deno.SeekMode.Current);
}

/**
 * Python's open(path, 'rb') as a JS file object over a descriptor: fileno()
 * for sendfile(2), and read/seek/tell at its own position.
 */
class DescriptorFile {
  readonly fd: number;
  #pos = 0;
  constructor(path: string, readonly mode = "rb") {
    this.fd = native.openRead(path);
    if (this.fd < 0) throw new Error(`cannot open ${path}`);
  }
  fileno(): number {
    return this.fd;
  }
  seek(pos: number): number {
    return this.#pos = pos;
  }
  tell(): number {
    return this.#pos;
  }
  read(size: number): Uint8Array {
    const buf = new Uint8Array(size);
    const n = native.pread(this.fd, buf, this.#pos);
    if (n < 0) throw new Error("pread failed");
    this.#pos += n;
    return buf.subarray(0, n);
  }
  close(): void {
    if (this.fd >= 0) native.close(this.fd);
  }
  [Symbol.dispose](): void {
    this.close();
  }
}

/** io.BytesIO: read, seek and tell, no fileno(). */
class BytesIO {
  #pos = 0;
  constructor(readonly data: Uint8Array) {}
  read(size: number): Uint8Array {
    const out = this.data.subarray(this.#pos, this.#pos + size);
    this.#pos += out.byteLength;
    return out;
  }
  seek(pos: number): number {
    return this.#pos = pos;
  }
  tell(): number {
    return this.#pos;
  }
  [Symbol.dispose](): void {}
}

// setUpClass: a 10 MiB file of random ASCII letters, made on the test's
// thread, its path handed to the client with self's attributes.
const FILESIZE = 10 * 1024 * 1024; // 10 MiB
const BUFSIZE = 8192;
let TESTFN = "";
let FILEDATA = new Uint8Array(0);
if (!inClient) {
  const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  const random = crypto.getRandomValues(new Uint8Array(BUFSIZE));
  const chunk = random.map((r) => letters.charCodeAt(r % letters.length));
  const data = new Uint8Array(FILESIZE);
  for (let off = 0; off < FILESIZE; off += BUFSIZE) data.set(chunk, off);
  TESTFN = Deno.makeTempFileSync({ prefix: "pysocket-cpython-sendfile-" });
  Deno.writeFileSync(TESTFN, data);
  FILEDATA = Deno.readFileSync(TESTFN);
  assert.equal(FILEDATA.byteLength, FILESIZE);
}

class SendfileUsingSendTest extends ThreadedTCPSocketTest {
  // Test the send() implementation of socket.sendfile().
  FILESIZE = FILESIZE;
  BUFSIZE = BUFSIZE;
  TIMEOUT = LOOPBACK_TIMEOUT;
  /** os_helper.TESTFN: set in setUp, so the client half has it too. */
  TESTFN = "";

  override setUp(): void {
    this.TESTFN = TESTFN;
    super.setUp();
  }

  accept_conn(): socket.Socket {
    this.serv.settimeout(LONG_TIMEOUT);
    const [conn] = this.serv.accept();
    this.watch(conn);
    conn.settimeout(this.TIMEOUT);
    this.addCleanup(() => {
      this.unwatch(conn);
      conn.close();
    });
    return conn;
  }

  recv_data(conn: socket.Socket): Uint8Array {
    const received = new Uint8Array(FILESIZE + BUFSIZE);
    let n = 0;
    for (;;) {
      const chunk = conn.recv(this.BUFSIZE);
      if (chunk.byteLength === 0) break;
      if (n + chunk.byteLength > received.byteLength) assert.fail("more data than the file");
      received.set(chunk, n);
      n += chunk.byteLength;
    }
    return received.subarray(0, n);
  }

  meth_from_sock(sock: socket.Socket): socket.Socket["sendfile"] {
    // (CPython: getattr(sock, "_sendfile_use_send"); see the top of the file.)
    return sock.sendfile.bind(sock);
  }

  /** open(os_helper.TESTFN, 'rb'): a Deno.FsFile, which has no descriptor, so it is read and sent. */
  open_rb(path = this.TESTFN): DescriptorFile | Deno.FsFile {
    return Deno.openSync(path);
  }

  /**
   * socket.create_connection(address, timeout), where CPython's address is
   * self.serv.getsockname(): (HOST, self.port), as the server's socket stays
   * on the server's thread.
   */
  connect(timeout?: number): socket.Socket {
    return socket.create_connection([HOST, this.port], timeout);
  }

  // regular file

  _testRegularFile(): void {
    using sock = this.connect();
    using file = this.open_rb();
    const meth = this.meth_from_sock(sock);
    const sent = meth(file);
    assert.equal(sent, this.FILESIZE);
    assert.equal(tell(file), this.FILESIZE);
  }

  testRegularFile(): void {
    const conn = this.accept_conn();
    const data = this.recv_data(conn);
    assert.equal(data.length, this.FILESIZE);
    assertSameBytes(data, FILEDATA);
  }

  // non regular file

  _testNonRegularFile(): void {
    using file = new BytesIO(Deno.readFileSync(this.TESTFN));
    using sock = this.connect();
    const sent = sock.sendfile(file);
    assert.equal(sent, this.FILESIZE);
    assert.equal(file.tell(), this.FILESIZE);
    // (CPython then asserts that the private sock._sendfile_use_sendfile(file)
    // raises the private socket._GiveupOnSendfile; pysocket has neither.)
  }

  testNonRegularFile(): void {
    const conn = this.accept_conn();
    const data = this.recv_data(conn);
    assert.equal(data.length, this.FILESIZE);
    assertSameBytes(data, FILEDATA);
  }

  // empty file

  _testEmptyFileSend(): void {
    const filename = this.TESTFN + "2";
    Deno.writeFileSync(filename, new Uint8Array(0));
    // (CPython: self.addCleanup(os_helper.unlink, filename); the harness
    // runs only the server's cleanups, so the client removes it itself.)
    try {
      using file = this.open_rb(filename);
      using sock = this.connect();
      const meth = this.meth_from_sock(sock);
      const sent = meth(file);
      assert.equal(sent, 0);
      assert.equal(tell(file), 0);
    } finally {
      Deno.removeSync(filename);
    }
  }

  testEmptyFileSend(): void {
    const conn = this.accept_conn();
    const data = this.recv_data(conn);
    assert.equal(data.byteLength, 0);
  }

  // offset

  _testOffset(): void {
    using file = this.open_rb();
    using sock = this.connect();
    const meth = this.meth_from_sock(sock);
    const sent = meth(file, 5000);
    assert.equal(sent, this.FILESIZE - 5000);
    assert.equal(tell(file), this.FILESIZE);
  }

  testOffset(): void {
    const conn = this.accept_conn();
    const data = this.recv_data(conn);
    assert.equal(data.length, this.FILESIZE - 5000);
    assertSameBytes(data, FILEDATA.subarray(5000));
  }

  // count

  _testCount(): void {
    using file = this.open_rb();
    using sock = this.connect(LOOPBACK_TIMEOUT);
    const count = 5000007;
    const meth = this.meth_from_sock(sock);
    const sent = meth(file, undefined, count);
    assert.equal(sent, count);
    assert.equal(tell(file), count);
  }

  testCount(): void {
    const count = 5000007;
    const conn = this.accept_conn();
    const data = this.recv_data(conn);
    assert.equal(data.length, count);
    assertSameBytes(data, FILEDATA.subarray(0, count));
  }

  // count small

  _testCountSmall(): void {
    using file = this.open_rb();
    using sock = this.connect(LOOPBACK_TIMEOUT);
    const count = 1;
    const meth = this.meth_from_sock(sock);
    const sent = meth(file, undefined, count);
    assert.equal(sent, count);
    assert.equal(tell(file), count);
  }

  testCountSmall(): void {
    const count = 1;
    const conn = this.accept_conn();
    const data = this.recv_data(conn);
    assert.equal(data.length, count);
    assertSameBytes(data, FILEDATA.subarray(0, count));
  }

  // count + offset

  _testCountWithOffset(): void {
    using file = this.open_rb();
    using sock = this.connect(2);
    const count = 100007;
    const meth = this.meth_from_sock(sock);
    const sent = meth(file, 2007, count);
    assert.equal(sent, count);
    assert.equal(tell(file), count + 2007);
  }

  testCountWithOffset(): void {
    const count = 100007;
    const conn = this.accept_conn();
    const data = this.recv_data(conn);
    assert.equal(data.length, count);
    assertSameBytes(data, FILEDATA.subarray(2007, count + 2007));
  }

  // non blocking sockets are not supposed to work

  _testNonBlocking(): void {
    using file = this.open_rb();
    using sock = this.connect();
    sock.setblocking(false);
    const meth = this.meth_from_sock(sock);
    assert.throws(() => meth(file), RangeError);
    assert.throws(() => sock.sendfile(file), RangeError);
  }

  testNonBlocking(): void {
    const conn = this.accept_conn();
    if (conn.recv(8192).byteLength) {
      assert.fail("was not supposed to receive any data");
    }
  }

  // timeout (non-triggered)

  _testWithTimeout(): void {
    using file = this.open_rb();
    using sock = this.connect(LOOPBACK_TIMEOUT);
    const meth = this.meth_from_sock(sock);
    const sent = meth(file);
    assert.equal(sent, this.FILESIZE);
  }

  testWithTimeout(): void {
    const conn = this.accept_conn();
    const data = this.recv_data(conn);
    assert.equal(data.length, this.FILESIZE);
    assertSameBytes(data, FILEDATA);
  }

  // timeout (triggered)

  _testWithTimeoutTriggeredSend(): void {
    using file = this.open_rb();
    using sock = this.connect();
    sock.settimeout(0.01);
    const meth = this.meth_from_sock(sock);
    assert.throws(() => meth(file), socket.TimeoutError);
  }

  testWithTimeoutTriggeredSend(): void {
    const conn = this.accept_conn();
    conn.recv(88192);
    // bpo-45212: the wait here needs to be longer than the client-side timeout (0.01s)
    sleep(1);
  }

  // errors

  _test_errors(): void {
  }

  test_errors(): void {
    // (pysocket: and nothing opened here is left open. The sockets are checked by their objects,
    // the files by the descriptors open on a path: other threads, the client's worker among them,
    // open and close sockets, pipes and eventfds meanwhile, and full runs saw one appear.)
    const files = () => new Set([...openDescriptors()].filter((d) => / -> \//.test(d)));
    const before = files();
    const made: socket.Socket[] = [];
    {
      using file = this.open_rb();
      using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
      made.push(s);
      const meth = this.meth_from_sock(s);
      assert.throws(() => meth(file), { name: "RangeError", message: /SOCK_STREAM/ });
    }
    {
      // (open(TESTFN, encoding="utf-8") is a text file: here a file object
      // whose mode is "r", as Python's text file's is.)
      using file = new DescriptorFile(this.TESTFN, "r");
      using s = socket.socket();
      made.push(s);
      const meth = this.meth_from_sock(s);
      assert.throws(() => meth(file), { name: "RangeError", message: /binary mode/ });
    }
    {
      using file = this.open_rb();
      using s = socket.socket();
      made.push(s);
      const meth = this.meth_from_sock(s);
      assert.throws(() => meth(file, undefined, "2" as unknown as number), {
        name: "TypeError",
        message: /positive integer/,
      });
      assert.throws(() => meth(file, undefined, 0.1), {
        name: "TypeError",
        message: /positive integer/,
      });
      assert.throws(() => meth(file, undefined, 0), {
        name: "RangeError",
        message: /positive integer/,
      });
      assert.throws(() => meth(file, undefined, -1), {
        name: "RangeError",
        message: /positive integer/,
      });
    }
    assert.deepEqual(made.map((s) => s.fileno()), [-1, -1, -1]);
    assert.deepEqual([...files()].filter((d) => !before.has(d)), []);
  }
}

// CPython: skipUnless(hasattr(os, "sendfile"))
class SendfileUsingSendfileTest extends SendfileUsingSendTest {
  // Test the sendfile() implementation of socket.sendfile().
  override meth_from_sock(sock: socket.Socket): socket.Socket["sendfile"] {
    // (CPython: getattr(sock, "_sendfile_use_sendfile"); see the top of the file.)
    return sock.sendfile.bind(sock);
  }

  /** open(os_helper.TESTFN, 'rb'): a file object with fileno(), so sendfile(2) sends it. */
  override open_rb(path = this.TESTFN): DescriptorFile | Deno.FsFile {
    return new DescriptorFile(path);
  }
}

register(SendfileUsingSendTest, import.meta.url);
register(SendfileUsingSendfileTest, import.meta.url);

// tearDownClass: a test of its own, after the others (deno test fires no unload event).
if (!inClient) {
  Deno.test("SendfileUsingSendTest.tearDownClass", () => Deno.removeSync(TESTFN));
}
