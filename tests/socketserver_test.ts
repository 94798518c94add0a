// socketserver: the servers and handlers of Python's socketserver, on real
// sockets, with python3 as the client where a client is needed.
import assert from "node:assert/strict";
import * as socketserver from "../socketserver.ts";
import * as socket from "../mod.ts";
import { decoder, openFds, python, windows } from "./_helpers.ts";

/** Runs python3 `code` as a client in the background; resolves with its output. */
async function pythonClient(code: string): Promise<string> {
  const out = await new Deno.Command("python3", { args: ["-c", code], stderr: "inherit" })
    .output();
  assert.ok(out.success, `python3 failed:\n${code}`);
  return decoder.decode(out.stdout);
}

const hostPort = (a: socket.Address) => a as [string, number];

// The reactor opens its poller once, for the life of the process: open it
// before descriptors are counted.
{
  const [a, b] = socket.socketpair();
  a.setblocking(false);
  const received = socket.sock_recv(a, 1);
  b.send("x");
  await received;
  a.close();
  b.close();
}

Deno.test("socketserver's class settings are Python's", { ignore: windows }, () => {
  const py = python<number[]>(`
import json, socketserver as s
print(json.dumps([s.TCPServer.request_queue_size, s.TCPServer.allow_reuse_address,
  s.TCPServer.allow_reuse_port, s.UDPServer.max_packet_size, s.UDPServer.allow_reuse_address,
  s.StreamRequestHandler.rbufsize, s.StreamRequestHandler.wbufsize,
  s.StreamRequestHandler.timeout, s.StreamRequestHandler.disable_nagle_algorithm,
  s.BaseServer.timeout, s.UDPServer.socket_type, s.UnixStreamServer.address_family]))`);
  const S = socketserver;
  assert.deepEqual([
    S.TCPServer.request_queue_size,
    S.TCPServer.allow_reuse_address,
    S.TCPServer.allow_reuse_port,
    S.UDPServer.max_packet_size,
    S.UDPServer.allow_reuse_address,
    S.StreamRequestHandler.rbufsize,
    S.StreamRequestHandler.wbufsize,
    S.StreamRequestHandler.timeout,
    S.StreamRequestHandler.disable_nagle_algorithm,
    S.BaseServer.timeout,
    S.UDPServer.socket_type,
    S.UnixStreamServer.address_family,
  ], py);
});

class Upper extends socketserver.StreamRequestHandler {
  override handle(): void {
    for (;;) {
      const line = this.rfile.readline() as Uint8Array;
      if (line.length === 0) return;
      this.wfile.write(decoder.decode(line).toUpperCase());
    }
  }
}

Deno.test("TCPServer.serve_forever() serves python3 clients with a StreamRequestHandler until shutdown()", async () => {
  const before = openFds();
  using server = new socketserver.TCPServer(["127.0.0.1", 0], Upper);
  const serving = server.serve_forever();
  const [host, port] = hostPort(server.server_address);
  assert.equal(host, "127.0.0.1");
  assert.ok(port > 0);
  // Timers run while the server waits: it waits on the reactor, not in a blocking call.
  let ticks = 0;
  const ticker = setInterval(() => ticks++, 10);
  const out = await pythonClient(`
import socket
for i in range(5):
    with socket.create_connection(("127.0.0.1", ${port})) as s:
        f = s.makefile("rwb")
        f.write(b"hello %d\\nagain\\n" % i); f.flush()
        print(f.readline().decode().strip(), f.readline().decode().strip())
`);
  clearInterval(ticker);
  assert.deepEqual(out.trim().split("\n"), [0, 1, 2, 3, 4].map((i) => `HELLO ${i} AGAIN`));
  assert.ok(ticks >= 3, `timers ran ${ticks} times while serving`);
  await server.shutdown();
  await serving;
  server.server_close();
  if (!windows) assert.equal(openFds(), before);
});

