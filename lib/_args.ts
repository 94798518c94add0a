// Argument checks that raise what Python raises, with Python's words.

const encoder = new TextEncoder();

/**
 * The Python type name a class gives its instances in messages, where it is
 * not the JS class's name (a `Socket` is Python's `socket`).
 */
export const pyName: unique symbol = Symbol("pysocket.pyName");

const objectProto = Object.prototype;
const GeneratorProto = Object.getPrototypeOf(function* () {}).prototype;

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
    case "symbol":
      return "symbol";
  }
  if (Array.isArray(v)) return "tuple";
  if (v instanceof Uint8Array || v instanceof ArrayBuffer) return "bytes";
  // Other typed arrays are Python's array.array; a DataView, its memoryview.
  if (ArrayBuffer.isView(v)) return v instanceof DataView ? "memoryview" : "array.array";
  const named = (v as { [pyName]?: unknown })[pyName];
  if (typeof named === "string") return named;
  // A plain object is Python's dict; a generator, Python's generator.
  const proto = Object.getPrototypeOf(v);
  if (proto === objectProto) return "dict";
  if (proto !== null && Object.getPrototypeOf(proto) === GeneratorProto) return "generator";
  const name = (v as object).constructor?.name;
  return typeof name === "string" && name !== "" ? name : "object";
}

/**
 * Python's truth value of an option: None, False, 0, NaN excepted (NaN is
 * true in Python), and empty strings, tuples, bytes and dicts are false.
 */
export function truthy(v: unknown): boolean {
  if (v === null || v === undefined) return false;
  switch (typeof v) {
    case "boolean":
      return v;
    case "number":
      return v !== 0;
    case "bigint":
      return v !== 0n;
    case "string":
      return v.length > 0;
  }
  if (Array.isArray(v)) return v.length > 0;
  if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return (bytesOf(v) ?? []).length > 0;
  if (Object.getPrototypeOf(v) === objectProto) return Object.keys(v as object).length > 0;
  return true;
}

/**
 * Python's name for an argument's type in PyArg messages ("argument 1 must
 * be str, not None"), which call None by its value.
 */
export function argType(v: unknown): string {
  return v === null || v === undefined ? "None" : pyType(v);
}

const PRINTABLE = /[^\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]|[ ]/u;

/** Python's repr() of a str: quoted, with what is not printable escaped as Python escapes it. */
function strRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === quote || ch === "\\") out += "\\" + ch;
    else if (ch === "\t") out += "\\t";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (PRINTABLE.test(ch)) out += ch;
    else if (c < 0x100) out += "\\x" + c.toString(16).padStart(2, "0");
    else if (c < 0x10000) out += "\\u" + c.toString(16).padStart(4, "0");
    else out += "\\U" + c.toString(16).padStart(8, "0");
  }
  return out + quote;
}

/**
 * Python's `repr()` of a value, as a ported program prints one: what pysocket
 * returns (bytes as `b'...'`, addresses as tuples, sockets and enum members
 * as Python shows them) and what its error messages quote. Exact for None,
 * bools, numbers, str, bytes and tuples; any other object is named by its
 * type, where Python would add its address.
 *
 * @param v the value
 * @returns its Python repr
 * @example
 * ```ts
 * import { repr, socketpair } from "@pysocket/pysocket";
 * const [a, b] = socketpair();
 * a.sendall("it's\n");
 * console.log("Received", repr(b.recv(1024))); // Received b"it's\n"
 * a.close();
 * b.close();
 * ```
 */
