// The fuzz suite's child process: runs cases in pysocket, one after another,
// and prints one JSON line per case (its outcome, the descriptors it left
// open, the guard bytes it overwrote). A crash kills this process, not the
// test runner, which then names the case that was running.
//
// Usage: DENO_NO_UPDATE_CHECK=1 deno run --allow-all tests/_fuzz_child.ts <cases.json>
// (Deno's update check opens descriptors of its own some seconds in). A
// case calling "__crash__" aborts the process: the test of the crash path.

import * as socket from "../mod.ts";
import {
  ASYNC,
  type Call,
  type Case,
  EOF_DATA,
  FUNCS,
  type ObjClass,
  PAIR_DATA,
  type Receiver,
  targetOf,
  type V,
} from "./_fuzz_model.ts";
import { openFds } from "./_helpers.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

/** What a hostile getter or trap throws: Python's `class Boom(Exception)`. */
class Boom extends Error {
  override name = "Boom";
}

const { tmp, run, cases } = JSON.parse(Deno.readTextFileSync(Deno.args[0])) as {
  tmp: string;
  run: string;
  cases: Case[];
};

// A relative AF_UNIX path binds in the working directory: the temporary one,
// emptied after every case.
Deno.chdir(tmp);

const GUARD = 0xa5;
/** Memory around the views handed to pysocket, which no call may write. */
interface Guard {
  bytes: Uint8Array;
  from: number;
  to: number;
}

/** A class of the given name (no integer, buffer or string protocol), as Python's `class X: pass`. */
const named = (name: string, body: object = {}) => {
  const cls = { [name]: class {} }[name];
  Object.assign(cls.prototype, body);
  return cls;
};
const Index = named("Index", {
  valueOf: () => 80,
  toString: () => "80",
  [Symbol.toPrimitive]: () => 80,
});
const Fileno = named("Fileno");
const ObjectClass = named("Object", { valueOf: () => 1 });

function obj(k: ObjClass): unknown {
  switch (k) {
    case "Object":
      return new ObjectClass();
    case "Number":
      return new Number(80);
    case "String":
      return new String("127.0.0.1");
    case "Symbol":
      return Object(Symbol("fuzz"));
    case "function":
      return () => 0;
    case "Date":
      return new Date(0);
    case "Index":
      return new Index();
    case "object":
      return Object.create(null);
    case "generator":
      return (function* () {})();
  }
}

