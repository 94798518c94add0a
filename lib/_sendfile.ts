// sendfile's file: Python's checks of its arguments, the descriptor it reads
// (opened here when given by path), and the read-and-send fallback's chunks.
// Socket.sendfile and sock_sendfile share it.

import { native } from "../ffi/mod.ts";
import { cText, isInt, pyType, repr, toCInt, toSize, toSsize } from "./_args.ts";
import { errno, raiseErrno } from "./errors.ts";

const constants = native.constants;

/**
 * A file object as Python's sendfile takes one: each member optional. With
 * `fileno()` the descriptor is sent by sendfile(2); without, the file is
 * read (`read(size)`, Python's) and sent. After sending, `seek(offset + sent)`
 * sets the position, as Python does. A `mode` without "b" is a text file,
 * refused.
 */
export interface SendfileFileObject {
  /** The file's descriptor: sent by sendfile(2) from it. */
  fileno?(): number;
  /** Up to `size` bytes from the position (empty at the end): read and sent. */
  read?(size: number): Uint8Array;
  /** Moves the position to `offset`, before reading and after sending. */
  seek?(offset: number): unknown;
  /** Python's file mode: one without "b" is a text file, refused. */
  mode?: string;
}

/** A file Deno opened (`Deno.FsFile`): read with `readSync`, positioned with `seekSync`. */
export interface SendfileDenoFile {
  /** Reads into `buffer` from the position: the count, or null at the end. */
  readSync(buffer: Uint8Array): number | null;
  /** Moves the position (`whence` as Deno.SeekMode). */
  seekSync(offset: number, whence: number): unknown;
}

/**
 * A file for `sendfile`: a descriptor, a path, a file object (Python's
 * shape: `fileno()`, `read()`, `seek()`), or a `Deno.FsFile`.
 */
export type SendfileSource = number | string | URL | SendfileFileObject | SendfileDenoFile;

/** The file of a sendfile, opened when it was given by path; close() lets go of it. */
export interface SendfileFile {
  fd: number;
  start: number;
  /** How many bytes at most (Infinity: to the end). */
  count: number;
  close(): void;
}

/**
 * Checks sendfile's arguments as Python does and finds the descriptor to
 * read, opening a path (which close() then closes).
 */
export function sendfileSource(
  type: number,
  file: SendfileSource,
  offset: number,
  count: number | null | undefined,
): SendfileFile {
  // asyncio's checks, in its order (Socket.sendfile has made Python's own first).
  if (type !== constants.SOCK_STREAM) {
    throw new RangeError("only SOCK_STREAM type sockets are supported");
  }
  if (count !== null && count !== undefined) {
    if (!isInt(count)) {
      throw new TypeError(`count must be a positive integer (got ${repr(count)})`);
    }
    if (count <= 0) throw new RangeError(`count must be a positive integer (got ${repr(count)})`);
  }
  if (!isInt(offset)) {
    throw new TypeError(`offset must be a non-negative integer (got ${repr(offset)})`);
  }
  if (offset < 0) {
    throw new RangeError(`offset must be a non-negative integer (got ${repr(offset)})`);
  }
  const start = toSize(offset);
  if (count !== null && count !== undefined) toSsize(count);
  const limit = count === null || count === undefined ? Infinity : Number(count);
  if (typeof file === "string" || file instanceof URL) {
    const path = cText(file instanceof URL ? pathOf(file) : file, "embedded null byte");
    const fd = native.openRead(path);
    if (fd < 0) raiseErrno();
    return { fd, start, count: limit, close: () => void native.close(fd) };
  }
  if (typeof file === "number" || typeof file === "bigint" || typeof file === "boolean") {
    return { fd: toCInt(file), start, count: limit, close: () => {} };
  }
  const fileno = (file as { fileno?: unknown } | null)?.fileno;
  if (typeof fileno !== "function") {
    throw new TypeError(`'${pyType(file)}' object has no attribute 'fileno'`);
  }
  return { fd: toCInt(fileno.call(file)), start, count: limit, close: () => {} };
}