export function repr(v: unknown): string {
  if (v === null || v === undefined) return "None";
  switch (typeof v) {
    case "boolean":
      return v ? "True" : "False";
    case "bigint":
      return String(v);
    case "number":
      if (Number.isNaN(v)) return "nan";
      if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
      return Number.isInteger(v) ? BigInt(v).toString() : String(v);
    case "string":
      return strRepr(v);
  }
  if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer || v instanceof SharedArrayBuffer) {
    let b: Uint8Array;
    try {
      b = bytesOf(v)!;
    } catch {
      return "<released memory>";
    }
    if (v instanceof DataView) return "<memoryview object>";
    const code = typedArrayName.call(v) as string | undefined;
    if (code !== undefined && code !== "Uint8Array") {
      // Python's array.array, by its type code.
      const codes: Record<string, string> = {
        Int8Array: "b",
        Uint8ClampedArray: "B",
        Int16Array: "h",
        Uint16Array: "H",
        Int32Array: "i",
        Uint32Array: "I",
        Float32Array: "f",
        Float64Array: "d",
        BigInt64Array: "q",
        BigUint64Array: "Q",
      };
      const values = b.byteLength ? [...typedValues.call(v)].map(repr) : [];
      return `array('${codes[code] ?? "B"}'${values.length ? `, [${values.join(", ")}]` : ""})`;
    }
    const quote = b.includes(0x27) && !b.includes(0x22) ? 0x22 : 0x27;
    let s = "b" + String.fromCharCode(quote);
    for (const c of b) {
      if (c === 0x5c || c === quote) s += "\\" + String.fromCharCode(c);
      else if (c === 0x09) s += "\\t";
      else if (c === 0x0a) s += "\\n";
      else if (c === 0x0d) s += "\\r";
      else if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
      else s += "\\x" + c.toString(16).padStart(2, "0");
    }
    return s + String.fromCharCode(quote);
  }
  if (Array.isArray(v)) {
    const items = Array.from(v, repr); // holes too: undefined is None
    return items.length === 1 ? `(${items[0]},)` : `(${items.join(", ")})`;
  }
  if (Object.getPrototypeOf(v) === objectProto) {
    const entries = Object.entries(v as object).map(([k, x]) => `${repr(k)}: ${repr(x)}`);
    return `{${entries.join(", ")}}`; // a dict
  }
  // A pysocket object has Python's repr (a socket's); others are named by type.
  const inspect = (v as Record<symbol, unknown>)[Symbol.for("Deno.customInspect")];
  if (typeof inspect === "function") return String(inspect.call(v));
  return `<${pyType(v)} object>`;
}

/** An integer argument (Python's `__index__`): numbers that are integers, bigints
 * and booleans. */
export function toInt(v: unknown): number {
  // + 0 makes -0 a 0: Deno's FFI refuses -0 for an integer argument.
  if (typeof v === "number" && Number.isInteger(v)) return v + 0;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "boolean") return v ? 1 : 0;
  throw new TypeError(`'${pyType(v)}' object cannot be interpreted as an integer`);
}

/** Whether an integer argument fits a C long (64 bits), bigints compared exactly. */
function fitsLong(v: unknown, n: number): boolean {
  if (typeof v === "bigint") return v >= -(2n ** 63n) && v < 2n ** 63n;
  return n >= -(2 ** 63) && n < 2 ** 63;
}

/** A C long argument (PyLong_AsLong). */
export function toCLong(v: unknown): number {
  const n = toInt(v);
  if (!fitsLong(v, n)) throw new RangeError("Python int too large to convert to C long");
  return n;
}

/** A C int argument as PyArg_ParseTuple's "i" takes it: an integer that fits in 32 bits. */
export function toCInt(v: unknown): number {
  if (typeof v === "number" && (v | 0) === v) return v | 0; // the common case, checked cheaply
  const n = toCLong(v);
  if (n > 0x7fffffff) throw new RangeError("signed integer is greater than maximum");
  if (n < -0x80000000) throw new RangeError("signed integer is less than minimum");
  return n;
}

/** A C int argument as Argument Clinic takes it (_PyLong_AsInt), with its one message. */
export function toClinicInt(v: unknown): number {
  if (typeof v === "number" && (v | 0) === v) return v | 0;
  const n = toInt(v);
  if (n > 0x7fffffff || n < -0x80000000) {
    throw new RangeError("Python int too large to convert to C int");
  }
  return n;
}

