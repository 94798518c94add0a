// UDP echo server: the classic recvfrom/sendto loop of Python's socket
// tutorials (socket(AF_INET, SOCK_DGRAM), SO_REUSEADDR, bind, then echo each
// datagram to its sender). It prints one line per datagram and runs until
// Ctrl-C. An IPv6 --host (one with a colon) gets an AF_INET6 socket.
//
// Run: deno run --allow-ffi examples/udp_echo_server.ts [--host 127.0.0.1] [--port 50007]

import "./_preflight.ts";
import * as socket from "../mod.ts";
import { announce, flags, portOf, readable, repr, usageOf } from "./_cli.ts";

const USAGE = usageOf("udp_echo_server.ts");
const args = flags("udp_echo_server.ts");
const HOST = args.host;
const PORT = portOf(args.port, USAGE);

{
  using sock = socket.socket(
    HOST.includes(":") ? socket.AF_INET6 : socket.AF_INET,
    socket.SOCK_DGRAM,
  );
  sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
  sock.bind([HOST, PORT]);
  announce(sock);
  while (await readable(sock)) {
    const [data, addr] = sock.recvfrom(65535); // the largest datagram, so none is cut
    sock.sendto(data, addr);
    console.log(`Echoed ${data.length} bytes to ${repr(addr)}`);
  }
}
console.log("stopped");
