// Each OS's constant and errno tables, read on any OS: macOS's checked against
// the reference values in tools/reference/darwin/ (from the xnu headers),
// Windows's (from the mingw-w64 headers) against known Winsock values here and
// against a mingw-compiled probe in the Windows lane (tests/windows_test.ts).
import assert from "node:assert/strict";
import { constants as darwin, system } from "../ffi/posix/constants_darwin.ts";
import { errnos as darwinErrnos } from "../ffi/posix/errno_darwin.ts";
import { constants as linux } from "../ffi/posix/constants_linux.ts";
import { errnos as linuxErrnos } from "../ffi/posix/errno_linux.ts";
import { darwin as layout, type Layout, windows as windowsLayout } from "../ffi/layout.ts";
import { constants as windowsTable } from "../ffi/windows/constants.ts";
import { errnos as windowsErrnos } from "../ffi/windows/errno.ts";
import { AddressCodec } from "../lib/address.ts";
import * as socket from "../mod.ts";
import { python } from "./_helpers.ts";

const reference = new URL("../tools/reference/darwin/", import.meta.url);
const read = (name: string) => JSON.parse(Deno.readTextFileSync(new URL(name, reference)));
/** CPython's names, as tools/gen_tables.py reads them. */
const cpythonEntries: { name?: string; value?: string }[] = JSON.parse(
  Deno.readTextFileSync(
    new URL("../tools/reference/cpython/socket_constants.json", import.meta.url),
  ),
).entries;

Deno.test("the macOS table holds Python's names with the reference's values, and no name macOS lacks", () => {
  const ref = read("darwin-constants.json") as Record<string, unknown>;
  const extra = read("darwin-constants-extra.json") as Record<string, { value: number }>;
  const more = read("darwin-constants-cpython.json") as Record<string, { value: number }>;
  const header = (name: string) =>
    (ref[name] as number | undefined) ?? extra[name]?.value ?? more[name]?.value;
  // What CPython gives each name first: the header's macro, or a value of its own.
  const cpython = new Map<string, string>();
  for (const e of cpythonEntries) if (e.name && !cpython.has(e.name)) cpython.set(e.name, e.value!);
  const own = new Set(
    cpythonEntries.filter((e) => e.name && e.value !== e.name).map((e) => e.name),
  );
  for (const [name, value] of Object.entries(darwin)) {
    if (["EBADF", "EAGAIN", "EWOULDBLOCK"].includes(name)) {
      assert.equal(value, darwinErrnos[name], name); // socket.py takes them from errno
    } else if (cpython.get(name) === name && header(name) !== undefined) {
      assert.equal(value, header(name), name);
    } else {
      assert.ok(own.has(name), `${name}: neither a header's value nor one CPython gives`);
    }
  }
  // A name the headers lack is there only where CPython gives a value of its own.
  for (const name of [...ref.absent as string[], ...more.absent as unknown as string[]]) {
    if (!own.has(name)) assert.equal(darwin[name], undefined, name);
  }
  for (
    const name of [
      "AF_LINK",
      "AF_SYSTEM",
      "PF_SYSTEM",
      "SYSPROTO_CONTROL",
      "LOCAL_PEERCRED",
      "MSG_EOF",
      "TCP_KEEPALIVE",
      "SOL_IP",
      "SOL_TCP",
      "SOL_UDP",
    ]
  ) {
    assert.ok(Number.isInteger(darwin[name]), name);
  }
  // Python's fallbacks where the headers have no such name, and CPython's own expression.
  assert.deepEqual([darwin.SOL_IP, darwin.SOL_TCP, darwin.SOL_UDP], [0, 6, 17]);
  assert.equal(darwin.IOCTL_VM_SOCKETS_GET_LOCAL_CID, 0x20000000 | (7 << 8) | 0xb9);
  // The backend's own values come from the reference too, and are not Python's names.
  for (const [name, value] of Object.entries(system)) {
    assert.equal(value, header(name), name);
    assert.ok(!cpython.has(name), name);
  }
  assert.equal(system.SO_NOSIGPIPE, 0x1022);
});

Deno.test("the macOS errno table equals the reference, and differs from Linux where the headers do", () => {
  assert.deepEqual(darwinErrnos, read("darwin-errno.json"));
  assert.equal(darwinErrnos.EAGAIN, 35);
  assert.equal(linuxErrnos.EAGAIN, 11);
  assert.equal(darwinErrnos.ECONNREFUSED, 61);
  assert.equal(linuxErrnos.ECONNREFUSED, 111);
});

Deno.test("names on both tables that differ in value are the known BSD/Linux differences", () => {
  const same = Object.keys(darwin).filter((n) => n in linux && darwin[n] === linux[n]);
  assert.ok(same.includes("AF_INET") && same.includes("SOCK_STREAM") && same.includes("AF_UNIX"));
  assert.notEqual(darwin.AF_INET6, linux.AF_INET6);
  assert.notEqual(darwin.SOL_SOCKET, linux.SOL_SOCKET);
  assert.equal(darwin.SOL_SOCKET, 0xffff);
});

