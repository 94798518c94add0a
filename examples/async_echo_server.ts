// Async echo server: the echo server of Python's asyncio documentation
// written with the low-level loop.sock_* calls (sock_accept, sock_recv,
// sock_sendall) instead of streams, serving many clients at once without
// ever blocking Deno's event loop. Runs until Ctrl-C.
//
// Run: deno run --allow-ffi examples/async_echo_server.ts [--host 127.0.0.1] [--port 50007]

import "./_preflight.ts";
import * as socket from "../mod.ts";
import { ACCEPT_PAUSE_MS, flags, hostPort, outOfResources, portOf, repr, usageOf } from "./_cli.ts";

const USAGE = usageOf("async_echo_server.ts");
const args = flags("async_echo_server.ts");
const PORT = portOf(args.port, USAGE);

async function handle(conn: socket.Socket, addr: socket.Address, signal: AbortSignal) {
  try {
    for (;;) {
      const data = await socket.sock_recv(conn, 65536, { signal });
      if (data.length === 0) break;
      await socket.sock_sendall(conn, data, { signal });
    }
  } catch (e) {
    if (!(e instanceof socket.error) && !signal.aborted) throw e;
  } finally {
    conn.close();
    console.log("closed", repr(addr));
  }
}

const stop = new AbortController();
const onSignal = () => stop.abort();
Deno.addSignalListener("SIGINT", onSignal);

const server = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
server.bind([args.host, PORT]);
server.listen(128);
server.setblocking(false);
console.log(`listening on ${hostPort(server.getsockname())}`);

const clients = new Set<Promise<void>>();
try {
  for (;;) {
    let conn, addr;
    try {
      [conn, addr] = await socket.sock_accept(server, { signal: stop.signal });
    } catch (e) {
      if (!outOfResources(e)) throw e;
      // No descriptor to spare: wait, as asyncio does, instead of spinning.
      console.error(`accept: ${(e as Error).message}; accepting again in 1 s`);
      await new Promise((r) => setTimeout(r, ACCEPT_PAUSE_MS));
      continue;
    }
    console.log("Connected by", repr(addr));
    const task = handle(conn, addr, stop.signal);
    clients.add(task);
    task.finally(() => clients.delete(task));
  }
} catch (e) {
  if (!stop.signal.aborted) throw e;
}
await Promise.allSettled(clients);
server.close();
Deno.removeSignalListener("SIGINT", onSignal);
console.log("stopped");
