// Bluetooth addresses as the codec writes them, with no socket: this runs
// where the kernel refuses AF_BLUETOOTH (this machine's) as well as in the
// kernel lane. CPython reads a bdaddr's text with the C library's sscanf
// (setbdaddr: "%X:%X:%X:%X:%X:%X%c"), so the oracle here is that sscanf,
// called through python3's ctypes; address_test.ts compares whole calls on
// real sockets where the kernel has the family.
import assert from "node:assert/strict";
import * as socket from "../../mod.ts";
import { codec } from "../../lib/address.ts";
import { python, windows } from "../_helpers.ts";

// deno-lint-ignore no-explicit-any
const S = socket as any;
const te = new TextEncoder();

// Texts that glibc's %X takes and a strict XX:XX reading would not, and some it refuses.
const texts = [
  "00:00:00:00:00:00",
  "12:34:56:78:9a:bc",
  "1:2:3:4:5:6",
  "012:034:056:078:09a:0bc",
  "0x12:0X34:56:78:9a:bc",
  "0x:1:2:3:4:5",
  " 12: 34:\t56:78:9a:bc",
  "+12:-0:56:78:9a:bc",
  "100000000:0:0:0:0:0",
  "-100000000:0:0:0:0:0",
  "12:34:56:78:9a:bc\0junk",
  "-1:00:00:00:00:00",
  "0xg:1:2:3:4:5",
  "12 :34:56:78:9a:bc",
  "100:00:00:00:00:00",
  "10000000000000000:0:0:0:0:0",
  "00:00:00:00:00:00 ",
  "00:00:00:00:00:00:00",
  "00:00:00",
  "",
];

Deno.test("a bdaddr's text reads as CPython's setbdaddr reads it, and codes as sockaddr_sco", {
  ignore: windows || S.BTPROTO_SCO === undefined, // Linux's (and the BSDs') Bluetooth
}, () => {
  const want = python<(string | null)[]>(`
import ctypes, json
libc = ctypes.CDLL(None)
out = []
for text in ${JSON.stringify(texts)}:
    v = [ctypes.c_uint() for _ in range(6)]
    n = libc.sscanf(text.encode(), b"%X:%X:%X:%X:%X:%X%c", *map(ctypes.byref, v), ctypes.byref(ctypes.c_char()))
    good = n == 6 and max(x.value for x in v) < 256
    out.append(":".join("%02X" % x.value for x in v) if good else None)
print(json.dumps(out))
`);
  const buf = new Uint8Array(64);
  const got = texts.map((text) => {
    try {
      const n = codec.encode(S.AF_BLUETOOTH, te.encode(text), buf, "bind", S.BTPROTO_SCO);
      assert.equal(n, 8); // struct sockaddr_sco: sa_family_t, bdaddr_t
      return codec.decode(buf.subarray(0, n), n, S.BTPROTO_SCO);
    } catch (e) {
      assert.equal((e as Error).message, "bad bluetooth address");
      return null;
    }
  });
  assert.deepEqual(got, want);
  // The bytes: family 31 (little-endian), then the address last byte first.
  const n = codec.encode(
    S.AF_BLUETOOTH,
    te.encode("12:34:56:78:9a:bc"),
    buf,
    "bind",
    S.BTPROTO_SCO,
  );
  assert.deepEqual([...buf.subarray(0, n)], [31, 0, 0xbc, 0x9a, 0x78, 0x56, 0x34, 0x12]);
  // SCO takes bytes alone (PyBytes_Check): a str or a tuple is the wrong format.
  for (const bad of ["12:34:56:78:9a:bc", [te.encode("12:34:56:78:9a:bc")], 0]) {
    assert.throws(() => codec.encode(S.AF_BLUETOOTH, bad, buf, "connect", S.BTPROTO_SCO), {
      name: "OSError",
      message: "connect(): wrong format",
    });
  }
});
