// A simple web server: the classic Python socket-tutorial server (socket,
// SO_REUSEADDR, bind, listen, an accept loop, answer each request) grown
// into a small, safe static file server. It serves one folder over HTTP/1.1
// with GET and HEAD, keep-alive, Content-Type by file extension and
// Content-Length, and answers 301, 400, 404, 405, 408, 413, 431, 501 and 505
// where HTTP says to. One thread serves every connection: select() says which
// socket is ready, like the select() servers of the Python tutorials.
//
// Safety: no request reads outside the folder (see _http.ts, shared with
// async_web_server.ts), and the request head is bounded. One client cannot
// hold the others: the sockets are non-blocking, and a reply goes out only as
// fast as its client takes it, when select() says the socket can take more.
// A connection idle for --timeout seconds, or whose reply made no progress
// that long, is closed; so is one whose request has not arrived whole
// --header-timeout seconds after its first byte (after a 408).
//
// Run: deno run --allow-ffi --allow-read examples/web_server.ts [--host 127.0.0.1]
//      [--port 8000] [--root examples/www] [--timeout 5] [--header-timeout 10] [--quiet]

import "./_preflight.ts";
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
  tooSlow,
  webOptions,
} from "./_http.ts";

const options = webOptions("web_server.ts");

/** A reply on its way out: bytes the socket has not taken yet, then the rest of a file. */
interface Outgoing {
  pending: Uint8Array;
  /** The file, open (null: none, or it could not be opened). */
  file: Deno.FsFile | null;
  /** Bytes of the file not read yet. */
  left: number;
  keep: boolean;
}

/**
 * Per connection: its address, the bytes received and not yet used, the last
 * progress either way, when the request being received began, the reply
 * being sent, and whether it is closing (see finish()).
 */
interface Connection {
  addr: socket.InetAddress;
  incoming: Incoming;
  last: number;
  /** The time of the first byte of a request not yet whole (null: none). */
  started: number | null;
  /** While a reply is being sent, no more requests are read. */
  out: Outgoing | null;
  closing: boolean;
}

const CHUNK = 65536; // a file is read this much at a time
// The most one connection sends in a row, so that a client that reads a big
// file fast does not keep the others waiting.
const TURN = 1 << 20;

/** A reply, ready to go out; its file, if any, is opened now and read as it goes. */
function outgoing(rep: Reply): Outgoing {
  const out = { pending: firstPart(rep), file: null, left: rep.file?.size ?? 0, keep: rep.keep };
  try {
    if (rep.file) return { ...out, file: Deno.openSync(rep.file.path) };
  } catch {
    // Gone since it was found: flush() ends the connection after the head.
  }
  return out;
}

/** The next part of a reply's file; null when the file no longer has the bytes promised. */
function readPart(out: Outgoing): Uint8Array | null {
  const part = new Uint8Array(Math.min(CHUNK, out.left));
  try {
    const n = out.file?.readSync(part) ?? null;
    if (n === null || n === 0) return null;
    out.left -= n;
    return part.subarray(0, n);
  } catch {
    return null;
  }
}

/**
 * Sends what the socket takes of the reply now, without waiting; false when
 * the connection must end.
 */
function flush(conn: socket.Socket, c: Connection): boolean {
  const out = c.out!;
  for (let budget = TURN; budget > 0;) {
    if (out.pending.length === 0) {
      if (out.left === 0) return finish(conn, c);
      // The head was sent: if the file shrank or vanished meanwhile, the
      // length promised cannot be kept, so the connection ends.
      const part = readPart(out);
      if (part === null) return false;
      out.pending = part;
    }
    let n;
    try {
      n = conn.send(out.pending);
    } catch (e) {
      if (e instanceof socket.BlockingIOError) return true; // full: wait until writable
      throw e;
    }
    out.pending = out.pending.subarray(n);
    budget -= n;
    c.last = performance.now();
  }
  return true;
}

/**
 * After a reply: wait for the next request or, when the connection is to
 * end, end it gently: stop sending, then read and drop whatever the client
 * still sends until it closes (or --timeout passes). Closing with unread
 * bytes would make the kernel send a reset, which can destroy the last
 * answer before the client reads it.
 */