Deno.test("UDPServer hands a DatagramRequestHandler each datagram, and wfile goes back as one", async () => {
  class Echo extends socketserver.DatagramRequestHandler {
    override handle(): void {
      const line = this.rfile.readline();
      this.wfile.write(`${this.packet.length}:`);
      this.wfile.write(line);
      this.wfile.write(this.rfile.read());
    }
  }
  using server = new socketserver.UDPServer(["127.0.0.1", 0], Echo);
  const serving = server.serve_forever(0.05);
  const [, port] = hostPort(server.server_address);
  const out = await pythonClient(`
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(5)
for m in [b"one\\ntwo", b"x" * 8192]:
    s.sendto(m, ("127.0.0.1", ${port}))
    print(s.recv(10000)[:20])
`);
  assert.deepEqual(out.trim().split("\n"), [
    "b'7:one\\ntwo'",
    "b'8192:xxxxxxxxxxxxxxx'",
  ]);
  await server.shutdown();
  await serving;
});

Deno.test("UnixStreamServer and UnixDatagramServer serve on AF_UNIX paths", {
  ignore: windows, // Wine's AF_UNIX is partial
}, () => {
  const dir = Deno.makeTempDirSync();
  {
    using server = new socketserver.UnixStreamServer(`${dir}/stream`, Upper);
    using c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
    c.connect(`${dir}/stream`);
    c.sendall("unix\n");
    c.shutdown(socket.SHUT_WR);
    server.handle_request();
    assert.equal(decoder.decode(c.recv(100)), "UNIX\n");
  }
  {
    class Reply extends socketserver.DatagramRequestHandler {
      override handle(): void {
        this.wfile.write(decoder.decode(this.packet).toUpperCase());
      }
    }
    using server = new socketserver.UnixDatagramServer(`${dir}/dgram`, Reply);
    using c = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM);
    c.bind(`${dir}/client`);
    c.sendto("datagram", `${dir}/dgram`);
    server.handle_request();
    assert.deepEqual(c.recvfrom(100), [new TextEncoder().encode("DATAGRAM"), `${dir}/dgram`]);
  }
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("a handler that throws is reported by handle_error(), and the server serves on", async () => {
  const errors: unknown[][] = [];
  class Failing extends socketserver.BaseRequestHandler<socket.Socket> {
    override handle(): void {
      const data = this.request.recv(100);
      if (decoder.decode(data) === "boom") throw new Error("handler failed");
      this.request.sendall(data);
    }
  }
  class Server extends socketserver.TCPServer {
    override handle_error(request: socket.Socket, address: socket.Address, e: unknown): void {
      errors.push([request.fileno() >= 0, address, (e as Error).message]);
    }
  }
  const before = openFds();
  using server = new Server(["127.0.0.1", 0], Failing);
  const serving = server.serve_forever(0.05);
  const [, port] = hostPort(server.server_address);
  const out = await pythonClient(`
import socket
for m in [b"boom", b"fine"]:
    with socket.create_connection(("127.0.0.1", ${port})) as s:
        s.settimeout(5)
        s.sendall(m)
        print(repr(s.recv(100)))
`);
  assert.deepEqual(out.trim().split("\n"), ["b''", "b'fine'"]);
  assert.equal(errors.length, 1);
  assert.equal(errors[0][0], true); // reported before the request is shut down
  assert.equal(errors[0][2], "handler failed");
  await server.shutdown();
  await serving;
  server.server_close();
  if (!windows) assert.equal(openFds(), before);
});

Deno.test("the default handle_error() prints Python's report on stderr", async () => {
  const script = `
import * as socketserver from ${
    JSON.stringify(new URL("../socketserver.ts", import.meta.url).href)
  };
import * as socket from ${JSON.stringify(new URL("../mod.ts", import.meta.url).href)};
class Failing extends socketserver.BaseRequestHandler {
  override handle(): void { throw new Error("handler failed"); }
}
using server = new socketserver.TCPServer(["127.0.0.1", 0], Failing);
using c = socket.create_connection(server.server_address as [string, number]);
server.handle_request();
console.log("served on");
`;
  const file = Deno.makeTempFileSync({ suffix: ".ts" });
  Deno.writeTextFileSync(file, script);
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-ffi", "--allow-read", file],
    env: { NO_COLOR: "1" },
  }).output();
  Deno.removeSync(file);
  assert.equal(out.code, 0);
  assert.equal(decoder.decode(out.stdout), "served on\n");
  const err = decoder.decode(out.stderr).split("\n");
  assert.equal(err[0], "-".repeat(40));
  assert.match(
    err[1],
    /^Exception occurred during processing of request from \('127\.0\.0\.1', \d+\)$/,
  );
  assert.equal(err[2], "Error: handler failed");
  assert.equal(err.at(-2), "-".repeat(40));
});

