// makefile()'s files against python3's: the same calls on real socket pairs,
// compared with what python3 returns or raises.

import assert from "node:assert/strict";
import * as socket from "../mod.ts";
import { jsName, openFds, outcome, python } from "./_helpers.ts";

const linux = Deno.build.os === "linux";
type Opts = { encoding?: string | null; errors?: string | null; newline?: string | null };

/** Python's result of a call as JSON: a str, bytes as a list of ints, or [class, message]. */
const PY_PRELUDE = `
import socket, json
null = None
def run(fn):
    try:
        r = fn()
        return list(r) if isinstance(r, bytes) else r
    except Exception as e:
        return [type(e).__name__, str(e)]
`;

/** What a call returned (bytes as a list of numbers) or threw, [class, message], as PY_PRELUDE reports it. */
function js(fn: () => unknown): unknown {
  try {
    const r = fn();
    return r instanceof Uint8Array ? Array.from(r) : r;
  } catch (e) {
    return [(e as Error).name, (e as Error).message];
  }
}

/** python3's outcomes with their class names as pysocket's. */
function asJs(v: unknown): unknown {
  if (
    Array.isArray(v) && v.length === 2 && typeof v[0] === "string" &&
    /^[A-Z]\w*(Error|Operation)$/.test(v[0])
  ) {
    // io.UnsupportedOperation, LookupError, UnicodeDecodeError/EncodeError: ValueError's or mapped to it.
    const name = /^(UnsupportedOperation|LookupError|Unicode\w+Error)$/.test(v[0])
      ? "RangeError"
      : jsName(v[0]);
    return [name, v[1]];
  }
  return v;
}

Deno.test("makefile(): text files read lines and characters as python3's, for each newline", () => {
  const data = "x\r\ny\rz\n\u1234\u00e9\r";
  const newlines = [null, "", "\n", "\r", "\r\n"];
  const expected = python<unknown[][]>(
    PY_PRELUDE + `
out = []
for nl in [None, "", "\\n", "\\r", "\\r\\n"]:
    for how in ("lines", "reads"):
        a, b = socket.socketpair()
        b.sendall(${JSON.stringify(data)}.encode()); b.close()
        f = a.makefile("r", newline=nl, encoding="utf-8")
        out.append([f.readline() if how == "lines" else f.read(3) for i in range(5)])
        f.close(); a.close()
print(json.dumps(out))`,
  );
  const got = [];
  for (const newline of newlines) {
    for (const how of ["lines", "reads"]) {
      const [a, b] = socket.socketpair();
      b.sendall(data);
      b.close();
      const f = new socket.SocketFile(a, "r", null, { newline, encoding: "utf-8" });
      got.push(Array.from({ length: 5 }, () => how === "lines" ? f.readline() : f.read(3)));
      f.close();
      a.close();
    }
  }
  assert.deepEqual(got, expected);
});

Deno.test("makefile(): text encodings and error handlers write and read as python3's", () => {
  const cases: [string, Opts, string][] = [
    ["w", { encoding: "ascii" }, "ab\u1234\u1235c"],
    ["w", { encoding: "latin-1", errors: "replace" }, "\u1234\u00e9"],
    ["w", { encoding: "ascii", errors: "backslashreplace" }, "\u00e9\u1234\u{1f600}"],
    ["w", { encoding: "ascii", errors: "xmlcharrefreplace" }, "\u00e9\u{1f600}"],
    ["w", { errors: "surrogateescape" }, "a\udcff"],
    ["w", { errors: "surrogatepass" }, "a\ud800"],
    ["w", {}, "a\ud800\udfff"],
    ["w", { encoding: "ascii", errors: "nope" }, "\u1234"],
    ["w", { newline: "\r\n" }, "a\nb"],
  ];
  const expected = python<unknown[]>(
    PY_PRELUDE + `
out = []
for kw, text in ${JSON.stringify(cases.map(([, o, t]) => [o, t]))}:
    a, b = socket.socketpair()
    f = a.makefile("w", **kw)
    def go():
        f.write(text); f.flush(); return b.recv(100)
    out.append(run(go))
    try: f.close()
    except Exception: pass
    a.close(); b.close()
print(json.dumps(out))`,
  );
  const got = cases.map(([mode, opts, text]) => {
    const [a, b] = socket.socketpair();
    const f = new socket.SocketFile(a, mode, null, opts);
    const r = js(() => {
      f.write(text);
      f.flush();
      return b.recv(100);
    });
    try {
      f.close();
    } catch { /* what could not be encoded stays unsent */ }
    a.close();
    b.close();
    return r;
  });
  assert.deepEqual(got, expected.map(asJs));
});

