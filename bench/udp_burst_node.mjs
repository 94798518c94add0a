// Async datagram bursts, Node's side of udp_burst.py:
//   node bench/udp_burst_node.mjs ROUNDS N
// The same rounds on node:dgram, as Node's documentation writes a receiver:
// a "message" listener, which counts into the current round; prints the counts.
import dgram from "node:dgram";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const [rounds, n] = process.argv.slice(2).map(Number);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const s = dgram.createSocket("udp4");
let got = 0;
s.on("message", () => {
  got++;
});
await new Promise((resolve) => s.bind(0, "127.0.0.1", resolve));
const port = s.address().port;
const counts = [];
for (let round = 0; round < rounds; round++) {
  got = 0;
  const sender = spawn("python3", [
    fileURLToPath(new URL("udp_burst.py", import.meta.url)),
    "send",
    String(port),
    String(n),
  ], { stdio: "inherit" });
  await new Promise((resolve) => sender.on("exit", resolve));
  let last = -1;
  while (got !== last) { // until the datagrams in flight have come
    last = got;
    await sleep(300);
  }
  counts.push(got);
}
console.log("received", ...counts);
s.close();
