// A simple web server: the classic Python socket-tutorial server (socket,
// SO_REUSEADDR, bind, listen, an accept loop, answer each request) grown
// into a small, safe static file server. It serves one folder over HTTP/1.1
// with GET and HEAD, keep-alive, Content-Type by file extension and
// Content-Length, and answers 301, 400, 404, 405, 413, 431, 501 and 505 where
// HTTP says to. One thread serves every connection: select() says which
// socket is ready, like the select() servers of the Python tutorials.
//
// Safety: no request reads outside the folder (see _http.ts, shared with
// async_web_server.ts), the request head is bounded, and a connection idle
// for --timeout seconds is closed.
//
// Run: deno run --allow-ffi --allow-read examples/web_server.ts [--host 127.0.0.1]
//      [--port 8000] [--root examples/www] [--timeout 5] [--quiet]

import * as socket from "../mod.ts";
import { ACCEPT_PAUSE_MS, announce, outOfResources, wait } from "./_cli.ts";
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

const options = webOptions("web_server.ts");

/**
 * Per connection: its address, the bytes received and not yet used, the last
 * activity, and whether it is closing (see linger()).
 */
interface Connection {
  addr: socket.Address;
  incoming: Incoming;
  last: number;
  closing: boolean;
}

/** Sends a reply; returns whether to keep the connection. */
function send(conn: socket.Socket, rep: Reply): boolean {
  conn.sendall(firstPart(rep));
  // Headers were sent: if the file shrank or vanished meanwhile, the length
  // promised cannot be kept, so the connection ends.
  if (rep.file && conn.sendfile(rep.file.path, 0, rep.file.size) !== rep.file.size) return false;
  return rep.keep;
}

/**
 * Ends a connection gently: stop sending, then read and drop whatever the
 * client still sends until it closes (or --timeout passes). Closing with
 * unread bytes would make the kernel send a reset, which can destroy the
 * last answer before the client reads it.
 */
function linger(conn: socket.Socket, c: Connection): boolean {
  conn.shutdown(socket.SHUT_WR);
  c.closing = true;
  return true;
}

/**
 * Reads what arrived on `conn` and answers every complete request in it;
 * returns false when the connection should be closed now.
 */
function readable(conn: socket.Socket, c: Connection): boolean {
  if (c.closing) return conn.recv_into(c.incoming.buffer) > 0;
  const n = conn.recv_into(c.incoming.space());
  if (n === 0) return false;
  c.incoming.used += n;
  c.last = performance.now();
  for (;;) {
    let next;
    try {
      next = c.incoming.next();
    } catch (e) {
      if (!(e instanceof Refusal)) throw e;
      log(options, c.addr, `(${e.detail})`, e.status);
      send(conn, refusal(e));
      return linger(conn, c);
    }
    if (next === null) return true;
    const [request, line] = next;
    const rep = reply(options.root, request);
    log(options, c.addr, line, rep.status);
    if (!send(conn, rep)) return linger(conn, c);
  }
}

const server = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
server.bind([options.host, options.port]);
// The tutorial's listen(5) makes the kernel drop the connection requests of a
// burst of clients (they retry only after 1 s), so this takes the default.
server.listen();
server.setblocking(false);
announce(server);
console.log(`serving ${options.root}`);

const connections = new Map<socket.Socket, Connection>();

function drop(conn: socket.Socket): void {
  connections.delete(conn);
  conn.close();
}

let ready, acceptFrom = 0;
const watched = () =>
  performance.now() >= acceptFrom ? [server, ...connections.keys()] : [...connections.keys()];
while ((ready = await wait(watched(), [], 1)) !== null) {
  for (const s of ready[0]) {
    if (s === server) {
      // Take every waiting connection, not one per wait.
      while (true) {
        let conn, addr;
        try {
          [conn, addr] = server.accept();
        } catch (e) {
          if (e instanceof socket.BlockingIOError) break;
          if (outOfResources(e)) {
            console.error(`accept: ${(e as Error).message}; accepting again in 1 s`);
            acceptFrom = performance.now() + ACCEPT_PAUSE_MS;
            break;
          }
          if (e instanceof socket.error) continue; // a client gone before accept
          throw e;
        }
        conn.settimeout(options.timeout); // bounds every send to a slow reader
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1);
        connections.set(conn, {
          addr,
          incoming: new Incoming(),
          last: performance.now(),
          closing: false,
        });
      }
      continue;
    }
    const c = connections.get(s)!;
    let keep: boolean;
    try {
      keep = readable(s, c);
    } catch (e) {
      if (!(e instanceof socket.error)) throw e;
      keep = false; // reset by the peer, or a send timed out
    }
    if (!keep) drop(s);
  }
  const idle = performance.now() - options.timeout * 1000;
  for (const [conn, c] of connections) if (c.last < idle) drop(conn);
}
for (const conn of connections.keys()) conn.close();
server.close();
console.log("stopped");
