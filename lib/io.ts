// makefile(): a Python-like buffered file over a socket.

import type { Socket } from "./socket.ts";
import { toBytes, toSize } from "./_args.ts";
import { pyRepr } from "./_repr.ts";

const decoder = new TextDecoder();

/**
 * The file `Socket.makefile()` returns: Python's buffered reader/writer (and,
 * without "b" in the mode, its UTF-8 text wrapper) over the socket.
 *
 * @example
 * ```ts
 * import { socketpair } from "./mod.ts";
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
  #rbuf = new Uint8Array(0);
  #wbuf: Uint8Array[] = [];
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
    for (const ch of mode) {
      if (!"rwb".includes(ch)) {
        throw new RangeError(`invalid mode ${pyRepr(mode)} (only r, w, b allowed)`);
      }
    }
    this.#reading = mode.includes("r");
    this.#writing = mode.includes("w");
    if (!this.#reading && !this.#writing) this.#reading = true;
    this.#binary = mode.includes("b");
    const size = buffering === null || buffering < 0 ? 8192 : toSize(buffering);
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
      throw new Error(reading ? "not readable" : "not writable");
    }
  }

  #out(bytes: Uint8Array): Uint8Array | string {
    return this.#binary ? bytes : decoder.decode(bytes);
  }

  /** Reads more from the socket into the buffer; false at end of stream. */
  #fill(): boolean {
    if (this.#eof) return false;
    const chunk = this.#sock.recv(Math.max(this.#size, 8192));
    if (chunk.byteLength === 0) {
      this.#eof = true;
      return false;
    }
    const next = new Uint8Array(this.#rbuf.byteLength + chunk.byteLength);
    next.set(this.#rbuf);
    next.set(chunk, this.#rbuf.byteLength);
    this.#rbuf = next;
    return true;
  }

  #take(n: number): Uint8Array {
    const out = this.#rbuf.slice(0, n);
    this.#rbuf = this.#rbuf.subarray(n);
    return out;
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
    this.#check(true);
    const n = toSize(size);
    if (n < 0) {
      while (this.#fill());
      return this.#out(this.#take(this.#rbuf.byteLength));
    }
    while (this.#rbuf.byteLength < n && this.#fill());
    let take = Math.min(n, this.#rbuf.byteLength);
    // Text mode never splits a UTF-8 character.
    if (!this.#binary) {
      while (take > 0 && take < this.#rbuf.byteLength && (this.#rbuf[take] & 0xc0) === 0x80) {
        take--;
      }
    }
    return this.#out(this.#take(take));
  }

  /**
   * Reads one line, up to and including "\n", or to the end of the stream.
   *
   * @param limit the most bytes to return, or -1
   * @returns the line (empty at end of stream)
   */
  readline(limit = -1): Uint8Array | string {
    this.#check(true);
    const max = toSize(limit);
    let scanned = 0;
    for (;;) {
      const i = this.#rbuf.indexOf(10, scanned);
      if (i >= 0 && (max < 0 || i < max)) return this.#out(this.#take(i + 1));
      if (max >= 0 && this.#rbuf.byteLength >= max) return this.#out(this.#take(max));
      scanned = this.#rbuf.byteLength;
      if (!this.#fill()) return this.#out(this.#take(this.#rbuf.byteLength));
    }
  }

  /**
   * Reads all remaining lines.
   *
   * @returns the lines
   */
  readlines(): (Uint8Array | string)[] {
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
    this.#check(false);
    const bytes = toBytes(data);
    if (this.#size === 0) {
      this.#sock.sendall(bytes);
    } else {
      this.#wbuf.push(bytes.slice());
      this.#wlen += bytes.byteLength;
      if (this.#wlen >= this.#size) this.flush();
    }
    return typeof data === "string" ? data.length : bytes.byteLength;
  }

  /** Sends what `write` has buffered. */
  flush(): void {
    if (this.#closed) throw new RangeError("I/O operation on closed file.");
    if (this.#wlen === 0) return;
    const all = new Uint8Array(this.#wlen);
    let off = 0;
    for (const b of this.#wbuf) {
      all.set(b, off);
      off += b.byteLength;
    }
    this.#wbuf = [];
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
