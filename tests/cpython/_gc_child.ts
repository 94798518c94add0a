// The garbage-collected halves of GeneralModuleTests.test_weakref and
// test_dealloc_warn, which need gc() (support.gc_collect): run as
//   deno run --allow-ffi --v8-flags=--expose-gc tests/cpython/_gc_child.ts
// It prints one JSON object of what it saw; general_module_test.ts makes
// CPython's assertions on it.

import * as socket from "../../mod.ts";

const gc = (globalThis as { gc?: () => void }).gc!;
/** support.gc_collect(), bounded: collect until `done()` or 50 rounds. */
async function gc_collect(done: () => boolean): Promise<void> {
  for (let i = 0; i < 50 && !done(); i++) {
    // A WeakRef's target lives to the end of the current job: collect between jobs.
    await new Promise((r) => setTimeout(r, 0));
    gc();
  }
}

const warnings: string[] = [];
console.warn = (...args: unknown[]) => void warnings.push(args.map(String).join(" "));

// test_weakref
// (In a function: the disposal stack of `using` holds the socket until its scope ends.)
let p!: WeakRef<socket.Socket>;
let sameFileno = false;
(() => {
  using s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  p = new WeakRef(s);
  sameFileno = p.deref()!.fileno() === s.fileno();
})();
await gc_collect(() => p.deref() === undefined);
const weakref = { sameFileno, collected: p.deref() === undefined };

// test_dealloc_warn, first half: a socket dropped open warns, naming its repr.
let r1 = "";
(() => {
  const sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  r1 = Deno.inspect(sock);
})();
await gc_collect(() => warnings.length > 0);
const first = warnings.splice(0);

// Second half: an open file object keeps the socket until it is dropped.
const held: { f: socket.SocketFile | null } = { f: null };
(() => {
  const sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  held.f = sock.makefile("rb");
})();
await gc_collect(() => warnings.length > 0);
const whileFileOpen = warnings.splice(0);
held.f = null; // f = None
await gc_collect(() => warnings.length > 0);
const afterFileDropped = warnings.splice(0);

console.log(JSON.stringify({
  weakref,
  dealloc_warn: { r1, first, whileFileOpen, afterFileDropped },
}));
