// A simple web server: the classic Python socket-tutorial server (socket,
// SO_REUSEADDR, bind, listen, an accept loop, answer each request) grown
// into a small, safe static file server. It serves one folder over HTTP/1.1
// with GET and HEAD, keep-alive, Content-Type by file extension and
// Content-Length, and answers 301, 400, 404, 405, 413, 431, 501 and 505 where
// HTTP says to. One thread serves every connection: select() says which
// socket is ready, like the select() servers of the Python tutorials.
//
// Safety: no request reads outside the folder. The path is percent-decoded
// first, then any ".." segment or backslash is refused (400), and the real
// path of what is found, symlinks resolved, must still lie inside the folder
// (else 404). The request head is bounded (8 KiB request line, 16 KiB in all,
// 100 fields), and a connection idle for --timeout seconds is closed.
//
// Run: deno run --allow-ffi --allow-read examples/web_server.ts [--host 127.0.0.1]
//      [--port 8000] [--root examples/www] [--timeout 5] [--quiet]

import * as socket from "../mod.ts";
import { announce, flags, numberOf, portOf, wait } from "./_cli.ts";

const USAGE = "usage: web_server.ts [--host HOST] [--port PORT] [--root FOLDER] " +
  "[--timeout SECONDS] [--quiet]";
const args = flags(USAGE, {
  host: "127.0.0.1",
  port: "8000",
  root: new URL("./www", import.meta.url).pathname,
  timeout: "5",
  quiet: false,
});
const PORT = portOf(args.port, USAGE);
const TIMEOUT = numberOf(args.timeout, "timeout", USAGE);
let ROOT: string;
try {
  ROOT = Deno.realPathSync(args.root);
  if (!Deno.statSync(ROOT).isDirectory) throw new Deno.errors.NotADirectory(ROOT);
} catch (e) {
  console.error(`web_server.ts: cannot serve ${args.root}: ${(e as Error).message}`);
  Deno.exit(1);
}
const SEP = Deno.build.os === "windows" ? "\\" : "/";

const MAX_LINE = 8192; // request line
const MAX_HEAD = 16384; // request line and header fields
const MAX_FIELDS = 100;
const MAX_BODY = 65536; // a GET or HEAD may carry a body; it is read and dropped
const SMALL_FILE = 65536; // smaller files go out in one send with the head

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".htm": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".txt": "text/plain; charset=utf-8",
  ".md": "text/markdown; charset=utf-8",
  ".xml": "application/xml",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".wasm": "application/wasm",
  ".pdf": "application/pdf",
};
const REASONS: Record<number, string> = {
  200: "OK",
  301: "Moved Permanently",
  400: "Bad Request",
  404: "Not Found",
  405: "Method Not Allowed",
  413: "Content Too Large",
  414: "URI Too Long",
  431: "Request Header Fields Too Large",
  501: "Not Implemented",
  505: "HTTP Version Not Supported",
};

const encoder = new TextEncoder();
const latin1 = new TextDecoder("latin1");

/** A parsed request head. */
interface Request {
  method: string;
  target: string;
  version: string;
  fields: Map<string, string>;
  /** Bytes of head plus body, to drop from the buffer once answered. */
  size: number;
}

/** An answer that ends the connection, for a request that cannot be parsed. */
class Refusal {
  constructor(readonly status: number, readonly detail: string) {}
}

/**
 * Per connection: the bytes received and not yet used, the last activity,
 * and whether it is closing (see linger()).
 */
interface Connection {
  addr: socket.Address;
  buffer: Uint8Array;
  used: number;
  last: number;
  closing: boolean;
}

/** The index of "\r\n\r\n" in `b[0, end)`, from `from`, or -1. */
function headEnd(b: Uint8Array, end: number): number {
  for (let i = 3; i < end; i++) {
    if (b[i] === 10 && b[i - 1] === 13 && b[i - 2] === 10 && b[i - 3] === 13) return i + 1;
  }
  return -1;
}

