// Property tests: any address a caller can write survives encode then decode.
import assert from "node:assert/strict";
import fc from "fast-check";
import * as socket from "../mod.ts";
import { codec } from "../lib/address.ts";

const buf = new Uint8Array(codec.storage);
const roundTrip = (family: number, addr: socket.Address) =>
  codec.decode(buf.subarray(0, codec.encode(family, addr, buf, "bind")));

Deno.test("AF_INET addresses survive sockaddr encode and decode (property)", () => {
  fc.assert(
    fc.property(fc.ipV4(), fc.integer({ min: 0, max: 65535 }), (host, port) => {
      assert.deepEqual(roundTrip(socket.AF_INET, [host, port]), [host, port]);
    }),
    { numRuns: 3000 },
  );
});

Deno.test("AF_INET6 addresses survive sockaddr encode and decode (property)", () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 16, maxLength: 16 }),
      fc.integer({ min: 0, max: 65535 }),
      fc.integer({ min: 0, max: 0xfffff }),
      fc.integer({ min: 0, max: 0xffffffff }),
      (raw, port, flowinfo, scope) => {
        const host = socket.inet_ntop(socket.AF_INET6, raw);
        const back = roundTrip(socket.AF_INET6, [host, port, flowinfo, scope]);
        assert.deepEqual(back, [host, port, flowinfo, scope]);
        assert.equal(codec.family(buf), socket.AF_INET6);
      },
    ),
    { numRuns: 3000 },
  );
});

Deno.test("AF_UNIX paths and abstract names survive sockaddr encode and decode (property)", () => {
  fc.assert(
    fc.property(fc.string({ minLength: 1, maxLength: 30 }), (name) => {
      const path = "/tmp/" + name.replaceAll("\0", "_");
      if (new TextEncoder().encode(path).length > 107) return;
      assert.equal(roundTrip(socket.AF_UNIX, path), path);
    }),
    { numRuns: 2000 },
  );
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 0, maxLength: 107 }), (tail) => {
      const name = new Uint8Array([0, ...tail]);
      assert.deepEqual(roundTrip(socket.AF_UNIX, name), name);
    }),
    { numRuns: 2000 },
  );
});

Deno.test("AF_NETLINK addresses survive sockaddr encode and decode (property)", () => {
  fc.assert(
    fc.property(fc.nat({ max: 0xffffffff }), fc.nat({ max: 0xffffffff }), (pid, groups) => {
      assert.deepEqual(roundTrip(socket.AF_NETLINK!, [pid, groups]), [pid, groups]);
    }),
  );
});
