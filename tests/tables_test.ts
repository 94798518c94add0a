// Each OS's constant and errno tables, read on any OS and checked against the
// reference values in shared/reference/darwin/ (from the xnu headers).
import assert from "node:assert/strict";
import { constants as darwin, system } from "../ffi/posix/constants_darwin.ts";
import { errnos as darwinErrnos } from "../ffi/posix/errno_darwin.ts";
import { constants as linux } from "../ffi/posix/constants_linux.ts";
import { errnos as linuxErrnos } from "../ffi/posix/errno_linux.ts";

const reference = new URL("../../shared/reference/darwin/", import.meta.url);
const read = (name: string) => JSON.parse(Deno.readTextFileSync(new URL(name, reference)));

Deno.test("the macOS constant table holds every reference value, and no name macOS lacks", () => {
  const ref = read("darwin-constants.json") as Record<string, unknown>;
  const values = Object.entries(ref).filter(([, v]) => typeof v === "number");
  for (const [name, value] of values) {
    assert.equal(darwin[name] ?? system[name], value, name);
  }
  for (const name of ref.absent as string[]) assert.equal(darwin[name], undefined, name);
  assert.equal(Object.keys(darwin).length + Object.keys(system).length, values.length);
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
