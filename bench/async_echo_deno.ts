// The async echo server of the reactor benchmark, on Deno.listen. Prints
// "ready PORT"; on SIGINT prints "late MS" (from the first connection on)
// and exits.
import { watchLateness } from "./_lateness.ts";

const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
const begin = watchLateness();
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

for await (const conn of listener) {
  begin();
  echo(conn).catch(() => conn.close());
}
