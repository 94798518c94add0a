// The simple web server again, on the async path: the same static file
// server as web_server.ts (same flags, same answers, same safety; the HTTP
// side is shared in _http.ts), but each connection is its own task that
// awaits sock_recv_into, sock_sendall and sock_sendfile, so the event loop
// is never blocked and nothing waits on a select() slice. A connection idle
// for --timeout seconds, or a send stalled that long by a slow reader, is
// closed. Runs until Ctrl-C.
//
// Run: deno run --allow-ffi --allow-read examples/async_web_server.ts [--host 127.0.0.1]
//      [--port 8000] [--root examples/www] [--timeout 5] [--quiet]

import * as socket from "../mod.ts";
import { ACCEPT_PAUSE_MS, hostPort, outOfResources } from "./_cli.ts";
import {
  firstPart,
  Incoming,
  log,
  Refusal,
  refusal,
  type Reply,
  reply,
  webOptions,
} from "./_http.ts";

const options = webOptions("async_web_server.ts");

/** A connection's task state: its abort switch and its last sign of progress. */
interface Connection {
  stop: AbortController;
  last: number;
}

/** Sends a reply; returns whether to keep the connection. */
async function send(conn: socket.Socket, c: Connection, rep: Reply): Promise<boolean> {
  const { signal } = c.stop;
  await socket.sock_sendall(conn, firstPart(rep), { signal });
  // Headers were sent: if the file shrank or vanished meanwhile, the length
  // promised cannot be kept, so the connection ends.
  if (rep.file) {
    const sent = await socket.sock_sendfile(conn, rep.file.path, 0, rep.file.size, { signal });
    if (sent !== rep.file.size) return false;
  }
  c.last = performance.now();
  return rep.keep;
}

/** Serves one connection until it closes, fails, idles out or the server stops. */
async function serve(conn: socket.Socket, addr: socket.Address, c: Connection): Promise<void> {
  const { signal } = c.stop;
  const incoming = new Incoming();
  try {
    for (;;) {
      const n = await socket.sock_recv_into(conn, incoming.space(), { signal });
      if (n === 0) return;
      incoming.used += n;
      c.last = performance.now();
      let keep = true;
      try {
        for (let next; keep && (next = incoming.next()) !== null;) {
          const [request, line] = next;
          const rep = reply(options.root, request);
          log(options, addr, line, rep.status);
          keep = await send(conn, c, rep);
        }
      } catch (e) {
        if (!(e instanceof Refusal)) throw e;
        log(options, addr, `(${e.detail})`, e.status);
        keep = await send(conn, c, refusal(e));
      }
      if (!keep) {
        // Gently, as web_server.ts: stop sending, and drop what still comes
        // until the client closes, so that no reset destroys the answer.
        conn.shutdown(socket.SHUT_WR);
        while (await socket.sock_recv_into(conn, incoming.buffer, { signal }) > 0);
        return;
      }
    }
  } catch (e) {
    // A reset, a closed peer, an idle timeout or Ctrl-C: the connection ends.
    if (!(e instanceof socket.error) && !signal.aborted) throw e;
  } finally {
    conn.close();
  }
}

const server = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
server.bind([options.host, options.port]);
server.listen();
server.setblocking(false);

const stop = new AbortController();
const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
const onSignal = () => stop.abort();
for (const sig of signals) Deno.addSignalListener(sig, onSignal);
console.log(`listening on ${hostPort(server.getsockname())}`);
console.log(`serving ${options.root}`);

const connections = new Map<Connection, Promise<void>>();
// One sweep a second (or sooner for a short --timeout) ends idle connections.
const sweep = setInterval(() => {
  const idle = performance.now() - options.timeout * 1000;
  for (const c of connections.keys()) if (c.last < idle) c.stop.abort();
}, Math.min(1000, options.timeout * 500));

while (!stop.signal.aborted) {
  let conn, addr;
  try {
    [conn, addr] = await socket.sock_accept(server, { signal: stop.signal });
  } catch (e) {
    if (stop.signal.aborted) break;
    if (outOfResources(e)) {
      // No descriptor to spare: wait, as asyncio does, instead of spinning.
      console.error(`accept: ${(e as Error).message}; accepting again in 1 s`);
      await new Promise((r) => setTimeout(r, ACCEPT_PAUSE_MS));
      continue;
    }
    if (e instanceof socket.error) continue; // a client gone before accept
    throw e;
  }
  conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1);
  const c: Connection = { stop: new AbortController(), last: performance.now() };
  connections.set(c, serve(conn, addr, c).finally(() => connections.delete(c)));
}
// Ctrl-C: end every connection, then the server.
for (const c of connections.keys()) c.stop.abort();
await Promise.allSettled(connections.values());
clearInterval(sweep);
server.close();
for (const sig of signals) Deno.removeSignalListener(sig, onSignal);
console.log("stopped");
