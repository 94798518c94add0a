// Python's enum classes of the socket module (AddressFamily, SocketKind,
// MsgFlag, AddressInfo), against every python3 on this machine.
import assert from "node:assert/strict";
import * as socket from "../mod.ts";
import { python, pythons } from "./_helpers.ts";

const CLASSES = ["AddressFamily", "SocketKind", "MsgFlag", "AddressInfo"] as const;

/** What Python says of each class, for the values it is asked about. */
interface PyEnum {
  members: [string, number][];
  canonical: [string, number][];
  flag: boolean;
  values: { value: number; repr: string; name: string | null; list: string[] }[];
  invalid: [number, string][];
}

// Values to ask about: every member; for flags also no bit, pairs of
// members, bits no member has, and negative values (which Python folds).
const ASK = `import socket, json, enum
out = {}
for cls in ${JSON.stringify(CLASSES)}:
    E = getattr(socket, cls)
    flag = issubclass(E, enum.Flag)
    values = [m.value for m in E]
    if flag:
        values += [0, values[0] | values[1], values[0] | values[-1], 1 << 20, (1 << 20) | values[0],
                   -1, -2, -2**31, -2**31 - 1, 2**31 - 1, 2**40 + 1]
    out[cls] = {
        "members": [[n, m.value] for n, m in E.__members__.items()],
        "canonical": [[m.name, m.value] for m in E],
        "flag": flag,
        "values": [{"value": v, "repr": repr(E(v)), "name": E(v).name,
                    "list": [m.name for m in E(v)] if flag else []} for v in values],
        "invalid": [],
    }
    if not flag:
        for v in (999, -1, 12345678):
            try:
                E(v)
            except ValueError as e:
                out[cls]["invalid"].append([v, str(e)])
print(json.dumps(out))`;

for (const { command, version } of pythons()) {
  const py = python<Record<string, PyEnum>>(ASK, command);
  for (const cls of CLASSES) {
    const E = socket[cls] as unknown as Record<string | number, unknown> & socket.FlagMethods;
    const expected = py[cls];

    Deno.test(`${cls} has the members of Python ${version} (${command}), with Python's canonical names`, () => {
      const ours = new Map(Object.entries(E));
      for (const [name, value] of expected.members) assert.equal(ours.get(name), value, name);
      for (const [name, value] of expected.canonical) {
        assert.equal(E[value], name, `${cls}[${value}]`);
      }
      // A member Python lacks is one this Python was built without (Bluetooth,
      // or a name newer than it), never a name it has under another value.
      const pyNames = new Set(expected.members.map(([n]) => n));
      for (const name of ours.keys()) {
        if (!pyNames.has(name)) {
          assert.ok(!(name in socket) || socket[name as keyof typeof socket] === E[name]);
        }
      }
      // Python's __members__ order: by value, then name.
      const order = [...ours.keys()].filter((n) => pyNames.has(n));
      assert.deepEqual(order, expected.members.map(([n]) => n));
    });

    Deno.test(`${cls}.repr() and .name() read as Python ${version}'s repr and .name`, () => {
      for (const { value, repr, name, list } of expected.values) {
        assert.equal(E.repr(value), repr, `repr(${cls}(${value}))`);
        assert.equal(E.name(value), name, `${cls}(${value}).name`);
        if (expected.flag) assert.deepEqual(E.decompose(value), list, `list(${cls}(${value}))`);
      }
      for (const [value, message] of expected.invalid) {
        assert.throws(() => E.repr(value), { name: "RangeError", message });
        assert.throws(() => E.name(value), { name: "RangeError", message });
      }
    });
  }
}

Deno.test("enum classes print as Python's, and their values stay plain numbers", () => {
  assert.equal(Deno.inspect(socket.AddressFamily), "<enum 'AddressFamily'>");
  assert.equal(Deno.inspect(socket.MsgFlag), "<flag 'MsgFlag'>");
  assert.equal(socket.AddressFamily.AF_INET, socket.AF_INET);
  assert.equal(socket.AddressFamily[socket.AF_INET6], "AF_INET6");
  using s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM);
  assert.equal(typeof s.family, "number");
  assert.equal(socket.AddressFamily.repr(s.family), "<AddressFamily.AF_INET6: 10>");
  assert.equal(socket.SocketKind.repr(s.type), "<SocketKind.SOCK_DGRAM: 2>");
  const [family, type] = socket.getaddrinfo("127.0.0.1", 80, 0, socket.SOCK_STREAM)[0];
  assert.deepEqual([family, type], [socket.AF_INET, socket.SOCK_STREAM]);
  assert.equal(
    socket.AddressInfo.name(socket.AI_PASSIVE | socket.AI_CANONNAME),
    "AI_PASSIVE|AI_CANONNAME",
  );
  assert.throws(() => socket.SocketKind.repr("x" as unknown as number), {
    name: "RangeError",
    message: "'x' is not a valid SocketKind",
  });
  assert.throws(() => socket.MsgFlag.repr(1.5), {
    name: "RangeError",
    message: "1.5 is not a valid MsgFlag",
  });
  assert.ok(Object.isFrozen(socket.AddressFamily));
});
