// Echo server program, IPv4 and IPv6: the second server of Python's socket
// documentation (https://docs.python.org/3/library/socket.html#example),
// which walks the getaddrinfo() results. The original binds the first address
// that works and admits it "should listen to both"; this one listens on every
// address getaddrinfo() returns, on one port, or on a single dual-stack socket
// when the host is the IPv6 wildcard and the OS allows it. Clients are served
// one after another until Ctrl-C.
//
// Run: deno run --allow-ffi examples/echo_server_dualstack.ts [--host 127.0.0.1,::1] [--port 50007]
// --host takes a comma-separated list of names or addresses; "" means every
// interface, as Python's None.

import "./_preflight.ts";
import * as socket from "../mod.ts";
import { announce, flags, portOf, readable, repr, usageOf, wait } from "./_cli.ts";

const USAGE = usageOf("echo_server_dualstack.ts");
const args = flags("echo_server_dualstack.ts");
const HOSTS = args.host.split(",").map((h) => h === "" ? null : h); // null: every interface
let PORT = portOf(args.port, USAGE);

const infos = HOSTS.flatMap((HOST) =>
  socket.getaddrinfo(HOST, PORT, socket.AF_UNSPEC, socket.SOCK_STREAM, 0, socket.AI_PASSIVE)
);
// One IPv6 wildcard socket can take IPv4 too; then the IPv4 wildcard is skipped.
const dualstack = socket.has_dualstack_ipv6() &&
  infos.some(([af, , , , sa]) => af === socket.AF_INET6 && sa[0] === "::");
const servers: socket.Socket<socket.InetAddress>[] = [];
for (const [af, socktype, proto, _canonname, sa] of infos) {
  if (dualstack && af === socket.AF_INET) continue;
  let s: socket.Socket<socket.InetAddress>;
  try {
    s = socket.socket(af, socktype, proto);
  } catch (e) {
    if (e instanceof socket.error) continue;
    throw e;
  }
  try {
    if (af === socket.AF_INET6) {
      s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, dualstack ? 0 : 1);
    }
    const [host, , ...rest] = sa;
    s.bind([host, PORT, ...rest]); // the same port for every family
    s.listen(1);
  } catch (e) {
    s.close();
    if (e instanceof socket.error) continue;
    throw e;
  }
  PORT = s.getsockname()[1];
  servers.push(s);
}
if (servers.length === 0) {
  console.log("could not open socket");
  Deno.exit(1);
}
for (const s of servers) announce(s);

let ready;
while ((ready = await wait(servers)) !== null) {
  for (const s of ready[0]) {
    const [conn, addr] = s.accept();
    using _conn = conn;
    console.log("Connected by", repr(addr));
    try {
      while (await readable(conn)) {
        const data = conn.recv(1024);
        if (data.length === 0) break;
        conn.sendall(data);
      }
    } catch (e) {
      // A client that resets ends its own connection, not the server.
      if (!(e instanceof socket.error)) throw e;
      console.log("Connection error:", e.message);
    }
  }
}
for (const s of servers) s.close();
console.log("stopped");
