// The demo `deno task demo` runs: each example server is started on a free
// port of 127.0.0.1 (or ::1) as its own process, driven by its client, and
// stopped with Ctrl-C (SIGINT); the transcript shows what every program printed.
//
// Run: deno run --allow-ffi --allow-read --allow-run examples/demo.ts

import "./_preflight.ts";
import * as socket from "../mod.ts";
import { flags } from "./_cli.ts";
import { type Finished, Program, run } from "./_run.ts";

flags("demo.ts"); // none: anything else is refused

const text = new TextDecoder();
const started = performance.now();
let failures = 0;

function show(who: string, output: string): void {
  for (const line of output.split("\n")) {
    if (line.trim()) console.log(`  ${who.padEnd(8)}| ${line}`);
  }
}

function title(name: string): void {
  console.log(`\n== ${name}`);
}

/** Shows a finished program's output and notes when it failed. */
function report(who: string, done: Finished, expected = 0): void {
  show(who, done.stdout + (done.stderr ? "\n" + done.stderr : ""));
  if (done.code !== expected) {
    failures++;
    console.log(`  !! ${who} exited with ${done.code}, expected ${expected}`);
  }
}

async function client(script: string, args: string[], expected = 0): Promise<void> {
  report("client", await run(script, args), expected);
}

async function stop(server: Program): Promise<void> {
  report("server", await server.stop());
}

// 1. The IPv4 echo pair from Python's socket documentation.
{
  title("echo_server.ts + echo_client.ts");
  const server = new Program("echo_server.ts", ["--port", "0"]);
  const port = String(await server.port());
  await client("echo_client.ts", ["--port", port]);
  await stop(server);
}

// 2. The IPv4/IPv6 pair: one server on 127.0.0.1 and ::1, the client walks getaddrinfo.
if (socket.has_ipv6) {
  title("echo_server_dualstack.ts + echo_client_dualstack.ts");
  const server = new Program("echo_server_dualstack.ts", ["--port", "0"]);
  const port = String(await server.port());
  await client("echo_client_dualstack.ts", ["--host", "::1", "--port", port]);
  await client("echo_client_dualstack.ts", ["--host", "127.0.0.1", "--port", port]);
  await stop(server);
}

// 3. UDP echo, then the client against a port where no one answers.
{
  title("udp_echo_server.ts + udp_echo_client.ts");
  const server = new Program("udp_echo_server.ts", ["--port", "0"]);
  const port = String(await server.port());
  await client("udp_echo_client.ts", ["--port", port, "--count", "3"]);
  await stop(server);
  console.log("  (the same client against the stopped server: it reports loss, exit status 1)");
  await client("udp_echo_client.ts", ["--port", port, "--count", "2", "--timeout", "0.3"], 1);
}

// 4. The "Waiting for connections..." server: two clients connect.
{
  title("waiting_server.ts");
  const server = new Program("waiting_server.ts", ["--port", "0"]);
  const port = await server.port();
  for (let i = 0; i < 2; i++) {
    using c = socket.create_connection(["127.0.0.1", port], 5);
    c.recv(1); // returns when the server closes
  }
  await server.expect(/^Got connection/, 2);
  await stop(server);
}

// 5. The select() server: three echo clients at once, then chat mode.
{
  title("select_server.ts (echo, three clients at once)");
  const server = new Program("select_server.ts", ["--port", "0"]);
  const port = String(await server.port());
  const clients = ["one", "two", "three"].map((m) =>
    run("echo_client.ts", ["--port", port, "--message", m])
  );
  for (const done of await Promise.all(clients)) report("client", done);
  await stop(server);
}

// 5b. The async echo server: three clients at once on the reactor.
{
  title("async_echo_server.ts (sock_accept, sock_recv, sock_sendall)");
  const server = new Program("async_echo_server.ts", ["--port", "0"]);
  const port = String(await server.port());
  const clients = ["alpha", "beta", "gamma"].map((m) =>
    run("echo_client.ts", ["--port", port, "--message", m])
  );
  for (const done of await Promise.all(clients)) report("client", done);
  await stop(server);
}

// 6. The web servers (select() and async), each asked for a page, a missing
// file, and a path out of its folder.
for (const script of ["web_server.ts", "async_web_server.ts"]) {
  title(script);
  const server = new Program(script, ["--port", "0"], {
    permissions: ["--allow-ffi", "--allow-read"],
  });
  const port = await server.port();
  using c = socket.create_connection(["127.0.0.1", port], 5);
  const f = c.makefile("rb");
  for (const path of ["/", "/hello.txt", "/missing.html", "/%2e%2e/etc/passwd"]) {
    c.sendall(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    const status = text.decode(f.readline() as Uint8Array).trim();
    let length = 0;
    let type = "";
    for (let line = ""; (line = text.decode(f.readline() as Uint8Array).trim()) !== "";) {
      const [name, value] = line.split(/:\s*/, 2);
      if (name.toLowerCase() === "content-length") length = Number(value);
      if (name.toLowerCase() === "content-type") type = value;
    }
    f.read(length);
    show("client", `GET ${path.padEnd(20)} -> ${status}, ${type}, ${length} bytes`);
  }
  f.close();
  await stop(server);
}

// 7. The socket-options tour.
{
  title("socket_options.ts");
  report("options", await run("socket_options.ts"));
}

// 8. Multicast on the loopback interface only.
{
  title("multicast_receiver.ts + multicast_sender.ts (on 127.0.0.1)");
  const receiver = new Program("multicast_receiver.ts", [
    "--port",
    "0",
    "--interface",
    "127.0.0.1",
    "--count",
    "2",
  ]);
  const port = String(await receiver.port());
  await client("multicast_sender.ts", [
    "--port",
    port,
    "--interface",
    "127.0.0.1",
    "--count",
    "2",
    "--interval",
    "0.05",
  ]);
  report("receiver", await receiver.finished());
}

// 9. The sniffer needs root (or CAP_NET_RAW); without it, it says so.
{
  title("sniffer.ts (two packets on lo)");
  const sniffer = new Program("sniffer.ts", ["--interface", "lo", "--count", "2"]);
  if (await sniffer.expect(/^sniffing on/).then(() => true, () => false)) {
    using u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    u.sendto("sniff me", ["127.0.0.1", 9]); // one datagram: seen going out and coming in
  }
  const done = await sniffer.finished();
  report("sniffer", done, done.stderr.includes("privileges") ? 1 : 0);
}

const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(`\ndemo done in ${seconds} s${failures ? `, ${failures} failed` : ""}`);
if (failures) Deno.exit(1);
