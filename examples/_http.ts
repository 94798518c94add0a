// The HTTP side of the two web servers (web_server.ts with select(),
// async_web_server.ts on the reactor): their flags, request parsing, the
// mapping of a target to a file inside the served folder, and the answers.
// Each server only moves the bytes, its own way.
//
// Safety: no request reads outside the folder. The path is percent-decoded
// first, then any ".." segment or backslash is refused (400), and the real
// path of what is found, symlinks resolved, must still lie inside the folder
// (else 404). The request head is bounded (8 KiB request line, 16 KiB in all,
// 100 fields) and must arrive within --header-timeout of its first byte.

import type * as socket from "../mod.ts";
import { flags, numberOf, portOf, usageOf } from "./_cli.ts";

const SEP = Deno.build.os === "windows" ? "\\" : "/";

/** A web server's settings, from its command line. */
export interface WebOptions {
  host: string;
  port: number;
  /** The served folder, as a real path. */
  root: string;
  /** Seconds a connection may stay idle, or a send make no progress. */
  timeout: number;
  /** Seconds a request may take to arrive, from its first byte. */
  headerTimeout: number;
  quiet: boolean;
}

/** Parses a web server's flags; exits with status 1 when the folder cannot be served. */
export function webOptions(script: "web_server.ts" | "async_web_server.ts"): WebOptions {
  const usage = usageOf(script);
  const args = flags(script);
  const port = portOf(args.port, usage);
  const timeout = numberOf(args.timeout, "timeout", usage);
  const headerTimeout = numberOf(args["header-timeout"], "header-timeout", usage);
  try {
    const root = Deno.realPathSync(args.root);
    if (!Deno.statSync(root).isDirectory) throw new Deno.errors.NotADirectory(root);
    return { host: args.host, port, root, timeout, headerTimeout, quiet: args.quiet };
  } catch (e) {
    console.error(`${script}: cannot serve ${args.root}: ${(e as Error).message}`);
    Deno.exit(1);
  }
}

const MAX_LINE = 8192; // request line
export const MAX_HEAD = 16384; // request line and header fields
const MAX_FIELDS = 100;
export const MAX_BODY = 65536; // a GET or HEAD may carry a body; it is read and dropped
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
  408: "Request Timeout",
  413: "Content Too Large",
  414: "URI Too Long",
  431: "Request Header Fields Too Large",
  501: "Not Implemented",
  505: "HTTP Version Not Supported",
};

const encoder = new TextEncoder();
const latin1 = new TextDecoder("latin1");

/** A parsed request head. */
export interface Request {
  method: string;
  target: string;
  version: string;
  fields: Map<string, string>;
  /** Bytes of head plus body, to drop from the buffer once answered. */
  size: number;
}

/** An answer that ends the connection, for a request that cannot be parsed. */
export class Refusal {
  constructor(readonly status: number, readonly detail: string) {}
}

/** The index of "\r\n\r\n" in `b[0, end)`, from `from`, or -1. */
function headEnd(b: Uint8Array, end: number): number {
  for (let i = 3; i < end; i++) {
    if (b[i] === 10 && b[i - 1] === 13 && b[i - 2] === 10 && b[i - 3] === 13) return i + 1;
  }
  return -1;
}