/** A C unsigned int as PyArg's "I" takes it: any integer, its bits above 32 dropped. */
export function toUInt32Mask(v: unknown): number {
  if (typeof v === "number" && v >>> 0 === v) return v >>> 0;
  if (typeof v === "bigint") return Number(BigInt.asUintN(32, v));
  return toInt(v) >>> 0; // ToUint32 takes the exact value modulo 2**32
}

/** A Py_ssize_t argument that sizes no buffer (CMSG_LEN's): any integer of 64 bits. */
export function toSsize(v: unknown): number {
  const n = toInt(v);
  if (!fitsLong(v, n)) throw new RangeError("Python int too large to convert to C ssize_t");
  return n;
}

/** A size argument (Py_ssize_t). */
export function toSize(v: unknown): number {
  const n = toInt(v);
  // Above 2**53, where JS's exact integers end, no buffer can be had either
  // (Python fails to allocate one); a negative size is the caller's to refuse.
  if (!fitsLong(v, n) || n > Number.MAX_SAFE_INTEGER) {
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
  try {
    if (typedArrayName.call(v) !== undefined) {
      return new Uint8Array(typedBuffer.call(v), typedOffset.call(v), typedLength.call(v));
    }
    if (ArrayBuffer.isView(v)) {
      return new Uint8Array(viewBuffer.call(v), viewOffset.call(v), viewLength.call(v));
    }
    if (v instanceof ArrayBuffer || v instanceof SharedArrayBuffer) return new Uint8Array(v);
  } catch (e) {
    // A detached buffer (transferred away) has no memory to read or fill:
    // Python's released memoryview.
    if (detached(v)) throw new RangeError("operation forbidden on released memoryview object");
    throw e;
  }
  return null;
}

const bufferDetached = getter(ArrayBuffer.prototype, "detached");

/** Whether a view's buffer, or a buffer, has been detached. */
function detached(v: unknown): boolean {
  try {
    const buffer = typedArrayName.call(v) !== undefined
      ? typedBuffer.call(v)
      : ArrayBuffer.isView(v)
      ? viewBuffer.call(v)
      : v;
    return bufferDetached.call(buffer) === true;
  } catch {
    return false; // a SharedArrayBuffer, which cannot be detached
  }
}

const typedValues = TypedArray.values as (this: unknown) => Iterable<unknown>;

/**
 * The items of an iterable argument, as Python's sequence protocol reads
 * them, or a TypeError with `message` for what is not iterable. A view's
 * items are its elements (a DataView's, its bytes), read from the engine's
 * slots; a detached one is Python's released memoryview.
 */
export function items(v: unknown, message: string): unknown[] {
  // A plain object is Python's dict, whose items are its keys.
  if (v !== null && typeof v === "object" && Object.getPrototypeOf(v) === objectProto) {
    return Object.keys(v);
  }
  if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer || v instanceof SharedArrayBuffer) {
    const bytes = bytesOf(v)!;
    if (bytes.byteLength === 0 || typedArrayName.call(v) === undefined) return [...bytes];
    return [...typedValues.call(v)];
  }
  if (typeof (v as Iterable<unknown> | null)?.[Symbol.iterator] !== "function") {
    throw new TypeError(message);
  }
  return [...(v as Iterable<unknown>)];
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
  throw new TypeError(
    `${caller}() argument 1 must be read-write bytes-like object, not ${argType(v)}`,
  );
}

/**
 * The part of a writable buffer that a `*_into` call fills: the first
 * `nbytes` bytes, or all of it for 0. With `flags`, those are converted too,
 * in Python's order (buffer, nbytes, flags, then the checks), and returned
 * beside the view.
 */
