// What a receive returns (recv, recvfrom, recvmsg, sock_recv, makefile reads).
//
// A receive reads into a shared scratch buffer, then hands the caller exactly
// the bytes that came: up to SMALL bytes as a view of a shared slab, as
// Node's Buffer pool does, larger ones as an array of their own. A new
// ArrayBuffer costs far more than a view of an existing one, and more the
// larger it is (bench/NOTES.md). So recv(65536) costs what the bytes that
// came cost, as in CPython, and a try that fails allocates nothing.
//
// The scratch is shared by every socket: calls are synchronous, and each
// copies its bytes out before returning, so no two receives use it at once.

/** Results up to this size share a slab; a held one keeps at most a slab alive. */
const SMALL = 4096;
const SLAB = 8192;
/** The scratch grows to the largest bufsize asked for, up to this. */
const SCRATCH_MAX = 1 << 20;

let scratch = new Uint8Array(65536);
/** The scratch, cut to the bufsize of the last receive (programs repeat theirs). */
let window = scratch;
let slab = new Uint8Array(0);
let used = 0;
/** The scratch's first `headLength` bytes, kept: a program repeats its message sizes. */
let head = scratch.subarray(0, 0);
let headLength = 0;

/**
 * A buffer to receive up to `size` bytes into: the shared scratch, or an
 * array of its own where the bytes will be kept as they are, saving a copy:
 * when the last receive on the socket brought more than 4 KiB (`large`, a
 * stream in bulk), and for a size above 1 MiB. Pass it, with the count
 * received, to {@link received} before the next receive.
 */
export function receiveBuffer(size: number, large = false): Uint8Array {
  if (large && size > SMALL) return ownArray(size);
  if (size === window.length) return window;
  if (size > scratch.length) {
    if (size > SCRATCH_MAX) return ownArray(size);
    scratch = new Uint8Array(size);
    head = scratch.subarray(0, headLength = 0);
  }
  return window = scratch.subarray(0, size);
}

/** An array of its own that a failed receive did not use: the next receive of its size takes it. */
let spare: Uint8Array | null = null;

/**
 * Gives back a buffer from {@link receiveBuffer} whose receive failed, so
 * that a try that would block allocates nothing the next one does not use.
 */
export function unused(buf: Uint8Array): void {
  // Kept up to the scratch's bound: a huge one asked once should not live on.
  if (buf.buffer !== scratch.buffer && buf.length <= SCRATCH_MAX) spare = buf;
}

/** A new array of `size` bytes, or the spare one of that size. */
function ownArray(size: number): Uint8Array {
  const own = spare;
  if (own === null || own.length !== size) return new Uint8Array(size);
  spare = null;
  return own;
}

/** Whether a receive of `n` bytes calls for the next one to get an array of its own. */
export function isLarge(n: number): boolean {
  return n > SMALL;
}

/**
 * The first `n` bytes of a buffer from {@link receiveBuffer}, as an array
 * the caller owns: exactly `n` long. Up to 4 KiB it is a view of a shared
 * 8 KiB slab (its `.buffer` holds other results, which it never overlaps).
 */
export function received(buf: Uint8Array, n: number): Uint8Array {
  if (buf !== window) {
    return n === buf.length ? buf : n * 2 >= buf.length ? buf.subarray(0, n) : copied(buf, n);
  }
  if (n > SMALL) return buf.slice(0, n);
  if (n !== headLength) head = scratch.subarray(0, headLength = n);
  return copied(head, n);
}

/**
 * A copy of the first `n` bytes of `bytes` that the caller owns: a slab
 * view up to 4 KiB, an array of its own above.
 */
export function copied(bytes: Uint8Array, n: number): Uint8Array {
  if (n > SMALL) return bytes.slice(0, n);
  if (used + n > slab.length) {
    slab = new Uint8Array(SLAB);
    used = 0;
  }
  const out = slab.subarray(used, used + n);
  out.set(n === bytes.length ? bytes : bytes.subarray(0, n));
  used += (n + 7) & ~7; // the next result starts 8-aligned, for Float64Array views
  return out;
}

/**
 * Bytes from {@link received} whose buffer may be handed over (transferred,
 * as a byte stream's enqueue does): the bytes themselves where they own their
 * buffer, a copy of their own where they share a slab.
 */
export function transferable(bytes: Uint8Array): Uint8Array {
  return bytes.length > SMALL ? bytes : bytes.slice();
}
