// End-to-end tests of the example programs: each runs as its own process,
// against our own clients and against peers no one here wrote (Python's
// documented echo programs, curl, socat, wrk). Traffic stays on loopback or
// in a network namespace the test makes.

import assert from "node:assert/strict";
import * as socket from "../mod.ts";
import { type Finished, Program, run } from "../examples/_run.ts";
import type { SocketFile } from "../lib/io.ts";

// CI installs every tool and runs as root; elsewhere a test whose tool or
// privilege is missing is skipped instead of failing.
const REQUIRE = Deno.env.get("PYSOCKET_REQUIRE_TOOLS") === "1";
const text = new TextDecoder();
const PEERS = new URL("./peers/", import.meta.url).pathname;

function succeeds(cmd: string, args: string[]): boolean {
  try {
    return new Deno.Command(cmd, { args, stdout: "null", stderr: "null" }).outputSync().success;
  } catch {
    return false;
  }
}
const has = (tool: string) => succeeds("sh", ["-c", `command -v ${tool}`]);
/** True when a test needing these tools should be skipped. */
const lacks = (...tools: string[]) => !REQUIRE && !tools.every(has);
/** True when tests needing a network namespace should be skipped. */
const noNetns = !REQUIRE && !succeeds("unshare", ["-n", "true"]);