function finish(conn: socket.Socket, c: Connection): boolean {
  c.out!.file?.close();
  const keep = c.out!.keep;
  c.out = null;
  if (!keep) {
    conn.shutdown(socket.SHUT_WR);
    c.closing = true;
  }
  // Bytes of a next request that came early start its clock now: they were
  // not read while the reply went out.
  c.started = c.incoming.used > 0 ? performance.now() : null;
  return true;
}

/** The reply to the next complete request received, or null while none is complete. */
function nextReply(c: Connection): Reply | null {
  try {
    const next = c.incoming.next();
    if (next === null) return null;
    const [request, line] = next;
    const rep = reply(options.root, request);
    log(options, c.addr, line, rep.status);
    return rep;
  } catch (e) {
    if (!(e instanceof Refusal)) throw e;
    log(options, c.addr, `(${e.detail})`, e.status);
    return refusal(e);
  }
}

/**
 * Answers the requests received, one reply after the other, as far as the
 * socket takes them now; false when the connection must end.
 */
function serve(conn: socket.Socket, c: Connection): boolean {
  while (!c.closing) {
    if (c.out === null) {
      const rep = nextReply(c);
      if (rep === null) return true;
      c.out = outgoing(rep);
    }
    if (!flush(conn, c)) return false;
    if (c.out !== null) return true; // the rest once select() says it fits
  }
  return true;
}

/** Reads what arrived on `conn` and answers it; false when the connection must end. */
function received(conn: socket.Socket, c: Connection): boolean {
  if (c.closing) return conn.recv_into(c.incoming.buffer) > 0;
  const n = conn.recv_into(c.incoming.space());
  if (n === 0) return false;
  c.incoming.used += n;
  c.last = performance.now();
  c.started ??= c.last;
  return serve(conn, c);
}

/** Answers 408 to a request that took too long to arrive, and ends the connection. */
function late(conn: socket.Socket, c: Connection): boolean {
  const e = tooSlow();
  log(options, c.addr, `(${e.detail})`, e.status);
  c.out = outgoing(refusal(e));
  return serve(conn, c);
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
  connections.get(conn)?.out?.file?.close();
  connections.delete(conn);
  conn.close();
}

/** Runs one step of a connection; a reset or a closed peer ends it. */
function step(conn: socket.Socket, action: (conn: socket.Socket, c: Connection) => boolean): void {
  const c = connections.get(conn);
  if (c === undefined) return;
  let keep: boolean;
  try {
    keep = action(conn, c);
  } catch (e) {
    if (e instanceof socket.BlockingIOError) return; // select() said readable, but nothing came
    if (!(e instanceof socket.error)) throw e;
    keep = false;
  }
  if (!keep) drop(conn);
}

// A connection waits to be read, or, while a reply goes out, to be written.
const readers = () => [...connections].filter(([_, c]) => c.out === null).map(([s]) => s);
const writers = () => [...connections].filter(([_, c]) => c.out !== null).map(([s]) => s);
// Often enough to keep both deadlines to about half their length, and never
// so often that a zero timeout spins.
const tick = Math.max(0.05, Math.min(1, options.timeout / 2, options.headerTimeout / 2));
let ready, acceptFrom = 0;
while (
  (ready = await wait(
    performance.now() >= acceptFrom ? [server, ...readers()] : readers(),
    writers(),
    tick,
  )) !== null
) {
  const [readable, writable] = ready;
  for (const s of readable) {
    if (s !== server) {
      step(s, received);
      continue;
    }
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
      conn.setblocking(false);
      conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1);
      connections.set(conn, {
        addr,
        incoming: new Incoming(),
        last: performance.now(),
        started: null,
        out: null,
        closing: false,
      });
    }
  }
  for (const s of writable) step(s, serve);
  const now = performance.now();
  for (const [conn, c] of connections) {
    if (now - c.last > options.timeout * 1000) drop(conn);
    else if (
      c.started !== null && c.out === null && !c.closing &&
      now - c.started > options.headerTimeout * 1000
    ) step(conn, late);
  }
}
for (const conn of [...connections.keys()]) drop(conn);
server.close();
console.log("stopped");