export function intoView(
  buffer: unknown,
  nbytes: number,
  caller: string,
  tooBig: string,
): Uint8Array;
export function intoView(
  buffer: unknown,
  nbytes: number,
  caller: string,
  tooBig: string,
  flags: unknown,
): [Uint8Array, number];
export function intoView(
  buffer: unknown,
  nbytes: number,
  caller: string,
  tooBig: string,
  flags?: unknown,
): Uint8Array | [Uint8Array, number] {
  const buf = toWritable(buffer, caller);
  const n = toSize(nbytes);
  const f = arguments.length > 4 ? toCInt(flags) : 0;
  if (n < 0) throw new RangeError(`negative buffersize in ${caller}`);
  if (n > buf.byteLength) throw new RangeError(tooBig);
  const view = n === 0 || n === buf.byteLength ? buf : buf.subarray(0, n);
  return arguments.length > 4 ? [view, f] : view;
}

/**
 * Seconds, as Python reads a timeout: a number (a bool is 0 or 1), or null,
 * of any sign. A JS number is Python's float; a bigint, Python's int.
 */
export function toSeconds(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v !== "number" && typeof v !== "bigint") {
    throw new TypeError(`'${pyType(v)}' object cannot be interpreted as an integer`);
  }
  const t = Number(v);
  if (Number.isNaN(t)) throw new RangeError("Invalid value NaN (not a number)");
  // Python keeps time in 64-bit nanoseconds: about 292 years either way.
  if (!(t * 1e9 < 2 ** 63 && t * 1e9 >= -(2 ** 63))) {
    throw new RangeError(
      typeof v === "bigint"
        ? "timestamp too large to convert to C _PyTime_t"
        : "timestamp out of range for platform time_t",
    );
  }
  return t;
}

/** A timeout in seconds: a number ≥ 0 (a bool is 0 or 1), or null. */
export function toTimeout(v: unknown): number | null {
  const t = toSeconds(v);
  if (t !== null && t < 0) throw new RangeError("Timeout value out of range");
  return t;
}

/**
 * Text bound for C, where a NUL would end it early: Python's ValueError
 * "embedded null character" (RangeError here) for one inside.
 */
export function cText(s: string, message = "embedded null character"): string {
  utf8(s);
  if (s.includes("\0")) throw new RangeError(message);
  return s;
}

const SURROGATES = /(?:[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff])+/;

/**
 * Text that Python encodes as strict UTF-8 (for C, for a text file): a lone
 * surrogate cannot be, and is Python's UnicodeEncodeError (a RangeError here).
 */
export function utf8(s: string): string {
  const run = SURROGATES.exec(s);
  if (run === null) return s;
  // Python counts code points: a pair before the run is one.
  const start = [...s.slice(0, run.index)].length;
  const where = run[0].length === 1
    ? `character '\\u${run[0].charCodeAt(0).toString(16)}' in position ${start}`
    : `characters in position ${start}-${start + run[0].length - 1}`;
  throw new RangeError(`'utf-8' codec can't encode ${where}: surrogates not allowed`);
}

/**
 * A file-system-style name as Python's PyUnicode_FSConverter takes it: a str
 * (as UTF-8, without NUL) or bytes (without NUL, unless `bytesAsIs`).
 */
export function fsName(v: unknown, bytesAsIs = false): Uint8Array {
  if (typeof v === "string") {
    if (v.includes("\0")) throw new RangeError("embedded null byte");
    return encoder.encode(v);
  }
  if (v instanceof Uint8Array) {
    if (!bytesAsIs && v.includes(0)) throw new RangeError("embedded null byte");
    return v;
  }
  throw new TypeError(`expected str, bytes or os.PathLike object, not ${pyType(v)}`);
}

/** Whether a value is a Python int: an integral number, a bigint or a bool. */
export function isInt(v: unknown): v is number {
  return Number.isInteger(v) || typeof v === "bigint" || typeof v === "boolean";
}