Deno.test("handle_request() waits out timeout, then calls handle_timeout()", () => {
  let timedOut = 0;
  class Server extends socketserver.TCPServer {
    static override timeout = 0.1;
    override handle_timeout(): void {
      timedOut++;
    }
  }
  using server = new Server(["127.0.0.1", 0], Upper);
  assert.equal(server.timeout, 0.1);
  const t0 = performance.now();
  server.handle_request();
  assert.ok(performance.now() - t0 >= 95);
  assert.equal(timedOut, 1);
  server.timeout = 0;
  server.handle_request();
  assert.equal(timedOut, 2);
});

Deno.test("verify_request() false closes the connection without a handler", () => {
  let handled = 0;
  class Count extends socketserver.BaseRequestHandler {
    override handle(): void {
      handled++;
    }
  }
  class Picky extends socketserver.TCPServer {
    override verify_request(): boolean {
      return false;
    }
  }
  using server = new Picky(["127.0.0.1", 0], Count);
  using c = socket.create_connection(hostPort(server.server_address));
  c.settimeout(5);
  server.handle_request();
  assert.equal(handled, 0);
  assert.equal(c.recv(10).length, 0);
});

Deno.test("a server that cannot bind closes its socket and throws Python's error", () => {
  using taken = socket.create_server(["127.0.0.1", 0]);
  const before = openFds();
  assert.throws(
    () => new socketserver.TCPServer(taken.getsockname(), Upper),
    (e) => e instanceof socket.OSError && e.errno === socket.errno.EADDRINUSE,
  );
  if (!windows) assert.equal(openFds(), before);
});

Deno.test("allow_reuse_address, set on a subclass as Python sets class attributes, sets SO_REUSEADDR", () => {
  class Reusing extends socketserver.TCPServer {
    static override allow_reuse_address = true;
    static override request_queue_size = 17;
  }
  using plain = new socketserver.TCPServer(["127.0.0.1", 0], Upper);
  using reusing = new Reusing(["127.0.0.1", 0], Upper);
  assert.equal(plain.socket.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR), 0);
  assert.notEqual(reusing.socket.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR), 0);
  // bind_and_activate false: nothing is bound until server_bind().
  using later = new socketserver.TCPServer(["127.0.0.1", 0], Upper, false);
  assert.deepEqual(later.socket.getsockname(), ["0.0.0.0", 0]);
  later.server_bind();
  later.server_activate();
  assert.notEqual(hostPort(later.server_address)[1], 0);
});

Deno.test("shutdown() without serve_forever() settles at once, and serve_forever() can run again", async () => {
  using server = new socketserver.TCPServer(["127.0.0.1", 0], Upper);
  await server.shutdown();
  const first = server.serve_forever(0.02);
  await new Promise((r) => setTimeout(r, 30));
  await server.shutdown();
  await first;
  const second = server.serve_forever(0.02);
  using c = socket.create_connection(hostPort(server.server_address));
  c.settimeout(5);
  c.sendall("again\n");
  c.shutdown(socket.SHUT_WR);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(decoder.decode(c.recv(100)), "AGAIN\n");
  await server.shutdown();
  await second;
});

Deno.test("server_close() while serve_forever() waits ends the loop", async () => {
  const server = new socketserver.TCPServer(["127.0.0.1", 0], Upper);
  const serving = server.serve_forever(10);
  await new Promise((r) => setTimeout(r, 20));
  server.server_close();
  await serving;
});

