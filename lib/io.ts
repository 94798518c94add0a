// makefile(): Python's io stack over a socket. Python's socket.makefile()
// returns a raw SocketIO (buffering 0), a BufferedReader, BufferedWriter or
// BufferedRWPair over one, or a TextIOWrapper over that; a SocketFile is
// each of them, as its kind says, with their methods, checks and messages.

import type { Socket } from "./socket.ts";
import { argType, isBytesLike, items, pyType, repr, toBytes, toSize, toSsize } from "./_args.ts";
import { native } from "../ffi/mod.ts";
import { copied } from "./_received.ts";
import { type Codec, decodeText, encodeText, lookupCodec } from "./_codecs.ts";
import { EAGAIN, EWOULDBLOCK } from "./constants.ts";
import { BlockingIOError, OSError, TimeoutError } from "./errors.ts";

/** io.DEFAULT_BUFFER_SIZE; also what RawIOBase.readall() asks for at a time. */
const DEFAULT_BUFFER_SIZE = 8192;
/** TextIOWrapper's _CHUNK_SIZE: what it reads at a time, and holds of writes before passing them on. */
const CHUNK_SIZE = 8192;

/** The number of code points in a string (a lone surrogate is one). */
function codePoints(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c < 0xdc00) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d < 0xe000) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/** The UTF-16 length of the first `n` code points of `s` (all of it when it has fewer). */
function unitsOf(s: string, n: number): number {
  let i = 0;
  for (; i < s.length && n > 0; n--) {
    const c = s.charCodeAt(i);
    const d = s.charCodeAt(i + 1);
    i += c >= 0xd800 && c < 0xdc00 && d >= 0xdc00 && d < 0xe000 ? 2 : 1;
  }
  return i;
}

