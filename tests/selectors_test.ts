// selectors: the same sequence of calls in python3 and in pysocket, for each
// selector class, must give the same keys, readiness and errors; and the
// selectors must wait as Python's do, on real sockets.
import assert from "node:assert/strict";
import * as selectors from "../selectors.ts";
import * as socket from "../mod.ts";
import { jsName, openFds, python, windows } from "./_helpers.ts";

type Sel = selectors.BaseSelector<string>;
interface Env {
  sel: Sel;
  a: socket.Socket;
  b: socket.Socket;
  c: socket.Socket;
}
// deno-lint-ignore no-explicit-any
type Any = any;

const { EVENT_READ: R, EVENT_WRITE: W } = selectors;

// [label, Python statement's expression, the same in pysocket]; run in order.
const steps: [string, string, (e: Env) => unknown][] = [
  ["register a for reading", `sel.register(a, R, "a")`, (e) => e.sel.register(e.a, R, "a")],
  ["register a again", `sel.register(a, R)`, (e) => e.sel.register(e.a, R)],
  ["register with no events", `sel.register(b, 0)`, (e) => e.sel.register(e.b, 0)],
  ["register with an unknown event", `sel.register(b, 4)`, (e) => e.sel.register(e.b, 4)],
  ["register a string", `sel.register("x", R)`, (e) => e.sel.register("x" as Any, R)],
  ["register a negative descriptor", `sel.register(-1, R)`, (e) => e.sel.register(-1, R)],
  ["register a float", `sel.register(1.5, R)`, (e) => e.sel.register(1.5, R)],
  ["unregister what is not registered", `sel.unregister(b)`, (e) => e.sel.unregister(e.b)],
  ["get_key of what is not registered", `sel.get_key(b)`, (e) => e.sel.get_key(e.b)],
  ["select with nothing ready", `sel.select(0)`, (e) => e.sel.select(0)],
  ["select once b sent", `(b.send(b"x"), sel.select(0))[1]`, (e) => {
    e.b.send("x");
    return e.sel.select(0);
  }],
  ["register b for writing", `sel.register(b, W, "b")`, (e) => e.sel.register(e.b, W, "b")],
  ["select both", `sel.select(0)`, (e) => e.sel.select(0)],
  ["modify nothing", `sel.modify(a, R, "a")`, (e) => e.sel.modify(e.a, R, "a")],
  ["modify the data", `sel.modify(a, R, "a2")`, (e) => e.sel.modify(e.a, R, "a2")],
  ["modify the events", `sel.modify(a, R | W, "a3")`, (e) => e.sel.modify(e.a, R | W, "a3")],
  ["select a both ways", `sel.select(0.01)`, (e) => e.sel.select(0.01)],
  ["get_map's size", `len(sel.get_map())`, (e) => e.sel.get_map()!.size],
  ["get_map has a", `a in sel.get_map()`, (e) => e.sel.get_map()!.has(e.a)],
  ["get_map by descriptor", `sel.get_map()[a.fileno()]`, (e) => e.sel.get_map()!.get(e.a.fileno())],
  ["modify to no events", `sel.modify(b, 0)`, (e) => e.sel.modify(e.b, 0)],
  ["get_map's size after", `len(sel.get_map())`, (e) => e.sel.get_map()!.size],
  [
    "unregister a closed socket",
    `(sel.register(c, R, "c"), c.close(), sel.unregister(c))[2]`,
    (e) => {
      e.sel.register(e.c, R, "c");
      e.c.close();
      return e.sel.unregister(e.c);
    },
  ],
  ["unregister it again", `sel.unregister(c)`, (e) => e.sel.unregister(e.c)],
  ["close", `sel.close()`, (e) => e.sel.close()],
  ["get_map once closed", `sel.get_map()`, (e) => e.sel.get_map()],
  ["get_key once closed", `sel.get_key(a)`, (e) => e.sel.get_key(e.a)],
  ["register once closed", `sel.register(b, R, "late")`, (e) => e.sel.register(e.b, R, "late")],
  ["select once closed", `sel.select(0)`, (e) => e.sel.select(0)],
];

const kinds = ["SelectSelector", "PollSelector", "EpollSelector", "DefaultSelector"] as const;

// What a step gave, with the sockets named and descriptor numbers left out
// (they differ between the processes).
const PY_NORMALIZE = `
import json, re, selectors, socket
R, W = selectors.EVENT_READ, selectors.EVENT_WRITE
def norm(v, names):
    if isinstance(v, selectors.SelectorKey):
        return {"key": names.get(id(v.fileobj), "?"), "events": v.events, "data": v.data}
    if isinstance(v, list):
        return sorted((norm(x, names) for x in v), key=json.dumps)
    if isinstance(v, tuple):
        return [norm(x, names) for x in v]
    return v
def text(e):
    return re.sub(r"FD \\d+", "FD n", re.sub(r"fd=-?\\d+", "fd=n", str(e.args[0]) if e.args else ""))
`;

function norm(v: unknown, names: Map<unknown, string>): unknown {
  if (Array.isArray(v)) {
    // select()'s list of [key, events] pairs: the pairs in order, the list sorted.
    const list = v.map((x) => Array.isArray(x) ? x.map((y) => norm(y, names)) : norm(x, names));
    return list.sort((x, y) => JSON.stringify(x) < JSON.stringify(y) ? -1 : 1);
  }
  if (v !== null && typeof v === "object" && "fileobj" in v && "events" in v) {
    const k = v as selectors.SelectorKey;
    return { key: names.get(k.fileobj) ?? "?", events: k.events, data: k.data };
  }
  return v === undefined ? null : v;
}

