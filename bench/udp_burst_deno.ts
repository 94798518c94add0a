// Async datagram bursts, Deno's own side of udp_burst.py:
//   deno run --allow-net --allow-run --allow-read --unstable-net bench/udp_burst_deno.ts ROUNDS N
// The same rounds on Deno.listenDatagram, as Deno's documentation writes a
// receiver: `await conn.receive()` in a loop. A receive cannot be cancelled
// but by closing the socket, so one loop serves every round and the count
// starts again at each; prints the counts.

const [rounds, n] = Deno.args.map(Number);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const conn = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
const port = (conn.addr as Deno.NetAddr).port;
let got = 0;
const rx = (async () => {
  for (;;) {
    await conn.receive();
    got++;
  }
})().catch(() => {});
const counts: number[] = [];
for (let round = 0; round < rounds; round++) {
  got = 0;
  const sender = new Deno.Command("python3", {
    args: [new URL("udp_burst.py", import.meta.url).pathname, "send", String(port), String(n)],
  }).spawn();
  await sender.status;
  let last = -1;
  while (got !== last) { // until the datagrams in flight have come
    last = got;
    await sleep(300);
  }
  counts.push(got);
}
console.log("received", ...counts);
conn.close();
await rx;
