// Async datagram bursts, pysocket's side of udp_burst.py, line for line:
//   deno run --allow-ffi --allow-run --allow-read bench/udp_burst_pysocket.ts ROUNDS N
// Each round udp_burst.py's python3 sender sends N datagrams of 64 B as fast
// as it can, while `await sock_recvfrom(s, 65536)` counts them; prints the counts.
import * as socket from "../mod.ts";

const [rounds, n] = Deno.args.map(Number);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
s.bind(["127.0.0.1", 0]);
s.setblocking(false);
const port = s.getsockname()[1];
const counts: number[] = [];
for (let round = 0; round < rounds; round++) {
  let got = 0;
  const stop = new AbortController();
  const rx = (async () => {
    for (;;) {
      await socket.sock_recvfrom(s, 65536, { signal: stop.signal });
      got++;
    }
  })().catch(() => {});
  const sender = new Deno.Command("python3", {
    args: [new URL("udp_burst.py", import.meta.url).pathname, "send", String(port), String(n)],
  }).spawn();
  await sender.status;
  let last = -1;
  while (got !== last) { // until the datagrams in flight have come
    last = got;
    await sleep(300);
  }
  stop.abort();
  await rx;
  counts.push(got);
}
console.log("received", ...counts);
s.close();
