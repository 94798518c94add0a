// The Deno side of bench/: Deno.listen, Deno.connect and Deno.listenDatagram,
// the way a Deno program would do the same rounds as bench.c. Usage as bench.c
// (no "calls": Deno has no getsockopt; no "lines": its line splitter,
// TextLineStream, is in @std/streams, which these machines cannot fetch).
const [what, mode, portText, countText] = Deno.args;

async function server(mode: string): Promise<void> {
  if (mode === "udp") {
    const s = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
    console.log("ready", (s.addr as Deno.NetAddr).port);
    for (;;) {
      const [data, addr] = await s.receive();
      await s.send(data, addr);
    }
  }
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  console.log("ready", (l.addr as Deno.NetAddr).port);
  for await (const c of l) {
    if (mode === "accept") {
      const buf = new Uint8Array(1024);
      const n = await c.read(buf);
      if (n !== null) await c.write(buf.subarray(0, n));
      c.close();
      continue;
    }
    c.setNoDelay(true);
    (async () => {
      const buf = new Uint8Array(65536);
      for (;;) {
        const n = await c.read(buf);
        if (n === null) break;
        if (mode === "echo") {
          for (let off = 0; off < n;) off += await c.write(buf.subarray(off, n));
        }
      }
      if (mode === "sink") await c.write(new Uint8Array([107]));
      c.close();
    })();
  }
}

async function client(mode: string, port: number, n: number): Promise<void> {
  const msg = new Uint8Array(64).fill(120);
  const buf = new Uint8Array(65536);
  let t0: number, half = 0; // half: when the second half of the round trips began
  if (mode === "connect") {
    t0 = performance.now();
    for (let i = 0; i < n; i++) {
      if (i === n >> 1) half = performance.now();
      const c = await Deno.connect({ hostname: "127.0.0.1", port });
      await c.write(msg);
      await c.read(buf.subarray(0, 1024));
      c.close();
    }
  } else if (mode === "udp") {
    const s = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
    const to: Deno.NetAddr = { transport: "udp", hostname: "127.0.0.1", port };
    t0 = performance.now();
    for (let i = 0; i < n; i++) {
      if (i === n >> 1) half = performance.now();
      await s.send(msg, to);
      await s.receive(buf);
    }
  } else {
    const c = await Deno.connect({ hostname: "127.0.0.1", port });
    c.setNoDelay(true);
    t0 = performance.now();
    if (mode === "pingpong") {
      for (let i = 0; i < n; i++) {
        if (i === n >> 1) half = performance.now();
        await c.write(msg);
        for (let got = 0; got < 64;) got += (await c.read(buf.subarray(got, 64)))!;
      }
    } else {
      const chunk = new Uint8Array(65536).fill(120);
      for (let sent = 0; sent < n;) {
        const k = Math.min(65536, n - sent);
        let part = k === chunk.length ? chunk : chunk.subarray(0, k);
        while (part.length) part = part.subarray(await c.write(part));
        sent += k;
      }
      await c.closeWrite();
      await c.read(buf);
    }
  }
  const t1 = performance.now();
  const second = half ? ` ${((t1 - half) / 1000).toFixed(9)}` : "";
  console.log(`result ${n} ${((t1 - t0) / 1000).toFixed(9)}${second}`);
  Deno.exit(0);
}

if (what === "server") await server(mode);
else await client(mode, Number(portText), Number(countText));
