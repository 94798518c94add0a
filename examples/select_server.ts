// A multi-client server driven by select(), after the classic select() echo
// server of the Python tutorials (PyMOTW's "select - Wait for I/O
// Efficiently"): one thread, non-blocking sockets, a queue of outgoing bytes
// per client. In --mode echo (the default) each client gets its own bytes
// back; in --mode chat every client's bytes go to all the other clients.
// A client whose queue passes 1 MiB is not read from (echo) or is dropped as
// too slow (chat), so memory stays bounded. Runs until Ctrl-C.
//
// Run: deno run --allow-ffi examples/select_server.ts [--host 127.0.0.1] [--port 50007] [--mode echo|chat]

import "./_preflight.ts";
import * as socket from "../mod.ts";
import {
  ACCEPT_PAUSE_MS,
  announce,
  flags,
  outOfResources,
  portOf,
  repr,
  usageOf,
  wait,
} from "./_cli.ts";

const USAGE = usageOf("select_server.ts");
const args = flags("select_server.ts");
const PORT = portOf(args.port, USAGE);
if (args.mode !== "echo" && args.mode !== "chat") {
  console.error(`error: bad --mode ${JSON.stringify(args.mode)}\n${USAGE}`);
  Deno.exit(2);
}
const LIMIT = 1 << 20;

const server = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
server.bind([args.host, PORT]);
// The tutorial's listen(5) overflows under a burst of clients: the kernel
// falls back to SYN cookies, and once 2 of the test's 20 clients did not get
// their bytes back while it counted 2 failed cookies. So this takes the default.
server.listen();
server.setblocking(false);
announce(server);

// Per client: its address, its outgoing bytes (oldest first) and how many
// are queued, and whether it has shut down its side (then the queue is
// flushed before the close).
interface Client {
  addr: socket.Address;
  chunks: Uint8Array[];
  size: number;
  eof: boolean;
}
const queues = new Map<socket.Socket, Client>();

function drop(s: socket.Socket, why: string): void {
  const client = queues.get(s);
  if (client === undefined) return;
  queues.delete(s);
  console.log(`${why} ${repr(client.addr)}`);
  s.close();
}

function enqueue(s: socket.Socket, data: Uint8Array): void {
  const q = queues.get(s)!;
  q.chunks.push(data);
  q.size += data.length;
  if (args.mode === "chat" && q.size > LIMIT) drop(s, "dropping slow client");
}

let ready;
let acceptFrom = 0; // after an accept that found no descriptor to spare
while (true) {
  const clients = [...queues.keys()];
  const pause = acceptFrom - performance.now();
  const inputs = [
    ...(pause > 0 ? [] : [server]),
    ...clients.filter((c) => !queues.get(c)!.eof && queues.get(c)!.size <= LIMIT),
  ];
  const outputs = clients.filter((c) => queues.get(c)!.size > 0);
  if ((ready = await wait(inputs, outputs, pause > 0 ? pause / 1000 : null)) === null) break;
  const [readable, writable] = ready;
  for (const s of readable) {
    if (s === server) {
      let conn, addr;
      try {
        [conn, addr] = server.accept();
      } catch (e) {
        if (outOfResources(e)) {
          console.error(`accept: ${(e as Error).message}; accepting again in 1 s`);
          acceptFrom = performance.now() + ACCEPT_PAUSE_MS;
          continue;
        }
        if (e instanceof socket.error) continue; // the client left before accept
        throw e;
      }
      conn.setblocking(false);
      queues.set(conn, { addr, chunks: [], size: 0, eof: false });
      console.log("new connection from", repr(addr));
      continue;
    }
    if (!queues.has(s)) continue; // dropped earlier in this round
    let data: Uint8Array;
    try {
      data = s.recv(65536);
    } catch (e) {
      if (e instanceof socket.BlockingIOError) continue;
      if (!(e instanceof socket.error)) throw e;
      data = new Uint8Array(0); // a reset counts as a close
    }
    if (data.length === 0) {
      const client = queues.get(s)!;
      client.eof = true;
      if (client.size === 0) drop(s, "closing");
    } else if (args.mode === "echo") {
      enqueue(s, data);
    } else {
      for (const other of [...queues.keys()]) if (other !== s) enqueue(other, data);
    }
  }
  for (const s of writable) {
    const q = queues.get(s);
    if (q === undefined || q.chunks.length === 0) continue;
    let sent: number;
    try {
      sent = s.send(q.chunks[0]);
    } catch (e) {
      if (e instanceof socket.BlockingIOError) continue;
      if (!(e instanceof socket.error)) throw e;
      drop(s, "closing");
      continue;
    }
    q.size -= sent;
    if (sent === q.chunks[0].length) q.chunks.shift();
    else q.chunks[0] = q.chunks[0].subarray(sent);
    if (q.eof && q.size === 0) drop(s, "closing");
  }
}
for (const s of queues.keys()) s.close();
server.close();
console.log("stopped");