const text = (m: string) => m.replace(/fd=-?\d+/g, "fd=n").replace(/FD \d+/g, "FD n");

Deno.test(
  "selectors: each selector class gives Python's keys, readiness and errors for the same calls",
  {
    ignore: windows, // python3 is a Linux program there; and Windows has no poll or epoll selector
  },
  () => {
    const script = PY_NORMALIZE + `
out = {}
for kind in ${JSON.stringify(kinds)}:
    sel = getattr(selectors, kind)()
    a, b = socket.socketpair()
    c, d = socket.socketpair()
    names = {id(a): "a", id(b): "b", id(c): "c"}
    res = []
    for label, f in [
${steps.map(([label, expr]) => `        (${JSON.stringify(label)}, lambda: ${expr}),`).join("\n")}
    ]:
        try:
            res.append(["OK", norm(f(), names)])
        except Exception as e:
            res.append([type(e).__name__, text(e)])
    out[kind] = res
    for s in (a, b, c, d): s.close()
print(json.dumps(out))
`;
    const py = python<Record<string, [string, unknown][]>>(script);
    const before = openFds();
    const mismatches: string[] = [];
    for (const kind of kinds) {
      const sel = new selectors[kind]<string>();
      const [a, b] = socket.socketpair();
      const [c, d] = socket.socketpair();
      const names = new Map<unknown, string>([[a, "a"], [b, "b"], [c, "c"]]);
      const env: Env = { sel, a, b, c };
      steps.forEach(([label, , fn], i) => {
        let got: [string, unknown];
        try {
          got = ["OK", norm(fn(env), names)];
        } catch (e) {
          got = [(e as Error).name, text((e as Error).message)];
        }
        const [cls, value] = py[kind][i];
        const want = [cls === "OK" ? "OK" : jsName(cls), value];
        if (JSON.stringify(got) !== JSON.stringify(want)) {
          mismatches.push(
            `${kind} ${label}: python ${JSON.stringify(want)}, pysocket ${JSON.stringify(got)}`,
          );
        }
      });
      sel.close();
      for (const s of [a, b, c, d]) s.close();
    }
    assert.deepEqual(mismatches, []);
    assert.equal(openFds(), before, "descriptors left open");
  },
);

Deno.test("DefaultSelector is EpollSelector on Linux, as in Python", { ignore: windows }, () => {
  const name = python<string>(
    "import selectors, json; print(json.dumps(selectors.DefaultSelector.__name__))",
  );
  using sel = new selectors.DefaultSelector();
  assert.equal(sel.constructor.name, name);
});

for (const kind of ["SelectSelector", "PollSelector", "EpollSelector"] as const) {
  const missing = windows && kind !== "SelectSelector";
  Deno.test(
    `${kind}.select() waits out its timeout, and reports data and end of stream as readable`,
    {
      ignore: missing,
    },
    () => {
      const before = openFds();
      const [a, b] = socket.socketpair();
      const sel = new selectors[kind]<string>();
      sel.register(a, R, "a");
      let t0 = performance.now();
      assert.deepEqual(sel.select(0.2), []);
      const waited = performance.now() - t0;
      assert.ok(waited >= 195, `returned after ${waited.toFixed(1)} ms`);
      b.send("x");
      t0 = performance.now();
      const ready = sel.select(null);
      assert.equal(ready.length, 1);
      assert.equal(ready[0][0].data, "a");
      assert.equal(ready[0][1], R);
      assert.equal(a.recv(10).length, 1);
      // A socket closed by the peer is readable (EOF).
      b.close();
      assert.deepEqual(sel.select(1).map(([k, ev]) => [k.data, ev]), [["a", R]]);
      assert.equal(a.recv(10).length, 0);
      sel.unregister(a);
      a.close();
      sel.close();
      if (!windows) assert.equal(openFds(), before);
    },
  );

  Deno.test(`${kind} watches 300 sockets and reports exactly the ready ones`, {
    ignore: missing,
  }, () => {
    const before = openFds();
    const pairs = Array.from({ length: 150 }, () => socket.socketpair());
    using sel = new selectors[kind]<number>();
    pairs.forEach(([a, b], i) => {
      sel.register(a, R, i);
      sel.register(b, R, -i - 1);
    });
    for (let i = 0; i < 150; i += 7) pairs[i][1].send("x");
    const ready = sel.select(1).map(([k]) => k.data).sort((x, y) => x - y);
    assert.deepEqual(ready, Array.from({ length: 22 }, (_, j) => j * 7));
    for (const [a, b] of pairs) {
      sel.unregister(a);
      sel.unregister(b);
      a.close();
      b.close();
    }
    sel.close();
    if (!windows) assert.equal(openFds(), before);
  });
}

Deno.test("EpollSelector.fileno() is its epoll descriptor, and close() frees it", {
  ignore: windows,
}, () => {
  const before = openFds();
  const sel = new selectors.EpollSelector();
  assert.ok(sel.fileno() >= 0);
  assert.equal(openFds(), before + 1);
  sel.close();
  sel.close();
  assert.equal(sel.fileno(), -1);
  assert.equal(openFds(), before);
});