function concatBytes(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** The text options of `makefile()`, as Python's keyword arguments. */
export interface TextOptions {
  /** The text codec: UTF-8 (the default, as Python's in a UTF-8 locale), ASCII or Latin-1, by any of Python's names for them. */
  encoding?: string | null;
  /** Python's error handler: strict (the default), ignore, replace, backslashreplace, surrogateescape, xmlcharrefreplace (writing) or surrogatepass (writing UTF-8). */
  errors?: string | null;
  /** Python's newline: null for universal newlines read as "\n", "" for universal newlines kept as they came, or "\n", "\r", "\r\n". */
  newline?: string | null;
}

type Kind = "raw" | "buffered" | "text";

/**
 * The file `Socket.makefile()` returns, as Python's: with buffering 0 the raw
 * `SocketIO` (each read one receive, each write one send, no read-ahead);
 * otherwise a `BufferedReader`, `BufferedWriter` or (mode "rw")
 * `BufferedRWPair` over it; and without "b" in the mode a `TextIOWrapper`
 * over that, which reads and writes characters (code points) in the
 * encoding asked for.
 *
 * @example
 * ```ts
 * import { socketpair } from "@pysocket/pysocket";
 * const [a, b] = socketpair();
 * using f = a.makefile("rwb");
 * f.write("ping\n");
 * f.flush();
 * console.log(b.recv(16));
 * a.close();
 * b.close();
 * ```
 */
export class SocketFile {
  readonly #sock: Socket;
  readonly #kind: Kind;
  readonly #reading: boolean;
  readonly #writing: boolean;
  /** The buffer size (0 for the raw file). */
  readonly #size: number;
  #closed = false;
  /** SocketIO's _timeout_occurred: a read that timed out may have lost data, so no more reads. */
  #timedOut = false;
  // The buffered reader's bytes not yet taken: #rdata[#rpos, #rend).
  #rdata = new Uint8Array(0);
  #rpos = 0;
  #rend = 0;
  // The buffered writer's bytes not yet sent: #wdata[0, #wlen).
  #wdata = new Uint8Array(0);
  #wlen = 0;
  // The text layer: its codec, the text decoded and not yet taken, the bytes
  // of a character not yet complete, a "\r" held back until the next chunk
  // shows whether "\n" follows, and written bytes held until CHUNK_SIZE.
  readonly #codec: Codec = "utf-8";
  readonly #encoding: string = "UTF-8";
  readonly #errors: string = "strict";
  readonly #newline: string | null = null;
  #chars = "";
  #undecoded = new Uint8Array(0);
  #pendingCR = false;
  #pending: Uint8Array[] = [];
  #pendingCount = 0;
  /**
   * The mode: as given for a text file (Python sets it on the TextIOWrapper);
   * the raw file's "rb", "wb" or "rwb" for a binary one. (Python's
   * BufferedRWPair has no mode; this one says "rwb".)
   */
  readonly mode: string;

  /**
   * Wraps a socket; normally made by `Socket.makefile()`, with Python's
   * checks of its arguments.
   *
   * @param sock the socket
   * @param mode r, w and b, as Python's makefile
   * @param buffering the buffer size; 0 for unbuffered (binary only), negative or null for 8192
   * @param options encoding, errors and newline, for text mode (ignored in binary mode, as Python's)
   * @throws {RangeError} for a mode other than r, w and b, unbuffered text, an illegal newline or an unknown encoding
   * @throws {TypeError} for arguments of the wrong type
   */
  constructor(
    sock: Socket,
    mode = "r",
    buffering: number | null = null,
    options: TextOptions = {},
  ) {
    // Python makes a set of the mode's items: a string's characters, a tuple's items.
    const chars = items(mode, `'${pyType(mode)}' object is not iterable`);
    // Python's set() of them: a dict, an array.array or a (writable)
    // memoryview cannot be in one, nor a tuple that holds one.
    const unhashableIn = (v: unknown): string | undefined => {
      const t = pyType(v);
      if (t === "dict" || t === "array.array" || t === "memoryview") return t;
      return Array.isArray(v) ? Array.from(v, unhashableIn).find((x) => x) : undefined;
    };
    const unhashable = chars.map(unhashableIn).find((t) => t);
    if (unhashable === "memoryview") throw new RangeError("cannot hash writable memoryview object");
    if (unhashable !== undefined) throw new TypeError(`unhashable type: '${unhashable}'`);
    if (chars.some((ch) => ch !== "r" && ch !== "w" && ch !== "b")) {
      throw new RangeError(`invalid mode ${repr(mode)} (only r, w, b allowed)`);
    }
    // Bytes pass the check only empty, and then cannot hold the str "w".
    if (pyType(mode) === "bytes") throw new TypeError("a bytes-like object is required, not 'str'");
    this.#writing = chars.includes("w");
    this.#reading = chars.includes("r") || !this.#writing;
    const binary = chars.includes("b");
    // Python compares the buffering with 0: only numbers can be.
    if (
      buffering !== null && buffering !== undefined && typeof buffering !== "number" &&
      typeof buffering !== "bigint" && typeof buffering !== "boolean"
    ) {
      throw new TypeError(
        `'<' not supported between instances of '${pyType(buffering)}' and 'int'`,
      );
    }
    const size = buffering === null || buffering === undefined || buffering < 0
      ? DEFAULT_BUFFER_SIZE
      : toSize(buffering);
    if (size === 0 && !binary) throw new RangeError("unbuffered streams must be binary");
    this.#size = size;
    this.#kind = size === 0 ? "raw" : binary ? "buffered" : "text";
    if (this.#kind === "text") {
      // TextIOWrapper's checks, in its order.
      const opts = options ?? {};
      for (const key of ["encoding", "newline", "errors"] as const) {
        const v = opts[key];
        if (v !== null && v !== undefined && typeof v !== "string") {
          throw new TypeError(
            `TextIOWrapper() argument '${key}' must be str or None, not ${argType(v)}`,
          );
        }
      }
      const newline = opts.newline ?? null;
      if (newline !== null && !["", "\n", "\r", "\r\n"].includes(newline)) {
        throw new RangeError(`illegal newline value: ${newline}`);
      }
      const encoding = opts.encoding ?? "locale";
      // "locale" is the locale's encoding: UTF-8, as Python's in a UTF-8 locale.
      this.#codec = encoding === "locale" ? "utf-8" : lookupCodec(encoding);
      this.#encoding = encoding === "locale" ? "UTF-8" : encoding;
      this.#errors = opts.errors ?? "strict";
      this.#newline = newline;
    }
    // Text keeps the mode it was given; the raw file (and so a buffered one) says rb, wb or rwb.
    this.mode = this.#kind === "text"
      ? mode
      : (this.#reading ? "r" : "") + (this.#writing ? "w" : "") + "b";
    this.#sock = sock;
    sock._ioRef(1);
  }

  /** Whether `close()` has been called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * The socket's descriptor, or -1 once closed (Python's `name`); undefined
   * for a read-write buffered file, which in Python has no name.
   */
  get name(): number | undefined {
    if (this.#kind !== "raw" && this.#reading && this.#writing) return undefined;
    return this.#closed ? -1 : this.#sock.fileno();
  }

  // --- checks, in the words of the Python class this file is ---------------------------

  /** A buffered file that both reads and writes: Python's BufferedRWPair (under any text). */
  get #pair(): boolean {
    return this.#kind !== "raw" && this.#reading && this.#writing;
  }

  /** ValueError for a closed file: the buffered classes name the operation. */
  #closedError(op: string): RangeError {
    return new RangeError(
      this.#kind === "buffered" && op !== ""
        ? `${op} of closed file`
        : "I/O operation on closed file.",
    );
  }

  /** io.UnsupportedOperation (a ValueError and an OSError; RangeError here), in each class's words. */
  #unsupported(reading: boolean): RangeError {
    return new RangeError(
      this.#kind === "raw"
        ? `File or stream is not ${reading ? "readable" : "writable"}.`
        : this.#kind === "buffered"
        ? (reading ? "read" : "write")
        : reading
        ? "not readable"
        : "not writable",
    );
  }

  /** The raw file's checks before a read or write: closed, then the mode. */
  #checkRaw(reading: boolean): void {
    if (this.#closed) throw new RangeError("I/O operation on closed file.");
    if (reading ? !this.#reading : !this.#writing) throw this.#unsupported(reading);
  }

  /** A size argument as this kind of Python file converts it (before checking its mode). */
  #sizeArg(v: unknown, optional: boolean): number {
    if (optional) {
      // _Py_convert_optional_to_ssize_t: None is -1.
      if (v === null || v === undefined) return -1;
      if (typeof v !== "number" && typeof v !== "bigint" && typeof v !== "boolean") {
        throw new TypeError(`argument should be integer or None, not '${pyType(v)}'`);
      }
      if (typeof v === "number" && !Number.isInteger(v)) {
        throw new TypeError("argument should be integer or None, not 'float'");
      }
      try {
        return toSsize(v);
      } catch {
        throw new RangeError("cannot fit 'int' into an index-sized integer");
      }
    }
    return toSsize(v);
  }

  // --- the raw layer: SocketIO -------------------------------------------------------------

  /** SocketIO.readinto after its checks: one receive; null when it would block. */
  #rawReadinto(buf: Uint8Array): number | null {
    if (this.#timedOut) throw new OSError("cannot read from timed out object");
    try {
      return this.#sock.recv_into(buf);
    } catch (e) {
      if (e instanceof TimeoutError) {
        this.#timedOut = true;
        throw e;
      }
      if (e instanceof OSError && (e.errno === EAGAIN || e.errno === EWOULDBLOCK)) return null;
      throw e;
    }
  }

  /** SocketIO.write after its checks: one send; null when it would block. */
  #rawWrite(bytes: Uint8Array): number | null {
    try {
      return this.#sock.send(bytes);
    } catch (e) {
      if (e instanceof OSError && (e.errno === EAGAIN || e.errno === EWOULDBLOCK)) return null;
      throw e;
    }
  }

  /** RawIOBase.readall: receives until the end of the stream; null if the first would block. */
  #rawReadall(): Uint8Array | null {
    let buf = new Uint8Array(DEFAULT_BUFFER_SIZE);
    let n = 0;
    for (;;) {
      if (buf.length - n < DEFAULT_BUFFER_SIZE) {
        const bigger = new Uint8Array(buf.length * 2);
        bigger.set(buf.subarray(0, n));
        buf = bigger;
      }
      const got = this.#rawReadinto(buf.subarray(n, n + DEFAULT_BUFFER_SIZE));
      if (got === null) {
        if (n === 0) return null;
        break;
      }
      if (got === 0) break;
      n += got;
    }
    return copied(buf, n);
  }

  // --- the buffered layer: BufferedReader / BufferedWriter ------------------------------

  /** Bytes the caller owns: the first `n` buffered ones, taken out of the buffer. */
  #take(n: number): Uint8Array {
    const bytes = this.#rdata.subarray(this.#rpos, this.#rpos + n);
    this.#rpos += n;
    return copied(bytes, n);
  }

  /** One raw read of up to the buffer's size into the (empty) buffer: the count, 0 at the end, null if it would block. */
  #fillBuffer(): number | null {
    if (this.#rdata.length < this.#size) this.#rdata = new Uint8Array(this.#size);
    this.#rpos = this.#rend = 0;
    const got = this.#rawReadinto(this.#rdata.subarray(0, this.#size));
    if (got) this.#rend = got;
    return got;
  }

  /**
   * BufferedReader.read(n) (n >= 0): what is buffered, then raw reads until
   * `n` bytes, the end of the stream, or a read that would block (null if
   * nothing came at all). Whole buffers' worth go straight to the result.
   */
  #bufferedRead(n: number): Uint8Array | null {
    const have = this.#rend - this.#rpos;
    if (n <= have) return this.#take(n);
    const parts = [this.#take(have)];
    let total = have;
    while (total < n) {
      const remaining = n - total;
      const direct = remaining - (remaining % this.#size);
      let got: number | null;
      if (direct > 0) {
        const buf = new Uint8Array(direct);
        got = this.#rawReadinto(buf);
        if (got) parts.push(buf.subarray(0, got));
      } else {
        got = this.#fillBuffer();
        if (got) parts.push(this.#take(Math.min(got, remaining)));
      }
      if (!got) {
        if (got === null && total === 0) return null;
        break;
      }
      total += Math.min(got, remaining);
    }
    return concatBytes(parts, total);
  }

  /** BufferedReader.read(-1): what is buffered, then raw reads to the end (null if nothing came and the first would block). */
  #bufferedReadall(): Uint8Array | null {
    const have = this.#take(this.#rend - this.#rpos);
    const rest = this.#rawReadall();
    if (rest === null) return have.byteLength ? have : null;
    return have.byteLength ? concatBytes([have, rest], have.byteLength + rest.byteLength) : rest;
  }

  /** BufferedReader.readline(limit): to "\n", the limit, the end, or a read that would block. */
  #bufferedReadline(limit: number): Uint8Array {
    // A line usually lies whole in the buffer, or in the next fill of an
    // empty one: then it is one slice, with no parts and no joining copy.
    let parts: Uint8Array[] | null = null;
    let total = 0;
    for (;;) {
      const start = this.#rpos;
      const room = limit < 0 ? this.#rend - start : Math.min(this.#rend - start, limit - total);
      const at = room > 0 ? this.#rdata.indexOf(10, start) : -1;
      const i = at >= 0 && at < start + room ? at - start : -1;
      if (i >= 0 || total + room === limit) {
        const n = i >= 0 ? i + 1 : room;
        if (parts === null) return this.#take(n);
        parts.push(this.#take(n));
        return concatBytes(parts, total + n);
      }
      if (room > 0) {
        (parts ??= []).push(this.#take(room));
        total += room;
      }
      if (!this.#fillBuffer()) return concatBytes(parts ?? [], total);
    }
  }

  /** BufferedWriter's flush: raw writes until the buffer is empty. */
  #flushBuffer(): void {
    let off = 0;
    try {
      while (off < this.#wlen) {
        const n = this.#rawWrite(this.#wdata.subarray(off, this.#wlen));
        if (n === null) {
          throw new BlockingIOError(EAGAIN, "write could not complete without blocking");
        }
        off += n;
      }
    } finally {
      // What was sent leaves the buffer, even when the rest could not go.
      this.#wdata.copyWithin(0, off, this.#wlen);
      this.#wlen -= off;
    }
  }

  /**
   * BufferedWriter.write: into the buffer while it fits; otherwise the
   * buffer goes out, then the data itself until what is left fits.
   */
  #bufferedWrite(bytes: Uint8Array): void {
    const len = bytes.byteLength;
    if (this.#wlen + len > this.#size) {
      this.#flushBuffer();
      let off = 0;
      while (len - off > this.#size) {
        const n = this.#rawWrite(bytes.subarray(off));
        if (n === null) {
          throw new BlockingIOError(EAGAIN, "write could not complete without blocking");
        }
        off += n;
      }
      bytes = bytes.subarray(off);
    }
    if (this.#wdata.length < this.#size) {
      const data = new Uint8Array(this.#size);
      data.set(this.#wdata.subarray(0, this.#wlen));
      this.#wdata = data;
    }
    this.#wdata.set(bytes, this.#wlen);
    this.#wlen += bytes.byteLength;
  }

  // --- the text layer: TextIOWrapper -------------------------------------------------------

  /** TextIOWrapper's writeflush: the bytes it holds go to the buffered writer. */
  #pushPending(): void {
    if (this.#pendingCount === 0) return;
    const bytes = concatBytes(this.#pending, this.#pendingCount);
    this.#pending = [];
    this.#pendingCount = 0;
    this.#bufferedWrite(bytes);
  }

  /**
   * Reads a chunk and decodes it onto #chars (TextIOWrapper's read_chunk:
   * the buffered bytes, or one raw read of up to CHUNK_SIZE): false at the
   * end of the stream or when a read would block.
   */
  #readChunk(): boolean {
    let bytes: Uint8Array;
    let got: number | null;
    if (this.#rend > this.#rpos) {
      got = Math.min(this.#rend - this.#rpos, CHUNK_SIZE);
      bytes = this.#rdata.subarray(this.#rpos, this.#rpos + got);
      this.#rpos += got;
    } else {
      bytes = new Uint8Array(CHUNK_SIZE);
      got = this.#rawReadinto(bytes);
      bytes = bytes.subarray(0, got ?? 0);
    }
    if (got === null) return false;
    this.#decode(bytes, got === 0);
    return got > 0;
  }

  /** The incremental decoder, with IncrementalNewlineDecoder's universal newlines. */
  #decode(bytes: Uint8Array, final: boolean): void {
    if (this.#undecoded.length) {
      bytes = concatBytes([this.#undecoded, bytes], this.#undecoded.length + bytes.length);
    }
    const [decoded, used] = decodeText(bytes, this.#codec, this.#errors, final);
    this.#undecoded = bytes.slice(used);
    let text = decoded;
    if (this.#newline === null || this.#newline === "") {
      if (this.#pendingCR) text = "\r" + text;
      // A "\r" at the end waits: a "\n" may follow in the next chunk.
      this.#pendingCR = !final && text.endsWith("\r");
      if (this.#pendingCR) text = text.slice(0, -1);
      if (this.#newline === null) text = text.replace(/\r\n?/g, "\n");
    }
    this.#chars += text;
  }

  /** The first `units` UTF-16 units of #chars, taken. */
  #takeChars(units: number): string {
    const s = this.#chars.slice(0, units);
    this.#chars = this.#chars.slice(units);
    return s;
  }

  /** Where the first line of #chars ends (after its terminator), or -1. */
  #lineEnd(): number {
    const s = this.#chars;
    if (this.#newline === "") {
      // Universal newlines kept: "\r\n", "\r" or "\n" (a "\r" at the end waits for more unless at the end of the stream).
      const r = s.indexOf("\r"), n = s.indexOf("\n");
      if (r < 0 || (n >= 0 && n < r)) return n < 0 ? -1 : n + 1;
      return s[r + 1] === "\n" ? r + 2 : r + 1;
    }
    const nl = this.#newline === null ? "\n" : this.#newline;
    const i = s.indexOf(nl);
    return i < 0 ? -1 : i + nl.length;
  }

  #textRead(n: number): string {
    this.#pushPending();
    if (n < 0) {
      // Everything, decoded at once (as Python's, whose errors count positions from there).
      const have = this.#take(this.#rend - this.#rpos);
      const rest = this.#rawReadall() ?? new Uint8Array(0);
      this.#decode(concatBytes([have, rest], have.byteLength + rest.byteLength), true);
      return this.#takeChars(this.#chars.length);
    }
    while (codePoints(this.#chars) < n && this.#readChunk());
    return this.#takeChars(unitsOf(this.#chars, n));
  }

  #textReadline(limit: number): string {
    this.#pushPending();
    for (;;) {
      const end = this.#lineEnd();
      if (end >= 0) {
        // A line beyond the limit is cut at it (in characters).
        const units = limit >= 0 ? Math.min(end, unitsOf(this.#chars, limit)) : end;
        return this.#takeChars(units);
      }
      if (limit >= 0 && codePoints(this.#chars) >= limit) {
        return this.#takeChars(unitsOf(this.#chars, limit));
      }
      if (!this.#readChunk()) {
        // The end of the stream: a "\r" it held back, or the rest, is the line.
        const end = this.#lineEnd();
        const units = end >= 0 ? end : this.#chars.length;
        return this.#takeChars(limit >= 0 ? Math.min(units, unitsOf(this.#chars, limit)) : units);
      }
    }
  }

  #textWrite(data: string | Uint8Array): void {
    let bytes: Uint8Array;
    if (typeof data === "string") {
      // "\n" is written as the newline asked for (os.linesep for none).
      const nl = this.#newline ?? native.linesep;
      if (nl !== "" && nl !== "\n") data = data.replaceAll("\n", nl);
      bytes = encodeText(data, this.#codec, this.#errors);
    } else {
      bytes = data.slice();
    }
    // TextIOWrapper holds up to CHUNK_SIZE bytes before the buffer sees them.
    if (this.#pendingCount + bytes.byteLength > CHUNK_SIZE) this.#pushPending();
    this.#pending.push(bytes);
    this.#pendingCount += bytes.byteLength;
    if (this.#pendingCount >= CHUNK_SIZE) this.#pushPending();
  }

  // --- the file's methods ---------------------------------------------------------------

  /**
   * Reads up to `size` bytes (characters in text mode); all until the peer
   * closes when `size` is negative or absent. A buffered or text file waits
   * for `size` of them or the end of the stream; the raw file (buffering 0)
   * returns what one receive brings.
   *
   * @param size how much to read, or -1 (or null) for everything
   * @returns bytes (binary mode) or a string (text mode); null when the
   * socket is non-blocking and nothing has come (binary mode)
   * @throws {TimeoutError} when the socket's timeout expires (and then
   * OSError "cannot read from timed out object" for any later read)
   * @throws {RangeError} when the file is closed or not readable (Python's ValueError)
   * @example
   * ```ts
   * import { socketpair } from "@pysocket/pysocket";
   * const [a, b] = socketpair();
   * a.sendall("h\u00e9llo");
   * a.close();
   * using f = b.makefile("r");
   * console.log(f.read(2), f.read()); // "hé" "llo"
   * b.close();
   * ```
   */
  read(size: number | null = -1): Uint8Array | string | null {
    switch (this.#kind) {
      case "raw": {
        const n = this.#sizeArg(size, false);
        if (n < 0) {
          this.#checkRaw(true);
          return this.#rawReadall();
        }
        this.#checkRaw(true);
        const buf = new Uint8Array(n);
        const got = this.#rawReadinto(buf);
        return got === null ? null : copied(buf, got);
      }
      case "buffered": {
        // Python 3.11's BufferedWriter refuses before it looks at the size.
        if (!this.#reading) throw this.#unsupported(true);
        const n = this.#sizeArg(size, true);
        if (n < -1) throw new RangeError("read length must be non-negative or -1");
        if (this.#closed) throw this.#closedError("read");
        return n < 0 ? this.#bufferedReadall() : this.#bufferedRead(n);
      }
      default: {
        const n = this.#sizeArg(size, true);
        if (this.#closed) throw this.#closedError("");
        if (!this.#reading) throw this.#unsupported(true);
        return this.#textRead(n);
      }
    }
  }

  /**
   * Reads into `buffer`: as `read(buffer.byteLength)`, binary mode only.
   *
   * @param buffer where the bytes go
   * @returns the number of bytes read (0 at the end of the stream); null
   * when the socket is non-blocking and nothing has come
   * @throws {TypeError} in text mode (Python's TextIOWrapper has no readinto)
   * @throws {RangeError} when the file is closed or not readable
   * @example
   * ```ts
   * import { socketpair } from "@pysocket/pysocket";
   * const [a, b] = socketpair();
   * a.sendall("abc");
   * using f = b.makefile("rb", 0);
   * const buf = new Uint8Array(8);
   * console.log(f.readinto(buf)); // 3
   * a.close();
   * b.close();
   * ```
   */
  readinto(buffer: ArrayBufferView | ArrayBuffer): number | null {
    if (this.#kind === "text") {
      // Python's AttributeError, a TypeError here.
      throw new TypeError("'_io.TextIOWrapper' object has no attribute 'readinto'");
    }
    if (!isBytesLike(buffer)) {
      throw new TypeError(
        `readinto() argument must be read-write bytes-like object, not ${argType(buffer)}`,
      );
    }
    const view = ArrayBuffer.isView(buffer)
      ? new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
      : new Uint8Array(buffer);
    if (this.#kind === "raw") {
      this.#checkRaw(true);
      return this.#rawReadinto(view);
    }
    if (!this.#reading) throw this.#unsupported(true);
    if (this.#closed) throw this.#closedError("readinto");
    const got = this.#bufferedRead(view.byteLength);
    if (got === null) return null;
    view.set(got);
    return got.byteLength;
  }

  /**
   * Reads one line, up to and including its end ("\n"; in text mode, what
   * the newline option says), or to the end of the stream. The raw file
   * reads it a byte at a time, so nothing after the line leaves the socket.
   *
   * @param limit the most bytes (characters in text mode) to return, or -1
   * @returns the line (empty at the end of the stream)
   * @throws {RangeError} when the file is closed or not readable
   * @example
   * ```ts
   * import { socketpair } from "@pysocket/pysocket";
   * const [a, b] = socketpair();
   * a.sendall("one\ntwo\n");
   * using f = b.makefile("rb");
   * console.log(f.readline()); // the bytes of "one\n"
   * a.close();
   * b.close();
   * ```
   */
  readline(limit: number | null = -1): Uint8Array | string {
    // The limit first (a text file has no None for it), then the mode; a
    // binary file asked for nothing reads nothing, and so checks nothing.
    const max = this.#sizeArg(limit, this.#kind !== "text");
    switch (this.#kind) {
      case "raw": {
        // IOBase.readline: read(1) until the line ends.
        const line: number[] = [];
        while (max < 0 || line.length < max) {
          const b = this.read(1);
          if (b === null) {
            throw new OSError("read() should have returned a bytes object, not 'NoneType'");
          }
          if ((b as Uint8Array).byteLength === 0) break;
          line.push((b as Uint8Array)[0]);
          if (line[line.length - 1] === 10) break;
        }
        return new Uint8Array(line);
      }
      case "buffered":
        if (max === 0 && !this.#reading) return new Uint8Array(0);
        if (!this.#reading) throw this.#unsupported(true);
        if (this.#closed) throw this.#closedError(this.#writing ? "peek" : "readline");
        return this.#bufferedReadline(max);
      default:
        if (this.#closed) throw this.#closedError("");
        if (!this.#reading) throw this.#unsupported(true);
        return this.#textReadline(max);
    }
  }

  /**
   * The lines to the end of the stream, one `readline()` each, as iterating
   * over a Python file gives them.
   *
   * @example
   * ```ts
   * import { socketpair } from "@pysocket/pysocket";
   * const [a, b] = socketpair();
   * a.sendall("one\ntwo\n");
   * a.close();
   * using f = b.makefile("rb");
   * for (const line of f) console.log(line);
   * b.close();
   * ```
   */
  *[Symbol.iterator](): Generator<Uint8Array | string> {
    if (this.#closed) throw new RangeError("I/O operation on closed file.");
    for (;;) {
      const line = this.readline();
      if (line.length === 0) return;
      yield line;
    }
  }

  /**
   * Reads the remaining lines, or (with a positive `hint`) lines until
   * their total length reaches it.
   *
   * @param hint stop once the lines come to this many bytes (characters in text mode); -1 or null for all
   * @returns the lines
   * @throws {RangeError} when the file is closed or not readable
   * @example
   * ```ts
   * import { socketpair } from "@pysocket/pysocket";
   * const [a, b] = socketpair();
   * a.sendall("one\ntwo\n");
   * a.close();
   * using f = b.makefile("r");
   * console.log(f.readlines()); // ["one\n", "two\n"]
   * b.close();
   * ```
   */
  readlines(hint: number | null = -1): (Uint8Array | string)[] {
    const max = this.#sizeArg(hint, true);
    if (this.#closed) throw new RangeError("I/O operation on closed file.");
    if (!this.#reading) throw this.#unsupported(true);
    const lines = [];
    let total = 0;
    for (;;) {
      const line = this.readline();
      const n = typeof line === "string" ? codePoints(line) : line.byteLength;
      if (n === 0) return lines;
      lines.push(line);
      total += n;
      if (max > 0 && total >= max) return lines;
    }
  }

  /**
   * Writes data: the raw file sends it at once (one send, which may take
   * part of it); a buffered or text file holds it until `flush()`, `close()`
   * or a full buffer.
   *
   * @param data bytes, or a string (encoded as the file's encoding in text
   * mode, as UTF-8 in binary mode)
   * @returns the number of bytes (characters in text mode) taken; null from
   * the raw file when the socket is non-blocking and its buffer is full
   * @throws {RangeError} when the file is closed or not writable, or text
   * cannot be encoded
   * @throws {BlockingIOError} when a buffered file's socket is non-blocking and cannot take the data
   * @example
   * ```ts
   * import { socketpair } from "@pysocket/pysocket";
   * const [a, b] = socketpair();
   * using f = a.makefile("w");
   * console.log(f.write("h\u00e9\n")); // 3
   * f.flush();
   * console.log(b.recv(16).byteLength); // 4
   * a.close();
   * b.close();
   * ```
   */
  write(data: ArrayBufferView | ArrayBuffer | string): number | null {
    const notData = typeof data !== "string" && !isBytesLike(data);
    switch (this.#kind) {
      case "raw": {
        this.#checkRaw(false);
        if (notData) throw new TypeError(`a bytes-like object is required, not '${pyType(data)}'`);
        return this.#rawWrite(toBytes(data));
      }
      case "buffered": {
        if (!this.#writing) throw this.#unsupported(false);
        if (notData) throw new TypeError(`a bytes-like object is required, not '${pyType(data)}'`);
        if (this.#closed) throw this.#closedError("write");
        const bytes = toBytes(data);
        // The buffer may keep the bytes: a copy, as Python's buffer copies them.
        this.#bufferedWrite(bytes);
        return bytes.byteLength;
      }
      default: {
        // (A text file takes bytes too, as every data argument does: JS has no bytes literal.)
        if (notData) throw new TypeError(`write() argument must be str, not ${argType(data)}`);
        if (this.#closed) throw this.#closedError("");
        if (!this.#writing) throw this.#unsupported(false);
        const bytes = typeof data === "string" ? null : toBytes(data);
        this.#textWrite(bytes ?? (data as string));
        // Python counts the characters of text: code points, not UTF-16 units.
        return bytes === null ? codePoints(data as string) : bytes.byteLength;
      }
    }
  }

  /**
   * Sends what `write` has held.
   *
   * @throws {RangeError} when the file is closed
   * @throws {BlockingIOError} when the socket is non-blocking and cannot take it all
   * @example
   * ```ts
   * import { socketpair } from "@pysocket/pysocket";
   * const [a, b] = socketpair();
   * using f = a.makefile("wb");
   * f.write("hi");
   * f.flush();
   * console.log(b.recv(16));
   * a.close();
   * b.close();
   * ```
   */
  flush(): void {
    if (this.#closed) {
      throw this.#closedError(this.#kind === "buffered" && this.#writing ? "flush" : "");
    }
    if (this.#kind === "text") this.#pushPending();
    if (this.#kind !== "raw" && this.#writing) this.#flushBuffer();
  }

  /**
   * The socket's descriptor.
   *
   * @returns the descriptor
   * @throws {RangeError} when the file is closed, and always for a
   * read-write buffered file (Python's BufferedRWPair has none: io.UnsupportedOperation)
   * @example
   * ```ts
   * import { socketpair } from "@pysocket/pysocket";
   * const [a, b] = socketpair();
   * using f = a.makefile("rb");
   * console.log(f.fileno() === a.fileno()); // true
   * a.close();
   * b.close();
   * ```
   */
  fileno(): number {
    if (this.#pair) throw new RangeError("fileno");
    if (this.#closed) throw new RangeError("I/O operation on closed file.");
    return this.#sock.fileno();
  }

  /**
   * Whether the file reads: true for modes with "r" (or no "w").
   *
   * @returns whether `read()` may be called
   * @throws {RangeError} "I/O operation on closed socket." once the socket file is closed
   * @example
   * ```ts
   * import { socketpair } from "@pysocket/pysocket";
   * const [a, b] = socketpair();
   * using f = a.makefile("rb");
   * console.log(f.readable(), f.writable(), f.seekable()); // true false false
   * a.close();
   * b.close();
   * ```
   */
  readable(): boolean {
    // A closed buffered writer answers itself; the rest ask the closed SocketIO.
    if (this.#closed && (this.#kind === "raw" || this.#reading)) throw closedSocket();
    return this.#reading;
  }

  /**
   * Whether the file writes: true for modes with "w".
   *
   * @returns whether `write()` may be called
   * @throws {RangeError} "I/O operation on closed socket." once the socket file is closed
   * @example
   * ```ts
   * import { socketpair } from "@pysocket/pysocket";
   * const [a, b] = socketpair();
   * using f = a.makefile("wb");
   * console.log(f.writable()); // true
   * a.close();
   * b.close();
   * ```
   */
  writable(): boolean {
    if (this.#closed && (this.#kind === "raw" || this.#writing)) throw closedSocket();
    return this.#writing;
  }

  /**
   * Whether the file seeks: never, over a socket.
   *
   * @returns false
   * @throws {RangeError} "I/O operation on closed socket." once the socket file is closed (a read-write buffered file answers false)
   * @example
   * ```ts
   * import { socketpair } from "@pysocket/pysocket";
   * const [a, b] = socketpair();
   * using f = a.makefile("rb", 0);
   * console.log(f.seekable()); // false
   * a.close();
   * b.close();
   * ```
   */
  seekable(): boolean {
    if (this.#closed && !this.#pair) throw closedSocket();
    return false;
  }

  /**
   * Whether the file is a terminal: never, over a socket.
   *
   * @returns false
   * @throws {RangeError} when the file is closed
   * @example
   * ```ts
   * import { socketpair } from "@pysocket/pysocket";
   * const [a, b] = socketpair();
   * using f = a.makefile("rb");
   * console.log(f.isatty()); // false
   * a.close();
   * b.close();
   * ```
   */
  isatty(): boolean {
    if (this.#closed) throw new RangeError("I/O operation on closed file.");
    return false;
  }

  /**
   * Flushes and closes the file; the socket closes too if it was closed
   * first. The file closes even when the flush fails, which then throws.
   *
   * @throws {OSError} when the flush fails
   * @example
   * ```ts
   * import { socketpair } from "@pysocket/pysocket";
   * const [a, b] = socketpair();
   * const f = a.makefile("wb");
   * a.close(); // the file holds the socket open
   * f.write("bye");
   * f.close(); // sends, then closes the descriptor
   * console.log(b.recv(16));
   * b.close();
   * ```
   */
  close(): void {
    if (this.#closed) return;
    try {
      if (this.#writing) this.flush();
    } finally {
      this.#closed = true;
      this.#rdata = this.#wdata = new Uint8Array(0);
      this.#rpos = this.#rend = this.#wlen = 0;
      this.#sock._ioRef(-1);
    }
  }

  /** Closes the file. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** Python's repr, for `console.log` and `Deno.inspect`. */
  [Symbol.for("Deno.customInspect")](): string {
    const name = this.name === undefined ? "" : ` name=${this.name}`;
    if (this.#kind === "raw") return "<socket.SocketIO object>";
    if (this.#kind === "text") {
      return `<_io.TextIOWrapper${name} mode=${repr(this.mode)} encoding=${repr(this.#encoding)}>`;
    }
    if (this.#pair) return "<_io.BufferedRWPair object>";
    return `<_io.Buffered${this.#reading ? "Reader" : "Writer"}${name}>`;
  }
}

/** SocketIO's ValueError once closed, from readable(), writable() and seekable(). */
function closedSocket(): RangeError {
  return new RangeError("I/O operation on closed socket.");
}
