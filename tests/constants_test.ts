import assert from "node:assert/strict";
import * as socket from "../mod.ts";
import { python, pythons } from "./_helpers.ts";

// Every integer name of Python's socket module, bools (has_ipv6) aside, and
// the mixed-case AF_DECnet among them; and its string constants (BDADDR_ANY).
const NAMES = `import socket, json
print(json.dumps({n: v if isinstance(v, str) else int(v) for n, v in vars(socket).items()
  if not n.startswith("_") and (isinstance(v, int) and not isinstance(v, bool)
                                or isinstance(v, str) and n.isupper())}))`;

Deno.test("every constant of every python3 on this machine has Python's value in pysocket", () => {
  const found = pythons();
  assert.ok(found.length > 0, "no python3 runs on this machine");
  const ours = socket as unknown as Record<string, unknown>;
  for (const { command, version } of found) {
    const py = python<Record<string, number | string>>(NAMES, command);
    const wrong = Object.entries(py).filter(([name, value]) => ours[name] !== value);
    assert.deepEqual(
      wrong.map(([n, v]) => `${n}: Python ${version} ${v}, pysocket ${ours[n]}`),
      [],
      `${command} (${version})`,
    );
    assert.ok(Object.keys(py).length > 300, `${command} exposed too few constants to compare`);
  }
});

Deno.test("constants used every day have their Linux values", () => {
  assert.equal(socket.AF_INET, 2);
  assert.equal(socket.AF_INET6, 10);
  assert.equal(socket.SOCK_STREAM, 1);
  assert.equal(socket.SOL_SOCKET, 1);
  assert.equal(socket.SO_REUSEADDR, 2);
  assert.equal(socket.IPPROTO_TCP, 6);
  assert.equal(socket.TCP_NODELAY, 1);
  assert.equal(socket.AF_DECnet, 12);
  assert.equal(socket.AF_BLUETOOTH, 31);
});

Deno.test("socket.errno holds the names and values of Python's errno module", () => {
  const py = python<Record<string, number>>(
    `import errno, json
print(json.dumps({n: v for n, v in vars(errno).items() if n.startswith("E") and isinstance(v, int)}))`,
  );
  assert.deepEqual({ ...socket.errno }, py);
  assert.ok(Object.isFrozen(socket.errno));
});