const hexBytes = (hex: string) => {
  if (hex.startsWith("0*")) return new Uint8Array(Number(hex.slice(2)));
  const b = new Uint8Array(hex.length / 2);
  for (let i = 0; i < b.length; i++) b[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return b;
};

/** The memory of a view with guard bytes before and after: [buffer, offset]. */
function guarded(content: Uint8Array, guards: Guard[], before = 8): [ArrayBuffer, number] {
  const all = new Uint8Array(before + content.length + 8).fill(GUARD);
  all.set(content, before);
  guards.push({ bytes: all, from: before, to: before + content.length });
  return [all.buffer, before];
}

const boomTraps: ProxyHandler<object> = {};
for (
  const trap of [
    "get",
    "set",
    "has",
    "ownKeys",
    "getOwnPropertyDescriptor",
    "defineProperty",
    "deleteProperty",
    "getPrototypeOf",
    "setPrototypeOf",
    "isExtensible",
    "preventExtensions",
    "apply",
    "construct",
  ] as const
) {
  (boomTraps as Any)[trap] = () => {
    throw new Boom();
  };
}

interface Env {
  s: socket.Socket;
  p: socket.Socket | null;
  guards: Guard[];
}

function build(v: V, env: Env): unknown {
  switch (v[0]) {
    case "int":
      return Number(v[1]);
    case "big":
      return BigInt(v[1]);
    case "float":
      return v[1] === "nan"
        ? NaN
        : v[1] === "inf"
        ? Infinity
        : v[1] === "-inf"
        ? -Infinity
        : Number(v[1]);
    case "str":
      return v[1];
    case "bytes":
    case "bytearray":
      return hexBytes(v[1]);
    case "i32":
      return Int32Array.from(v[1]);
    case "none":
      return null;
    case "undef":
      return undefined;
    case "bool":
      return v[1];
    case "tuple":
      return v[1].map((x) => build(x, env));
    case "dict":
      return Object.fromEntries(v[1].map(([k, x]) => [k, build(x, env)]));
    case "obj":
      return obj(v[1]);
    case "fileno": {
      const f = new Fileno() as Any;
      const inner = v[1] === "boom" ? null : build(v[1], env);
      f.fileno = () => {
        if (v[1] === "boom") throw new Boom();
        return inner;
      };
      return f;
    }
    case "sock":
      if (v[1] === "self") return env.s;
      if (v[1] === "peer") return env.p;
      {
        const c = socket.socket();
        c.close();
        return c;
      }
    case "fd":
      return v[1] === "self" ? env.s.fileno() : env.p!.fileno();
    case "file":
      return "/etc/hostname";
    case "path":
      return `${tmp}/${v[1]}`;
    case "abstract":
      return `\0${run}${v[1]}`;
    case "const":
      return (socket as Any)[v[1]];
    case "js":
      return hostile(v[1], v[2], env);
  }
}

function hostile(kind: string, inner: V | undefined, env: Env): unknown {
  const content = () => hexBytes((inner as ["bytearray", string])[1]);
  switch (kind) {
    case "proxy":
      return new Proxy(build(inner!, env) as object, {});
    case "frozen":
      return Object.freeze(build(inner!, env));
    case "hole": {
      const a = new Array(2);
      a[1] = build(inner!, env);
      return a;
    }
    case "sparse":
      return new Array(100000);
    case "spoof": {
      const [buf, off] = guarded(content(), env.guards);
      const view = new Uint8Array(buf, off, buf.byteLength - off - 8);
      const big = { get: () => 1 << 20 };
      return Object.defineProperties(view, {
        byteLength: big,
        length: big,
        byteOffset: { value: 0 },
        buffer: { value: new ArrayBuffer(1 << 20) },
      });
    }
    case "subclass": {
      class Sneaky extends Uint8Array {
        override get byteLength() {
          return 1 << 20;
        }
        override get length() {
          return 1 << 20;
        }
        override get byteOffset() {
          return 0;
        }
        override get buffer() {
          return new ArrayBuffer(1 << 20);
        }
      }
      const [buf, off] = guarded(content(), env.guards);
      return new Sneaky(buf, off, buf.byteLength - off - 8);
    }
    case "shared": {
      const c = content();
      const view = new Uint8Array(new SharedArrayBuffer(c.length));
      view.set(c);
      return view;
    }
    case "growable": {
      const c = content();
      const ab = new ArrayBuffer(c.length, { maxByteLength: c.length + 16 });
      const view = new Uint8Array(ab);
      view.set(c);
      return view;
    }
    case "dataview": {
      const [buf, off] = guarded(content(), env.guards);
      return new DataView(buf, off, buf.byteLength - off - 8);
    }
    case "arraybuffer":
      return content().buffer;
    case "offset": {
      const [buf, off] = guarded(content(), env.guards, 7);
      return new Uint8Array(buf, off, buf.byteLength - off - 8);
    }
    case "detached": {
      const view = content();
      view.buffer.transfer();
      return view;
    }
    case "detachedAB": {
      const ab = content().buffer;
      ab.transfer();
      return ab;
    }
    case "oob": {
      const n = content().length;
      const ab = new ArrayBuffer(n + 8, { maxByteLength: n + 8 });
      const view = new Uint8Array(ab, 4, n);
      ab.resize(2);
      return view;
    }
    case "throwIndex": {
      const a = build(inner!, env) as unknown[];
      Object.defineProperty(a, 0, {
        get() {
          throw new Boom();
        },
      });
      return a;
    }
    case "throwLength":
      return new Proxy(build(inner!, env) as object, {
        get(t, k, r) {
          if (k === "length") throw new Boom();
          return Reflect.get(t, k, r);
        },
      });
    case "throwProxy":
      return new Proxy([], boomTraps);
    case "throwIter":
      return {
        [Symbol.iterator]() {
          throw new Boom();
        },
      };
    case "throwPrim": {
      const boom = () => {
        throw new Boom();
      };
      return { valueOf: boom, toString: boom, [Symbol.toPrimitive]: boom };
    }
    case "symbol":
      return Symbol("fuzz");
  }
  throw new Error(`unknown hostile kind ${kind}`);
}

const enc = (s: string) => new TextEncoder().encode(s);

function make(kind: Receiver): [socket.Socket, socket.Socket | null] {
  const { AF_INET, AF_INET6, AF_UNIX, SOCK_STREAM, SOCK_DGRAM } = socket;
  let s: socket.Socket;
  let p: socket.Socket | null = null;
  switch (kind) {
    case "tcp4":
      s = socket.socket(AF_INET, SOCK_STREAM);
      break;
    case "tcp6":
      s = socket.socket(AF_INET6, SOCK_STREAM);
      break;
    case "udp4":
      s = socket.socket(AF_INET, SOCK_DGRAM);
      break;
    case "udp6":
      s = socket.socket(AF_INET6, SOCK_DGRAM);
      break;
    case "unix":
      s = socket.socket(AF_UNIX, SOCK_STREAM);
      break;
    case "unixd":
      s = socket.socket(AF_UNIX, SOCK_DGRAM);
      break;
    case "pair":
      [s, p] = socket.socketpair();
      p.sendall(enc(PAIR_DATA));
      p.setblocking(false);
      break;
    case "upair":
      [s, p] = socket.socketpair(AF_UNIX, SOCK_DGRAM);
      p.send(enc("first"));
      p.send(enc("second"));
      p.setblocking(false);
      break;
    case "eof":
      [s, p] = socket.socketpair();
      p.sendall(enc(EOF_DATA));
      p.shutdown(socket.SHUT_WR);
      return [s, p];
    case "listen4":
      s = socket.socket();
      s.bind(["127.0.0.1", 0]);
      s.listen();
      break;
    case "udp4t":
      s = socket.socket(AF_INET, SOCK_DGRAM);
      s.settimeout(0.002);
      return [s, p];
    case "blocking":
      return [socket.socket(), p];
    case "closed":
      s = socket.socket();
      s.close();
      return [s, p];
    case "detached":
      s = socket.socket();
      socket.close(s.detach());
      return [s, p];
  }
  s.setblocking(false);
  return [s, p];
}

const hexOf = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

/** A result as JSON, as the Python harness writes it. */
function norm(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case "boolean":
    case "string":
      return v;
    case "number":
      if (Number.isNaN(v)) return "nan";
      if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
      return Number.isInteger(v) && Math.abs(v) >= 2 ** 53 ? { int: BigInt(v).toString() } : v;
    case "bigint":
      return v >= -(2n ** 53n) && v <= 2n ** 53n ? Number(v) : { int: v.toString() };
  }
  if (v instanceof Uint8Array) return { bytes: hexOf(v) };
  if (Array.isArray(v)) return v.map(norm);
  if (v instanceof socket.Socket) return "<socket>";
  return `<${(v as object).constructor?.name}>`;
}

