// The C data both backends read and write the same way: lengths to pass with
// a buffer, C strings, getaddrinfo's hints and result list, struct hostent,
// getnameinfo's buffers. The layouts that differ come in as arguments.

import type { AddrInfo, HostEnt } from "./native.ts";

const encoder = new TextEncoder();

// A length the C library trusts comes from the view's own slot, through the
// intrinsic getter: a caller can redefine `byteLength` (an own property, a
// subclass's getter), and C would write or read past the view's memory.
const byteLengthGetter = Object.getOwnPropertyDescriptor(
  Object.getPrototypeOf(Uint8Array.prototype),
  "byteLength",
)!.get!;

/** The real length of a Uint8Array, whatever its properties say: what to pass C beside it. */
export function byteLengthOf(view: Uint8Array): number {
  return byteLengthGetter.call(view);
}

/** A NUL-terminated copy of a string for C. */
export function cstr(s: string): Uint8Array {
  return encoder.encode(s + "\0");
}

/** The C string at `p` ("" for NULL). */
export function readCString(p: Deno.PointerValue): string {
  return p === null ? "" : new Deno.UnsafePointerView(p).getCString();
}

/** Where a struct addrinfo keeps the fields whose place differs between systems. */
export interface AddrinfoLayout {
  addrlen: number;
  addr: number;
  canonname: number;
  next: number;
  size: number;
}

/** The fields of a struct addrinfo; pointers as addresses. */
export interface AddrinfoFields {
  flags: number;
  family: number;
  socktype: number;
  protocol: number;
  addrlen: number;
  canonname: bigint;
  addr: bigint;
  next: bigint;
}

/** Codes the hints argument of getaddrinfo. */
export function encodeHints(
  p: { ai: AddrinfoLayout },
  flags: number,
  family: number,
  socktype: number,
  protocol: number,
): Uint8Array {
  const hints = new Uint8Array(p.ai.size);
  const dv = new DataView(hints.buffer);
  dv.setInt32(0, flags, true);
  dv.setInt32(4, family, true);
  dv.setInt32(8, socktype, true);
  dv.setInt32(12, protocol, true);
  return hints;
}

/** Reads one struct addrinfo. */
export function decodeAddrinfo(p: { ai: AddrinfoLayout }, bytes: Uint8Array): AddrinfoFields {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    flags: dv.getInt32(0, true),
    family: dv.getInt32(4, true),
    socktype: dv.getInt32(8, true),
    protocol: dv.getInt32(12, true),
    addrlen: dv.getUint32(p.ai.addrlen, true),
    canonname: dv.getBigUint64(p.ai.canonname, true),
    addr: dv.getBigUint64(p.ai.addr, true),
    next: dv.getBigUint64(p.ai.next, true),
  };
}

/** Where a struct hostent keeps its fields, and how wide its two short ones are. */
export interface HostentLayout {
  aliases: number;
  addrtype: number;
  length: number;
  addrList: number;
  /** h_addrtype and h_length: C ints (4) on POSIX, shorts (2) on Windows. */
  intSize: 2 | 4;
}

/** Reads a struct hostent (gethostbyname's and friends'), copying what it points to. */
export function decodeHostent(h: Deno.UnsafePointerView, layout: HostentLayout): HostEnt {
  const each = (p: Deno.PointerValue, read: (q: Deno.PointerObject) => void) => {
    if (p === null) return;
    const v = new Deno.UnsafePointerView(p);
    for (let i = 0;; i += 8) {
      const q = v.getPointer(i);
      if (q === null) break;
      read(q);
    }
  };
  const int = (off: number) => layout.intSize === 2 ? h.getInt16(off) : h.getInt32(off);
  const aliases: string[] = [];
  each(h.getPointer(layout.aliases), (q) => aliases.push(readCString(q)));
  const addrtype = int(layout.addrtype);
  const length = int(layout.length);
  const addrs: Uint8Array[] = [];
  each(h.getPointer(layout.addrList), (q) => {
    addrs.push(new Uint8Array(Deno.UnsafePointerView.getArrayBuffer(q, length)).slice());
  });
  return { name: readCString(h.getPointer(0)), aliases, addrtype, addrs };
}

/** Reads a getaddrinfo result list from its head, then frees it with `free`. */
export function readAddrinfo(
  head: Deno.PointerValue,
  layout: { ai: AddrinfoLayout },
  free: (head: Deno.PointerObject) => void,
): AddrInfo[] {
  const out: AddrInfo[] = [];
  try {
    for (let cur = head; cur !== null;) {
      const ai = decodeAddrinfo(
        layout,
        new Uint8Array(Deno.UnsafePointerView.getArrayBuffer(cur, layout.ai.size)),
      );
      const ap = Deno.UnsafePointer.create(ai.addr);
      out.push({
        family: ai.family,
        socktype: ai.socktype,
        protocol: ai.protocol,
        canonname: readCString(Deno.UnsafePointer.create(ai.canonname)),
        addr: ap === null || ai.addrlen === 0
          ? new Uint8Array(0)
          : new Uint8Array(Deno.UnsafePointerView.getArrayBuffer(ap, ai.addrlen)).slice(),
      });
      cur = Deno.UnsafePointer.create(ai.next);
    }
  } finally {
    if (head !== null) free(head);
  }
  return out;
}

const decoder = new TextDecoder();

/** The text before the first NUL of a buffer C filled. */
export function bufferText(b: Uint8Array): string {
  const end = b.indexOf(0);
  return decoder.decode(end < 0 ? b : b.subarray(0, end));
}

/**
 * getnameinfo through `call`, which fills a host and a service buffer:
 * [the EAI code (0 on success), host, service].
 */
export function nameinfo(
  call: (host: Uint8Array, hostlen: number, serv: Uint8Array, servlen: number) => number,
): [number, string, string] {
  const host = new Uint8Array(1025);
  const serv = new Uint8Array(32);
  const r = call(host, host.length, serv, serv.length);
  return r === 0 ? [0, bufferText(host), bufferText(serv)] : [r, "", ""];
}
