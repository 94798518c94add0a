// Echo server program: the IPv4 echo server from Python's socket documentation
// (https://docs.python.org/3/library/socket.html#example), line for line.
// Unlike the original, which serves one client and exits, it serves clients
// one after another until Ctrl-C.
//
// Run: deno run --allow-ffi examples/echo_server.ts [--host 127.0.0.1] [--port 50007]

import "./_preflight.ts";
import * as socket from "../mod.ts";
import { announce, flags, portOf, readable, repr, usageOf } from "./_cli.ts";

const USAGE = usageOf("echo_server.ts");
const args = flags("echo_server.ts");
const HOST = args.host; // Symbolic name meaning the local host
const PORT = portOf(args.port, USAGE); // Arbitrary non-privileged port

{
  using s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  s.bind([HOST, PORT]);
  s.listen(1);
  announce(s);
  while (await readable(s)) {
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
console.log("stopped");