/** Closes what a call returned: sockets, files, descriptors from detach() and dup(). */
function dispose(v: unknown, name: string): void {
  if (v instanceof socket.Socket || v instanceof socket.SocketFile) v.close();
  else if (Array.isArray(v)) v.forEach((x) => dispose(x, ""));
  else if (typeof v === "number" && (name === "detach" || name === "dup") && v > 2) {
    try {
      socket.close(v);
    } catch {
      // not open
    }
  }
}

/** An outcome: [index of the call that threw, class, errno, message], or [-1, "OK", value]. */
type Out = [number, string, number | null, string] | [-1, "OK", unknown] | [-1, "PENDING"];

const PROPERTIES = new Set(["family", "type", "proto", "timeout"]);

function args(call: Call, env: Env, options?: number, signal?: AbortSignal): unknown[] {
  const list = call.args.map((v) => build(v, env));
  if (options === undefined || (!call.kw && !signal)) return list;
  while (list.length < options) list.push(undefined);
  const opts: Record<string, unknown> = {};
  for (const [k, v] of call.kw ?? []) opts[k] = build(v, env);
  if (signal) opts.signal = signal;
  list.push(opts);
  return list;
}

/** How long an async call may stay pending before it counts as waiting (as in Python). */
const BOUND_MS = 30;

/** What an async function threw at the call, where it must return a rejected promise. */
let thrownAtCall = false;