/**
 * Another OS's address codec, run here: numeric hosts only, with that OS's
 * AF_INET6 translated to this machine's for inet_pton/inet_ntop.
 */
function codecFor(l: Layout, table: Readonly<Record<string, number>>): AddressCodec {
  const local = (f: number) => f === table.AF_INET6 ? socket.AF_INET6 : socket.AF_INET;
  return new AddressCodec(l, table, {
    inet_pton: (f, t) => socket.inet_pton(local(f), t),
    inet_ntop: (f, b) => socket.inet_ntop(local(f), b),
    resolve: () => socket.EAI_NONAME,
    if_nametoindex: () => 0,
    if_indextoname: () => null,
  });
}

Deno.test("the address codec writes macOS sockaddrs byte for byte: length byte, 1-byte family", () => {
  const codec = codecFor(layout, darwin);
  const buf = new Uint8Array(128);
  // struct sockaddr_in: sin_len 16, sin_family 2, port big-endian, address, 8 zero bytes.
  let n = codec.encode(darwin.AF_INET, ["10.1.2.3", 0x1234], buf, "bind");
  assert.deepEqual([...buf.subarray(0, n)], [
    16,
    2,
    0x12,
    0x34,
    10,
    1,
    2,
    3,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
  ]);
  assert.deepEqual(codec.decode(buf.subarray(0, n)), ["10.1.2.3", 0x1234]);
  // struct sockaddr_in6: length 28, family 30, port, flowinfo (big-endian), address, scope id.
  n = codec.encode(darwin.AF_INET6, ["::1", 80, 5, 7], buf, "bind");
  assert.equal(n, 28);
  assert.deepEqual([...buf.subarray(0, 8)], [28, 30, 0, 80, 0, 0, 0, 5]);
  assert.equal(buf[23], 1);
  assert.deepEqual([...buf.subarray(24, 28)], [7, 0, 0, 0]);
  assert.deepEqual(codec.decode(buf.subarray(0, n)), ["::1", 80, 5, 7]);
  // struct sockaddr_un: sun_len, sun_family 1, a path of at most 103 bytes plus NUL.
  n = codec.encode(darwin.AF_UNIX, "/tmp/s", buf, "bind");
  assert.deepEqual([...buf.subarray(0, n)], [8, 1, ...new TextEncoder().encode("/tmp/s")]);
  assert.equal(codec.decode(buf.subarray(0, n)), "/tmp/s");
  assert.throws(
    () => codec.encode(darwin.AF_UNIX, "x".repeat(104), buf, "bind"),
    /AF_UNIX path too long/,
  );
  codec.encode(darwin.AF_UNIX, "x".repeat(103), buf, "bind");
});

Deno.test("the address codec writes Windows sockaddrs byte for byte: 2-byte family, AF_INET6 23", () => {
  const codec = codecFor(windowsLayout, windowsTable);
  const buf = new Uint8Array(128);
  // SOCKADDR_IN: sin_family 2 as a little-endian u16, port big-endian, address, 8 zero bytes.
  let n = codec.encode(windowsTable.AF_INET, ["10.1.2.3", 0x1234], buf, "bind");
  assert.deepEqual([...buf.subarray(0, n)], [
    2,
    0,
    0x12,
    0x34,
    10,
    1,
    2,
    3,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
  ]);
  assert.deepEqual(codec.decode(buf.subarray(0, n)), ["10.1.2.3", 0x1234]);
  // SOCKADDR_IN6 (28 bytes): family 23, port, flowinfo, address, scope id.
  n = codec.encode(windowsTable.AF_INET6, ["::1", 80, 5, 7], buf, "bind");
  assert.equal(n, 28);
  assert.deepEqual([...buf.subarray(0, 8)], [23, 0, 0, 80, 0, 0, 0, 5]);
  assert.equal(buf[23], 1);
  assert.deepEqual([...buf.subarray(24, 28)], [7, 0, 0, 0]);
  assert.deepEqual(codec.decode(buf.subarray(0, n)), ["::1", 80, 5, 7]);
  // SOCKADDR_UN (afunix.h): family 1, a path of at most 107 bytes plus NUL.
  n = codec.encode(windowsTable.AF_UNIX, "C:\\s", buf, "bind");
  assert.deepEqual([...buf.subarray(0, n)], [1, 0, ...new TextEncoder().encode("C:\\s")]);
  assert.equal(codec.decode(buf.subarray(0, n)), "C:\\s");
  assert.throws(
    () => codec.encode(windowsTable.AF_UNIX, "x".repeat(108), buf, "bind"),
    /AF_UNIX path too long/,
  );
});

