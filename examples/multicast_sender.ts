// Multicast sender: the classic Python sender (SOCK_DGRAM, IP_MULTICAST_TTL,
// sendto the group), which also sets IP_MULTICAST_LOOP so a receiver on the
// same host hears it, and IP_MULTICAST_IF when --interface names one. It
// sends --count datagrams, --interval seconds apart, and exits.
//
// Run: deno run --allow-ffi examples/multicast_sender.ts [--group 224.1.1.1] [--port 5007]
//      [--interface 0.0.0.0] [--ttl 1] [--count 3] [--interval 0.2] [--message robot]
// A TTL of 1 keeps the datagrams on the local network; --interface 127.0.0.1
// keeps them on this host.

import "./_preflight.ts";
import * as socket from "../mod.ts";
import { flags, numberOf, portOf, repr, usageOf } from "./_cli.ts";

const USAGE = usageOf("multicast_sender.ts");
const args = flags("multicast_sender.ts");
const MCAST_GRP = args.group;
const MCAST_PORT = portOf(args.port, USAGE);
const TTL = Math.floor(numberOf(args.ttl, "ttl", USAGE));
const COUNT = Math.floor(numberOf(args.count, "count", USAGE));
const INTERVAL = numberOf(args.interval, "interval", USAGE);

{
  using sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP);
  sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, TTL);
  sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 1);
  if (args.interface !== "0.0.0.0") {
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(args.interface));
  }
  for (let i = 1; i <= COUNT; i++) {
    const data = new TextEncoder().encode(`${args.message} ${i}`);
    sock.sendto(data, [MCAST_GRP, MCAST_PORT]);
    console.log(`sent ${repr(data)} to ${MCAST_GRP}:${MCAST_PORT}`);
    if (i < COUNT) await new Promise((resolve) => setTimeout(resolve, INTERVAL * 1000));
  }
}
