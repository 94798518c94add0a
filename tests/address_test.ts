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

Deno.test("sockaddr decode reads only the length the OS gave and returns a new array each time (property)", () => {
  const a = new Uint8Array(codec.storage), b = new Uint8Array(codec.storage);
  fc.assert(
    fc.property(
      fc.oneof(
        fc.tuple(fc.constant(socket.AF_INET), fc.ipV4()),
        fc.tuple(fc.constant(socket.AF_INET6), fc.ipV6()),
      ),
      fc.tuple(fc.constant(socket.AF_INET), fc.ipV4()),
      fc.integer({ min: 0, max: 65535 }),
      fc.uint8Array({ minLength: 128, maxLength: 128 }),
      ([family, host], [, other], port, junk) => {
        // Bytes past the length are left over from an earlier, longer address.
        a.set(junk.subarray(0, a.byteLength));
        b.set(junk.subarray(0, b.byteLength));
        const len = codec.encode(family, [host, port], a, "sendto");
        const otherLen = codec.encode(socket.AF_INET, [other, port], b, "sendto");
        const first = codec.decode(a, len) as [string, number];
        const want = socket.inet_ntop(family, socket.inet_pton(family, host));
        assert.equal(first[0], want);
        first[0] = "changed";
        // A different host in between, then the first again: equal, not the same array.
        assert.equal((codec.decode(b, otherLen) as [string, number])[0], other);
        const again = codec.decode(a, len) as [string, number];
        assert.notEqual(again, first);
        assert.deepEqual(again, codec.decode(a.slice(0, len)));
        assert.equal(again[0], want);
        assert.equal(again[1], port);
      },
    ),
    { numRuns: 2000 },
  );
  assert.equal(codec.decode(a, 0), null);
  assert.deepEqual(codec.decode(new Uint8Array([0xff, 0xff, 9]), 1), [0, new Uint8Array(0)]);
});

Deno.test(
  "An AF_UNIX path str is os.fsencode()'d: surrogate escapes bind as bytes, and other surrogates are refused in Python's words",
  {
    ignore: Deno.build.os === "windows",
  },
  () => {
    const dir = Deno.makeTempDirSync();
    try {
      // Python 3.11/3.13: bind(dir + "/x\udc80y") binds b"x\x80y" and getsockname() gives the str back.
      {
        using s = socket.socket(socket.AF_UNIX);
        s.bind(`${dir}/x\udc80y`);
        assert.equal(s.getsockname(), `${dir}/x\udc80y`);
      }
      // Bytes that are not UTF-8 come back from getsockname() as their escapes (os.fsdecode).
      {
        using s = socket.socket(socket.AF_UNIX);
        const raw = new Uint8Array([...new TextEncoder().encode(`${dir}/`), 0xe0, 0xf2, 0x71]);
        s.bind(raw);
        assert.equal(s.getsockname(), `${dir}/\udce0\udcf2q`);
      }
      // A run of surrogates is escaped up to the first that is no escape; the message names the rest.
      const at = [...dir].length + 1;
      for (
        const [tail, where] of [
          ["\ud800", `character '\\ud800' in position ${at}`],
          ["\udcff\ud800", `character '\\ud800' in position ${at + 1}`],
          ["a\ud800\ud801b", `characters in position ${at + 1}-${at + 2}`],
        ]
      ) {
        using s = socket.socket(socket.AF_UNIX);
        assert.throws(() => s.bind(`${dir}/${tail}`), {
          name: "RangeError",
          message: `'utf-8' codec can't encode ${where}: surrogates not allowed`,
        });
      }
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  },
);
