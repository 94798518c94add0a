// makefile(): a Python-like buffered file over a socket.

import type { Socket } from "./socket.ts";
import {
  argType,
  isBytesLike,
  items,
  pyType,
  repr,
  toBytes,
  toSize,
  toSsize,
  utf8,
} from "./_args.ts";
import { copied } from "./_received.ts";

const decoder = new TextDecoder();

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

/**
 * The file `Socket.makefile()` returns: Python's buffered reader/writer (and,
 * without "b" in the mode, its UTF-8 text wrapper) over the socket.
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
  readonly #binary: boolean;
  readonly #reading: boolean;
  readonly #writing: boolean;
  readonly #size: number;
  // What has been read and not yet taken: #rdata[#rpos, #rend).
  #rdata = new Uint8Array(0);
  #rpos = 0;
  #rend = 0;
  // What write() has buffered: #wdata[0, #wlen).
  #wdata = new Uint8Array(0);
  #wlen = 0;
  #eof = false;
  #closed = false;
  /** The mode the file was opened with. */
  readonly mode: string;

  /**
   * Wraps a socket; normally made by `Socket.makefile()`.
   *
   * @param sock the socket
   * @param mode r, w and b, as Python's makefile
   * @param buffering buffer size; 0 for unbuffered (binary only)
   */
  constructor(sock: Socket, mode = "r", buffering: number | null = null) {
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
    this.#reading = chars.includes("r");
    this.#writing = chars.includes("w");
    if (!this.#reading && !this.#writing) this.#reading = true;
    this.#binary = chars.includes("b");
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
      ? 8192
      : toSize(buffering);
    if (size === 0 && !this.#binary) throw new RangeError("unbuffered streams must be binary");
    this.#size = size;
    this.mode = mode;
    this.#sock = sock;
    sock._ioRef(1);
  }

  /** Whether `close()` has been called. */
  get closed(): boolean {
    return this.#closed;
  }

  #check(reading: boolean): void {
    if (this.#closed) throw new RangeError("I/O operation on closed file.");
    if (reading ? !this.#reading : !this.#writing) {
      // Python's io.UnsupportedOperation, a ValueError (and an OSError), in
      // the words of its raw (unbuffered), buffered (binary) or text file.
      throw new RangeError(
        this.#size === 0
          ? `File or stream is not ${reading ? "readable" : "writable"}.`
          : this.#binary
          ? (reading ? "read" : "write")
          : reading
          ? "not readable"
          : "not writable",
      );
    }
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

  /** The first `n` buffered bytes, taken out of the buffer: bytes the caller owns, or text. */
  #take(n: number): Uint8Array | string {
    const bytes = this.#rdata.subarray(this.#rpos, this.#rpos + n);
    this.#rpos += n;
    return this.#binary ? copied(bytes, n) : decoder.decode(bytes);
  }

  /** Reads more from the socket, straight into the buffer; false at end of stream. */
  #fill(): boolean {
    if (this.#eof) return false;
    const want = Math.max(this.#size, 8192);
    if (this.#rdata.length - this.#rend < want) {
      // Move what is buffered to the front, into a larger buffer if it must grow.
      const have = this.#rend - this.#rpos;
      const data = this.#rdata.length - have >= want
        ? this.#rdata
        : new Uint8Array(Math.max(2 * this.#rdata.length, have + want));
      data.set(this.#rdata.subarray(this.#rpos, this.#rend));
      this.#rdata = data;
      this.#rpos = 0;
      this.#rend = have;
    }
    const n = this.#sock.recv_into(this.#rdata.subarray(this.#rend, this.#rend + want));
    if (n === 0) {
      this.#eof = true;
      return false;
    }
    this.#rend += n;
    return true;
  }

  /**
   * Reads up to `size` bytes (or characters' bytes in text mode); all until
   * the peer closes when `size` is negative or absent.
   *
   * @param size how much to read, or -1 for everything
   * @returns bytes (binary mode) or a string (text mode)
   * @throws {TimeoutError} when the socket's timeout expires
   */
  read(size = -1): Uint8Array | string {
    // Python's order: a buffered file refuses at once; a text or raw one
    // converts the size first (a raw one has no None for it).
    if (this.#binary && this.#size !== 0) this.#check(true);
    const n = this.#sizeArg(size, this.#size !== 0);
    this.#check(true);
    if (n < -1 && this.#binary && this.#size !== 0) {
      throw new RangeError("read length must be non-negative or -1");
    }
    if (n < 0) {
      while (this.#fill());
      return this.#take(this.#rend - this.#rpos);
    }
    while (this.#rend - this.#rpos < n && this.#fill());
    const have = this.#rend - this.#rpos;
    let take = Math.min(n, have);
    // Text mode never splits a UTF-8 character.
    if (!this.#binary) {
      while (take > 0 && take < have && (this.#rdata[this.#rpos + take] & 0xc0) === 0x80) {
        take--;
      }
    }
    return this.#take(take);
  }

  /**
   * Reads one line, up to and including "\n", or to the end of the stream.
   *
   * @param limit the most bytes to return, or -1
   * @returns the line (empty at end of stream)
   */
  readline(limit = -1): Uint8Array | string {
    // The limit first (a text file has no None for it), then the mode; a
    // binary file asked for nothing reads nothing, and so checks nothing.
    const max = this.#sizeArg(limit, this.#binary);
    if (max === 0 && this.#binary && !this.#reading) return new Uint8Array(0);
    this.#check(true);
    let scanned = 0;
    for (;;) {
      const i = this.#rdata.subarray(this.#rpos, this.#rend).indexOf(10, scanned);
      if (i >= 0 && (max < 0 || i < max)) return this.#take(i + 1);
      const have = this.#rend - this.#rpos;
      if (max >= 0 && have >= max) return this.#take(max);
      scanned = have;
      if (!this.#fill()) return this.#take(this.#rend - this.#rpos);
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
    for (;;) {
      const line = this.readline();
      if (line.length === 0) return;
      yield line;
    }
  }

  /**
   * Reads all remaining lines.
   *
   * @returns the lines
   */
  readlines(): (Uint8Array | string)[] {
    this.#check(true);
    const lines = [];
    for (;;) {
      const line = this.readline();
      if ((typeof line === "string" ? line.length : line.byteLength) === 0) return lines;
      lines.push(line);
    }
  }

  /**
   * Writes data (buffered until `flush`, `close` or a full buffer).
   *
   * @param data bytes, or a string (UTF-8)
   * @returns the number of bytes (binary) or characters (text) taken
   */
  write(data: ArrayBufferView | ArrayBuffer | string): number {
    // A text file checks the argument first (and takes bytes too, as JS has
    // no bytes literal); a binary one checks its mode first.
    if (!this.#binary && typeof data !== "string" && !isBytesLike(data)) {
      throw new TypeError(`write() argument must be str, not ${argType(data)}`);
    }
    this.#check(false);
    if (this.#binary && typeof data !== "string" && !isBytesLike(data)) {
      throw new TypeError(`a bytes-like object is required, not '${pyType(data)}'`);
    }
    // Text is encoded as strict UTF-8, as Python's text file encodes it.
    const bytes = toBytes(this.#binary || typeof data !== "string" ? data : utf8(data));
    if (this.#size === 0) {
      this.#sock.sendall(bytes);
    } else {
      const need = this.#wlen + bytes.byteLength;
      if (need > this.#wdata.length) {
        const data = new Uint8Array(Math.max(need, 2 * this.#wdata.length, this.#size));
        data.set(this.#wdata.subarray(0, this.#wlen));
        this.#wdata = data;
      }
      this.#wdata.set(bytes, this.#wlen);
      this.#wlen = need;
      if (this.#wlen >= this.#size) this.flush();
    }
    // Python counts the characters of text: code points, not UTF-16 units.
    return typeof data === "string" ? codePoints(data) : bytes.byteLength;
  }

  /** Sends what `write` has buffered. */
  flush(): void {
    if (this.#closed) throw new RangeError("I/O operation on closed file.");
    if (this.#wlen === 0) return;
    const all = this.#wdata.subarray(0, this.#wlen);
    this.#wlen = 0;
    this.#sock.sendall(all);
  }

  /** Flushes and closes the file; the socket closes too if it was closed first. */
  close(): void {
    if (this.#closed) return;
    try {
      if (this.#writing) this.flush();
    } finally {
      this.#closed = true;
      this.#sock._ioRef(-1);
    }
  }

  /** Closes the file. */
  [Symbol.dispose](): void {
    this.close();
  }
}
