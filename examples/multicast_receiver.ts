// Multicast receiver: the classic Python receiver (SOCK_DGRAM, SO_REUSEADDR,
// bind to the group's port, then IP_ADD_MEMBERSHIP with an ip_mreq packed
// from inet_aton(group) and INADDR_ANY). It binds the group address rather
// than every interface, so only the group's datagrams arrive, prints each
// one, and leaves the group with IP_DROP_MEMBERSHIP when it stops: after
// --count datagrams (0: no limit) or on Ctrl-C.
//
// Run: deno run --allow-ffi examples/multicast_receiver.ts [--group 224.1.1.1] [--port 5007]
//      [--interface 0.0.0.0] [--count 0]
// --interface picks the interface by its IPv4 address; 0.0.0.0 (INADDR_ANY)
// lets the routing table choose. --interface 127.0.0.1 keeps it on loopback.

import "./_preflight.ts";
import * as socket from "../mod.ts";
import { announce, flags, numberOf, portOf, readable, repr, usageOf } from "./_cli.ts";

const USAGE = usageOf("multicast_receiver.ts");
const args = flags("multicast_receiver.ts");
const MCAST_GRP = args.group;
const MCAST_PORT = portOf(args.port, USAGE);
const COUNT = Math.floor(numberOf(args.count, "count", USAGE));

// struct ip_mreq { struct in_addr imr_multiaddr; struct in_addr imr_interface; }
const mreq = new Uint8Array(8);
mreq.set(socket.inet_aton(MCAST_GRP), 0);
if (args.interface === "0.0.0.0") {
  new DataView(mreq.buffer).setUint32(4, socket.INADDR_ANY); // network byte order
} else {
  mreq.set(socket.inet_aton(args.interface), 4);
}

let received = 0;
{
  using sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP);
  sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
  sock.bind([MCAST_GRP, MCAST_PORT]);
  sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq);
  announce(sock);
  while ((COUNT === 0 || received < COUNT) && await readable(sock)) {
    const [data, addr] = sock.recvfrom(10240);
    received++;
    console.log(`from ${repr(addr)}: ${repr(data)}`);
  }
  sock.setsockopt(socket.IPPROTO_IP, socket.IP_DROP_MEMBERSHIP, mreq);
}
console.log(`received ${received}, stopped`);
