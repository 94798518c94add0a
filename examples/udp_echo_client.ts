// UDP echo client: sends --count datagrams to a UDP echo server, waits up to
// --timeout seconds for each reply, and reports every datagram that got no
// reply instead of waiting forever (UDP does not retransmit). It exits with
// status 1 when any datagram was lost.
//
// Run: deno run --allow-ffi examples/udp_echo_client.ts [--host 127.0.0.1] [--port 50007]
//      [--count 5] [--timeout 1] [--message ping]

import "./_preflight.ts";
import * as socket from "../mod.ts";
import { flags, numberOf, portOf, repr, usageOf } from "./_cli.ts";

const USAGE = usageOf("udp_echo_client.ts");
const args = flags("udp_echo_client.ts");
const HOST = args.host;
const PORT = portOf(args.port, USAGE);
const COUNT = Math.floor(numberOf(args.count, "count", USAGE));
const TIMEOUT = numberOf(args.timeout, "timeout", USAGE);
const encoder = new TextEncoder();

let received = 0;
{
  using sock = socket.socket(
    HOST.includes(":") ? socket.AF_INET6 : socket.AF_INET,
    socket.SOCK_DGRAM,
  );
  for (let i = 1; i <= COUNT; i++) {
    const message = encoder.encode(`${args.message} ${i}`);
    sock.sendto(message, [HOST, PORT]);
    const deadline = performance.now() + TIMEOUT * 1000;
    let reply: Uint8Array | null = null;
    // A late reply to an earlier datagram is skipped, not counted twice.
    while (reply === null) {
      const left = (deadline - performance.now()) / 1000;
      if (left <= 0) break;
      sock.settimeout(left);
      try {
        const [data] = sock.recvfrom(65535);
        if (data.length === message.length && data.every((b, j) => b === message[j])) {
          reply = data;
        }
      } catch (e) {
        if (e instanceof socket.timeout) break;
        if (e instanceof socket.ConnectionRefusedError) break; // an ICMP port unreachable
        throw e;
      }
    }
    if (reply === null) {
      console.log(`datagram ${i}: no reply within ${TIMEOUT} s (lost)`);
    } else {
      received++;
      console.log(`datagram ${i}: Received ${repr(reply)}`);
    }
  }
}
const lost = COUNT - received;
console.log(`sent ${COUNT}, received ${received}, lost ${lost}`);
if (lost > 0) Deno.exit(1);
