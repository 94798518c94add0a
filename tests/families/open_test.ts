// The socket families this machine's kernel refuses and CPython supports:
// pysocket must open each exactly as python3 does. On a kernel without the
// family both refuse it alike (EAFNOSUPPORT and friends); in the kernel lane
// (.ci/kernel: a real Linux kernel under qemu with the modules loaded) both
// open it, with the same family, type and protocol.
import assert from "node:assert/strict";
import * as socket from "../../mod.ts";
import { jsName, openFds, type Outcome, outcome, python, pythons, windows } from "../_helpers.ts";

// [label, family, type, protocol] by Python's names.
const kinds: [string, string, string, string][] = [
  ["CAN raw", "AF_CAN", "SOCK_RAW", "CAN_RAW"],
  ["CAN broadcast manager", "AF_CAN", "SOCK_DGRAM", "CAN_BCM"],
  ["CAN ISO-TP", "AF_CAN", "SOCK_DGRAM", "CAN_ISOTP"],
  ["CAN J1939", "AF_CAN", "SOCK_DGRAM", "CAN_J1939"],
  ["kernel crypto", "AF_ALG", "SOCK_SEQPACKET", "0"],
  ["VM sockets", "AF_VSOCK", "SOCK_STREAM", "0"],
  ["TIPC", "AF_TIPC", "SOCK_RDM", "0"],
  ["Bluetooth HCI", "AF_BLUETOOTH", "SOCK_RAW", "BTPROTO_HCI"],
  ["Bluetooth L2CAP", "AF_BLUETOOTH", "SOCK_SEQPACKET", "BTPROTO_L2CAP"],
  ["Bluetooth RFCOMM", "AF_BLUETOOTH", "SOCK_STREAM", "BTPROTO_RFCOMM"],
  ["Bluetooth SCO", "AF_BLUETOOTH", "SOCK_SEQPACKET", "BTPROTO_SCO"],
  ["RDS", "AF_RDS", "SOCK_SEQPACKET", "0"],
  ["Qualcomm IPC router", "AF_QIPCRTR", "SOCK_DGRAM", "0"],
];

const value = (name: string): number =>
  name === "0" ? 0 : (socket as unknown as Record<string, number>)[name];

Deno.test("each family CPython has opens in pysocket as in python3, or is refused alike", {
  ignore: windows, // these are Linux's families
}, () => {
  type Opened = Outcome | [string, number, number, number];
  const ask = (list: typeof kinds, command?: string) =>
    python<Record<string, Opened>>(
      `
import json, socket
out = {}
for label, f, t, p in ${JSON.stringify(list)}:
    if not all(hasattr(socket, n) for n in (f, t, p) if n != "0"):
        out[label] = ["MISSING"]  # a build without it (pyenv's has no Bluetooth)
        continue
    try:
        with socket.socket(getattr(socket, f), getattr(socket, t), 0 if p == "0" else getattr(socket, p)) as s:
            out[label] = ["OK", s.family, s.type, s.proto]
    except OSError as e:
        out[label] = [type(e).__name__, e.errno, str(e)]
print(json.dumps(out))
`,
      command,
    );
  const py = ask(kinds);
  // Where python3 lacks the names (pyenv's has no Bluetooth), ask the other pythons here.
  for (const { command } of pythons().slice(1)) {
    const missing = kinds.filter(([label]) => py[label][0] === "MISSING");
    if (missing.length === 0) break;
    Object.assign(py, ask(missing, command));
  }
  const before = openFds();
  const mismatches: string[] = [];
  for (const [label, f, t, p] of kinds) {
    if (py[label][0] === "MISSING") continue;
    let got: unknown;
    const failed = outcome(() => {
      using s = socket.socket(value(f), value(t), value(p));
      got = ["OK", s.family, s.type, s.proto];
    });
    if (failed[0] !== "OK") got = failed;
    const want = py[label][0] === "OK"
      ? py[label]
      : [jsName(py[label][0] as string), py[label][1], py[label][2]];
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      mismatches.push(`${label}: python ${JSON.stringify(want)}, pysocket ${JSON.stringify(got)}`);
    }
  }
  assert.deepEqual(mismatches, []);
  assert.equal(openFds(), before);
  const opened = Object.values(py).filter((o) => o[0] === "OK").length;
  const asked = Object.values(py).filter((o) => o[0] !== "MISSING").length;
  console.log(`${opened} of ${asked} families open on this kernel`);
  if (Deno.env.get("PYSOCKET_KERNEL_LANE") === "1") {
    assert.equal(opened, kinds.length, "the kernel lane loads every family's module");
  }
});