/** The path of a file: URL, in this OS's spelling ("/C:/x" is "C:\\x" on Windows). */
function pathOf(url: URL): string {
  if (url.protocol !== "file:") throw new TypeError(`must be a file: URL (got ${url.href})`);
  return native.pathOfFileUrl(url);
}

/**
 * Reads `count` bytes (or to the end) of a file from `start`, 64 KiB at a
 * time: sendfile's way where the OS cannot send a file itself. Each chunk is
 * valid until the next is read.
 */
export function* fileChunks(fd: number, start: number, count: number): Generator<Uint8Array> {
  const chunk = new Uint8Array(Math.min(count, 65536));
  for (let total = 0; total < count;) {
    const part = count - total < chunk.byteLength ? chunk.subarray(0, count - total) : chunk;
    let n = native.pread(fd, part, start + total);
    while (n < 0 && native.errno() === errno.EINTR) n = native.pread(fd, part, start + total);
    if (n < 0) raiseErrno();
    if (n === 0) return;
    yield part.subarray(0, n);
    total += n;
  }
}

/** Python's `'b' not in getattr(file, 'mode', 'b')`: a text-mode file is refused. */
export function checkBinaryMode(file: unknown): void {
  const mode = typeof file === "object" && file !== null
    ? (file as { mode?: unknown }).mode
    : undefined;
  if (typeof mode === "string" && !mode.includes("b")) {
    throw new RangeError("file should be opened in binary mode");
  }
}

/**
 * Whether sendfile(2) can read the file: a descriptor, a path, or an object
 * with `fileno()`. Python gives the rest (no fileno) to read-and-send.
 */
export function hasDescriptor(file: unknown): boolean {
  if (file === null || file === undefined) return false; // Python: None has no 'read'
  if (typeof file !== "object" || file instanceof URL) return true;
  return typeof (file as { fileno?: unknown }).fileno === "function";
}

/**
 * The blocks of `file` from `offset`, at most `count` bytes (0: to the end),
 * `blocksize` at a time: Python's sendfile-by-reading loop, which
 * Socket.sendfile and sock_sendfile each send in their own way.
 */
export function* fileBlocks(
  file: unknown,
  offset: number,
  count: number,
  blocksize: number,
): Generator<Uint8Array> {
  if (offset) seekTo(file, offset);
  const read = readerOf(file);
  let size = count ? Math.min(count, blocksize) : blocksize;
  for (let total = 0;;) {
    if (count) {
      size = Math.min(count - total, size);
      if (size <= 0) return;
    }
    const data = read(size);
    if (data.byteLength === 0) return; // EOF
    total += data.byteLength;
    yield data;
  }
}

/**
 * Moves a file object to `position` (Python's `file.seek(offset + sent)` after
 * a sendfile), where it has `seekSync` (Deno.FsFile) or `seek`. A descriptor
 * or a path has no position of its own here: sendfile reads at an offset.
 */
export function seekTo(file: unknown, position: number): void {
  if (typeof file !== "object" || file === null || file instanceof URL) return;
  const f = file as { seekSync?: unknown; seek?: unknown };
  if (typeof f.seekSync === "function") f.seekSync.call(file, position, 0); // SeekMode.Start
  else if (typeof f.seek === "function") f.seek.call(file, position);
}

/**
 * A reader of up to `size` bytes of a file object without a descriptor:
 * `readSync` (Deno.FsFile) or Python's `read(size)`; empty at the end.
 */
export function readerOf(file: unknown): (size: number) => Uint8Array {
  const f = file as { readSync?: unknown; read?: unknown };
  if (typeof f?.readSync === "function") {
    const readSync = f.readSync as (buffer: Uint8Array) => number | null;
    return (size) => {
      const buf = new Uint8Array(size);
      return buf.subarray(0, readSync.call(file, buf) ?? 0);
    };
  }
  if (typeof f?.read !== "function") {
    throw new TypeError(`'${pyType(file)}' object has no attribute 'read'`);
  }
  const read = f.read as (size: number) => unknown;
  return (size) => {
    const data = read.call(file, size);
    // Python's memoryview(file.read(n)).
    if (!(data instanceof Uint8Array)) {
      throw new TypeError(`memoryview: a bytes-like object is required, not '${pyType(data)}'`);
    }
    return data;
  };
}
