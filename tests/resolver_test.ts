import assert from "node:assert/strict";
import * as socket from "../mod.ts";
import { python } from "./_helpers.ts";

Deno.test("getaddrinfo() returns python3's entries for numeric hosts, localhost and flags", () => {
  const queries: [string | null, number | string | null, number, number, number, number][] = [
    ["127.0.0.1", 80, 0, 0, 0, 0],
    ["::1", 443, 0, socket.SOCK_STREAM, 0, 0],
    ["localhost", "http", 0, socket.SOCK_STREAM, 0, socket.AI_CANONNAME],
    [null, 8080, socket.AF_INET6, socket.SOCK_STREAM, 0, socket.AI_PASSIVE],
    [null, 0, socket.AF_INET, socket.SOCK_DGRAM, 0, socket.AI_PASSIVE],
    ["127.0.0.1", null, 0, socket.SOCK_DGRAM, 0, 0],
    ["127.0.0.1", 70000, 0, socket.SOCK_STREAM, 0, 0],
    ["localhost", 22, socket.AF_INET, 0, socket.IPPROTO_TCP, socket.AI_NUMERICSERV],
    ["::ffff:1.2.3.4", 1, socket.AF_INET6, socket.SOCK_DGRAM, 0, socket.AI_NUMERICHOST],
  ];
  const py = python<unknown[]>(`
import socket, json
out = []
for q in ${JSON.stringify(queries).replaceAll("null", "None")}:
    out.append([[int(f), int(t), p, c, list(a)] for f, t, p, c, a in socket.getaddrinfo(*q)])
print(json.dumps(out))`);
  assert.deepEqual(queries.map((q) => socket.getaddrinfo(...q)), py);
});

Deno.test("getnameinfo(), getservbyname(), getservbyport() and getprotobyname() match python3", () => {
  const py = python<unknown>(`
import socket, json
print(json.dumps([
  socket.getnameinfo(("127.0.0.1", 80), 0),
  socket.getnameinfo(("127.0.0.1", 80), socket.NI_NUMERICHOST | socket.NI_NUMERICSERV),
  socket.getnameinfo(("::1", 443, 0, 0), socket.NI_NUMERICSERV),
  socket.getnameinfo(("127.0.0.1", 53), socket.NI_DGRAM),
  [socket.getservbyname(*[x for x in q if x]) for q in [("http", None), ("https", "tcp"), ("domain", "udp"), ("ssh", None)]],
  [socket.getservbyport(*[x for x in q if x]) for q in [(80, None), (443, "tcp"), (53, "udp"), (1, None)]],
  [socket.getprotobyname(n) for n in ["tcp", "udp", "icmp", "ipv6-icmp"]],
  socket.gethostbyname("localhost"), socket.gethostbyname(""), socket.gethostbyname("10.1.2.3"),
  socket.gethostbyname_ex("localhost"), socket.gethostbyaddr("127.0.0.1"),
  socket.gethostname(), socket.getfqdn("127.0.0.1"),
  socket.if_nameindex(), socket.if_nametoindex("lo"), socket.if_indextoname(1),
]))`);
  assert.deepEqual([
    socket.getnameinfo(["127.0.0.1", 80], 0),
    socket.getnameinfo(["127.0.0.1", 80], socket.NI_NUMERICHOST | socket.NI_NUMERICSERV),
    socket.getnameinfo(["::1", 443, 0, 0], socket.NI_NUMERICSERV),
    socket.getnameinfo(["127.0.0.1", 53], socket.NI_DGRAM),
    [["http", null], ["https", "tcp"], ["domain", "udp"], ["ssh", null]].map(([n, p]) =>
      socket.getservbyname(n!, p)
    ),
    [[80, null], [443, "tcp"], [53, "udp"], [1, null]].map(([p, q]) =>
      socket.getservbyport(p as number, q as string | null)
    ),
    ["tcp", "udp", "icmp", "ipv6-icmp"].map(socket.getprotobyname),
    socket.gethostbyname("localhost"),
    socket.gethostbyname(""),
    socket.gethostbyname("10.1.2.3"),
    socket.gethostbyname_ex("localhost"),
    socket.gethostbyaddr("127.0.0.1"),
    socket.gethostname(),
    socket.getfqdn("127.0.0.1"),
    socket.if_nameindex(),
    socket.if_nametoindex("lo"),
    socket.if_indextoname(1),
  ], py);
});

Deno.test("create_connection() makes the socket python3's does, for IPv4, IPv6 and a name", () => {
  using v4 = socket.create_server(["127.0.0.1", 0]);
  using v6 = socket.create_server(["::1", 0], { family: socket.AF_INET6 });
  const targets: [string, number][] = [
    ["127.0.0.1", v4.getsockname()[1]],
    ["::1", v6.getsockname()[1]],
    ["localhost", v4.getsockname()[1]],
  ];
  // Python connects to the same servers, which accept both sides' clients.
  const py = python<unknown[]>(`
import socket, json
out = []
for host, port in ${JSON.stringify(targets)}:
    with socket.create_connection((host, port)) as s:
        out.append([int(s.family), int(s.type), s.proto, list(s.getpeername())[:2]])
print(json.dumps(out))`);
  const ours = targets.map(([host, port]) => {
    using s = socket.create_connection([host, port]);
    return [s.family, s.type, s.proto, s.getpeername().slice(0, 2)];
  });
  assert.deepEqual(ours, py);
});
