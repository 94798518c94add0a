// The "Waiting for connections..." server of the classic Python socket
// tutorials: accept a connection, print the peer's address from
// getpeername(), close it, and wait for the next, until Ctrl-C.
//
// Run: deno run --allow-ffi examples/waiting_server.ts [--host 127.0.0.1] [--port 50007]

import "./_preflight.ts";
import * as socket from "../mod.ts";
import { announce, flags, portOf, readable, repr, usageOf } from "./_cli.ts";

const USAGE = usageOf("waiting_server.ts");
const args = flags("waiting_server.ts");
const HOST = args.host;
const PORT = portOf(args.port, USAGE);

{
  using s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  s.bind([HOST, PORT]);
  s.listen(5);
  announce(s);
  console.log("Waiting for connections...");
  while (await readable(s)) {
    const [conn] = s.accept();
    try {
      console.log("Got connection from", repr(conn.getpeername()));
    } catch (e) {
      if (!(e instanceof socket.error)) throw e;
      console.log("A client left before getpeername():", e.message); // it reset at once
    } finally {
      conn.close();
    }
  }
}
console.log("stopped");