/** Parses the request at the start of `b[0, end)`; null while it is incomplete. */
function parse(b: Uint8Array, end: number): Request | null {
  const stop = headEnd(b, Math.min(end, MAX_HEAD));
  if (stop < 0) {
    const firstLine = b.subarray(0, end).indexOf(10);
    if ((firstLine < 0 ? end : firstLine) > MAX_LINE) {
      throw new Refusal(414, "request line too long");
    }
    if (end >= MAX_HEAD) throw new Refusal(431, "request head too large");
    return null;
  }
  const lines = latin1.decode(b.subarray(0, stop - 4)).split("\r\n");
  if (lines[0].length > MAX_LINE) throw new Refusal(414, "request line too long");
  const parts = lines[0].split(" ");
  if (parts.length !== 3 || !/^[A-Z]+$/.test(parts[0]) || parts[1] === "") {
    throw new Refusal(400, "malformed request line");
  }
  const [method, target, version] = parts;
  if (!/^HTTP\/\d\.\d$/.test(version)) throw new Refusal(400, "malformed HTTP version");
  if (!version.startsWith("HTTP/1.")) throw new Refusal(505, `${version} is not supported`);
  if (lines.length - 1 > MAX_FIELDS) throw new Refusal(431, "too many header fields");
  const fields = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    // A field name is a token: no spaces, and no folded continuation lines.
    if (colon <= 0 || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(line.slice(0, colon))) {
      throw new Refusal(400, "malformed header field");
    }
    const name = line.slice(0, colon).toLowerCase();
    const value = line.slice(colon + 1).trim();
    const seen = fields.get(name);
    if (seen !== undefined && name === "content-length" && seen !== value) {
      throw new Refusal(400, "conflicting Content-Length");
    }
    fields.set(name, seen === undefined || name === "content-length" ? value : `${seen}, ${value}`);
  }
  if (version === "HTTP/1.1" && !fields.has("host")) throw new Refusal(400, "no Host field");
  if (fields.has("transfer-encoding")) {
    throw new Refusal(501, "request bodies with Transfer-Encoding are not supported");
  }
  let body = 0;
  const length = fields.get("content-length");
  if (length !== undefined) {
    if (!/^\d+$/.test(length)) throw new Refusal(400, "malformed Content-Length");
    body = Number(length);
    if (body > MAX_BODY) throw new Refusal(413, "request body too large");
  }
  if (end < stop + body) return null; // the body is still arriving
  return { method, target, version, fields, size: stop + body };
}