Deno.test("the Windows tables hold Winsock's values where they differ from Linux", () => {
  assert.equal(windowsTable.SOL_SOCKET, 0xffff);
  assert.equal(windowsTable.SO_REUSEADDR, 4);
  assert.equal(windowsTable.AF_INET6, 23);
  assert.equal(windowsTable.SIO_RCVALL, 0x98000001);
  assert.equal(windowsTable.SO_EXCLUSIVEADDRUSE, -5);
  assert.equal(windowsTable.SOMAXCONN, 0x7fffffff);
  assert.equal(windowsTable.AF_PACKET, undefined);
  // The Windows SDK's ws2ipdef.h values (tools/reference/windows/).
  assert.deepEqual(
    ["TCP_MAXSEG", "TCP_KEEPIDLE", "TCP_FASTOPEN", "TCP_KEEPCNT", "TCP_KEEPINTVL"].map((n) =>
      windowsTable[n]
    ),
    [4, 3, 15, 16, 17],
  );
  assert.deepEqual([windowsTable.SOL_IP, windowsTable.SOL_TCP, windowsTable.SOL_UDP], [0, 6, 17]);
  // CPython stores constants in a C long, 32 bits on Windows: 0xffffffff reads as -1 there.
  assert.equal(windowsTable.INADDR_BROADCAST, -1);
  assert.equal(windowsTable.EWOULDBLOCK, 10035, "errno's, as socket.py takes it");
  assert.equal(windowsTable.FIONBIO, undefined, "the backend's own, not Python's");
  assert.equal(windowsErrnos.EWOULDBLOCK, 10035);
  assert.equal(windowsErrnos.ECONNREFUSED, 10061);
  assert.equal(windowsErrnos.EINTR, 4, "the C runtime's, as Python's errno module has it");
  // Every name of lib/constants.ts that Windows lacks is typed number | undefined.
  const src = Deno.readTextFileSync(new URL("../lib/constants.ts", import.meta.url));
  for (
    const [, name, type] of src.matchAll(/^export const (\w+): (number(?: \| undefined)?) =/gm)
  ) {
    const everywhere = name in windowsTable && name in darwin && name in linux;
    assert.equal(type, everywhere ? "number" : "number | undefined", name);
  }
});

Deno.test(
  "the address codec writes Windows' SOCKADDR_HV for AF_HYPERV: GUIDs as UuidFromString lays them out",
  {
    ignore: Deno.build.os === "windows", // python3 is not there
  },
  () => {
    const codec = codecFor(windowsLayout, windowsTable);
    const buf = new Uint8Array(128);
    const vm = "E0E16197-DD56-4A10-9195-5EE7A155A838",
      service = "00000000-facb-11e6-bd58-64006a7986d3";
    const n = codec.encode(
      windowsTable.AF_HYPERV,
      [vm, service],
      buf,
      "bind",
      windowsTable.HV_PROTOCOL_RAW,
    );
    assert.equal(n, 36);
    // Python's uuid module lays a GUID out as Windows does (bytes_le).
    const [vmBytes, serviceBytes] = python<number[][]>(
      `import json, uuid; print(json.dumps([list(uuid.UUID(u).bytes_le) for u in ${
        JSON.stringify([vm, service])
      }]))`,
    );
    assert.deepEqual([...buf.subarray(0, 4)], [windowsTable.AF_HYPERV, 0, 0, 0]);
    assert.deepEqual([...buf.subarray(4, 20)], vmBytes);
    assert.deepEqual([...buf.subarray(20, 36)], serviceBytes);
    assert.deepEqual(
      codec.decode(buf.subarray(0, n), n, windowsTable.HV_PROTOCOL_RAW),
      [vm.toLowerCase(), service],
    );
    const P = windowsTable.HV_PROTOCOL_RAW;
    assert.throws(
      () => codec.encode(windowsTable.AF_HYPERV, ["nope", service], buf, "bind", P),
      { name: "RangeError", message: "bind(): AF_HYPERV address vm_id is not a valid UUID string" },
    );
    assert.throws(
      () => codec.encode(windowsTable.AF_HYPERV, [vm, 5], buf, "bind", P),
      { name: "TypeError", message: "AF_HYPERV address must be a str tuple (vm_id, service_id)" },
    );
    assert.throws(
      () => codec.encode(windowsTable.AF_HYPERV, [vm, service], buf, "connect", 0),
      { message: "connect(): unsupported AF_HYPERV protocol: 0" },
    );
  },
);

Deno.test("the address codec writes macOS's sockaddr_ctl for PF_SYSTEM kernel controls: (id, unit)", () => {
  const codec = codecFor(layout, darwin);
  const buf = new Uint8Array(128);
  const n = codec.encode(darwin.PF_SYSTEM, [0x1234, 7], buf, "connect", darwin.SYSPROTO_CONTROL);
  // sc_len 32, sc_family AF_SYSTEM (32), ss_sysaddr AF_SYS_CONTROL (2), sc_id, sc_unit, 5 words of 0.
  assert.deepEqual([...buf.subarray(0, n)], [
    32,
    32,
    2,
    0,
    0x34,
    0x12,
    0,
    0,
    7,
    0,
    0,
    0,
    ...new Array(20).fill(0),
  ]);
  assert.deepEqual(codec.decode(buf.subarray(0, n), n, darwin.SYSPROTO_CONTROL), [0x1234, 7]);
  assert.throws(
    () => codec.encode(darwin.PF_SYSTEM, [1], buf, "connect", darwin.SYSPROTO_CONTROL),
    {
      name: "TypeError",
      message: "connect(): PF_SYSTEM address must be a str or a pair (id, unit)",
    },
  );
});
