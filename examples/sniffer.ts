// A raw-socket sniffer, after the last example of Python's socket
// documentation. On Windows it is the original: a raw AF_INET socket bound
// to the host's address, IP_HDRINCL, and promiscuous mode through
// ioctl(SIO_RCVALL, RCVALL_ON). On Linux the same job is done with an
// AF_PACKET socket for ETH_P_ALL. It prints one line per packet (interface,
// direction, addresses, protocol, length) and stops after --count packets
// (0: no limit) or on Ctrl-C.
//
// Run (as root or with CAP_NET_RAW on Linux, as Administrator on Windows):
//   deno run --allow-ffi examples/sniffer.ts [--interface lo] [--count 0]
// --interface is an interface name on Linux and an IPv4 address on Windows.
// Without the privilege it says so and exits with status 1.

import "./_preflight.ts";
import * as socket from "../mod.ts";
import { catchInterrupts, flags, numberOf, readable, usageOf } from "./_cli.ts";

const USAGE = usageOf("sniffer.ts");
const args = flags("sniffer.ts");
const COUNT = Math.floor(numberOf(args.count, "count", USAGE));

const windows = socket.SIO_RCVALL !== undefined && socket.RCVALL_ON !== undefined;
if (!windows && (socket.AF_PACKET === undefined || socket.ETH_P_ALL === undefined)) {
  // macOS has no packet sockets (it has /dev/bpf) and no SIO_RCVALL.
  console.error(`sniffer.ts: no AF_PACKET sockets on ${Deno.build.os}`);
  Deno.exit(1);
}

// The public network interface, as the original finds it.
const HOST = windows ? args.interface || socket.gethostbyname(socket.gethostname()) : "";
let s: socket.Socket;
try {
  if (windows) {
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_IP);
    s.bind([HOST, 0]);
    s.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1); // include the IP headers
    s.ioctl(socket.SIO_RCVALL!, socket.RCVALL_ON!); // receive all packets
  } else {
    s = socket.socket(socket.AF_PACKET!, socket.SOCK_RAW, socket.ntohs(socket.ETH_P_ALL!));
    if (args.interface !== "") s.bind([args.interface, 0]);
  }
} catch (e) {
  if (!(e instanceof socket.error)) throw e;
  // Winsock says WSAEACCES (10013) without Administrator rights.
  if (e instanceof socket.PermissionError || e.winerror === 10013) {
    const how = windows
      ? "run it as Administrator"
      : "run it as root or give the deno binary CAP_NET_RAW (setcap cap_net_raw+ep $(which deno))";
    console.error(`sniffer.ts: ${e.message}: raw sockets need privileges; ${how}`);
  } else {
    console.error(`sniffer.ts: cannot open a raw socket here: ${e.message}`);
  }
  Deno.exit(1);
}

const PROTOCOLS: Record<number, string> = { 1: "ICMP", 6: "TCP", 17: "UDP", 58: "ICMPv6" };
const ARPHRD_ETHER = 1;
const ARPHRD_LOOPBACK = 772;

/** Describes one frame: "IPv4 127.0.0.1:5000 -> 127.0.0.1:6000 UDP". */
function describe(frame: Uint8Array, ethertype: number, hatype: number): string {
  const link = hatype === ARPHRD_ETHER || hatype === ARPHRD_LOOPBACK ? 14 : 0;
  const p = frame.subarray(link);
  const v = new DataView(p.buffer, p.byteOffset, p.byteLength);
  let family: number, src: Uint8Array, dst: Uint8Array, proto: number, header: number;
  if (ethertype === 0x0800 && p.length >= 20) {
    family = socket.AF_INET;
    header = (p[0] & 0x0f) * 4;
    proto = p[9];
    src = p.subarray(12, 16);
    dst = p.subarray(16, 20);
  } else if (ethertype === 0x86dd && p.length >= 40) {
    family = socket.AF_INET6;
    header = 40;
    proto = p[6];
    src = p.subarray(8, 24);
    dst = p.subarray(24, 40);
  } else {
    return `ethertype 0x${ethertype.toString(16).padStart(4, "0")}`;
  }
  const name = PROTOCOLS[proto] ?? `proto ${proto}`;
  let [from, to] = [socket.inet_ntop(family, src), socket.inet_ntop(family, dst)];
  if (family === socket.AF_INET6) [from, to] = [`[${from}]`, `[${to}]`];
  if ((proto === 6 || proto === 17) && p.length >= header + 4) {
    from += `:${v.getUint16(header)}`;
    to += `:${v.getUint16(header + 2)}`;
  }
  return `${family === socket.AF_INET ? "IPv4" : "IPv6"} ${from} -> ${to} ${name}`;
}

let seen = 0;
{
  using _s = s;
  catchInterrupts();
  console.log(`sniffing on ${windows ? HOST : args.interface || "every interface"}`);
  while ((COUNT === 0 || seen < COUNT) && await readable(s)) {
    const [frame, addr] = s.recvfrom(65535);
    seen++;
    if (windows) {
      // An IP packet without a link header, in either direction.
      const ethertype = frame[0] >> 4 === 6 ? 0x86dd : 0x0800;
      console.log(`${HOST} ${describe(frame, ethertype, 0)} len ${frame.length}`);
      continue;
    }
    const [ifname, ethertype, pkttype, hatype] = addr as [string, number, number, number];
    const direction = pkttype === socket.PACKET_OUTGOING ? "out" : "in ";
    console.log(
      `${ifname} ${direction} ${describe(frame, ethertype, hatype)} len ${frame.length}`,
    );
  }
  if (windows) s.ioctl(socket.SIO_RCVALL!, socket.RCVALL_OFF!); // back to normal
}
console.log(`${seen} packets, stopped`);
