// The async echo server of the reactor benchmark, on Deno.listen. Prints
// "ready PORT"; on SIGINT prints "late MS" and exits.
const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
let late = 0, last = performance.now();
const timer = setInterval(() => {
  const t = performance.now();
  late = Math.max(late, t - last - 10);
  last = t;
}, 10);
Deno.addSignalListener("SIGINT", () => {
  clearInterval(timer);
  console.log(`late ${late.toFixed(1)}`);
  Deno.exit(0);
});
console.log("ready", (listener.addr as Deno.NetAddr).port);

async function echo(conn: Deno.TcpConn): Promise<void> {
  conn.setNoDelay(true);
  const buf = new Uint8Array(65536);
  for (;;) {
    const n = await conn.read(buf);
    if (n === null) break;
    for (let off = 0; off < n;) off += await conn.write(buf.subarray(off, n));
  }
  conn.close();
}

for await (const conn of listener) echo(conn).catch(() => conn.close());
