// Byte order and address text conversions: htons & co., inet_*, CMSG_*.

import { native } from "../ffi/mod.ts";
import { argType, cText, pyType, toBuffer, toCInt, toInt, toSsize } from "./_args.ts";
import { OSError, raiseErrno } from "./errors.ts";

const constants = native.constants;

function u16(x: unknown, name: string): number {
  const n = toCInt(x);
  if (n < 0) {
    throw new RangeError(`${name}: can't convert negative Python int to C 16-bit unsigned integer`);
  }
  if (n > 0xffff) {
    throw new RangeError(`${name}: Python int too large to convert to C 16-bit unsigned integer`);
  }
  return ((n & 0xff) << 8) | (n >> 8);
}

function u32(x: unknown): number {
  // An int only (a bool is one), as an unsigned long, then 32 bits.
  if (typeof x !== "number" && typeof x !== "bigint" && typeof x !== "boolean") {
    throw new TypeError(`expected int, ${pyType(x)} found`);
  }
  if (typeof x === "number" && !Number.isInteger(x)) {
    throw new TypeError("expected int, float found");
  }
  const n = toInt(x);
  if (n < 0) throw new RangeError("can't convert negative value to unsigned int");
  if (typeof x === "bigint" ? x >= 2n ** 64n : n >= 2 ** 64) {
    throw new RangeError("Python int too large to convert to C unsigned long");
  }
  if (n > 0xffffffff) throw new RangeError("int larger than 32 bits");
  return (((n & 0xff) << 24) | ((n & 0xff00) << 8) | ((n >>> 8) & 0xff00) | (n >>> 24)) >>> 0;
}

/**
 * Host to network byte order, 16 bits (Python's `socket.htons`).
 *
 * @param x an integer 0-65535
 * @returns x with its two bytes swapped (on little-endian hosts)
 * @throws {RangeError} outside 0-65535
 * @throws {TypeError} for a non-integer
 * @example
 * ```ts
 * import { htons } from "@pysocket/pysocket";
 * console.log(htons(1)); // 256
 * ```
 */
export function htons(x: number): number {
  return u16(x, "htons");
}

/**
 * Network to host byte order, 16 bits (Python's `socket.ntohs`).
 *
 * @param x an integer 0-65535
 * @returns x with its two bytes swapped (on little-endian hosts)
 * @throws {RangeError} outside 0-65535
 * @example
 * ```ts
 * import { ntohs } from "@pysocket/pysocket";
 * console.log(ntohs(256)); // 1
 * ```
 */
export function ntohs(x: number): number {
  return u16(x, "ntohs");
}

/**
 * Host to network byte order, 32 bits (Python's `socket.htonl`).
 *
 * @param x an integer 0-4294967295
 * @returns x with its bytes reversed (on little-endian hosts)
 * @throws {RangeError} outside 0-4294967295
 * @example
 * ```ts
 * import { htonl } from "@pysocket/pysocket";
 * console.log(htonl(1)); // 16777216
 * ```
 */
export function htonl(x: number): number {
  return u32(x);
}

/**
 * Network to host byte order, 32 bits (Python's `socket.ntohl`).
 *
 * @param x an integer 0-4294967295
 * @returns x with its bytes reversed (on little-endian hosts)
 * @throws {RangeError} outside 0-4294967295
 * @example
 * ```ts
 * import { ntohl } from "@pysocket/pysocket";
 * console.log(ntohl(16777216)); // 1
 * ```
 */
export function ntohl(x: number): number {
  return u32(x);
}

function text(v: unknown, fn: string, arg: number): string {
  if (typeof v !== "string") {
    throw new TypeError(`${fn}() argument ${arg} must be str, not ${argType(v)}`);
  }
  return cText(v);
}

/**
 * IPv4 text to 4 packed bytes, accepting every form libc's inet_aton does
 * ("127.1", "0x7f.1", ...). Python's `socket.inet_aton`.
 *
 * @param ip the address text
 * @returns 4 bytes in network order
 * @throws {OSError} "illegal IP address string passed to inet_aton"
 * @example
 * ```ts
 * import { inet_aton } from "@pysocket/pysocket";
 * console.log(inet_aton("127.0.0.1")); // Uint8Array [127, 0, 0, 1]
 * ```
 */
export function inet_aton(ip: string): Uint8Array {
  const r = native.inet_aton(text(ip, "inet_aton", 1));
  if (r === null) throw new OSError("illegal IP address string passed to inet_aton");
  return r;
}

