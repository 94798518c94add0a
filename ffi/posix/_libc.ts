// libc, opened once for the POSIX backend and its pollers: every call saves
// errno in the same step, and the variadic fcntl and ioctl take their
// arguments where the ABI wants them.

import { openLibrary } from "../_library.ts";
import type { Platform } from "./_structs.ts";
import {
  darwinSymbols,
  linuxSymbols,
  symbols,
  variadicArgs,
  variadicOnStack,
  variadicSymbols,
} from "./symbols.ts";

function open(p: Platform) {
  const onStack = variadicOnStack(Deno.build.os, Deno.build.arch);
  const table = p.os === "linux"
    ? { ...symbols, ...variadicSymbols(onStack), ...linuxSymbols }
    : { ...symbols, ...variadicSymbols(onStack), ...darwinSymbols };
  const lib = openLibrary(p.library, table);
  return {
    table,
    onStack,
    raw: lib as
      & typeof lib
      & Partial<Deno.DynamicLibrary<typeof linuxSymbols>["symbols"]>
      & Partial<Deno.DynamicLibrary<typeof darwinSymbols>["symbols"]>,
  };
}

/** libc's symbols as the backend calls them: each saves errno as it returns. */
export type Calls = ReturnType<typeof open>["raw"];

/** libc, with errno kept beside it. */
export interface Libc {
  /** The symbols. */
  readonly c: Calls;
  /** errno as the last call left it. */
  errno(): number;
  /** Sets the saved errno, for a failure found without a call; returns -1. */
  setErrno(code: number): number;
  /** fcntl with an int argument. */
  fcntl(fd: number, cmd: number, arg: number): number;
  /** ioctl with a pointer argument. */
  ioctl(fd: number, req: number, arg: Uint8Array): number;
}

/** Opens the platform's libc. */
export function openLibc(p: Platform): Libc {
  const { table, onStack, raw } = open(p);

  // errno is thread-local; the main thread's slot never moves, so map it once.
  const errnoCell = new Int32Array(
    Deno.UnsafePointerView.getArrayBuffer((raw.__errno_location ?? raw.__error)!()!, 4),
  );
  // errno as the last call left it, saved in the same step as the call: what
  // runs on this thread before a caller gets to read errno (a garbage
  // collection, Deno's own housekeeping) makes system calls of its own that
  // overwrite it (a failed recv once read as ENOENT: bench/NOTES.md).
  let saved = 0;
  // deno-lint-ignore no-explicit-any
  type Fn = (...args: any[]) => any;
  /** `f` with errno saved right after each call: inline, since a call in between could run GC. */
  const saving = (f: Fn, arity: number): Fn => {
    switch (arity) {
      case 0:
        return () => {
          const r = f();
          saved = errnoCell[0];
          return r;
        };
      case 1:
        return (a) => {
          const r = f(a);
          saved = errnoCell[0];
          return r;
        };
      case 2:
        return (a, b) => {
          const r = f(a, b);
          saved = errnoCell[0];
          return r;
        };
      case 3:
        return (a, b, d) => {
          const r = f(a, b, d);
          saved = errnoCell[0];
          return r;
        };
      case 4:
        return (a, b, d, e) => {
          const r = f(a, b, d, e);
          saved = errnoCell[0];
          return r;
        };
      case 5:
        return (a, b, d, e, g) => {
          const r = f(a, b, d, e, g);
          saved = errnoCell[0];
          return r;
        };
      case 6:
        return (a, b, d, e, g, h) => {
          const r = f(a, b, d, e, g, h);
          saved = errnoCell[0];
          return r;
        };
      default:
        return (...args) => {
          const r = f(...args);
          saved = errnoCell[0];
          return r;
        };
    }
  };
  const c = { ...raw };
  for (const [name, def] of Object.entries(table) as [string, Deno.ForeignFunction][]) {
    const f = (raw as Record<string, unknown>)[name];
    if (typeof f === "function" && !def.nonblocking) {
      (c as Record<string, unknown>)[name] = saving(f as Fn, def.parameters.length);
    }
  }

  // See variadicSymbols() in symbols.ts for why the arguments may be padded.
  const fcntlCall = c.fcntl as unknown as (...args: (number | bigint)[]) => number;
  const ioctlCall = c.ioctl as unknown as (...args: (number | bigint | Uint8Array)[]) => number;
  const fcntl = onStack
    ? (fd: number, cmd: number, arg: number) => fcntlCall(...variadicArgs(true, [fd, cmd], arg))
    : (fd: number, cmd: number, arg: number) => fcntlCall(fd, cmd, arg);
  const ioctl = onStack
    ? (fd: number, req: number, arg: Uint8Array) => ioctlCall(...variadicArgs(true, [fd, req], arg))
    : (fd: number, req: number, arg: Uint8Array) => ioctlCall(fd, req, arg);

  return {
    c,
    errno: () => saved,
    setErrno(code) {
      saved = code;
      return -1;
    },
    fcntl,
    ioctl,
  };
}
