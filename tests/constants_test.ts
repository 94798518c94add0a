import assert from "node:assert/strict";
import * as socket from "../mod.ts";
import { python } from "./_helpers.ts";

Deno.test("every integer constant of Python's socket module has Python's value", () => {
  const py = python<Record<string, number>>(
    `import socket, json
print(json.dumps({n: int(getattr(socket, n)) for n in dir(socket)
  if n.isupper() and not n.startswith("_") and isinstance(getattr(socket, n), int)}))`,
  );
  const ours = socket as unknown as Record<string, unknown>;
  const wrong = Object.entries(py).filter(([name, value]) => ours[name] !== value);
  assert.deepEqual(wrong.map(([n, v]) => `${n}: python ${v}, pysocket ${ours[n]}`), []);
  assert.ok(Object.keys(py).length > 300, "python3 exposed too few constants to compare");
});

Deno.test("constants used every day have their Linux values", () => {
  assert.equal(socket.AF_INET, 2);
  assert.equal(socket.AF_INET6, 10);
  assert.equal(socket.SOCK_STREAM, 1);
  assert.equal(socket.SOL_SOCKET, 1);
  assert.equal(socket.SO_REUSEADDR, 2);
  assert.equal(socket.IPPROTO_TCP, 6);
  assert.equal(socket.TCP_NODELAY, 1);
});
