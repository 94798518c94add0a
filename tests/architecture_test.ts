// The layers, checked on the import graph (see README's Layout): no runtime
// import circle; lib/ reaches the OS only through ffi/mod.ts and the backend
// interface; the backends share ffi/'s own files and never import each other;
// the async folder knows Socket only as a type; and nothing outside ffi/ asks
// which OS it runs on (the backend states facts instead).
import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url);

/** The library's modules: the entry points, lib/ and ffi/, as paths from the root. */
function modules(): string[] {
  const out = ["mod.ts", "selectors.ts", "socketserver.ts"];
  const walk = (dir: string) => {
    for (const e of Deno.readDirSync(new URL(dir, ROOT))) {
      const path = `${dir}${e.name}`;
      if (e.isDirectory) walk(`${path}/`);
      else if (path.endsWith(".ts")) out.push(path);
    }
  };
  walk("lib/");
  walk("ffi/");
  return out.sort();
}

/** A module's source without its comments (doc examples are users' code, not the module's). */
function code(path: string): string {
  return Deno.readTextFileSync(new URL(path, ROOT))
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/^\s*\/\/.*$/gm, "");
}

interface Import {
  /** The imported module, as a path from the root. */
  target: string;
  /** `import type` / `export type`: gone at run time. */
  typeOnly: boolean;
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s+(type\s+)?(?:[^;"']*?\s+from\s+)?"([^"]+)"/g;

/** The specifiers a module imports that are not relative paths, with whether each is a type. */
function bareImportsOf(path: string): string[] {
  return [...code(path).matchAll(IMPORT)]
    .filter((m) => !m[2].startsWith("."))
    .map((m) => `${path} -> ${m[1] ? "type " : ""}${m[2]}`);
}

function importsOf(path: string): Import[] {
  const out: Import[] = [];
  for (const m of code(path).matchAll(IMPORT)) {
    const spec = m[2];
    if (!spec.startsWith(".")) continue;
    const target = new URL(spec, new URL(path, ROOT)).href.slice(ROOT.href.length);
    out.push({ target, typeOnly: m[1] !== undefined });
  }
  return out;
}

const graph = new Map(modules().map((path) => [path, importsOf(path)]));

/** Every runtime import circle, each as the paths around it. */
function circles(): string[][] {
  const found: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (path: string) => {
    state.set(path, "open");
    stack.push(path);
    for (const { target, typeOnly } of graph.get(path) ?? []) {
      if (typeOnly) continue;
      if (state.get(target) === "open") found.push([...stack.slice(stack.indexOf(target)), target]);
      else if (!state.has(target)) visit(target);
    }
    stack.pop();
    state.set(path, "done");
  };
  for (const path of graph.keys()) if (!state.has(path)) visit(path);
  return found;
}

/** The imports, runtime or type, from modules under `from` to modules matching `to`. */
function crossing(from: (path: string) => boolean, to: (target: string) => boolean): string[] {
  const out: string[] = [];
  for (const [path, imports] of graph) {
    if (!from(path)) continue;
    for (const { target } of imports) if (to(target)) out.push(`${path} -> ${target}`);
  }
  return out;
}

const under = (dir: string) => (path: string) => path.startsWith(dir);

Deno.test("the import graph reads every module and finds their imports", () => {
  assert.ok(graph.size > 30, `only ${graph.size} modules found`);
  assert.ok(graph.get("mod.ts")!.some((i) => i.target === "lib/socket.ts"));
  // A type import is told from a runtime one.
  assert.ok(graph.get("lib/_brand.ts")!.some((i) => i.target === "lib/socket.ts" && i.typeOnly));
});

Deno.test("no module imports another at run time that imports it back, however far round", () => {
  assert.deepEqual(circles(), []);
});

Deno.test("lib/ reaches the OS only through ffi/mod.ts and the interface (ffi/native.ts, ffi/layout.ts)", () => {
  const allowed = new Set(["ffi/mod.ts", "ffi/native.ts", "ffi/layout.ts"]);
  assert.deepEqual(crossing(under("lib/"), (t) => t.startsWith("ffi/") && !allowed.has(t)), []);
  assert.deepEqual(crossing(under("ffi/"), under("lib/")), [], "ffi/ knows nothing of Python");
});

Deno.test("no backend imports the other: what they share lives in ffi/ itself", () => {
  assert.deepEqual(crossing(under("ffi/posix/"), under("ffi/windows/")), []);
  assert.deepEqual(crossing(under("ffi/windows/"), under("ffi/posix/")), []);
  // The shared files serve both, so they import neither.
  const shared = (p: string) => /^ffi\/[^/]+$/.test(p) && p !== "ffi/mod.ts";
  assert.deepEqual(crossing(shared, (t) => under("ffi/posix/")(t) || under("ffi/windows/")(t)), []);
});

Deno.test("the async folder knows Socket only as a type", () => {
  const runtime = [...graph]
    .filter(([path]) => path.startsWith("lib/async/"))
    .flatMap(([path, imports]) =>
      imports.filter((i) => !i.typeOnly && i.target === "lib/socket.ts").map(() => path)
    );
  assert.deepEqual(runtime, []);
});

Deno.test("the examples use only the public face: the entry points and their own files", () => {
  const outside: string[] = [];
  for (const e of Deno.readDirSync(new URL("examples/", ROOT))) {
    if (!e.name.endsWith(".ts")) continue;
    const path = `examples/${e.name}`;
    for (const { target } of importsOf(path)) {
      const entry = ["mod.ts", "selectors.ts", "socketserver.ts"].includes(target);
      if (!entry && !target.startsWith("examples/")) outside.push(`${path} -> ${target}`);
    }
  }
  assert.deepEqual(outside, []);
});

Deno.test("the library imports only by relative path: no dependency, no import map", () => {
  // A type from Node's stream module is no dependency: it is gone at run time.
  const bare = [...graph.keys()].flatMap(bareImportsOf)
    .filter((i) => i !== "lib/async/conn.ts -> type node:stream");
  assert.deepEqual(bare, []);
});

Deno.test("nothing outside ffi/ asks which OS it runs on", () => {
  const asks: string[] = [];
  for (const path of graph.keys()) {
    if (path.startsWith("ffi/")) continue;
    for (const [i, line] of code(path).split("\n").entries()) {
      if (/Deno\.build\.os|\b(native|N)\.os\b/.test(line)) {
        asks.push(`${path}:${i + 1}: ${line.trim()}`);
      }
    }
  }
  assert.deepEqual(asks, []);
});