Deno.test("makefile(): malformed input is decoded or refused as python3's", () => {
  const cases: [number[], Opts][] = [
    [[0xe0, 0x80, 0x61, 0x62, 0x0a], {}],
    [[0x61, 0x62, 0xe0, 0x80, 0x61, 0x0a], { encoding: "ascii" }],
    [[0x61, 0x62, 0xe0, 0x80], {}],
    [[0x61, 0xf0, 0x9f, 0x98], {}],
    [[0xe0, 0x80, 0x61, 0xf0, 0x9f, 0x98, 0x0a], { errors: "backslashreplace" }],
    [[0xff, 0x0a], { errors: "surrogateescape" }],
    [[0xff, 0xfe, 0x61, 0x0a], { errors: "replace" }],
    [[0xff, 0x61], { errors: "ignore" }],
    [[0xe9, 0x0a], { encoding: "Latin 1" }],
  ];
  const expected = python<unknown[]>(
    PY_PRELUDE + `
out = []
for data, kw in ${JSON.stringify(cases)}:
    a, b = socket.socketpair()
    b.sendall(bytes(data)); b.close()
    f = a.makefile("r", **kw)
    out.append(run(f.read))
    f.close(); a.close()
print(json.dumps(out))`,
  );
  const got = cases.map(([data, opts]) => {
    const [a, b] = socket.socketpair();
    b.sendall(new Uint8Array(data));
    b.close();
    const f = new socket.SocketFile(a, "r", null, opts);
    const r = js(() => f.read());
    f.close();
    a.close();
    return r;
  });
  assert.deepEqual(got, expected.map(asJs));
});

Deno.test("makefile(): each kind of file, open and closed, answers as python3's", () => {
  const modes: [string, number | null][] = [];
  for (const mode of ["r", "w", "rw", "rb", "wb", "rwb"]) {
    for (const buffering of [null, 0, 2]) {
      if (buffering !== 0 || mode.includes("b")) modes.push([mode, buffering]);
    }
  }
  const calls = [
    "readable",
    "writable",
    "seekable",
    "fileno",
    "flush",
    "read",
    "readline",
    "isatty",
  ];
  const expected = python<unknown[]>(
    PY_PRELUDE + `
import re
out = []
for mode, buf in ${JSON.stringify(modes)}:
    a, b = socket.socketpair()
    f = a.makefile(mode, buf)
    row = [re.sub(r" at 0x[0-9a-f]+", "", re.sub(r"name=\\d+", "name=N", repr(f))), getattr(f, "name", None) == a.fileno(), f.mode if hasattr(f, "mode") else "rwb"]
    f.close()
    row.append(re.sub(r" at 0x[0-9a-f]+", "", repr(f)))
    row.append(getattr(f, "name", None))
    for c in ${JSON.stringify(calls)}:
        row.append(run(getattr(f, c)))
    out.append(row)
    a.close(); b.close()
print(json.dumps(out))`,
  );
  const got = modes.map(([mode, buffering]) => {
    const [a, b] = socket.socketpair();
    const f = a.makefile(mode, buffering) as unknown as Record<string, () => unknown>;
    const file = f as unknown as socket.SocketFile;
    const row: unknown[] = [
      Deno.inspect(f).replace(/name=\d+/, "name=N"),
      file.name === a.fileno(),
      file.mode,
    ];
    file.close();
    row.push(Deno.inspect(f), file.name ?? null);
    for (const c of calls) row.push(js(() => f[c]()));
    a.close();
    b.close();
    return row;
  });
  // Python shows the raw SocketIO's and the BufferedRWPair's address; pysocket has none to show.
  assert.deepEqual(got, expected.map((row) => (row as unknown[]).map(asJs)));
});

Deno.test("makefile(): bad text options are refused as python3's, before the file holds the socket", () => {
  const cases: [string, unknown][] = [
    ["r", { encoding: 3 }],
    ["r", { errors: 3, newline: 3 }],
    ["r", { encoding: "nope", newline: "x" }],
    ["r", { encoding: "nope" }],
    ["rb", { encoding: "nope", newline: "x" }],
  ];
  const expected = python<unknown[]>(
    PY_PRELUDE + `
out = []
for mode, kw in ${JSON.stringify(cases)}:
    a = socket.socket()
    out.append(run(lambda: (a.makefile(mode, **kw).close(), "OK")[1]))
    a.close()
print(json.dumps(out))`,
  );
  const before = linux ? openFds() : 0;
  const got = cases.map(([mode, opts]) => {
    const s = socket.socket();
    const r = js(() => {
      new socket.SocketFile(s, mode, null, opts as Opts).close();
      return "OK";
    });
    // The socket closes at once: a file that failed holds nothing open.
    s.close();
    assert.equal(s.fileno(), -1);
    return r;
  });
  assert.deepEqual(got, expected.map(asJs));
  if (linux) assert.equal(openFds(), before);
  assert.deepEqual(outcome(() => socket.socket().close()), ["OK"]);
});
