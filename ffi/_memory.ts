// What the POSIX and Windows backends share: opening a library with a clear
// error when FFI is not allowed, and reading what C returns through
// pointers (C strings, getaddrinfo's result list, getnameinfo's buffers).

import type { AddrInfo } from "./native.ts";
import { decodeAddrinfo, type Platform } from "./posix/_structs.ts";

const encoder = new TextEncoder();

/**
 * Deno.dlopen, after asking for the ffi permission. Asking first, for all of
 * ffi, is what makes Deno's prompt work: when dlopen itself prompts for a
 * library by name, Deno grants it and then looks for the name in the current
 * folder ("Could not open library: <cwd>/libc.so.6").
 */
export function openLibrary<S extends Deno.ForeignLibraryInterface>(
  name: string,
  symbols: S,
): Deno.DynamicLibrary<S>["symbols"] {
  let state = Deno.permissions.querySync({ name: "ffi" }).state;
  if (state === "prompt") state = Deno.permissions.requestSync({ name: "ffi" }).state;
  if (state !== "granted") throw ffiRefused();
  try {
    return Deno.dlopen(name, symbols).symbols;
  } catch (e) {
    if (e instanceof Deno.errors.NotCapable || e instanceof Deno.errors.PermissionDenied) {
      throw ffiRefused();
    }
    throw e;
  }
}

/**
 * The error for a Deno without FFI: one line that names the flag. Its stack
 * is that line alone, since the frames (module loading) would only hide it.
 */
function ffiRefused(): Error {
  const e = new Error(
    "pysocket calls the system's socket library through FFI: run Deno with --allow-ffi",
  );
  e.stack = `${e.name}: ${e.message}`;
  return e;
}

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

/** Reads a getaddrinfo result list from its head, then frees it with `free`. */
export function readAddrinfo(
  head: Deno.PointerValue,
  layout: Pick<Platform, "ai">,
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