async function bounded(make: (signal: AbortSignal) => unknown): Promise<unknown> {
  const stop = new AbortController();
  let p: Promise<unknown>;
  try {
    p = Promise.resolve(make(stop.signal));
  } catch (e) {
    thrownAtCall = true;
    throw e;
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const pending = Symbol("pending");
  const first = await Promise.race([
    p,
    new Promise((r) => timer = setTimeout(() => r(pending), BOUND_MS)),
  ]).finally(() => clearTimeout(timer));
  if (first !== pending) return first;
  stop.abort();
  // Aborted, the call must settle at once.
  let late: ReturnType<typeof setTimeout> | undefined;
  const settled = await Promise.race([
    p.then(() => "resolved", () => "rejected"),
    new Promise((r) => late = setTimeout(() => r("hung"), 2000)),
  ]).finally(() => clearTimeout(late));
  if (settled === "hung") throw new Error("an aborted async call did not settle in 2 s");
  return PENDING;
}
const PENDING = Symbol("PENDING");

/** Empties the directory: removed and made again (a name may not be UTF-8, which Deno cannot name). */
function removeAll(dir: string): void {
  for (const _ of Deno.readDirSync(dir)) {
    Deno.removeSync(dir, { recursive: true });
    Deno.mkdirSync(dir);
    Deno.chdir(dir);
    return;
  }
}

async function runCase(
  c: Case,
): Promise<{ out: Out; guard: string | null; sync: boolean }> {
  thrownAtCall = false;
  const [s, p] = make(c.recv);
  const env: Env = { s, p, guards: [] };
  let file: socket.SocketFile | null = null;
  let out: Out | null = null;
  const steps: [Call, "prior" | "open" | "call"][] = [
    ...c.prior.map((k): [Call, "prior"] => [k, "prior"]),
    ...(c.open ? [[c.open, "open"] as [Call, "open"]] : []),
    [c.call, "call"],
  ];
  try {
    for (let i = 0; i < steps.length; i++) {
      const [call, role] = steps[i];
      let r: unknown;
      try {
        if (role === "open") {
          file = s.makefile(...(args(call, env) as [Any, Any]));
          continue;
        }
        if (role === "prior" || c.kind === "method") {
          r = PROPERTIES.has(call.name)
            ? (s as Any)[call.name]
            : (s as Any)[call.name](...args(call, env));
        } else if (c.kind === "func") {
          r = (socket as Any)[call.name](...args(call, env, FUNCS[call.name].options));
        } else if (c.kind === "async") {
          r = await bounded((signal) =>
            (socket as Any)[call.name](...args(call, env, ASYNC[call.name].options, signal))
          );
        } else {
          r = (file as Any)[call.name](...args(call, env));
        }
      } catch (e) {
        const err = e as Error & { errno?: number | null };
        out = [i, String(err?.name), err?.errno ?? null, String(err?.message)];
        break;
      }
      if (r === PENDING) out = [-1, "PENDING"];
      else if (role === "call") out = [-1, "OK", targetOf(c).value ? norm(r) : null];
      dispose(r, role === "call" ? call.name : "detach");
    }
  } finally {
    for (const f of [file, s, p]) {
      try {
        f?.close();
      } catch {
        // closed already, or its descriptor was closed under it
      }
    }
    removeAll(tmp);
    socket.setdefaulttimeout(null);
  }
  let guard: string | null = null;
  for (const g of env.guards) {
    const bad = g.bytes.findIndex((b, i) => (i < g.from || i >= g.to) && b !== GUARD);
    if (bad >= 0) guard = `byte ${bad - g.from} from the view's start was overwritten`;
  }
  return { out: out!, guard, sync: thrownAtCall };
}

// Warm up: the reactor makes its descriptors (epoll, eventfd) at the first
// call that waits, once, and Deno a socketpair of its own half a second
// after it starts; they are not a case's.
{
  const [a, b] = socket.socketpair();
  a.setblocking(false);
  b.setblocking(false);
  const waiting = socket.sock_recv(b, 1);
  setTimeout(() => a.send("x"), 5);
  await waiting;
  const stop = new AbortController();
  const aborted = socket.sock_recv(b, 1, { signal: stop.signal });
  setTimeout(() => stop.abort(), 5);
  await aborted.catch(() => {});
  a.close();
  b.close();
  // Deno itself opens two descriptors (a socketpair) about half a second in.
  await new Promise((r) => setTimeout(r, Math.max(20, 800 - performance.now())));
}

/** The process's descriptors, each with what it is (socket:[inode], anon_inode:[eventfd], ...). */
function fds(): Map<string, string> {
  const map = new Map<string, string>();
  for (const e of Deno.readDirSync("/proc/self/fd")) {
    try {
      map.set(e.name, Deno.readLinkSync(`/proc/self/fd/${e.name}`));
    } catch {
      // closed while listed (the directory's own descriptor)
    }
  }
  return map;
}

for (let i = 0; i < cases.length; i++) {
  // The test of the test: a crash, as an abort() in native code ends this process.
  if (cases[i].call.name === "__crash__") Deno.kill(Deno.pid, "SIGABRT");
  const before = openFds();
  const was = fds();
  const { out, guard, sync } = await runCase(cases[i]);
  let leak = openFds() - before;
  // A descriptor the reactor opens and closes on its own thread is not a leak.
  for (let tries = 0; leak > 0 && tries < 5; tries++) {
    await new Promise((r) => setTimeout(r, 10));
    leak = openFds() - before;
  }
  const left = leak > 0
    ? [...fds()].filter(([k, v]) => was.get(k) !== v).map(([k, v]) => `${k} -> ${v}`)
    : undefined;
  console.log(JSON.stringify({ i, out, leak, guard, left, sync: sync || undefined }));
}
