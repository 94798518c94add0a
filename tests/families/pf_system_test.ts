// macOS's PF_SYSTEM kernel controls by name, byte for byte on any OS: the
// codec with macOS's layout and constants (as tests/tables_test.ts drives it)
// builds the struct ctl_info request that CTLIOCGINFO reads, and the
// sockaddr_ctl from the id the call answers. The call itself is macOS's: a
// resolver here answers for it, as the byte tests' resolvers answer for
// if_nametoindex, so what is checked is the coding around it.
import assert from "node:assert/strict";
import { constants as darwin } from "../../ffi/posix/constants_darwin.ts";
import { darwin as layout } from "../../ffi/layout.ts";
import { AddressCodec } from "../../lib/address.ts";
import { ctlInfoRequest, CTLIOCGINFO } from "../../lib/_families.ts";

const te = new TextEncoder();

/** A macOS codec; `ids` answers CTLIOCGINFO by name (-1: no such control), or is absent. */
function codecFor(ids?: Record<string, number>, requests: Uint8Array[] = []) {
  const resolver = {
    inet_pton: () => null,
    inet_ntop: () => null,
    resolve: () => -2,
    if_nametoindex: () => 0,
    if_indextoname: () => null,
    ...ids && {
      ctl_id(request: Uint8Array) {
        requests.push(request.slice());
        const end = request.indexOf(0, 4);
        const name = new TextDecoder().decode(request.subarray(4, end < 0 ? 100 : end));
        return ids[name] ?? -1;
      },
    },
  };
  return new AddressCodec(layout, darwin, resolver);
}

const connect = (codec: AddressCodec, addr: unknown, buf = new Uint8Array(128)) => {
  const n = codec.encode(darwin.PF_SYSTEM, addr as never, buf, "connect", darwin.SYSPROTO_CONTROL);
  return [...buf.subarray(0, n)];
};

Deno.test("CTLIOCGINFO is _IOWR('N', 3, struct ctl_info) and its request is ctl_id, then the name in 96 bytes", () => {
  const IOC_INOUT = 0x80000000 | 0x40000000;
  assert.equal(CTLIOCGINFO, (IOC_INOUT | (100 << 16) | (0x4e << 8) | 3) >>> 0);
  const request = ctlInfoRequest(te.encode("com.apple.net.utun_control"));
  assert.equal(request.byteLength, 100);
  assert.deepEqual([...request.subarray(0, 4)], [0, 0, 0, 0]);
  assert.equal(new TextDecoder().decode(request.subarray(4, 30)), "com.apple.net.utun_control");
  assert.ok(request.subarray(30).every((b) => b === 0));
  // strncpy: a name of 96 bytes fills ctl_name with no NUL (CPython allows it; the kernel says ENOENT).
  assert.deepEqual(
    [...ctlInfoRequest(new Uint8Array(96).fill(0x61)).subarray(4)],
    new Array(96).fill(0x61),
  );
  assert.throws(() => ctlInfoRequest(new Uint8Array(97)), {
    name: "RangeError",
    message: "provided string is too long",
  });
});

Deno.test("a PF_SYSTEM address by name connects to the id CTLIOCGINFO gives, unit 0", () => {
  const requests: Uint8Array[] = [];
  const codec = codecFor({ "com.apple.net.utun_control": 0x1234, ["é".repeat(48)]: 7 }, requests);
  assert.deepEqual(connect(codec, "com.apple.net.utun_control"), [
    32,
    32,
    2,
    0, // sc_len, sc_family AF_SYSTEM, ss_sysaddr AF_SYS_CONTROL
    0x34,
    0x12,
    0,
    0, // sc_id
    0,
    0,
    0,
    0, // sc_unit 0
    ...new Array(20).fill(0),
  ]);
  assert.deepEqual(requests, [ctlInfoRequest(te.encode("com.apple.net.utun_control"))]);
  // A name in UTF-8, counted in bytes: 48 two-byte letters are 96 bytes, one more is too long.
  assert.throws(() => connect(codec, "é".repeat(49)), {
    name: "RangeError",
    message: "provided string is too long",
  });
  assert.deepEqual(connect(codec, "é".repeat(48)).slice(4, 12), [7, 0, 0, 0, 0, 0, 0, 0]);
  assert.equal(requests.length, 2);
  // Python's messages for the rest (CPython's getsockaddrarg; the str case after FSConverter).
  assert.throws(() => connect(codec, "no.such.control"), {
    name: "OSError",
    message: "cannot find kernel control with provided name",
  });
  assert.throws(() => connect(codec, "nul\0inside"), {
    name: "RangeError",
    message: "embedded null byte",
  });
  for (
    const bad of [te.encode("com.apple.net.utun_control"), ["a", 1], [1.5, 0], [1, 2, 3], 7, null]
  ) {
    assert.throws(() => connect(codec, bad), {
      name: "TypeError",
      message: "connect(): PF_SYSTEM address must be a str or a pair (id, unit)",
    });
  }
  assert.equal(requests.length, 3); // only the good names and the unknown one reached the call
  // "II" wraps without a range check.
  assert.deepEqual(connect(codec, [-1, 2 ** 32 + 5]).slice(4, 12), [
    255,
    255,
    255,
    255,
    5,
    0,
    0,
    0,
  ]);
});

Deno.test("without a CTLIOCGINFO to call, a PF_SYSTEM name says so; the pair form still codes", () => {
  const codec = codecFor();
  assert.throws(() => connect(codec, "com.apple.net.utun_control"), {
    name: "OSError",
    message: "connect(): PF_SYSTEM control names need macOS's CTLIOCGINFO; pass (id, unit)",
  });
  // The checks before the call still come first, as in CPython.
  assert.throws(() => connect(codec, "x".repeat(97)), { message: "provided string is too long" });
  assert.deepEqual(connect(codec, [7, 1]).slice(4, 12), [7, 0, 0, 0, 1, 0, 0, 0]);
});