/** Runs a command to the end, with `input` on its stdin. */
async function exec(cmd: string[], input = ""): Promise<Finished> {
  const child = new Deno.Command(cmd[0], {
    args: cmd.slice(1),
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(input));
  await writer.close();
  const out = await child.output();
  return {
    code: out.code,
    signal: out.signal,
    stdout: text.decode(out.stdout),
    stderr: text.decode(out.stderr),
  };
}

/** The number of sockets process `pid` has open. */
function sockets(pid: number): number {
  let n = 0;
  for (const e of Deno.readDirSync(`/proc/${pid}/fd`)) {
    try {
      if (Deno.readLinkSync(`/proc/${pid}/fd/${e.name}`).startsWith("socket:")) n++;
    } catch {
      // closed while we looked
    }
  }
  return n;
}

/**
 * Waits (up to 3 s) for `pid` to hold exactly `n` sockets; returns the count.
 * Deno holds a few sockets of its own, so `n` is a count taken while the
 * server had only its listening sockets.
 */
async function settle(pid: number, n: number): Promise<number> {
  const deadline = Date.now() + 3000;
  while (sockets(pid) !== n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return sockets(pid);
}

/** Stops a server with Ctrl-C and checks that it ended cleanly. */
async function stopped(server: Program, signal: Deno.Signal = "SIGINT"): Promise<Finished> {
  const done = await server.stop(signal);
  assert.equal(done.code, 0, `exit status; stderr: ${done.stderr}`);
  assert.equal(done.stderr, "");
  assert.match(done.stdout, /stopped$/);
  return done;
}

Deno.test(
  "echo_server.ts echoes for echo_client.ts, Python's documented client and socat, and stops on Ctrl-C",
  {
    ignore: lacks("socat"),
  },
  async () => {
    const server = new Program("echo_server.ts", ["--port", "0"]);
    const port = String(await server.port());
    const base = sockets(server.pid);
    const ours = await run("echo_client.ts", ["--port", port]);
    assert.equal(ours.code, 0);
    assert.equal(ours.stdout, "Received b'Hello, world'\n");
    const python = await exec(["python3", PEERS + "echo_client.py", "127.0.0.1", port]);
    assert.equal(python.stdout, ours.stdout, "Python's client prints the same");
    const socat = await exec(
      ["socat", "-t2", "-", `TCP:127.0.0.1:${port}`],
      "line one\nline two\n",
    );
    assert.equal(socat.stdout, "line one\nline two\n");
    assert.equal(await settle(server.pid, base), base, "only the listening socket stays open");
    const done = await stopped(server);
    assert.equal(done.stdout.match(/^Connected by \('127\.0\.0\.1', \d+\)$/gm)?.length, 3);
  },
);

Deno.test("echo_client.ts talks to Python's documented echo server", async () => {
  const python = new Deno.Command("python3", {
    args: [PEERS + "echo_server.py", "0"],
    stdout: "piped",
  }).spawn();
  const reader = python.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  while (!out.includes("\n")) out += (await reader.read()).value ?? "";
  const port = out.match(/listening on 127\.0\.0\.1:(\d+)/)![1];
  const ours = await run("echo_client.ts", ["--port", port, "--message", "from pysocket"]);
  assert.equal(ours.stdout, "Received b'from pysocket'\n");
  while (true) {
    const { value, done } = await reader.read();
    if (done) break;
    out += value;
  }
  assert.equal((await python.status).code, 0);
  assert.match(out, /^Connected by \('127\.0\.0\.1', \d+\)$/m);
});

Deno.test(
  "echo_server_dualstack.ts listens on 127.0.0.1 and ::1 on one port and serves both families",
  {
    ignore: !socket.has_ipv6,
  },
  async () => {
    const server = new Program("echo_server_dualstack.ts", ["--port", "0"]);
    const addresses = await server.listening(2);
    const base = sockets(server.pid);
    assert.deepEqual(addresses.map(([host]) => host), ["127.0.0.1", "::1"]);
    assert.equal(addresses[0][1], addresses[1][1], "one port for both");
    const port = String(addresses[0][1]);
    for (const host of ["::1", "127.0.0.1"]) {
      const ours = await run("echo_client_dualstack.ts", ["--host", host, "--port", port]);
      assert.equal(ours.stdout, "Received b'Hello, world'\n");
      const python = await exec(["python3", PEERS + "echo_client_dualstack.py", host, port]);
      assert.equal(python.stdout, ours.stdout);
    }
    assert.equal(await settle(server.pid, base), base, "only the two listening sockets stay open");
    const done = await stopped(server);
    assert.equal(done.stdout.match(/^Connected by \('::1', \d+, 0, 0\)$/gm)?.length, 2);
    assert.equal(done.stdout.match(/^Connected by \('127\.0\.0\.1', \d+\)$/gm)?.length, 2);
  },
);

Deno.test("echo_server_dualstack.ts takes IPv4 on one IPv6 socket when asked for every interface", {
  ignore: !socket.has_ipv6 || !socket.has_dualstack_ipv6(),
}, async () => {
  const server = new Program("echo_server_dualstack.ts", ["--host", "", "--port", "0"]);
  const [[host, port]] = await server.listening();
  assert.equal(host, "::");
  const ours = await run("echo_client_dualstack.ts", ["--host", "127.0.0.1", "--port", `${port}`]);
  assert.equal(ours.stdout, "Received b'Hello, world'\n");
  const done = await stopped(server);
  assert.equal(done.stdout.match(/^listening on/gm)?.length, 1);
  assert.match(done.stdout, /^Connected by \('::ffff:127\.0\.0\.1', \d+, 0, 0\)$/m);
});

Deno.test("echo_client_dualstack.ts says it could not open a socket when no address answers", async () => {
  using probe = socket.create_server(["127.0.0.1", 0]);
  const port = String(probe.getsockname()[1]);
  probe.close(); // a port that was free a moment ago
  const done = await run("echo_client_dualstack.ts", ["--host", "127.0.0.1", "--port", port]);
  assert.equal(done.code, 1);
  assert.equal(done.stdout, "could not open socket\n");
  assert.match(done.stderr, /\[Errno 111\] Connection refused/);
});

Deno.test("udp_echo_server.ts echoes datagrams for udp_echo_client.ts, socat and Python", {
  ignore: lacks("socat"),
}, async () => {
  const server = new Program("udp_echo_server.ts", ["--port", "0"]);
  const port = String(await server.port());
  const ours = await run("udp_echo_client.ts", ["--port", port, "--count", "4"]);
  assert.equal(ours.code, 0);
  assert.match(ours.stdout, /datagram 4: Received b'ping 4'\nsent 4, received 4, lost 0\n$/);
  const socat = await exec(["socat", "-t1", "-", `UDP:127.0.0.1:${port}`], "over socat\n");
  assert.equal(socat.stdout, "over socat\n");
  const python = await exec([
    "python3",
    "-c",
    `
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(5)
s.sendto(bytes(range(256)) * 100, ("127.0.0.1", ${port}))
data, addr = s.recvfrom(65535)
print(data == bytes(range(256)) * 100, addr[1] == ${port})`,
  ]);
  assert.equal(python.stdout, "True True\n", "a 25,600-byte datagram comes back whole");
  const done = await stopped(server);
  assert.match(done.stdout, /^Echoed 25600 bytes to \('127\.0\.0\.1', \d+\)$/m);
});

Deno.test("udp_echo_client.ts reports loss and exits 1 when no server answers", async () => {
  using quiet = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  quiet.bind(["127.0.0.1", 0]); // receives, never answers
  const port = String(quiet.getsockname()[1]);
  const t0 = performance.now();
  const done = await run("udp_echo_client.ts", [
    "--port",
    port,
    "--count",
    "2",
    "--timeout",
    "0.3",
  ]);
  assert.equal(done.code, 1);
  assert.equal(
    done.stdout,
    "datagram 1: no reply within 0.3 s (lost)\ndatagram 2: no reply within 0.3 s (lost)\n" +
      "sent 2, received 0, lost 2\n",
  );
  assert.ok(performance.now() - t0 < 10_000, "it does not hang");
  assert.equal(text.decode(quiet.recv(100)), "ping 1", "the datagrams did go out");
});

Deno.test("waiting_server.ts prints each peer's address from getpeername() and closes it", async () => {
  const server = new Program("waiting_server.ts", ["--port", "0"]);
  const port = await server.port();
  const base = sockets(server.pid);
  await server.expect(/^Waiting for connections\.\.\.$/);
  const python = await exec([
    "python3",
    "-c",
    `
import socket
s = socket.create_connection(("127.0.0.1", ${port}))
print(s.getsockname()[1], s.recv(10) == b"")`,
  ]);
  const [localPort, closed] = python.stdout.trim().split(" ");
  assert.equal(closed, "True", "the server closes the connection");
  await server.expect(new RegExp(`^Got connection from \\('127\\.0\\.0\\.1', ${localPort}\\)$`));
  assert.equal(await settle(server.pid, base), base);
  await stopped(server, "SIGTERM");
});

/**
 * Python echo clients, all at once: each sends `size` random bytes, reads
 * them back while sending, and compares SHA-256 hashes. Returns how many
 * came back intact.
 */
async function pythonEchoClients(port: number, clients: number, size: number): Promise<number> {
  const python = await exec([
    "python3",
    "-c",
    `
import hashlib, os, socket, threading
ok = []
def client(i):
    data = os.urandom(${size})
    s = socket.create_connection(("127.0.0.1", ${port}))
    sender = threading.Thread(target=lambda: (s.sendall(data), s.shutdown(socket.SHUT_WR)))
    sender.start()
    got = bytearray()
    while chunk := s.recv(65536):
        got += chunk
    sender.join()
    s.close()
    ok.append(hashlib.sha256(got).digest() == hashlib.sha256(data).digest())
threads = [threading.Thread(target=client, args=(i,)) for i in range(${clients})]
for t in threads: t.start()
for t in threads: t.join()
print(sum(ok))`,
  ]);
  assert.equal(python.code, 0, python.stderr);
  return Number(python.stdout);
}

Deno.test("select_server.ts echoes for many clients at once without mixing their bytes", async () => {
  const server = new Program("select_server.ts", ["--port", "0"]);
  const port = await server.port();
  const base = sockets(server.pid);
  // 20 Python clients at once, each sending 256 KiB and reading it back.
  assert.equal(await pythonEchoClients(port, 20, 256 * 1024), 20);
  assert.equal(await settle(server.pid, base), base, "every client's socket was closed");
  const done = await stopped(server);
  assert.equal(done.stdout.match(/^closing/gm)?.length, 20);
});

Deno.test("select_server.ts --mode chat relays each client's bytes to the others", async () => {
  const server = new Program("select_server.ts", ["--port", "0", "--mode", "chat"]);
  const port = await server.port();
  using a = socket.create_connection(["127.0.0.1", port], 5);
  using b = socket.create_connection(["127.0.0.1", port], 5);
  using c = socket.create_connection(["127.0.0.1", port], 5);
  await server.expect(/^new connection/, 3);
  a.sendall("hello from a");
  assert.equal(text.decode(b.recv(100)), "hello from a");
  assert.equal(text.decode(c.recv(100)), "hello from a");
  a.setblocking(false);
  assert.throws(() => a.recv(100), socket.BlockingIOError, "the sender gets nothing back");
  await stopped(server);
});

/** One HTTP response as the tests read it. */
interface Response {
  status: number;
  fields: Map<string, string>;
  body: Uint8Array;
}

function readResponse(f: SocketFile, head = false): Response {
  const line = text.decode(f.readline() as Uint8Array);
  const status = Number(line.split(" ")[1]);
  const fields = new Map<string, string>();
  for (let l = ""; (l = text.decode(f.readline() as Uint8Array).trim()) !== "";) {
    const colon = l.indexOf(":");
    fields.set(l.slice(0, colon).toLowerCase(), l.slice(colon + 1).trim());
  }
  const length = Number(fields.get("content-length") ?? 0);
  const body = head ? new Uint8Array(0) : f.read(length) as Uint8Array;
  return { status, fields, body };
}

/** Sends raw request bytes and reads `count` responses; `closed` says whether the server hung up after them. */
function http(port: number, request: string, count = 1, head = false) {
  using c = socket.create_connection(["127.0.0.1", port], 5);
  c.sendall(request);
  const f = c.makefile("rb");
  try {
    const responses = Array.from({ length: count }, () => readResponse(f, head));
    c.settimeout(0.5);
    let closed: boolean;
    try {
      closed = c.recv(1).length === 0;
    } catch (e) {
      if (!(e instanceof socket.timeout)) throw e;
      closed = false;
    }
    return { responses, closed };
  } finally {
    f.close();
  }
}

const get = (path: string, extra = "") => `GET ${path} HTTP/1.1\r\nHost: t\r\n${extra}\r\n`;

for (const script of ["web_server.ts", "async_web_server.ts"]) {
  Deno.test(`${script} serves its folder over HTTP/1.1 and refuses every way out of it`, {
    ignore: lacks("curl"),
  }, async (t) => {
    const root = await Deno.makeTempDir({ prefix: "pysocket-www-" });
    const outside = await Deno.makeTempDir({ prefix: "pysocket-secret-" });
    const index = "<!doctype html><title>t</title>\n";
    const big = new Uint8Array(300_000).map((_, i) => (i * 7) & 0xff);
    await Deno.writeTextFile(`${root}/index.html`, index);
    await Deno.writeTextFile(`${root}/notes.txt`, "notes\n");
    await Deno.writeFile(`${root}/big.bin`, big);
    await Deno.mkdir(`${root}/docs`);
    await Deno.writeTextFile(`${root}/docs/index.html`, "docs\n");
    await Deno.writeTextFile(`${outside}/secret.txt`, "secret\n");
    await Deno.symlink(`${outside}/secret.txt`, `${root}/secret.txt`);
    await Deno.symlink(outside, `${root}/outdir`);
    await Deno.symlink(`${root}/notes.txt`, `${root}/alias.txt`);
    const server = new Program(script, ["--port", "0", "--root", root, "--timeout", "1"], {
      permissions: ["--allow-ffi", "--allow-read"],
    });
    const port = await server.port();
    const base = sockets(server.pid);
    const url = `http://127.0.0.1:${port}`;
    const curl = async (...args: string[]) =>
      (await exec([
        "curl",
        "-s",
        "--path-as-is",
        "-o",
        "/dev/null",
        "-w",
        "%{http_code} %{content_type}",
        ...args,
      ])).stdout;

    await t.step(
      "GET and HEAD, with Content-Type and Content-Length, checked by curl",
      async () => {
        assert.equal(await curl(`${url}/`), "200 text/html; charset=utf-8");
        assert.equal(await curl(`${url}/notes.txt`), "200 text/plain; charset=utf-8");
        assert.equal(await curl(`${url}/big.bin`), "200 application/octet-stream");
        const body = await exec(["curl", "-s", `${url}/big.bin`]);
        assert.equal(body.stdout.length, big.length);
        const head = await exec(["curl", "-sI", `${url}/index.html`]);
        assert.match(head.stdout, /^HTTP\/1\.1 200 OK\r\n/);
        assert.match(head.stdout, /\r\nContent-Length: 32\r\n/);
        const { responses: [r] } = http(port, "HEAD /big.bin HTTP/1.1\r\nHost: t\r\n\r\n", 1, true);
        assert.equal(r.fields.get("content-length"), String(big.length));
        assert.equal(r.body.length, 0);
      },
    );

    await t.step("the bytes served are the file's bytes", () => {
      const { responses: [small] } = http(port, get("/index.html"));
      assert.equal(text.decode(small.body), index);
      const { responses: [large] } = http(port, get("/big.bin"));
      assert.deepEqual(large.body, big);
    });

    await t.step("a folder redirects to its slash form and serves its index.html", async () => {
      assert.equal(
        (await exec([
          "curl",
          "-s",
          "-o",
          "/dev/null",
          "-w",
          "%{http_code} %{redirect_url}",
          `${url}/docs`,
        ])).stdout,
        `301 ${url}/docs/`,
      );
      assert.equal((await exec(["curl", "-sL", `${url}/docs`])).stdout, "docs\n");
    });

    await t.step(
      "404 for missing files and for symlinks that point out of the folder",
      async () => {
        assert.equal(await curl(`${url}/missing.html`), "404 text/plain; charset=utf-8");
        assert.equal(await curl(`${url}/secret.txt`), "404 text/plain; charset=utf-8");
        assert.equal(await curl(`${url}/outdir/secret.txt`), "404 text/plain; charset=utf-8");
        assert.equal(await curl(`${url}/etc/passwd`), "404 text/plain; charset=utf-8");
        assert.equal(
          await curl(`${url}/alias.txt`),
          "200 text/plain; charset=utf-8",
          "inside is fine",
        );
      },
    );

    await t.step("400 for .. in any spelling, and the connection closes", () => {
      for (
        const target of [
          "/../etc/passwd",
          "/docs/../../etc/passwd",
          "/%2e%2e/etc/passwd",
          "/%2E%2E%2fetc%2fpasswd",
          "/docs/..%2f..%2fetc/passwd",
          "/..\\etc\\passwd",
          "/%00",
          "/%zz",
          "http://t/../etc/passwd",
          "etc/passwd",
        ]
      ) {
        const { responses: [r], closed } = http(port, get(target));
        assert.equal(r.status, 400, target);
        assert.ok(closed, target);
      }
    });

    await t.step("405 with Allow for other methods; 505 for HTTP/2; 400 for a bad head", () => {
      const { responses: [post] } = http(
        port,
        "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc",
      );
      assert.equal(post.status, 405);
      assert.equal(post.fields.get("allow"), "GET, HEAD");
      assert.equal(http(port, "GET / HTTP/2.0\r\n\r\n").responses[0].status, 505);
      assert.equal(http(port, "GET / HTTP/1.1\r\n\r\n").responses[0].status, 400, "no Host");
      assert.equal(http(port, "GET /\r\n\r\n").responses[0].status, 400);
      assert.equal(
        http(port, "GET / HTTP/1.1\r\nHost: t\r\n folded\r\n\r\n").responses[0].status,
        400,
      );
      const chunked = "GET / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n";
      assert.equal(http(port, chunked).responses[0].status, 501);
    });

    await t.step("413, 414 and 431 bound what a request may send", () => {
      const body = http(port, "GET / HTTP/1.1\r\nHost: t\r\nContent-Length: 1000000\r\n\r\n");
      assert.equal(body.responses[0].status, 413);
      assert.ok(body.closed);
      assert.equal(http(port, get("/" + "a".repeat(9000))).responses[0].status, 414);
      const fields = Array.from({ length: 400 }, (_, i) => `X-Field-${i}: ${"v".repeat(40)}\r\n`);
      assert.equal(http(port, get("/", fields.join(""))).responses[0].status, 431);
      const many = Array.from({ length: 150 }, (_, i) => `X-${i}: v\r\n`).join("");
      assert.equal(http(port, get("/", many)).responses[0].status, 431);
    });

    await t.step("keep-alive: pipelined requests on one connection, closed when asked", () => {
      const three = http(port, get("/notes.txt") + get("/index.html") + get("/missing"), 3);
      assert.deepEqual(three.responses.map((r) => r.status), [200, 200, 404]);
      assert.equal(text.decode(three.responses[0].body), "notes\n");
      assert.ok(!three.closed, "HTTP/1.1 keeps the connection");
      assert.ok(http(port, get("/", "Connection: close\r\n")).closed);
      assert.ok(http(port, "GET / HTTP/1.0\r\n\r\n").closed, "HTTP/1.0 closes by default");
      const kept = http(port, "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
      assert.ok(!kept.closed);
      const withBody = http(
        port,
        "GET /notes.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello" + get("/notes.txt"),
        2,
      );
      assert.deepEqual(
        withBody.responses.map((r) => r.status),
        [200, 200],
        "a small body is skipped",
      );
    });

    await t.step("an idle connection is closed after --timeout", () => {
      using c = socket.create_connection(["127.0.0.1", port], 5);
      c.sendall("GET / HTTP/1.1\r\n"); // and never the rest
      const t0 = performance.now();
      assert.equal(c.recv(100).length, 0);
      const waited = performance.now() - t0;
      assert.ok(waited > 500 && waited < 4000, `closed after ${waited} ms`);
    });

    await t.step("every connection's socket is closed again", async () => {
      assert.equal(await settle(server.pid, base), base);
    });

    await stopped(server);
    await Deno.remove(root, { recursive: true });
    await Deno.remove(outside, { recursive: true });
  });

  Deno.test(`${script} holds 64 keep-alive connections from wrk for 10 s without errors`, {
    ignore: lacks("wrk"),
  }, async () => {
    const server = new Program(script, ["--port", "0", "--quiet"], {
      permissions: ["--allow-ffi", "--allow-read"],
    });
    const port = await server.port();
    const base = sockets(server.pid);
    const wrk = await exec(["wrk", "-t2", "-c64", "-d10s", `http://127.0.0.1:${port}/index.html`]);
    assert.equal(wrk.code, 0, wrk.stderr);
    assert.doesNotMatch(wrk.stdout, /Socket errors/, wrk.stdout);
    assert.doesNotMatch(wrk.stdout, /Non-2xx/, wrk.stdout);
    const rate = wrk.stdout.match(/Requests\/sec:\s+([\d.]+)/)![1];
    console.log(`${script} under wrk -c64 -d10s: ${rate} requests/s`);
    assert.equal(await settle(server.pid, base), base, "wrk's connections were all closed");
    await stopped(server);
  });

  Deno.test(`${script} serves a probe promptly while 5 clients never read their replies`, async () => {
    const root = await Deno.makeTempDir({ prefix: "pysocket-www-" });
    // Far more than the socket buffers of a client that does not read can take.
    await Deno.writeFile(`${root}/big.bin`, new Uint8Array(32 << 20));
    await Deno.writeTextFile(`${root}/small.txt`, "small\n");
    // A long --timeout: a server that waits out one stalled send at a time
    // would hold the probe at least that long.
    const server = new Program(script, [
      "--port",
      "0",
      "--root",
      root,
      "--timeout",
      "10",
      "--quiet",
    ], { permissions: ["--allow-ffi", "--allow-read"] });
    const port = await server.port();
    const base = sockets(server.pid);
    const slow = Array.from({ length: 5 }, () => {
      const s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
      s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096); // a small window fills at once
      s.connect(["127.0.0.1", port]);
      s.sendall(get("/big.bin"));
      return s;
    });
    await new Promise((r) => setTimeout(r, 500)); // the server is sending to each by now
    let probe: number | string;
    try {
      probe = http(port, get("/small.txt")).responses[0].status; // gives up after 5 s
    } catch (e) {
      probe = String(e);
    }
    for (const s of slow) s.close();
    const left = await settle(server.pid, base);
    const done = await server.stop();
    await Deno.remove(root, { recursive: true });
    assert.equal(probe, 200, "the probe is answered within 5 s");
    assert.equal(left, base, "the slow readers' connections were closed");
    assert.equal(done.code, 0, done.stderr);
  });

  Deno.test(
    `${script} closes a connection that sends its request head a byte at a time past the deadline`,
    async () => {
      const server = new Program(script, ["--port", "0", "--header-timeout", "1"], {
        permissions: ["--allow-ffi", "--allow-read"],
      });
      const port = await server.port();
      const base = sockets(server.pid);
      // Ten clients trickle a head a byte every 200 ms: never idle for
      // --timeout (5 s), never done. Each must be answered 408 and closed.
      const head = new TextEncoder().encode(get("/hello.txt", `X-Pad: ${"x".repeat(100)}\r\n`));
      const clients = Array.from({ length: 10 }, () => {
        const c = socket.create_connection(["127.0.0.1", port], 5);
        c.setblocking(false);
        return { sock: c, got: "", closed: false };
      });
      const t0 = performance.now();
      for (let i = 0; i < head.length && performance.now() - t0 < 8000; i++) {
        for (const c of clients.filter((c) => !c.closed)) {
          try {
            c.sock.send(head.subarray(i, i + 1));
            for (let part; (part = c.sock.recv(4096)).length > 0;) c.got += text.decode(part);
            c.closed = true; // end of file
          } catch (e) {
            if (e instanceof socket.BlockingIOError) continue; // nothing yet
            if (!(e instanceof socket.error)) throw e;
            c.closed = true; // reset, or the send found it closed
          }
        }
        if (clients.every((c) => c.closed)) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      const waited = performance.now() - t0;
      for (const c of clients) c.sock.close();
      // A keep-alive client that pauses longer than --header-timeout between
      // requests is still served: the deadline runs from a request's first byte.
      let kept: number[] | string;
      try {
        using c = socket.create_connection(["127.0.0.1", port], 5);
        const f = c.makefile("rb");
        c.sendall(get("/hello.txt"));
        const first = readResponse(f).status;
        await new Promise((r) => setTimeout(r, 1500));
        c.sendall(get("/hello.txt"));
        kept = [first, readResponse(f).status];
        f.close();
      } catch (e) {
        kept = String(e);
      }
      const left = await settle(server.pid, base);
      const done = await server.stop();
      const closed = clients.filter((c) => c.closed).length;
      assert.equal(closed, clients.length, `${closed} of 10 closed in ${Math.round(waited)} ms`);
      for (const c of clients) assert.match(c.got, /^HTTP\/1\.1 408 Request Timeout\r\n/);
      assert.deepEqual(kept, [200, 200]);
      assert.equal(left, base, "the server closed its side too");
      assert.equal(done.code, 0, done.stderr);
    },
  );
}

Deno.test("socket_options.ts reads back what Python reads back for every option", async () => {
  const done = await run("socket_options.ts", ["--json"]);
  assert.equal(done.code, 0, done.stderr);
  const rows: { name: string; read: string | null }[] = JSON.parse(done.stdout);
  const python = await exec([
    "python3",
    "-c",
    `
import json, socket, struct
S, T, I, I6 = socket.SOL_SOCKET, socket.IPPROTO_TCP, socket.IPPROTO_IP, socket.IPPROTO_IPV6
opts = [("SO_REUSEADDR", S, 1, "tcp"), ("SO_KEEPALIVE", S, 1, "tcp"), ("TCP_NODELAY", T, 1, "tcp"),
  ("SO_RCVBUF", S, 65536, "tcp"), ("SO_SNDBUF", S, 65536, "tcp"),
  ("SO_LINGER", S, struct.pack("ii", 1, 5), "tcp"), ("IP_TOS", I, 16, "tcp"),
  ("IP_TTL", I, 32, "tcp"), ("TCP_MAXSEG", T, 1200, "tcp"), ("TCP_KEEPIDLE", T, 60, "tcp"),
  ("TCP_KEEPINTVL", T, 10, "tcp"), ("TCP_KEEPCNT", T, 5, "tcp"), ("IPV6_V6ONLY", I6, 1, "tcp6"),
  ("IP_RECVTOS", I, 1, "udp"), ("IP_RECVTTL", I, 1, "udp")]
out = []
for name, level, value, kind in opts:
    opt = getattr(socket, name, None)
    if opt is None:
        out.append({"name": name, "read": None}); continue
    fam = socket.AF_INET6 if kind == "tcp6" else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM if kind == "udp" else socket.SOCK_STREAM)
    s.setsockopt(level, opt, value)
    if isinstance(value, bytes):
        onoff, linger = struct.unpack("ii", s.getsockopt(level, opt, 8))
        read = f"l_onoff={onoff} l_linger={linger}"
    else:
        read = str(s.getsockopt(level, opt))
    s.close()
    out.append({"name": name, "read": read})
print(json.dumps(out))`,
  ]);
  const expected: { name: string; read: string | null }[] = JSON.parse(python.stdout);
  // Where this python3 lacks a name (IP_RECVTTL came in 3.12), only ours is read.
  const known = new Set(expected.filter((e) => e.read !== null).map((e) => e.name));
  assert.deepEqual(
    rows.filter((r) => known.has(r.name)).map(({ name, read }) => ({ name, read })),
    expected.filter((e) => known.has(e.name)),
  );
  assert.ok(rows.every((r) => r.read !== null), "Linux has every option of the tour");
  assert.equal(rows.find((r) => r.name === "SO_RCVBUF")!.read, "131072", "Linux doubles it");
});

Deno.test("multicast_receiver.ts hears multicast_sender.ts and Python's sender on loopback", async () => {
  const receiver = new Program("multicast_receiver.ts", [
    "--port",
    "0",
    "--interface",
    "127.0.0.1",
    "--count",
    "3",
  ]);
  const port = String(await receiver.port());
  const sender = await run("multicast_sender.ts", [
    "--port",
    port,
    "--interface",
    "127.0.0.1",
    "--count",
    "2",
    "--interval",
    "0.05",
  ]);
  assert.equal(sender.code, 0, sender.stderr);
  assert.equal(
    sender.stdout,
    `sent b'robot 1' to 224.1.1.1:${port}\nsent b'robot 2' to 224.1.1.1:${port}\n`,
  );
  await exec([
    "python3",
    "-c",
    `
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("127.0.0.1"))
s.sendto(b"from python", ("224.1.1.1", ${port}))`,
  ]);
  const done = await receiver.finished();
  assert.equal(done.code, 0, done.stderr);
  assert.deepEqual(
    done.stdout.split("\n").slice(1).map((l) => l.replace(/\d+\)/, "P)")),
    [
      "from ('127.0.0.1', P): b'robot 1'",
      "from ('127.0.0.1', P): b'robot 2'",
      "from ('127.0.0.1', P): b'from python'",
      "received 3, stopped",
    ],
  );
});

/** A network namespace with only an up loopback (and a multicast route), for the test's life. */
async function withNamespace(fn: (prefix: string[]) => Promise<void>): Promise<void> {
  const name = `pysocket-${Deno.pid}-${Math.floor(Math.random() * 1e6)}`;
  const ip = (...args: string[]) => exec(["ip", ...args]);
  assert.equal((await ip("netns", "add", name)).code, 0, "ip netns add");
  try {
    await ip("netns", "exec", name, "ip", "link", "set", "lo", "up");
    await ip("netns", "exec", name, "ip", "route", "add", "224.0.0.0/4", "dev", "lo");
    await fn(["ip", "netns", "exec", name]);
  } finally {
    await ip("netns", "delete", name);
  }
}

Deno.test(
  "multicast_receiver.ts joins with INADDR_ANY, as the Python original, in a namespace of its own",
  {
    ignore: noNetns,
  },
  async () => {
    await withNamespace(async (prefix) => {
      const receiver = new Program("multicast_receiver.ts", ["--count", "2"], { prefix });
      await receiver.port();
      const sender = await run("multicast_sender.ts", ["--count", "2", "--interval", "0.05"], {
        prefix,
      });
      assert.equal(sender.code, 0, sender.stderr);
      const done = await receiver.finished();
      assert.equal(done.code, 0, done.stderr);
      assert.match(done.stdout, /: b'robot 1'\n.*: b'robot 2'\nreceived 2, stopped$/);
    });
  },
);

Deno.test(
  "sniffer.ts prints one line per packet on an AF_PACKET socket",
  { ignore: noNetns },
  async () => {
    await withNamespace(async (prefix) => {
      const sniffer = new Program("sniffer.ts", ["--interface", "lo", "--count", "4"], { prefix });
      await sniffer.expect(/^sniffing on lo$/);
      const sent = await exec([
        ...prefix,
        "python3",
        "-c",
        `
import socket
def pair(family, host, src, dst):
    a = socket.socket(family, socket.SOCK_DGRAM); a.bind((host, src))
    b = socket.socket(family, socket.SOCK_DGRAM); b.bind((host, dst))  # no ICMP unreachable
    return a, b
a, b = pair(socket.AF_INET, "127.0.0.1", 40001, 40002)
a.sendto(b"x" * 10, ("127.0.0.1", 40002))
b.recv(100)
c, d = pair(socket.AF_INET6, "::1", 40003, 40004)
c.sendto(b"y" * 20, ("::1", 40004))
d.recv(100)`,
      ]);
      assert.equal(sent.code, 0, sent.stderr);
      const done = await sniffer.finished();
      assert.equal(done.code, 0, done.stderr);
      // Ethernet (14) + IPv4 (20) + UDP (8) + 10; Ethernet + IPv6 (40) + UDP + 20.
      assert.deepEqual(done.stdout.split("\n").slice(1), [
        "lo out IPv4 127.0.0.1:40001 -> 127.0.0.1:40002 UDP len 52",
        "lo in  IPv4 127.0.0.1:40001 -> 127.0.0.1:40002 UDP len 52",
        "lo out IPv6 [::1]:40003 -> [::1]:40004 UDP len 82",
        "lo in  IPv6 [::1]:40003 -> [::1]:40004 UDP len 82",
        "4 packets, stopped",
      ]);
    });
  },
);

Deno.test("sniffer.ts says it needs privileges, and exits 1, without CAP_NET_RAW", {
  ignore: lacks("setpriv") || Deno.uid() !== 0,
}, async () => {
  const done = await exec([
    "setpriv",
    "--bounding-set",
    "-net_raw",
    "--inh-caps",
    "-net_raw",
    Deno.execPath(),
    "run",
    "--allow-ffi",
    new URL("../examples/sniffer.ts", import.meta.url).pathname,
  ]);
  assert.equal(done.code, 1);
  assert.equal(done.stdout, "");
  assert.match(
    done.stderr,
    /^sniffer\.ts: \[Errno 1\] Operation not permitted: raw sockets need privileges; run it as root/,
  );
});

Deno.test("every example answers --help with its flags and defaults, with no permission at all", async () => {
  const scripts = [...Deno.readDirSync(new URL("../examples/", import.meta.url))]
    .map((e) => e.name)
    .filter((name) => /^[a-z].*\.ts$/.test(name))
    .sort();
  assert.ok(scripts.length >= 16, scripts.join(" "));
  for (const script of scripts) {
    const done = await run(script, ["--help"], { permissions: [] });
    assert.equal(done.code, 0, `${script}: ${done.stderr}`);
    assert.equal(done.stderr, "", script);
    assert.match(
      done.stdout,
      new RegExp(`^usage: ${script.replace(".", "\\.")} \\[--help\\]`),
      script,
    );
    // Every flag that takes a value shows its default.
    const takes = [...done.stdout.matchAll(/\[--([a-z-]+) [^\]]+\]/g)].map((m) => m[1]);
    for (const flag of takes) {
      assert.match(done.stdout, new RegExp(`\ndefaults: .*--${flag} `), script);
    }
  }
  // demo.ts takes no flags: anything else is refused, before it runs a thing.
  const bogus = await run("demo.ts", ["--bogus"], { permissions: [] });
  assert.equal(bogus.code, 2);
  assert.match(bogus.stderr, /^error: Unknown option '--bogus'\nusage: demo\.ts/);
});

Deno.test("every server refuses a bad --port with its usage and status 2", async () => {
  for (
    const script of [
      "echo_server.ts",
      "udp_echo_server.ts",
      "web_server.ts",
      "async_web_server.ts",
      "select_server.ts",
    ]
  ) {
    const done = await run(script, ["--port", "70000"], {
      permissions: ["--allow-ffi", "--allow-read"],
    });
    assert.equal(done.code, 2, script);
    assert.match(done.stderr, /^error: bad port "70000": expected 0-65535\nusage: /, script);
    const unknown = await run(script, ["--bogus"], {
      permissions: ["--allow-ffi", "--allow-read"],
    });
    assert.equal(unknown.code, 2, script);
  }
});

Deno.test("every TCP server outlives clients that reset their connections", async () => {
  const reset = (port: number) =>
    exec([
      "python3",
      "-c",
      `
import socket, struct, time
for i in range(3):
    s = socket.create_connection(("127.0.0.1", ${port}))
    s.sendall(b"GET / HTTP/1.1\\r\\nHost: t\\r\\n\\r\\n" * 50)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()  # with linger 0: a reset, not a FIN
    time.sleep(0.05)`,
    ]);
  // Each server, and what it answers a well-behaved client afterwards.
  const servers: [string, string, RegExp][] = [
    ["echo_server.ts", "still here", /^still here$/],
    ["echo_server_dualstack.ts", "still here", /^still here$/],
    ["select_server.ts", "still here", /^still here$/],
    ["waiting_server.ts", "", /^$/],
    ...["web_server.ts", "async_web_server.ts"].map((script): [string, string, RegExp] => [
      script,
      "GET /hello.txt HTTP/1.0\r\n\r\n",
      /^HTTP\/1\.1 200 OK\r\n[^]*Hello, world\n$/,
    ]),
  ];
  for (const [script, request, answer] of servers) {
    const server = new Program(script, ["--port", "0"], {
      permissions: ["--allow-ffi", "--allow-read"],
    });
    const port = await server.port();
    const base = sockets(server.pid);
    assert.equal((await reset(port)).code, 0, script);
    const c = socket.create_connection(["127.0.0.1", port], 5);
    c.sendall(request);
    c.shutdown(socket.SHUT_WR);
    let got = "";
    for (let part; (part = c.recv(4096)).length > 0;) got += text.decode(part);
    assert.match(got, answer, `${script} still answers`);
    c.close();
    assert.equal(await settle(server.pid, base), base, script);
    await stopped(server);
  }
});

Deno.test("selectors_echo_server.ts, Python's selectors example, echoes for 20 python3 clients at once", async () => {
  const server = new Program("selectors_echo_server.ts", ["--port", "0"]);
  const port = await server.port();
  const base = sockets(server.pid);
  assert.equal(await pythonEchoClients(port, 20, 20 * 1024), 20);
  assert.equal(await settle(server.pid, base), base, "every client's socket was closed");
  const done = await stopped(server);
  assert.equal(done.stdout.match(/^accepted <socket\.socket fd=\d+/gm)?.length, 20);
  assert.equal(done.stdout.match(/^closing <socket\.socket/gm)?.length, 20);
  assert.match(done.stdout, /^echoing b'/m);
});

Deno.test("socketserver_tcp_server.ts and socketserver_udp_server.ts answer the docs' python3 clients, and stop on Ctrl-C", async () => {
  for (
    const [script, kind] of [["socketserver_tcp_server.ts", "SOCK_STREAM"], [
      "socketserver_udp_server.ts",
      "SOCK_DGRAM",
    ]]
  ) {
    const server = new Program(script, ["--port", "0"]);
    const port = await server.port();
    // The clients of Python's socketserver documentation, one message each.
    const client = await exec([
      "python3",
      "-c",
      `
import socket, sys
HOST, PORT = "localhost", ${port}
for data in ["hello world", "some more words"]:
    with socket.socket(socket.AF_INET, socket.${kind}) as sock:
        sock.settimeout(5)
        if socket.${kind} == socket.SOCK_STREAM:
            sock.connect((HOST, PORT))
            sock.sendall(bytes(data + "\\n", "utf-8"))
            received = str(sock.recv(1024), "utf-8")
        else:
            sock.sendto(bytes(data + "\\n", "utf-8"), (HOST, PORT))
            received = str(sock.recv(1024), "utf-8")
    print("Sent:     {}".format(data))
    print("Received: {}".format(received))
`,
    ]);
    assert.equal(client.code, 0, client.stderr);
    assert.equal(
      client.stdout,
      "Sent:     hello world\nReceived: HELLO WORLD\nSent:     some more words\nReceived: SOME MORE WORDS\n",
      script,
    );
    const done = await stopped(server);
    assert.equal(done.code, 0, done.stderr);
    assert.match(
      done.stdout,
      /^127\.0\.0\.1 wrote:\nb'hello world'\n127\.0\.0\.1 wrote:\nb'some more words'\nstopped$/m,
      script,
    );
  }
});

Deno.test("async_echo_server.ts serves 50 clients at once and stops on Ctrl-C", async () => {
  const server = new Program("async_echo_server.ts", ["--port", "0"]);
  const port = await server.port();
  const base = sockets(server.pid);
  assert.equal(await pythonEchoClients(port, 50, 200 * 1024), 50);
  assert.equal(await settle(server.pid, base), base, "every client's socket was closed");
  const done = await stopped(server);
  assert.equal(done.stdout.match(/^Connected by/gm)?.length, 50);
});

/** CPU seconds process `pid` has used (user + system). */
function cpuSeconds(pid: number): number {
  const f = Deno.readTextFileSync(`/proc/${pid}/stat`).split(") ")[1].split(" ");
  return (Number(f[11]) + Number(f[12])) / 100;
}

// The multi-connection servers, run with few descriptors and held at EMFILE
// by idle clients: each must wait between accepts instead of spinning, and
// serve again once the clients go.
for (
  const [script, request, answer] of [
    ["web_server.ts", "GET / HTTP/1.0\r\n\r\n", /^HTTP\/1\.[01] 200/],
    ["async_web_server.ts", "GET / HTTP/1.0\r\n\r\n", /^HTTP\/1\.[01] 200/],
    ["select_server.ts", "ping", /^ping/],
    ["async_echo_server.ts", "ping", /^ping/],
  ] as const
) {
  Deno.test(`${script} waits at EMFILE instead of spinning, and serves again once there is room`, {
    ignore: Deno.build.os !== "linux",
  }, async () => {
    const web = script.includes("web");
    const server = new Program(script, ["--port", "0", ...(web ? ["--timeout", "30"] : [])], {
      permissions: ["--allow-ffi", "--allow-read"],
      prefix: ["sh", "-c", 'ulimit -n 96 && exec "$@"', "sh"],
    });
    const port = await server.port();
    // More idle clients than the server has descriptors: the rest wait in the listen queue.
    const clients: socket.Socket[] = [];
    for (let i = 0; i < 120; i++) clients.push(socket.create_connection(["127.0.0.1", port]));
    await new Promise((r) => setTimeout(r, 500));
    const cpu = cpuSeconds(server.pid);
    await new Promise((r) => setTimeout(r, 2000));
    const used = cpuSeconds(server.pid) - cpu;
    assert.ok(used < 0.5, `the server used ${used} s of CPU in 2 s at EMFILE`);
    for (const c of clients) c.close();
    // Room again: a new client is served within the back-off and a little.
    using c = socket.create_connection(["127.0.0.1", port]);
    c.settimeout(10);
    c.sendall(request);
    assert.match(text.decode(c.recv(1024)), answer);
    const done = await server.stop("SIGINT");
    assert.match(done.stderr, /accept: .*Too many open files.*; accepting again in 1 s/);
  });
}