/** Parses the request at the start of `b[0, end)`; null while it is incomplete. */
export function parse(b: Uint8Array, end: number): Request | null {
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

/** Maps a request target to a file inside `root` (a real path), or says why not. */
export function resolve(
  root: string,
  target: string,
): { file: string } | { status: number; location?: string } {
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
  let file = root + SEP + segments.filter((s) => s !== "" && s !== ".").join(SEP);
  try {
    file = Deno.realPathSync(file);
    if (file !== root && !file.startsWith(root + SEP)) return { status: 404 }; // a symlink out
    if (Deno.statSync(file).isDirectory) {
      if (!path.endsWith("/")) return { status: 301, location: path + "/" };
      file = Deno.realPathSync(file + SEP + "index.html");
      if (!file.startsWith(root + SEP)) return { status: 404 };
    }
    if (!Deno.statSync(file).isFile) return { status: 404 };
  } catch {
    return { status: 404 };
  }
  return { file };
}

/** The Content-Type for a file name. */
export function typeOf(file: string): string {
  const dot = file.lastIndexOf(".");
  return (dot > file.lastIndexOf(SEP) && TYPES[file.slice(dot).toLowerCase()]) ||
    "application/octet-stream";
}

/** A response head with the Server and Date fields and `fields`. */
export function head(status: number, fields: Record<string, string | number>): Uint8Array {
  let text = `HTTP/1.1 ${status} ${REASONS[status]}\r\nServer: pysocket-web-server\r\n` +
    `Date: ${new Date().toUTCString()}\r\n`;
  for (const [name, value] of Object.entries(fields)) text += `${name}: ${value}\r\n`;
  return encoder.encode(text + "\r\n");
}

/** What to send for one request: a head, then a body or a file; then keep the connection or not. */
export interface Reply {
  status: number;
  head: Uint8Array;
  /** The bytes after the head, sent with it in one send (null: none). */
  body: Uint8Array | null;
  /** A file to send after the head, and the size the head promised. */
  file: { path: string; size: number } | null;
  keep: boolean;
}

/** A short text answer (errors and redirects). */
function textReply(status: number, keep: boolean, extra = {}): Reply {
  const body = encoder.encode(`${status} ${REASONS[status]}\n`);
  const h = head(status, {
    ...extra,
    "Content-Type": "text/plain; charset=utf-8",
    "Content-Length": body.length,
    "Connection": keep ? "keep-alive" : "close",
  });
  return { status, head: h, body, file: null, keep };
}

/** The refusal of a request that did not arrive whole within --header-timeout. */
export function tooSlow(): Refusal {
  return new Refusal(408, "request timed out");
}

/** The answer to a request that could not be parsed; it ends the connection. */
export function refusal(e: Refusal): Reply {
  return textReply(e.status, false);
}

/** The answer to a request for a file inside `root`. */
export function reply(root: string, r: Request): Reply {
  const tokens = (r.fields.get("connection") ?? "").toLowerCase().split(",").map((t) => t.trim());
  const keep = r.version === "HTTP/1.1" ? !tokens.includes("close") : tokens.includes("keep-alive");
  if (r.method !== "GET" && r.method !== "HEAD") {
    return textReply(405, keep, { "Allow": "GET, HEAD" });
  }
  const found = resolve(root, r.target);
  if (!("file" in found)) {
    const extra = found.location ? { "Location": found.location } : {};
    return textReply(found.status, keep && found.status !== 400, extra);
  }
  const size = Deno.statSync(found.file).size;
  const h = head(200, {
    "Content-Type": typeOf(found.file),
    "Content-Length": size,
    "Connection": keep ? "keep-alive" : "close",
  });
  if (r.method === "HEAD") return { status: 200, head: h, body: null, file: null, keep };
  if (size <= SMALL_FILE) {
    return { status: 200, head: h, body: Deno.readFileSync(found.file), file: null, keep };
  }
  return { status: 200, head: h, body: null, file: { path: found.file, size }, keep };
}

/** The head and the body of a reply as one buffer, for one send. */
export function firstPart(rep: Reply): Uint8Array {
  if (rep.body === null) return rep.head;
  const out = new Uint8Array(rep.head.length + rep.body.length);
  out.set(rep.head);
  out.set(rep.body, rep.head.length);
  return out;
}

/** Prints a request in the common log format, unless quiet. */
export function log(
  options: WebOptions,
  addr: socket.InetAddress,
  request: string,
  status: number,
) {
  if (options.quiet) return;
  const [host] = addr;
  console.log(`${host} - - [${new Date().toISOString()}] "${request}" ${status}`);
}

/**
 * The bytes a connection received and has not used yet. Requests are taken
 * from the front; the buffer grows up to a head and a body's bound.
 */
export class Incoming {
  buffer: Uint8Array = new Uint8Array(4096);
  used = 0;

  /** Where the next bytes go. */
  space(): Uint8Array {
    if (this.used === this.buffer.length) {
      const grown = new Uint8Array(Math.min(this.buffer.length * 2, MAX_HEAD + MAX_BODY));
      grown.set(this.buffer);
      this.buffer = grown;
    }
    return this.buffer.subarray(this.used);
  }

  /**
   * Takes the next complete request, with the line to log it by; null while
   * none is complete. Throws a Refusal for a request that cannot be parsed.
   */
  next(): [Request, string] | null {
    if (this.used === 0) return null;
    const r = parse(this.buffer, this.used);
    if (r === null) return null;
    this.buffer.copyWithin(0, r.size, this.used);
    this.used -= r.size;
    return [r, `${r.method} ${r.target} ${r.version}`];
  }
}
