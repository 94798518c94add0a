// Argument checks that raise what Python raises, with Python's words.

const encoder = new TextEncoder();

/** Python's name for the type of a JS value, for error messages. */
export function pyType(v: unknown): string {
  if (v === null || v === undefined) return "NoneType";
  switch (typeof v) {
    case "string":
      return "str";
    case "number":
      return Number.isInteger(v) ? "int" : "float";
    case "bigint":
      return "int";
    case "boolean":
      return "bool";
    case "function":
      return "function";
  }
  if (Array.isArray(v)) return "tuple";
  if (v instanceof Uint8Array || v instanceof ArrayBuffer) return "bytes";
  if (ArrayBuffer.isView(v)) return "memoryview";
  return (v as object).constructor?.name ?? "object";
}

/** An integer argument (Python's `__index__`): numbers that are integers, bigints
 * and booleans. */
export function toInt(v: unknown): number {
  if (typeof v === "number" && Number.isInteger(v)) return v;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "boolean") return v ? 1 : 0;
  throw new TypeError(`'${pyType(v)}' object cannot be interpreted as an integer`);
}

/** A C int argument: an integer that fits in 32 bits. */
export function toCInt(v: unknown): number {
  if (typeof v === "number" && (v | 0) === v) return v; // the common case, checked cheaply
  const n = toInt(v);
  if (n > 0x7fffffff) throw new RangeError("signed integer is greater than maximum");
  if (n < -0x80000000) throw new RangeError("signed integer is less than minimum");
  return n;
}

/** A C unsigned int argument. */
export function toCUInt(v: unknown): number {
  const n = toInt(v);
  if (n < 0) throw new RangeError("can't convert negative value to unsigned int");
  if (n > 0xffffffff) throw new RangeError("Python int too large to convert to C unsigned long");
  return n;
}

/** A size argument (Py_ssize_t). */
export function toSize(v: unknown): number {
  const n = toInt(v);
  if (!Number.isSafeInteger(n) || Math.abs(n) >= 2 ** 63) {
    throw new RangeError("Python int too large to convert to C ssize_t");
  }
  return n;
}

// A caller's view is read through the intrinsic getters, from the engine's
// own slots: `byteLength`, `byteOffset` and `buffer` can be redefined on a
// view (an own property, a subclass's getter), and the lengths pysocket
// loops over and hands to C must be the view's real ones.
const getter = (proto: object, key: PropertyKey) =>
  Object.getOwnPropertyDescriptor(proto, key)!.get!;
const TypedArray = Object.getPrototypeOf(Uint8Array.prototype);
const typedArrayName = getter(TypedArray, Symbol.toStringTag);
const typedBuffer = getter(TypedArray, "buffer");
const typedOffset = getter(TypedArray, "byteOffset");
const typedLength = getter(TypedArray, "byteLength");
const viewBuffer = getter(DataView.prototype, "buffer");
const viewOffset = getter(DataView.prototype, "byteOffset");
const viewLength = getter(DataView.prototype, "byteLength");

/**
 * The bytes of a view or buffer, as a Uint8Array made here over the same
 * memory (none of the caller's properties read), or null for anything else.
 */
function bytesOf(v: unknown): Uint8Array | null {
  if (typedArrayName.call(v) !== undefined) {
    return new Uint8Array(typedBuffer.call(v), typedOffset.call(v), typedLength.call(v));
  }
  if (ArrayBuffer.isView(v)) {
    return new Uint8Array(viewBuffer.call(v), viewOffset.call(v), viewLength.call(v));
  }
  if (v instanceof ArrayBuffer || v instanceof SharedArrayBuffer) return new Uint8Array(v);
  return null;
}

/** Data to send: views and buffers as their bytes, strings as UTF-8. */
export function toBytes(v: unknown): Uint8Array {
  if (typeof v === "string") return encoder.encode(v);
  const bytes = bytesOf(v);
  if (bytes === null) throw new TypeError(`a bytes-like object is required, not '${pyType(v)}'`);
  return bytes;
}

/** A bytes-like argument where Python takes no string (packed addresses, option values). */
export function toBuffer(v: unknown): Uint8Array {
  if (typeof v === "string") throw new TypeError("a bytes-like object is required, not 'str'");
  return toBytes(v);
}

/** Whether `v` is a view or a buffer: what the `*_into` calls can write into. */
export function isBytesLike(v: unknown): v is ArrayBufferView | ArrayBuffer | SharedArrayBuffer {
  return ArrayBuffer.isView(v) || v instanceof ArrayBuffer || v instanceof SharedArrayBuffer;
}

/**
 * A writable buffer argument (recv_into and friends): any view or buffer, and
 * nothing else, in Python's words ("argument 1 must be read-write bytes-like
 * object, not str").
 */
function toWritable(v: unknown, caller: string): Uint8Array {
  const bytes = typeof v === "string" ? null : bytesOf(v);
  if (bytes !== null) return bytes;
  const type = v === null || v === undefined ? "None" : pyType(v);
  throw new TypeError(`${caller}() argument 1 must be read-write bytes-like object, not ${type}`);
}

/**
 * The part of a writable buffer that a `*_into` call fills: the first
 * `nbytes` bytes, or all of it for 0.
 */
export function intoView(
  buffer: unknown,
  nbytes: number,
  caller: string,
  tooBig: string,
): Uint8Array {
  const buf = toWritable(buffer, caller);
  const n = toSize(nbytes);
  if (n < 0) throw new RangeError(`negative buffersize in ${caller}`);
  if (n > buf.byteLength) throw new RangeError(tooBig);
  return n === 0 || n === buf.byteLength ? buf : buf.subarray(0, n);
}

/** A timeout in seconds: a finite number ≥ 0, or null. */
export function toTimeout(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== "number" && typeof v !== "bigint") {
    throw new TypeError(`'${pyType(v)}' object cannot be interpreted as an integer`);
  }
  const t = Number(v);
  if (Number.isNaN(t)) throw new RangeError("Invalid value NaN (not a number)");
  if (t < 0) throw new RangeError("Timeout value out of range");
  // Python keeps time in 64-bit nanoseconds: about 292 years.
  if (!(t * 1e9 < 2 ** 63)) throw new RangeError("timestamp out of range for platform time_t");
  return t;
}

/**
 * Text bound for C, where a NUL would end it early: Python's ValueError
 * "embedded null character" (RangeError here) for one inside.
 */
export function cText(s: string, message = "embedded null character"): string {
  if (s.includes("\0")) throw new RangeError(message);
  return s;
}
