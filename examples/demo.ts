// The demo `deno task demo` runs: an echo over a socketpair, then over TCP on
// loopback, then a UDP round trip, printing a short transcript.
//
// Run: deno run --allow-ffi examples/demo.ts

import * as socket from "../mod.ts";

const text = new TextDecoder();

// 1. socketpair: two connected AF_UNIX sockets in one process.
{
  const [a, b] = socket.socketpair();
  using _a = a;
  using _b = b;
  a.sendall("Hello over a socketpair");
  console.log(`socketpair  recv -> ${JSON.stringify(text.decode(b.recv(1024)))}`);
}

// 2. TCP echo on 127.0.0.1, as in Python's socket documentation.
{
  using srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
  srv.bind(["127.0.0.1", 0]);
  srv.listen(1);
  const [host, port] = srv.getsockname() as [string, number];
  console.log(`tcp         listening on ${host}:${port}`);
  using client = socket.create_connection([host, port], 5);
  const [conn, addr] = srv.accept();
  using _conn = conn;
  console.log(`tcp         connected by ${JSON.stringify(addr)}`);
  client.sendall("Hello, world");
  conn.sendall(conn.recv(1024)); // the echo
  console.log(`tcp         client received ${JSON.stringify(text.decode(client.recv(1024)))}`);
}

// 3. UDP round trip with a timeout.
{
  using srv = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  srv.bind(["127.0.0.1", 0]);
  using cli = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  cli.settimeout(2);
  cli.sendto("ping", srv.getsockname());
  const [data, from] = srv.recvfrom(1500);
  srv.sendto(data, from!);
  console.log(`udp         reply ${JSON.stringify(text.decode(cli.recvfrom(1500)[0]))}`);
}
console.log("demo done");
