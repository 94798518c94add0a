import assert from "node:assert/strict";
import fc from "fast-check";
import * as socket from "../mod.ts";
import { jsName, outcome, python } from "./_helpers.ts";

const ints = [0, 1, 2, 255, 256, 0x1234, 0xffff, 0x10000, 0x12345678, 0xffffffff, 2 ** 32, -1];

Deno.test("htons, ntohs, htonl and ntohl agree with python3 on valid and invalid input", () => {
  const py = python<Record<string, (number | string)[]>>(`
import socket, json
ints = ${JSON.stringify(ints)}
def run(f, x):
    try: return f(x)
    except Exception as e: return type(e).__name__ + ": " + str(e)
print(json.dumps({n: [run(getattr(socket, n), x) for x in ints] for n in ["htons", "ntohs", "htonl", "ntohl"]}))`);
  for (const name of ["htons", "ntohs", "htonl", "ntohl"] as const) {
    const ours = ints.map((x) => {
      try {
        return socket[name](x);
      } catch (e) {
        return `${(e as Error).name}: ${(e as Error).message}`;
      }
    });
    const want = py[name].map((v) =>
      typeof v === "string" ? v.replace(/^(\w+):/, (_, n) => jsName(n) + ":") : v
    );
    assert.deepEqual(ours, want, name);
  }
});

const texts4 = [
  "127.0.0.1",
  "0.0.0.0",
  "255.255.255.255",
  "1.2.3",
  "1.2.3.4.5",
  "01.2.3.4",
  "1.2.3.256",
  "0x7f.1",
  "1",
  "",
  " 1.2.3.4",
  "1.2.3.4 ",
  "::1",
  "a.b.c.d",
];
const texts6 = [
  "::",
  "::1",
  "fe80::1",
  "2001:db8::ff00:42:8329",
  "::ffff:1.2.3.4",
  "::1.2.3.4",
  "1:2:3:4:5:6:7:8",
  "1:2:3:4:5:6:7:8:9",
  ":::",
  "1::2::3",
  "0:0:0:0:0:0:0:1",
  "fe80::1%lo",
  "",
  "127.0.0.1",
];

Deno.test("inet_aton, inet_pton and inet_ntop agree with python3 on valid and invalid text", () => {
  const py = python<Record<string, unknown[]>>(`
import socket, json
def run(f, *a):
    try:
        r = f(*a)
        return list(r) if isinstance(r, bytes) else r
    except Exception as e: return [type(e).__name__, getattr(e, "errno", None), str(e)]
t4 = ${JSON.stringify(texts4)}; t6 = ${JSON.stringify(texts6)}
print(json.dumps({
  "aton": [run(socket.inet_aton, t) for t in t4],
  "pton4": [run(socket.inet_pton, socket.AF_INET, t) for t in t4],
  "pton6": [run(socket.inet_pton, socket.AF_INET6, t) for t in t6],
  "ntop6": [run(lambda t: socket.inet_ntop(socket.AF_INET6, socket.inet_pton(socket.AF_INET6, t)), t) for t in t6],
}))`);
  const norm = (v: unknown) => {
    if (Array.isArray(v) && typeof v[0] === "string") return [jsName(v[0]), v[1], v[2]];
    return v;
  };
  const run = (f: () => unknown) => {
    let result: unknown;
    const o = outcome(() => (result = f()));
    if (o[0] !== "OK") return o;
    return result instanceof Uint8Array ? [...result] : result;
  };
  assert.deepEqual(texts4.map((t) => run(() => socket.inet_aton(t))), py.aton.map(norm));
  assert.deepEqual(
    texts4.map((t) => run(() => socket.inet_pton(socket.AF_INET, t))),
    py.pton4.map(norm),
  );
  assert.deepEqual(
    texts6.map((t) => run(() => socket.inet_pton(socket.AF_INET6, t))),
    py.pton6.map(norm),
  );
  assert.deepEqual(
    texts6.map((t) =>
      run(() => socket.inet_ntop(socket.AF_INET6, socket.inet_pton(socket.AF_INET6, t)))
    ),
    py.ntop6.map(norm),
  );
});

Deno.test("inet_ntop then inet_pton gives back any 4 or 16 bytes (property)", () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 4, maxLength: 4 }), (b) => {
      const text = socket.inet_ntop(socket.AF_INET, b);
      assert.deepEqual(socket.inet_pton(socket.AF_INET, text), b);
      assert.equal(socket.inet_ntoa(b), text);
      assert.deepEqual(socket.inet_aton(text), b);
    }),
    { numRuns: 2000 },
  );
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (b) => {
      assert.deepEqual(socket.inet_pton(socket.AF_INET6, socket.inet_ntop(socket.AF_INET6, b)), b);
    }),
    { numRuns: 2000 },
  );
});

Deno.test("inet_pton reads any IPv6 text that fast-check writes (property)", () => {
  fc.assert(
    fc.property(fc.ipV6(), (text) => {
      const b = socket.inet_pton(socket.AF_INET6, text);
      assert.equal(b.length, 16);
      assert.deepEqual(socket.inet_pton(socket.AF_INET6, socket.inet_ntop(socket.AF_INET6, b)), b);
    }),
    { numRuns: 2000 },
  );
});

Deno.test("CMSG_LEN and CMSG_SPACE match python3", () => {
  const sizes = [0, 1, 4, 8, 12, 100, 2 ** 31 - 17];
  const py = python<number[][]>(`
import socket, json
print(json.dumps([[socket.CMSG_LEN(n), socket.CMSG_SPACE(n) if n < 2**31 - 24 else -1] for n in ${
    JSON.stringify(sizes)
  }]))`);
  assert.deepEqual(
    sizes.map((n) => [socket.CMSG_LEN(n), n < 2 ** 31 - 24 ? socket.CMSG_SPACE(n) : -1]),
    py,
  );
});
