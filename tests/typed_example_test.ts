// Code written the way a Python porter writes it, from Python's socket docs:
// the results are used as they come, with no cast and no `!`. It must pass
// `deno check` (that is the point) and runs on real loopback sockets.

import assert from "node:assert/strict";
import * as socket from "../mod.ts";

const HOST = "127.0.0.1";

Deno.test("typed: the echo server and client of Python's docs, with create_server and create_connection", () => {
  using s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  s.bind([HOST, 0]);
  s.listen(1);
  const [host, port] = s.getsockname(); // [string, number]
  assert.equal(host, HOST);
  assert.equal(typeof port, "number");

  using client = socket.create_connection([HOST, port], 5);
  const [conn, addr] = s.accept();
  using _conn = conn;
  const [peerHost, peerPort] = addr;
  assert.equal(peerHost, HOST);
  assert.deepEqual(client.getsockname(), [peerHost, peerPort]);
  const [, serverPort] = client.getpeername();
  assert.equal(serverPort, port);

  client.sendall("Hello, world");
  const data = conn.recv(1024);
  conn.sendall(data);
  assert.equal(new TextDecoder().decode(client.recv(1024)), "Hello, world");

  using srv = socket.create_server([HOST, 0]);
  const [, srvPort] = srv.getsockname();
  using c2 = socket.create_connection([HOST, srvPort]);
  const [conn2, [h2]] = srv.accept();
  conn2.close();
  assert.equal(h2, HOST);
  assert.equal(c2.getpeername()[1], srvPort);
});

Deno.test("typed: a UDP echo with recvfrom and sendto, IPv4 and IPv6", () => {
  using server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  server.bind([HOST, 0]);
  using client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  client.settimeout(5);
  client.sendto("ping", server.getsockname());
  const [data, addr] = server.recvfrom(1024);
  server.sendto(data, addr); // a datagram socket's sender is never null
  const [reply, from] = client.recvfrom_into(new Uint8Array(16));
  assert.equal(reply, 4);
  assert.deepEqual(from, server.getsockname());

  using six = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM);
  six.bind(["::1", 0]);
  const [host6, port6, flowinfo, scope_id] = six.getsockname();
  assert.deepEqual([host6, flowinfo, scope_id], ["::1", 0, 0]);
  six.sendto("x", ["::1", port6]);
  const [, sender6] = six.recvfrom(8);
  assert.equal(sender6[1], port6);
});

Deno.test("typed: a family chosen at run time, a getaddrinfo loop, and its socket", () => {
  const v6 = Deno.env.get("PYSOCKET_NO_SUCH_VARIABLE") !== undefined;
  using udp = socket.socket(v6 ? socket.AF_INET6 : socket.AF_INET, socket.SOCK_DGRAM);
  udp.bind([v6 ? "::1" : HOST, 0]);
  udp.sendto("me", udp.getsockname());
  const [, me] = udp.recvfrom(8);
  assert.equal(me[0], HOST);

  using srv = socket.create_server([HOST, 0]);
  const [, port] = srv.getsockname();
  let connected: socket.Socket<socket.InetAddress> | null = null;
  for (
    const [af, socktype, proto, _canonname, sa] of socket.getaddrinfo(
      HOST,
      port,
      socket.AF_UNSPEC,
      socket.SOCK_STREAM,
    )
  ) {
    const [host, p] = sa;
    assert.equal(host, HOST);
    assert.equal(p, port);
    const s = socket.socket(af, socktype, proto);
    s.connect(sa);
    connected = s;
    break;
  }
  assert.ok(connected !== null);
  const [peerHost] = connected.getpeername();
  assert.equal(peerHost, HOST);
  connected.close();
});

Deno.test("typed: getsockopt gives a number, or bytes with a buflen; setsockopt", () => {
  using s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
  const reuse: number = s.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR);
  assert.ok(reuse !== 0);
  const kind = s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE);
  assert.equal(kind, socket.SOCK_STREAM);
  s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536);
  const rcvbuf = s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF);
  assert.ok(rcvbuf >= 65536 / 2);
  const raw: Uint8Array = s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE, 4);
  assert.equal(raw.byteLength, 4);
  const error = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR);
  assert.equal(error + 0, 0);
});

Deno.test("typed: select() over a listening socket, then accept", () => {
  using srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  srv.bind([HOST, 0]);
  srv.listen();
  using c = socket.create_connection(srv.getsockname());
  const [readable] = socket.select([srv], [], [], 5);
  assert.deepEqual(readable, [srv]);
  const [conn, [host, port]] = srv.accept();
  using _conn = conn;
  assert.equal(host, HOST);
  assert.equal(port, c.getsockname()[1]);
  const [connHost] = conn.getsockname();
  assert.equal(connHost, HOST);
});

Deno.test("typed: async accept and recvfrom keep the address type", async () => {
  using srv = socket.create_server([HOST, 0]);
  srv.setblocking(false);
  using c = socket.create_connection(srv.getsockname());
  const [conn, [host]] = await socket.sock_accept(srv);
  conn.close();
  assert.equal(host, HOST);
  assert.equal(c.getpeername()[0], HOST);

  using udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  udp.bind([HOST, 0]);
  udp.setblocking(false);
  await socket.sock_sendto(udp, "hi", udp.getsockname());
  const [data, [fromHost, fromPort]] = await socket.sock_recvfrom(udp, 16);
  assert.equal(new TextDecoder().decode(data), "hi");
  assert.deepEqual([fromHost, fromPort], udp.getsockname());
});

Deno.test("typed: a stream socket's recvfrom may give null, and the type says so", () => {
  const [a, b] = socket.socketpair();
  a.send("x");
  const [, from] = b.recvfrom(1);
  // Typed Address | null: a stream socket has no sender to give.
  assert.ok(from === null || typeof from === "string" || from instanceof Uint8Array);
  // The types are checked, not only the values: these must not compile.
  const unused = () => {
    // @ts-expect-error a stream socket's sender may be null
    b.sendto("x", from);
    // @ts-expect-error an IPv4 address has no flowinfo
    const [, , flowinfo] = socket.socket(socket.AF_INET).getsockname();
    return flowinfo;
  };
  assert.equal(typeof unused, "function");
  a.close();
  b.close();
});