/** Maps a request target to a file inside ROOT, or says why not. */
function resolve(target: string): { file: string } | { status: number; location?: string } {
  let path = target;
  const scheme = /^https?:\/\/[^/?#]*/i.exec(path); // absolute-form: keep only the path
  if (scheme) path = path.slice(scheme[0].length) || "/";
  if (!path.startsWith("/")) return { status: 400 };
  path = path.replace(/[?#].*$/s, "");
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return { status: 400 }; // a bad %-escape or bytes that are not UTF-8
  }
  const segments = decoded.split("/");
  if (
    segments.some((s) => s === ".." || s.includes("\\") || s.includes("\0")) ||
    (SEP === "\\" && segments.some((s) => s.includes(":")))
  ) return { status: 400 };
  let file = ROOT + SEP + segments.filter((s) => s !== "" && s !== ".").join(SEP);
  try {
    file = Deno.realPathSync(file);
    if (file !== ROOT && !file.startsWith(ROOT + SEP)) return { status: 404 }; // a symlink out
    if (Deno.statSync(file).isDirectory) {
      if (!path.endsWith("/")) return { status: 301, location: path + "/" };
      file = Deno.realPathSync(file + SEP + "index.html");
      if (!file.startsWith(ROOT + SEP)) return { status: 404 };
    }
    if (!Deno.statSync(file).isFile) return { status: 404 };
  } catch {
    return { status: 404 };
  }
  return { file };
}

function typeOf(file: string): string {
  const dot = file.lastIndexOf(".");
  return (dot > file.lastIndexOf(SEP) && TYPES[file.slice(dot).toLowerCase()]) ||
    "application/octet-stream";
}

function head(status: number, fields: Record<string, string | number>): Uint8Array {
  let text = `HTTP/1.1 ${status} ${REASONS[status]}\r\nServer: pysocket-web-server\r\n` +
    `Date: ${new Date().toUTCString()}\r\n`;
  for (const [name, value] of Object.entries(fields)) text += `${name}: ${value}\r\n`;
  return encoder.encode(text + "\r\n");
}

/** Sends a short text answer; returns whether to keep the connection. */
function answer(conn: socket.Socket, status: number, keep: boolean, extra = {}): boolean {
  const body = encoder.encode(`${status} ${REASONS[status]}\n`);
  const h = head(status, {
    ...extra,
    "Content-Type": "text/plain; charset=utf-8",
    "Content-Length": body.length,
    "Connection": keep ? "keep-alive" : "close",
  });
  const out = new Uint8Array(h.length + body.length);
  out.set(h);
  out.set(body, h.length);
  conn.sendall(out);
  return keep;
}

function log(c: Connection, request: string, status: number): void {
  if (args.quiet) return;
  const [host] = c.addr as socket.Inet4Address;
  console.log(`${host} - - [${new Date().toISOString()}] "${request}" ${status}`);
}

/** Answers one request; returns whether to keep the connection. */
function serve(conn: socket.Socket, c: Connection, r: Request): boolean {
  const tokens = (r.fields.get("connection") ?? "").toLowerCase().split(",").map((t) => t.trim());
  const keep = r.version === "HTTP/1.1" ? !tokens.includes("close") : tokens.includes("keep-alive");
  const line = `${r.method} ${r.target} ${r.version}`;
  if (r.method !== "GET" && r.method !== "HEAD") {
    log(c, line, 405);
    return answer(conn, 405, keep, { "Allow": "GET, HEAD" });
  }
  const found = resolve(r.target);
  if (!("file" in found)) {
    log(c, line, found.status);
    const extra = found.location ? { "Location": found.location } : {};
    return answer(conn, found.status, keep && found.status !== 400, extra);
  }
  const size = Deno.statSync(found.file).size;
  const h = head(200, {
    "Content-Type": typeOf(found.file),
    "Content-Length": size,
    "Connection": keep ? "keep-alive" : "close",
  });
  log(c, line, 200);
  if (r.method === "HEAD") {
    conn.sendall(h);
  } else if (size <= SMALL_FILE) {
    const body = Deno.readFileSync(found.file);
    const out = new Uint8Array(h.length + body.length);
    out.set(h);
    out.set(body, h.length);
    conn.sendall(out);
  } else {
    conn.sendall(h);
    // Headers were sent: if the file shrank or vanished meanwhile, the length
    // promised cannot be kept, so the connection ends.
    if (conn.sendfile(found.file, 0, size) !== size) return false;
  }
  return keep;
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
  c.used = 0;
  return true;
}

/**
 * Reads what arrived on `conn` and answers every complete request in it;
 * returns false when the connection should be closed now.
 */
function readable(conn: socket.Socket, c: Connection): boolean {
  if (c.closing) return conn.recv_into(c.buffer) > 0;
  if (c.used === c.buffer.length) {
    const grown = new Uint8Array(Math.min(c.buffer.length * 2, MAX_HEAD + MAX_BODY));
    grown.set(c.buffer);
    c.buffer = grown;
  }
  const n = conn.recv_into(c.buffer.subarray(c.used));
  if (n === 0) return false;
  c.used += n;
  c.last = performance.now();
  while (c.used > 0) {
    let request: Request | null;
    try {
      request = parse(c.buffer, c.used);
    } catch (e) {
      if (!(e instanceof Refusal)) throw e;
      log(c, `(${e.detail})`, e.status);
      answer(conn, e.status, false);
      return linger(conn, c);
    }
    if (request === null) return true;
    if (!serve(conn, c, request)) return linger(conn, c);
    c.buffer.copyWithin(0, request.size, c.used);
    c.used -= request.size;
  }
  return true;
}

const server = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
server.bind([args.host, PORT]);
// The tutorial's listen(5) makes the kernel drop the connection requests of a
// burst of clients (they retry only after 1 s), so this takes the default.
server.listen();
server.setblocking(false);
announce(server);
console.log(`serving ${ROOT}`);

const connections = new Map<socket.Socket, Connection>();

function drop(conn: socket.Socket): void {
  connections.delete(conn);
  conn.close();
}

let ready;
while ((ready = await wait([server, ...connections.keys()], [], 1)) !== null) {
  for (const s of ready[0]) {
    if (s === server) {
      // Take every waiting connection, not one per wait.
      while (true) {
        let conn, addr;
        try {
          [conn, addr] = server.accept();
        } catch (e) {
          if (e instanceof socket.BlockingIOError) break;
          if (e instanceof socket.error) continue; // a client gone before accept
          throw e;
        }
        conn.settimeout(TIMEOUT); // bounds every send to a slow reader
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1);
        connections.set(conn, {
          addr,
          buffer: new Uint8Array(4096),
          used: 0,
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
  const idle = performance.now() - TIMEOUT * 1000;
  for (const [conn, c] of connections) if (c.last < idle) drop(conn);
}
for (const conn of connections.keys()) conn.close();
server.close();
console.log("stopped");
