// The simple web server again, on the async path: the same static file
// server as web_server.ts (same flags, same answers, same safety; the HTTP
// side is shared in _http.ts), but each connection is its own task that
// awaits sock_recv_into, sock_sendall and sock_sendfile, so the event loop
// is never blocked and nothing waits on a select() slice. A connection idle
// for --timeout seconds, or a send stalled that long by a slow reader, is
// closed; so is one whose request has not arrived whole --header-timeout
// seconds after its first byte (after a 408). Runs until Ctrl-C.
//
// Run: deno run --allow-ffi --allow-read examples/async_web_server.ts [--host 127.0.0.1]
//      [--port 8000] [--root examples/www] [--timeout 5] [--header-timeout 10] [--quiet]

import "./_preflight.ts";
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
  tooSlow,
  webOptions,
} from "./_http.ts";

const options = webOptions("async_web_server.ts");

/**
 * A connection's task state: its abort switch, its last sign of progress,
 * when the request being received began (null: none), and the switch that
 * ends that wait when the request is overdue.
 */
interface Connection {
  stop: AbortController;
  last: number;
  started: number | null;
  late: AbortController;
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

/** Answers a request that is refused; the connection then ends. */
async function refuse(
  conn: socket.Socket,
  addr: socket.InetAddress,
  c: Connection,
  e: Refusal,
): Promise<false> {
  log(options, addr, `(${e.detail})`, e.status);
  await send(conn, c, refusal(e));
  return false;
}

/** Serves one connection until it closes, fails, idles out or the server stops. */
async function serve(conn: socket.Socket, addr: socket.InetAddress, c: Connection): Promise<void> {
  const { signal } = c.stop;
  // Waiting for a request also ends when it is overdue: a client that sends
  // a byte now and then is never idle, so the idle sweep would not end it.
  const reading = AbortSignal.any([signal, c.late.signal]);
  const incoming = new Incoming();
  try {
    for (let keep = true; keep;) {
      let n;
      try {
        n = await socket.sock_recv_into(conn, incoming.space(), { signal: reading });
      } catch (e) {
        if (!c.late.signal.aborted || signal.aborted) throw e;
        keep = await refuse(conn, addr, c, tooSlow());
        break;
      }
      if (n === 0) return;
      incoming.used += n;
      c.last = performance.now();
      c.started ??= c.last;
      try {
        for (let next; keep && (next = incoming.next()) !== null;) {
          c.started = null; // a reply is no request to wait for
          const [request, line] = next;
          const rep = reply(options.root, request);
          log(options, addr, line, rep.status);
          keep = await send(conn, c, rep);
          // Bytes of a next request that came early start its clock now:
          // they were not read while the reply went out.
          c.started = incoming.used > 0 ? performance.now() : null;
        }
      } catch (e) {
        if (!(e instanceof Refusal)) throw e;
        keep = await refuse(conn, addr, c, e);
      }
    }
    // Gently, as web_server.ts: stop sending, and drop what still comes
    // until the client closes, so that no reset destroys the answer.
    conn.shutdown(socket.SHUT_WR);
    while (await socket.sock_recv_into(conn, incoming.buffer, { signal }) > 0);
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
// One sweep a second (sooner for short timeouts, but at most 20 a second)
// ends idle connections and the waits for overdue requests.
const sweep = setInterval(() => {
  const now = performance.now();
  for (const c of connections.keys()) {
    if (now - c.last > options.timeout * 1000) c.stop.abort();
    else if (c.started !== null && now - c.started > options.headerTimeout * 1000) c.late.abort();
  }
}, Math.max(50, Math.min(1000, options.timeout * 500, options.headerTimeout * 500)));

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
  const c: Connection = {
    stop: new AbortController(),
    last: performance.now(),
    started: null,
    late: new AbortController(),
  };
  connections.set(c, serve(conn, addr, c).finally(() => connections.delete(c)));
}
// Ctrl-C: end every connection, then the server.
for (const c of connections.keys()) c.stop.abort();
await Promise.allSettled(connections.values());
clearInterval(sweep);
server.close();
for (const sig of signals) Deno.removeSignalListener(sig, onSignal);
console.log("stopped");
