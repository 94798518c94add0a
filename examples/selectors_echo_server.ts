// The echo server of Python's selectors documentation, line for line: one
// DefaultSelector, the listening socket registered with accept() as its data,
// each connection with read(), and a loop that calls key.data for every ready
// key. The one change: select() waits 0.2 s at a time and gives the event loop
// a turn in between, so that Ctrl-C can stop the server (see _cli.ts).
//
// Run: deno run --allow-ffi examples/selectors_echo_server.ts [--host 127.0.0.1] [--port 1234]

import "./_preflight.ts";
import * as selectors from "../selectors.ts";
import * as socket from "../mod.ts";
import { announce, flags, interrupted, portOf, repr, usageOf } from "./_cli.ts";

const USAGE = usageOf("selectors_echo_server.ts");
const args = flags("selectors_echo_server.ts");
const PORT = portOf(args.port, USAGE);

type Callback = (conn: socket.Socket, mask: number) => void;
const sel = new selectors.DefaultSelector<Callback>();

function accept(sock: socket.Socket, _mask: number): void {
  const [conn, addr] = sock.accept(); // Should be ready
  console.log("accepted", conn, "from", repr(addr));
  conn.setblocking(false);
  sel.register(conn, selectors.EVENT_READ, read);
}

function read(conn: socket.Socket, _mask: number): void {
  const data = conn.recv(1000); // Should be ready
  if (data.length) {
    console.log("echoing", repr(data), "to", conn);
    conn.send(data); // Hope it won't block
  } else {
    console.log("closing", conn);
    sel.unregister(conn);
    conn.close();
  }
}

const sock = socket.socket();
sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
sock.bind([args.host, PORT]);
sock.listen(100);
sock.setblocking(false);
sel.register(sock, selectors.EVENT_READ, accept);
announce(sock);

let turn = performance.now();
while (!interrupted()) {
  const events = sel.select(0.2);
  for (const [key, mask] of events) {
    const callback = key.data;
    callback(key.fileobj as socket.Socket, mask);
  }
  // A turn of the event loop, for Ctrl-C: when idle, and every 100 ms under load.
  if (events.length === 0 || performance.now() - turn >= 100) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    turn = performance.now();
  }
}
for (const key of [...sel.get_map()!.values()]) (key.fileobj as socket.Socket).close();
sel.close();
console.log("stopped");
