// A tour of the socket options people tune: each is set on a fresh socket of
// the kind it applies to, read back with getsockopt(), and shown in a table
// with what the kernel made of it (Linux doubles SO_RCVBUF and SO_SNDBUF to
// leave room for its bookkeeping). Options the running OS lacks are marked.
// --json prints the rows as JSON instead (the tests compare them with Python).
//
// Run: deno run --allow-ffi examples/socket_options.ts [--json]

import "./_preflight.ts";
import * as socket from "../mod.ts";
import { flags } from "./_cli.ts";

/** One option of the tour: where it lives, what to set, how to read it back. */
interface Option {
  name: string;
  level: number;
  option: number | undefined;
  kind: "tcp" | "tcp6" | "udp";
  value: number | Uint8Array;
  /** The buffer size for struct options; omitted for integers. */
  buflen?: number;
  /** Turns the bytes of a struct option into text. */
  show?: (bytes: Uint8Array) => string;
  note?: string;
}

// struct linger is two ints on POSIX and two u_shorts on Windows.
const windows = Deno.build.os === "windows";
function linger(onoff: number, seconds: number): Uint8Array {
  const b = new Uint8Array(windows ? 4 : 8);
  const v = new DataView(b.buffer);
  if (windows) (v.setUint16(0, onoff, true), v.setUint16(2, seconds, true));
  else (v.setInt32(0, onoff, true), v.setInt32(4, seconds, true));
  return b;
}
function showLinger(b: Uint8Array): string {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const [onoff, seconds] = windows
    ? [v.getUint16(0, true), v.getUint16(2, true)]
    : [v.getInt32(0, true), v.getInt32(4, true)];
  return `l_onoff=${onoff} l_linger=${seconds}`;
}

const { SOL_SOCKET, IPPROTO_IP, IPPROTO_TCP, IPPROTO_IPV6 } = socket;
const OPTIONS: Option[] = [
  { name: "SO_REUSEADDR", level: SOL_SOCKET, option: socket.SO_REUSEADDR, kind: "tcp", value: 1 },
  { name: "SO_KEEPALIVE", level: SOL_SOCKET, option: socket.SO_KEEPALIVE, kind: "tcp", value: 1 },
  { name: "TCP_NODELAY", level: IPPROTO_TCP, option: socket.TCP_NODELAY, kind: "tcp", value: 1 },
  {
    name: "SO_RCVBUF",
    level: SOL_SOCKET,
    option: socket.SO_RCVBUF,
    kind: "tcp",
    value: 65536,
    note: "the kernel may double it",
  },
  {
    name: "SO_SNDBUF",
    level: SOL_SOCKET,
    option: socket.SO_SNDBUF,
    kind: "tcp",
    value: 65536,
    note: "the kernel may double it",
  },
  {
    name: "SO_LINGER",
    level: SOL_SOCKET,
    option: socket.SO_LINGER,
    kind: "tcp",
    value: linger(1, 5),
    buflen: windows ? 4 : 8,
    show: showLinger,
    note: "close() waits up to 5 s to send",
  },
  {
    name: "IP_TOS",
    level: IPPROTO_IP,
    option: socket.IP_TOS,
    kind: "tcp",
    value: 0x10,
    note: "IPTOS_LOWDELAY",
  },
  { name: "IP_TTL", level: IPPROTO_IP, option: socket.IP_TTL, kind: "tcp", value: 32 },
  {
    name: "TCP_MAXSEG",
    level: IPPROTO_TCP,
    option: socket.TCP_MAXSEG,
    kind: "tcp",
    value: 1200,
    note: "set before connect()",
  },
  {
    name: "TCP_KEEPIDLE",
    level: IPPROTO_TCP,
    option: socket.TCP_KEEPIDLE,
    kind: "tcp",
    value: 60,
    note: "seconds idle before probes",
  },
  {
    name: "TCP_KEEPINTVL",
    level: IPPROTO_TCP,
    option: socket.TCP_KEEPINTVL,
    kind: "tcp",
    value: 10,
    note: "seconds between probes",
  },
  {
    name: "TCP_KEEPCNT",
    level: IPPROTO_TCP,
    option: socket.TCP_KEEPCNT,
    kind: "tcp",
    value: 5,
    note: "probes before giving up",
  },
  {
    name: "IPV6_V6ONLY",
    level: IPPROTO_IPV6,
    option: socket.IPV6_V6ONLY,
    kind: "tcp6",
    value: 1,
    note: "no IPv4-mapped peers",
  },
  {
    name: "IP_RECVTOS",
    level: IPPROTO_IP,
    option: socket.IP_RECVTOS,
    kind: "udp",
    value: 1,
    note: "TOS arrives as ancillary data",
  },
  {
    name: "IP_RECVTTL",
    level: IPPROTO_IP,
    option: socket.IP_RECVTTL,
    kind: "udp",
    value: 1,
    note: "TTL arrives as ancillary data",
  },
];

function fresh(kind: Option["kind"]): socket.Socket {
  if (kind === "udp") return socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  return socket.socket(kind === "tcp6" ? socket.AF_INET6 : socket.AF_INET, socket.SOCK_STREAM);
}

function show(value: number | Uint8Array, option: Option): string {
  if (typeof value === "number") return String(value);
  return option.show ? option.show(value) : Array.from(value).join(" ");
}

/** A row of the table: what was set, what came back, or why neither. */
interface Row {
  name: string;
  set: string;
  read: string | null;
  note: string;
}

const rows: Row[] = OPTIONS.map((o) => {
  const row: Row = { name: o.name, set: show(o.value, o), read: null, note: o.note ?? "" };
  if (o.option === undefined) return { ...row, set: "-", note: `not on ${Deno.build.os}` };
  try {
    using s = fresh(o.kind);
    const before = s.getsockopt(o.level, o.option, o.buflen);
    s.setsockopt(o.level, o.option, o.value);
    const after = s.getsockopt(o.level, o.option, o.buflen);
    row.read = show(after, o);
    row.note = `was ${show(before, o)}${o.note ? "; " + o.note : ""}`;
  } catch (e) {
    if (!(e instanceof socket.error)) throw e;
    row.note = `failed: ${e.message}`;
  }
  return row;
});

if (flags("socket_options.ts").json) {
  console.log(JSON.stringify(rows));
} else {
  const head: Row = { name: "option", set: "set", read: "read back", note: "note" };
  const width = (k: keyof Row) =>
    Math.max(...[head, ...rows].map((r) => String(r[k] ?? "-").length));
  const [wn, ws, wr] = [width("name"), width("set"), width("read")];
  for (const r of [head, ...rows]) {
    console.log(
      `${r.name.padEnd(wn)}  ${r.set.padEnd(ws)}  ${(r.read ?? "-").padEnd(wr)}  ${r.note}`
        .trimEnd(),
    );
  }
}