Deno.test("AsyncTaskMixIn serves 100 slow python3 clients at once, each handler a task", async () => {
  let inFlight = 0, peak = 0;
  class SlowEcho extends socketserver.BaseRequestHandler<socket.Socket> {
    override async handle(): Promise<void> {
      inFlight++;
      peak = Math.max(peak, inFlight);
      try {
        // Each client sends its line a piece at a time: read until the newline.
        let line = "";
        while (!line.endsWith("\n")) {
          const data = await socket.sock_recv(this.request, 100);
          if (data.length === 0) return;
          line += decoder.decode(data);
        }
        await socket.sock_sendall(this.request, line.toUpperCase());
      } finally {
        inFlight--;
      }
    }
  }
  const before = openFds();
  class Server extends socketserver.AsyncTaskMixIn(socketserver.TCPServer) {
    static override request_queue_size = 128;
  }
  const server = new Server(["127.0.0.1", 0], SlowEcho);
  const serving = server.serve_forever(0.05);
  const [, port] = hostPort(server.server_address);
  const out = await pythonClient(`
import socket, threading, time
ok = []
def client(i):
    with socket.create_connection(("127.0.0.1", ${port}), timeout=20) as s:
        for piece in [b"slow ", b"client ", b"%d\\n" % i]:
            s.sendall(piece)
            time.sleep(0.2)
        got = b""
        while not got.endswith(b"\\n"):
            got += s.recv(100)
        ok.append(got == b"SLOW CLIENT %d\\n" % i)
threads = [threading.Thread(target=client, args=(i,)) for i in range(100)]
for t in threads: t.start()
for t in threads: t.join()
print(sum(ok))
`);
  assert.equal(out.trim(), "100");
  // Every client waited 0.6 s for itself; served one at a time that takes a minute.
  assert.ok(peak >= 90, `at most ${peak} handlers ran at once`);
  await Promise.all(server.tasks);
  await server.shutdown();
  await serving;
  server.server_close();
  if (!windows) assert.equal(openFds(), before);
});

Deno.test("AsyncTaskMixIn reports a rejected handler to handle_error(), and closes its connection", async () => {
  const reported: string[] = [];
  class Failing extends socketserver.BaseRequestHandler<socket.Socket> {
    override async handle(): Promise<void> {
      await socket.sock_recv(this.request, 10);
      throw new Error("async handler failed");
    }
  }
  class Server extends socketserver.AsyncTaskTCPServer {
    override handle_error(_r: socket.Socket, _a: socket.Address, e: unknown): void {
      reported.push((e as Error).message);
    }
  }
  using server = new Server(["127.0.0.1", 0], Failing);
  const serving = server.serve_forever(0.05);
  using c = socket.create_connection(hostPort(server.server_address));
  c.setblocking(false);
  await socket.sock_sendall(c, "x");
  assert.equal((await socket.sock_recv(c, 10)).length, 0); // closed by the server
  await Promise.all(server.tasks);
  assert.deepEqual(reported, ["async handler failed"]);
  await server.shutdown();
  await serving;
});

Deno.test("AsyncTaskUDPServer serves each datagram as a task", async () => {
  class Reply extends socketserver.DatagramRequestHandler {
    override async handle(): Promise<void> {
      await new Promise((r) => setTimeout(r, 10));
      this.wfile.write(decoder.decode(this.packet).toUpperCase());
    }
  }
  using server = new socketserver.AsyncTaskUDPServer(["127.0.0.1", 0], Reply);
  const serving = server.serve_forever(0.05);
  using c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  c.setblocking(false);
  for (const m of ["one", "two", "three"]) await socket.sock_sendto(c, m, server.server_address);
  const got = [];
  for (let i = 0; i < 3; i++) got.push(decoder.decode((await socket.sock_recvfrom(c, 100))[0]));
  assert.deepEqual(got.sort(), ["ONE", "THREE", "TWO"]);
  await server.shutdown();
  await serving;
});

Deno.test("a server without AsyncTaskMixIn refuses an async handler through handle_error()", () => {
  const reported: unknown[] = [];
  class Async extends socketserver.BaseRequestHandler {
    override async handle(): Promise<void> {}
  }
  class Server extends socketserver.TCPServer {
    override handle_error(_r: socket.Socket, _a: socket.Address, e: unknown): void {
      reported.push(e);
    }
  }
  using server = new Server(["127.0.0.1", 0], Async);
  using _c = socket.create_connection(hostPort(server.server_address));
  server.handle_request();
  assert.equal(reported.length, 1);
  assert.ok(reported[0] instanceof TypeError);
  assert.equal(
    (reported[0] as Error).message,
    "handle() returned a promise: serve async handlers with AsyncTaskMixIn",
  );
});
