// The soak's workload, run in a process of its own so that its memory is its
// own: rounds of what programs do all day (TCP connect, accept, echo and
// close; UDP datagrams; socketpair round trips; the async functions; makefile
// lines; the streams; errors), then the resident set and the descriptor count
// after each round, as JSON on stdout.
//
// Run: deno run --allow-all --v8-flags=--expose-gc tests/_soak_child.ts ROUNDS
// (--allow-all: Deno reads /proc/self/fd, for the count, only with it)

import * as socket from "../mod.ts";

const rounds = Number(Deno.args[0] ?? 10);
const decoder = new TextDecoder();

function rssKiB(): number {
  return Math.round(Deno.memoryUsage().rss / 1024);
}

function fds(): number {
  let n = 0;
  for (const _ of Deno.readDirSync("/proc/self/fd")) n++;
  return n;
}

function tcp(server: socket.Socket, addr: socket.Address): void {
  for (let i = 0; i < 200; i++) {
    using c = socket.create_connection(addr as [string, number]);
    const [conn] = server.accept();
    using _ = conn;
    c.sendall("ping ".repeat(20));
    let got = 0;
    while (got < 100) got += conn.recv(65536).length;
    conn.sendall("pong");
    c.recv(1024);
  }
}

function udp(a: socket.Socket, b: socket.Socket): void {
  const to = b.getsockname();
  for (let i = 0; i < 2000; i++) {
    a.sendto("datagram", to);
    const [data, from] = b.recvfrom(65536);
    b.sendto(data, from!);
    a.recvfrom(65536);
  }
}

function pair(): void {
  const [a, b] = socket.socketpair();
  using _a = a, _b = b;
  const big = new Uint8Array(100_000);
  for (let i = 0; i < 2000; i++) {
    a.sendall("x".repeat(1 + (i % 64)));
    b.recv(65536);
  }
  for (let i = 0; i < 50; i++) {
    a.sendall(big.subarray(0, 60_000));
    let got = 0;
    while (got < 60_000) got += b.recv(65536).length;
  }
}

async function asyncEcho(): Promise<void> {
  const [a, b] = socket.socketpair();
  using _a = a, _b = b;
  a.setblocking(false);
  b.setblocking(false);
  const echo = (async () => {
    for (;;) {
      const data = await socket.sock_recv(b, 65536);
      if (data.length === 0) return;
      await socket.sock_sendall(b, data);
    }
  })();
  for (let i = 0; i < 2000; i++) {
    await socket.sock_sendall(a, "hello");
    let got = 0;
    while (got < 5) got += (await socket.sock_recv(a, 65536)).length;
  }
  a.shutdown(socket.SHUT_WR);
  await echo;
}

async function streams(): Promise<void> {
  const [a, b] = socket.socketpair();
  a.setblocking(false);
  b.setblocking(false);
  const writer = a.writable.getWriter();
  const reader = b.readable.getReader();
  for (let i = 0; i < 500; i++) {
    await writer.write("chunk of a stream");
    let got = 0;
    while (got < 17) got += (await reader.read()).value!.length;
  }
  await writer.close();
  reader.releaseLock();
  await b.readable.cancel();
  a.close();
  b.close();
}

function lines(): void {
  const [a, b] = socket.socketpair();
  using _a = a, _b = b;
  const r = b.makefile("rb");
  const w = a.makefile("wb");
  for (let i = 0; i < 1000; i++) {
    w.write(`line ${i}\n`);
    w.flush();
    if (decoder.decode(r.readline() as Uint8Array) !== `line ${i}\n`) {
      throw new Error("lost a line");
    }
  }
  r.close();
  w.close();
}

function errors(): void {
  for (let i = 0; i < 500; i++) {
    using s = socket.socket();
    try {
      s.connect(["127.0.0.1", 1]);
    } catch (e) {
      if (!(e instanceof socket.ConnectionRefusedError)) throw e;
    }
    try {
      s.recv(-1);
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
    }
  }
}

const server = socket.create_server(["127.0.0.1", 0]);
const addr = server.getsockname();
const a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
const b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
a.bind(["127.0.0.1", 0]);
b.bind(["127.0.0.1", 0]);

const samples: { rssKiB: number; heapKiB: number; fds: number }[] = [];
for (let round = 0; round < rounds; round++) {
  tcp(server, addr);
  udp(a, b);
  pair();
  await asyncEcho();
  await streams();
  lines();
  errors();
  // Full collections, so what is measured is what is still held.
  for (let i = 0; i < 3; i++) {
    (globalThis as { gc?: () => void }).gc?.();
    await new Promise((r) => setTimeout(r, 5));
  }
  const heapKiB = Math.round(Deno.memoryUsage().heapUsed / 1024);
  samples.push({ rssKiB: rssKiB(), heapKiB, fds: fds() });
}
server.close();
a.close();
b.close();
console.log(JSON.stringify(samples));
