// sendfile's file: Python's checks of its arguments, the descriptor it reads
// (opened here when given by path), and the read-and-send fallback's chunks.
// Socket.sendfile and sock_sendfile share it.

import { native } from "../ffi/mod.ts";
import { cText, isInt, pyType, repr, toCInt, toSize, toSsize } from "./_args.ts";
import { errno, raiseErrno } from "./errors.ts";

const constants = native.constants;

/** A file for `sendfile`: a descriptor, a path, or an object with `fileno()`. */
export type SendfileSource = number | string | URL | { fileno(): number };

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