/**
 * 4 packed bytes to dotted IPv4 text. Python's `socket.inet_ntoa`.
 *
 * @param packed exactly 4 bytes
 * @returns the dotted quad
 * @throws {OSError} "packed IP wrong length for inet_ntoa"
 * @example
 * ```ts
 * import { inet_ntoa } from "@pysocket/pysocket";
 * console.log(inet_ntoa(new Uint8Array([10, 0, 0, 1]))); // "10.0.0.1"
 * ```
 */
export function inet_ntoa(packed: ArrayBufferView | ArrayBuffer): string {
  const b = toBuffer(packed);
  if (b.byteLength !== 4) throw new OSError("packed IP wrong length for inet_ntoa");
  return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
}

/**
 * Address text to packed bytes for a family (4 for AF_INET, 16 for
 * AF_INET6). Python's `socket.inet_pton`.
 *
 * @param address_family `AF_INET` or `AF_INET6`
 * @param ip_string the address text
 * @returns the packed address
 * @throws {OSError} "illegal IP address string passed to inet_pton", or EAFNOSUPPORT
 * @example
 * ```ts
 * import { AF_INET6, inet_pton } from "@pysocket/pysocket";
 * console.log(inet_pton(AF_INET6, "::1").length); // 16
 * ```
 */
export function inet_pton(address_family: number, ip_string: string): Uint8Array {
  const family = toCInt(address_family);
  const s = text(ip_string, "inet_pton", 2);
  if (family !== constants.AF_INET && family !== constants.AF_INET6) {
    throw new OSError(native.errnos.EAFNOSUPPORT);
  }
  const r = native.inet_pton(family, s);
  if (r === null) throw new OSError("illegal IP address string passed to inet_pton");
  return r;
}

/**
 * Packed bytes to address text. Python's `socket.inet_ntop`.
 *
 * @param address_family `AF_INET` or `AF_INET6`
 * @param packed_ip 4 or 16 bytes
 * @returns the address text, as the C library writes it
 * @throws {RangeError} for a wrong length or an unknown family
 * @example
 * ```ts
 * import { AF_INET, inet_ntop } from "@pysocket/pysocket";
 * console.log(inet_ntop(AF_INET, new Uint8Array([127, 0, 0, 1]))); // "127.0.0.1"
 * ```
 */
export function inet_ntop(
  address_family: number,
  packed_ip: ArrayBufferView | ArrayBuffer,
): string {
  const family = toCInt(address_family);
  const b = toBuffer(packed_ip);
  const want = family === constants.AF_INET ? 4 : family === constants.AF_INET6 ? 16 : 0;
  if (want === 0) throw new RangeError(`unknown address family ${family}`);
  if (b.byteLength !== want) throw new RangeError("invalid length of packed IP address string");
  const r = native.inet_ntop(family, b);
  if (r === null) raiseErrno();
  return r;
}

const LIMIT = 0x7fffffff;
const hdr = native.sys.cmsgHeader;
const align = (n: number) => Math.ceil(n / native.sys.cmsgAlign) * native.sys.cmsgAlign;

/**
 * The length of a control message carrying `length` data bytes, without
 * trailing padding. Python's `socket.CMSG_LEN`.
 *
 * @param length data bytes
 * @returns the cmsg_len value
 * @throws {RangeError} when out of range
 * @example
 * ```ts
 * import { CMSG_LEN } from "@pysocket/pysocket";
 * console.log(CMSG_LEN(4)); // 20 on Linux x86_64
 * ```
 */
export function CMSG_LEN(length: number | bigint): number {
  const n = toSsize(length);
  if (n < 0 || n > LIMIT - hdr) throw new RangeError("CMSG_LEN() argument out of range");
  return hdr + n;
}

/**
 * The buffer space a control message with `length` data bytes takes, with
 * padding; sum these for `recvmsg`'s `ancbufsize`. Python's `socket.CMSG_SPACE`.
 *
 * @param length data bytes
 * @returns the space in bytes
 * @throws {RangeError} when out of range
 * @example
 * ```ts
 * import { CMSG_SPACE } from "@pysocket/pysocket";
 * console.log(CMSG_SPACE(4)); // 24 on Linux x86_64
 * ```
 */
export function CMSG_SPACE(length: number | bigint): number {
  const n = toSsize(length);
  // Python's bound: CMSG_SPACE(1) counts the padding before and after the data.
  if (n < 0 || n > LIMIT - (align(hdr) + align(1))) {
    throw new RangeError("CMSG_SPACE() argument out of range");
  }
  return align(hdr) + align(n);
}
