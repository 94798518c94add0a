// The async path: asyncio's sock_* functions on the reactor, with real
// sockets on loopback, while the event loop keeps running.

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import process from "node:process";
import * as socket from "../mod.ts";
import { decoder, E, openFds, windows } from "./_helpers.ts";
import { quiet } from "../lib/_brand.ts";
import { native } from "../ffi/mod.ts";

function listener(): [socket.Socket, number] {
  const srv = socket.create_server(["127.0.0.1", 0], { backlog: 1024 });
  srv.setblocking(false);
  return [srv, srv.getsockname()[1]];
}

async function connected(port: number): Promise<socket.Socket> {
  const c = socket.socket();
  c.setblocking(false);
  await socket.sock_connect(c, ["127.0.0.1", port]);
  return c;
}

Deno.test(
  "sock_accept, sock_connect, sock_sendall and sock_recv echo without blocking the event loop",
  async () => {
    const [srv, port] = listener();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    try {
      const server = (async () => {
        const [conn] = await socket.sock_accept(srv);
        assert.equal(conn.gettimeout(), 0, "accepted sockets are non-blocking");
        for (;;) {
          const data = await socket.sock_recv(conn, 1024);
          if (data.length === 0) break;
          await socket.sock_sendall(conn, data);
        }
        conn.close();
      })();
      // Let the timer run while the server waits: nothing blocks the loop.
      await new Promise((r) => setTimeout(r, 60));
      assert.ok(ticks >= 5, `the timer ran ${ticks} times while accept was pending`);
      const c = await connected(port);
      await socket.sock_sendall(c, "Hello, world");
      assert.equal(decoder.decode(await socket.sock_recv(c, 1024)), "Hello, world");
      c.shutdown(socket.SHUT_WR);
      assert.equal((await socket.sock_recv(c, 1024)).length, 0);
      await server;
      c.close();
    } finally {
      clearInterval(timer);
      srv.close();
    }
  },
);

Deno.test(
  "1,000 concurrent connections each move 1 MiB both ways intact (SHA-256)",
  async () => {
    const [srv, port] = listener();
    const N = 1000, SIZE = 1 << 20;
    // Each connection sends a different window of one pseudo-random pattern.
    const pattern = new Uint8Array(SIZE + N);
    for (let j = 0, x = 1; j < pattern.length; j++) {
      pattern[j] = (x = (x * 1103515245 + 12345) >>> 16) & 0xff;
    }
    const digests: string[] = [];
    // The clients' sockets are made before the clock starts: 1,000 socket()
    // calls in one synchronous stretch are the test's own doing, not the
    // reactor's, and under Wine they take about 0.3 s.
    const sockets = Array.from({ length: N }, () => {
      const c = socket.socket();
      c.setblocking(false);
      return c;
    });
    let late = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      late = Math.max(late, now - last - 10);
      last = now;
    }, 10);
    try {
      const server = (async () => {
        const tasks: Promise<void>[] = [];
        for (let i = 0; i < N; i++) {
          const [conn] = await socket.sock_accept(srv);
          tasks.push((async () => {
            const buf = new Uint8Array(65536);
            for (;;) {
              const n = await socket.sock_recv_into(conn, buf);
              if (n === 0) break;
              await socket.sock_sendall(conn, buf.subarray(0, n));
            }
            conn.close();
          })());
        }
        await Promise.all(tasks);
      })();
      const clients = sockets.map(async (c, i) => {
        await socket.sock_connect(c, ["127.0.0.1", port]);
        const hash = createHash("sha256");
        let have = 0;
        const reader = (async () => {
          const buf = new Uint8Array(65536);
          for (;;) {
            const n = await socket.sock_recv_into(c, buf);
            if (n === 0) break;
            hash.update(buf.subarray(0, n));
            have += n;
          }
        })();
        await socket.sock_sendall(c, pattern.subarray(i, i + SIZE));
        c.shutdown(socket.SHUT_WR);
        await reader;
        c.close();
        assert.equal(have, SIZE, `connection ${i} got everything back`);
        digests[i] = hash.digest("hex");
      });
      await Promise.all(clients);
      await server;
    } finally {
      clearInterval(timer);
      srv.close();
      for (const c of sockets) c.close();
    }
    for (let i = 0; i < N; i++) {
      const expected = createHash("sha256").update(pattern.subarray(i, i + SIZE)).digest("hex");
      assert.equal(digests[i], expected, `connection ${i}`);
    }
    // Loose here, for a loaded 2-core CI machine that also hashes 2 GB in this
    // test; bench/ reports it exactly. Starvation, as before the reactor
    // yielded, showed as 0.4-1.5 s.
    assert.ok(late < 300, `a 10 ms timer ran up to ${late.toFixed(0)} ms late`);
  },
);

Deno.test(
  "an AbortSignal cancels a pending sock_recv, and the socket stays usable",
  async () => {
    const [a, b] = socket.socketpair();
    a.setblocking(false);
    b.setblocking(false);
    const ctl = new AbortController();
    const pending = socket.sock_recv(a, 10, { signal: ctl.signal });
    ctl.abort();
    await assert.rejects(pending, { name: "AbortError" });
    await assert.rejects(socket.sock_recv(a, 10, { signal: AbortSignal.abort() }), {
      name: "AbortError",
    });
    await socket.sock_sendall(b, "after");
    assert.equal(decoder.decode(await socket.sock_recv(a, 10)), "after");
    a.close();
    b.close();
  },
);

Deno.test("one AbortSignal serves many waits with one listener, taken off when no wait uses it, and its abort ends every wait on it and no other", async () => {
  const [a, b] = socket.socketpair();
  const [c, d] = socket.socketpair();
  try {
    for (const s of [a, b, c, d]) s.setblocking(false);
    const ctl = new AbortController();
    let added = 0, removed = 0;
    const add = ctl.signal.addEventListener.bind(ctl.signal);
    const remove = ctl.signal.removeEventListener.bind(ctl.signal);
    ctl.signal.addEventListener = (...args: Parameters<typeof add>) => void (added++, add(...args));
    ctl.signal.removeEventListener = (...args: Parameters<typeof remove>) =>
      void (removed++, remove(...args));
    for (let i = 0; i < 50; i++) {
      const waiting = socket.sock_recv(a, 10, { signal: ctl.signal });
      b.send("x");
      assert.equal(decoder.decode(await waiting), "x");
    }
    assert.equal(added, 1);
    // Once no wait uses it, the listener comes off: Deno keeps a signal with listeners alive,
    // and an AbortSignal.timeout() one keeps the program alive until it fires.
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(removed, 1);
    // An "abort" event dispatched by hand on a signal that is not aborted ends no wait.
    const early = socket.sock_recv(a, 10, { signal: ctl.signal });
    ctl.signal.dispatchEvent(new Event("abort"));
    b.send("y");
    assert.equal(decoder.decode(await early), "y");
    // Two waits on the signal, one on another: the abort ends the two.
    const other = new AbortController();
    const onA = socket.sock_recv(a, 10, { signal: ctl.signal });
    const onC = socket.sock_recvfrom(c, 10, { signal: ctl.signal });
    const onD = socket.sock_recv(d, 10, { signal: other.signal });
    ctl.abort(new Error("stop"));
    await assert.rejects(onA, { message: "stop" });
    await assert.rejects(onC, { message: "stop" });
    c.send("still");
    assert.equal(decoder.decode(await onD), "still");
    // The sockets wait again as before.
    b.send("after");
    assert.equal(decoder.decode(await socket.sock_recv(a, 10)), "after");
  } finally {
    for (const s of [a, b, c, d]) s.close();
  }
});

Deno.test("a pending sock_recv on a writable socket with unread data elsewhere leaves the CPU idle", async () => {
  // A poller that watched directions nobody waits for would spin here: b is
  // always writable and c stays readable, and only a's read is pending.
  const [a, b] = socket.socketpair();
  const [c, d] = socket.socketpair();
  for (const s of [a, b, c, d]) s.setblocking(false);
  try {
    const stop = new AbortController();
    const gaveUp = socket.sock_recv(c, 1, { signal: stop.signal }).catch((e) => e);
    stop.abort(); // c stays registered with the reactor, and nobody reads it
    assert.equal(await gaveUp, stop.signal.reason);
    await socket.sock_sendall(d, "unread");
    await socket.sock_sendall(b, "x"); // b's writer registers b; its data is read at once
    assert.equal(decoder.decode(await socket.sock_recv(a, 1)), "x");
    const before = process.cpuUsage();
    const t0 = performance.now();
    const late = socket.sock_recv(a, 1);
    await new Promise((r) => setTimeout(r, 300));
    const cpu = process.cpuUsage(before);
    const wall = (performance.now() - t0) * 1000;
    b.send("y");
    assert.equal(decoder.decode(await late), "y");
    assert.ok(cpu.user + cpu.system < wall / 3, `${cpu.user + cpu.system} µs of CPU in ${wall} µs`);
  } finally {
    for (const s of [a, b, c, d]) s.close();
  }
});

Deno.test("sock_recv after a short read still sees the end of stream that came with the data", async () => {
  // Data and FIN arriving together give one edge-triggered event, and the end
  // of stream raises no new edge afterwards: the second read must not wait
  // for one.
  for (let round = 0; round < 50; round++) {
    const [a, b] = socket.socketpair();
    a.setblocking(false);
    b.setblocking(false);
    try {
      const first = socket.sock_recv(a, 100); // registers a with the reactor
      b.send("abc");
      b.shutdown(socket.SHUT_WR);
      assert.equal(decoder.decode(await first), "abc");
      const end = await Promise.race([
        socket.sock_recv(a, 100),
        new Promise((r) => setTimeout(r, 2000, "hung")),
      ]);
      assert.deepEqual(end, new Uint8Array(0), `round ${round}`);
    } finally {
      a.close();
      b.close();
    }
  }
});

Deno.test("closing a socket rejects its pending operations with EBADF", async () => {
  const [a, b] = socket.socketpair();
  a.setblocking(false);
  const reading = socket.sock_recv(a, 10);
  const again = socket.sock_recv(a, 10);
  // Until both wait in the reactor: an operation may first yield to the event
  // loop, and one that runs after close() meets a closed socket instead.
  await new Promise((r) => setTimeout(r, 10));
  a.close();
  for (const p of [reading, again]) {
    await assert.rejects(p, (e: unknown) => e instanceof socket.OSError && e.errno === E.EBADF);
  }
  b.close();
});

Deno.test(
  "sock_connect reports a refused connection, and blocking sockets are refused",
  async () => {
    const [srv, port] = listener();
    srv.close(); // the port is free now
    const c = socket.socket();
    c.setblocking(false);
    await assert.rejects(
      socket.sock_connect(c, ["127.0.0.1", port]),
      socket.ConnectionRefusedError,
    );
    c.close();
    using blocking = socket.socket();
    const calls = [
      () => socket.sock_recv(blocking, 1),
      () => socket.sock_recv_into(blocking, new Uint8Array(1)),
      () => socket.sock_recvfrom(blocking, 1),
      () => socket.sock_recvfrom_into(blocking, new Uint8Array(1)),
      () => socket.sock_sendall(blocking, "x"),
      () => socket.sock_sendto(blocking, "x", ["127.0.0.1", port]),
      () => socket.sock_accept(blocking),
      () => socket.sock_connect(blocking, ["127.0.0.1", port]),
      () => socket.sock_sendfile(blocking, "/etc/hostname"),
    ];
    // Each rejects, as an async function would, and never throws at the call.
    for (const call of calls) {
      await assert.rejects(call(), {
        name: "RangeError",
        message: "the socket must be non-blocking",
      });
    }
  },
);

Deno.test("sock_recv_into and sock_sendall reject bad buffers with Python's errors", async () => {
  const [a, b] = socket.socketpair();
  a.setblocking(false);
  b.setblocking(false);
  try {
    await assert.rejects(socket.sock_recv_into(a, "text" as unknown as Uint8Array), {
      name: "TypeError",
      message: "recv_into() argument 1 must be read-write bytes-like object, not str",
    });
    await assert.rejects(socket.sock_sendall(a, 5 as unknown as Uint8Array), {
      name: "TypeError",
      message: "a bytes-like object is required, not 'int'",
    });
    // Nothing was sent or taken: the pair still carries bytes intact.
    await socket.sock_sendall(b, new Uint16Array([0x6968]));
    const buf = new Uint8Array(8);
    assert.equal(await socket.sock_recv_into(a, new DataView(buf.buffer, 2)), 2);
    assert.equal(decoder.decode(buf.subarray(2, 4)), "hi");
  } finally {
    a.close();
    b.close();
  }
});

Deno.test("sock_sendall() of no data still sends once, as asyncio's: a socket that cannot send fails, a connected datagram socket sends an empty datagram", async () => {
  const before = windows ? 0 : openFds();
  const tcp = socket.socket();
  tcp.setblocking(false);
  const closed = socket.socket();
  closed.setblocking(false);
  closed.close();
  const rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  rx.bind(["127.0.0.1", 0]);
  rx.setblocking(false);
  const tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  tx.setblocking(false);
  /** The errno that send() of nothing raises on `s`, as Python's does (each OS has its own). */
  const sendFails = (s: socket.Socket): number => {
    try {
      s.send(new Uint8Array(0));
    } catch (e) {
      return (e as socket.OSError).errno!;
    }
    throw new Error("send() of nothing succeeded");
  };
  try {
    const unconnected = sendFails(tcp), noAddress = sendFails(tx), gone = sendFails(closed);
    if (Deno.build.os === "linux") {
      // python3 here says so
      assert.deepEqual([unconnected, noAddress, gone], [E.EPIPE, E.EDESTADDRREQ, E.EBADF]);
    }
    await assert.rejects(socket.sock_sendall(tcp, new Uint8Array(0)), { errno: unconnected });
    await assert.rejects(socket.sock_sendall(closed, ""), { errno: gone });
    await assert.rejects(socket.sock_sendall(tx, new Uint8Array(0)), { errno: noAddress });
    tx.connect(rx.getsockname());
    assert.equal(await socket.sock_sendall(tx, new Uint8Array(0)), undefined);
    const [data, from] = await socket.sock_recvfrom(rx, 100);
    assert.equal(data.length, 0);
    assert.deepEqual(from, tx.getsockname());
  } finally {
    for (const s of [tcp, rx, tx]) s.close();
  }
  if (!windows) assert.equal(openFds(), before);
});

Deno.test("sock_recv_into() of an empty buffer resolves 0 at once, as asyncio's, even on a socket that could not receive", async () => {
  const before = windows ? 0 : openFds();
  const tcp = socket.socket();
  tcp.setblocking(false);
  const udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  udp.bind(["127.0.0.1", 0]);
  udp.setblocking(false);
  const closed = socket.socket();
  closed.setblocking(false);
  closed.close();
  try {
    assert.equal(await socket.sock_recv_into(tcp, new Uint8Array(0)), 0); // not connected
    assert.equal(await socket.sock_recv_into(closed, new Uint8Array(0)), 0);
    // A datagram that waits is left for the next receive, not taken by the empty one.
    udp.sendto("hi", udp.getsockname());
    assert.equal(await socket.sock_recv_into(udp, new Uint8Array(16).subarray(16)), 0);
    assert.equal(decoder.decode(await socket.sock_recv(udp, 100)), "hi");
  } finally {
    tcp.close();
    udp.close();
  }
  if (!windows) assert.equal(openFds(), before);
});

Deno.test(
  "operations after a long synchronous stretch wait their turn, then run in order",
  async () => {
    const [a, b] = socket.socketpair();
    a.setblocking(false);
    b.setblocking(false);
    try {
      const until = performance.now() + 10;
      while (performance.now() < until); // the event loop has had no turn
      const stop = new AbortController();
      const sends = Array.from(
        { length: 20 },
        (_, i) => socket.sock_sendall(a, new Uint8Array([i]), i === 15 ? stop : {}),
      );
      stop.abort();
      // The later ones are parked: they have not run yet.
      const got: number[] = [];
      try {
        got.push(...b.recv(100));
      } catch (e) {
        assert.ok(e instanceof socket.BlockingIOError);
      }
      assert.ok(got.length < 15, `${got.length} of 20 sends ran before the loop had a turn`);
      const results = await Promise.allSettled(sends);
      assert.equal(results.filter((r) => r.status === "rejected").length, 1);
      assert.equal((results[15] as PromiseRejectedResult).reason.name, "AbortError");
      const expected = Array.from({ length: 20 }, (_, i) => i).filter((i) => i !== 15);
      // (Windows' socketpair is TCP on loopback: the bytes may still be on their way.)
      const signal = AbortSignal.timeout(5000);
      while (got.length < expected.length) got.push(...await socket.sock_recv(b, 100, { signal }));
      assert.deepEqual(got, expected);
    } finally {
      a.close();
      b.close();
    }
  },
);

Deno.test(
  "timers run between turns when every woken sock_recv's caller works for a while",
  async () => {
    // The reads are cheap and the work comes after them, where a clock read
    // before each operation would not see it. Counted, not timed: how many
    // callers did their 0.3 ms of work between two runs of a 5 ms timer.
    // When the reactor ran every woken waiter at once, all 200 ran in one
    // task at every round.
    const N = 200, ROUNDS = 8, WORK_MS = 0.3;
    const pairs = Array.from({ length: N }, () => socket.socketpair());
    for (const [a, b] of pairs) {
      a.setblocking(false);
      b.setblocking(false);
    }
    let served = 0, most = 0, since = 0;
    const timer = setInterval(() => {
      most = Math.max(most, served - since);
      since = served;
    }, 5);
    try {
      const readers = pairs.map(async ([a]) => {
        for (let r = 0; r < ROUNDS; r++) {
          assert.equal((await socket.sock_recv(a, 10)).length, 1);
          const until = performance.now() + WORK_MS;
          while (performance.now() < until); // the caller's own work
          served++;
        }
      });
      for (let round = 1; round <= ROUNDS; round++) {
        for (const [, b] of pairs) b.send("x");
        while (served < round * N) await new Promise((r) => setTimeout(r, 5));
      }
      await Promise.all(readers);
    } finally {
      clearInterval(timer);
      for (const [a, b] of pairs) {
        a.close();
        b.close();
      }
    }
    // A turn lasts about 4 ms, a dozen or two of these, and timers run at
    // least every other turn.
    assert.ok(most <= N / 2, `${most} of ${N} callers ran between two runs of a 5 ms timer`);
  },
);

/** Two non-blocking UDP sockets bound on loopback. */
function udpPair(): [socket.Socket, socket.Socket] {
  const pair = [0, 1].map(() => {
    const s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    s.bind(["127.0.0.1", 0]);
    s.setblocking(false);
    return s;
  });
  return [pair[0], pair[1]];
}

Deno.test("sock_sendto and sock_recvfrom move datagrams", async () => {
  const [a, b] = udpPair();
  using _a = a, _b = b;
  const waiting = socket.sock_recvfrom(a, 100);
  await socket.sock_sendto(b, "ping", a.getsockname());
  const [data, from] = await waiting;
  assert.equal(decoder.decode(data), "ping");
  assert.deepEqual(from, b.getsockname());
  const buf = new Uint8Array(10);
  const into = socket.sock_recvfrom_into(b, buf);
  await socket.sock_sendto(a, "pong", b.getsockname());
  assert.equal((await into)[0], 4);
});

Deno.test("sock_recvfrom() receives every datagram of a burst that waited, in order, with its sender", async () => {
  const [a, b] = udpPair();
  using _a = a, _b = b;
  // 200 datagrams of 64 B fit in the default receive buffer, so none is dropped.
  const N = 200;
  const waiting = socket.sock_recvfrom(a, 65536);
  const msg = new Uint8Array(64);
  for (let i = 0; i < N; i++) {
    msg[0] = i;
    b.sendto(msg, a.getsockname());
  }
  const got: number[] = [];
  let [data, from] = await waiting;
  for (;;) {
    assert.equal(data.length, 64);
    assert.deepEqual(from, b.getsockname());
    got.push(data[0]);
    if (got.length === N) break;
    [data, from] = await socket.sock_recvfrom(a, 65536);
  }
  assert.deepEqual(got, Array.from({ length: N }, (_, i) => i));
  assert.throws(() => a.recvfrom(10), socket.BlockingIOError);
});

Deno.test("the async layer's quiet tries give null with errno EAGAIN where recv() and recvfrom() raise BlockingIOError", () => {
  const connected = udpPair();
  connected[1].connect(connected[0].getsockname());
  for (const [a, b] of [socket.socketpair(), connected]) {
    try {
      a.setblocking(false);
      for (const size of [100, 65536, 2 << 20]) {
        assert.equal(quiet.recv(a, size), null);
        assert.ok([E.EAGAIN, E.EWOULDBLOCK].includes(native.errno()));
        assert.equal(quiet.recvfrom(a, size), null);
        assert.ok([E.EAGAIN, E.EWOULDBLOCK].includes(native.errno()));
        assert.throws(() => a.recv(size), socket.BlockingIOError);
      }
      b.send("hi");
      assert.equal(decoder.decode(quiet.recv(a, 100)!), "hi");
      b.send("ho");
      assert.equal(decoder.decode(quiet.recvfrom(a, 100)![0]), "ho");
      // Bad arguments throw as the methods do.
      assert.throws(() => quiet.recv(a, -1), {
        name: "RangeError",
        message: "negative buffersize in recv",
      });
      assert.throws(() => quiet.recvfrom(a, -1), {
        name: "RangeError",
        message: "negative buffersize in recvfrom",
      });
    } finally {
      a.close();
      b.close();
    }
  }
});

Deno.test("a program whose last pending operation ends exits at once", async () => {
  const script = `
import * as socket from ${JSON.stringify(new URL("../mod.ts", import.meta.url).href)};
const [a, b] = socket.socketpair();
a.setblocking(false);
const p = socket.sock_recv(a, 10).catch((e) => console.log("rejected", e.errno));
setTimeout(() => a.close(), 50);
await p;
b.close();
`;
  const file = Deno.makeTempFileSync({ suffix: ".ts" });
  Deno.writeTextFileSync(file, script);
  const t0 = performance.now();
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-ffi", "--allow-read", file],
  }).output();
  const took = performance.now() - t0;
  Deno.removeSync(file);
  assert.equal(decoder.decode(out.stdout).trim(), `rejected ${E.EBADF}`);
  assert.ok(took < 3000, `the process took ${took.toFixed(0)} ms to end`);
});

/**
 * Runs `body` after a prelude that makes `s`, a bound non-blocking UDP
 * socket, and `o`, a socket to send to it from; returns what the program
 * printed and whether it ended by itself within 5 s.
 */
async function runProgram(body: string): Promise<{ lines: string[]; ended: boolean }> {
  const script = `
import * as socket from ${JSON.stringify(new URL("../mod.ts", import.meta.url).href)};
const s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
s.bind(["127.0.0.1", 0]);
s.setblocking(false);
const o = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
const received = (d: Uint8Array) => console.log("received", new TextDecoder().decode(d));
${body}
`;
  const file = Deno.makeTempFileSync({ suffix: ".ts" });
  Deno.writeTextFileSync(file, script);
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-ffi", "--allow-read", file],
    stdout: "piped",
  }).spawn();
  let ended = true;
  const timer = setTimeout(() => {
    ended = false;
    child.kill();
  }, 5000);
  const out = await child.output();
  clearTimeout(timer);
  Deno.removeSync(file);
  return { lines: decoder.decode(out.stdout).trim().split("\n").filter((l) => l), ended };
}

Deno.test("Socket.unref() lets a program with a pending sock_recv exit", async () => {
  const { lines, ended } = await runProgram(`
s.unref();
socket.sock_recv(s, 100).then(received);
console.log("waiting");
`);
  assert.ok(ended, "the program was still running after 5 s");
  assert.deepEqual(lines, ["waiting"]);
});

Deno.test("an unref()'d socket's sock_recv still resolves while the program lives on", async () => {
  const { lines, ended } = await runProgram(`
s.unref();
socket.sock_recv(s, 100).then(received);
setTimeout(() => o.sendto("late", s.getsockname()), 100);
setTimeout(() => console.log("the program's own work is done"), 400);
`);
  assert.ok(ended);
  assert.deepEqual(lines, ["received late", "the program's own work is done"]);
});

Deno.test("Socket.ref() after unref() keeps the program alive for a pending sock_recv", async () => {
  // The sender is an unref()'d timer: only the receive can keep the program
  // alive until it fires.
  const { lines, ended } = await runProgram(`
s.unref();
s.ref();
socket.sock_recv(s, 100).then(received);
setTimeout(() => o.sendto("kept", s.getsockname()), 200).unref();
`);
  assert.ok(ended);
  assert.deepEqual(lines, ["received kept"]);
});

Deno.test("Socket.unref() while a sock_recv waits lets the program exit at once", async () => {
  const { lines, ended } = await runProgram(`
socket.sock_recv(s, 100).then(received);
setTimeout(() => {
  s.unref();
  console.log("unref");
}, 200).unref();
`);
  assert.ok(ended, "the program was still running after 5 s");
  assert.deepEqual(lines, ["unref"]);
});

Deno.test({
  name: "the reactor grows the descriptor table ahead of need, from another thread",
  // Linux only: growing the table there waits for an RCU grace period.
  ignore: Deno.build.os !== "linux",
  async fn() {
    // A process of its own, where the reactor has grown nothing yet.
    const script = `
import * as socket from ${JSON.stringify(new URL("../mod.ts", import.meta.url).href)};
const status = () => Deno.readTextFileSync("/proc/self/status");
const slots = () => Number(/FDSize:\\s+(\\d+)/.exec(status())![1]);
const limit = Number(/Max open files\\s+(\\d+)/.exec(Deno.readTextFileSync("/proc/self/limits"))![1]);
const socks: socket.Socket[] = [];
const pending: Promise<unknown>[] = [];
const abort = new AbortController();
let highest = 0;
function watched(): void {
  const [a, b] = socket.socketpair();
  a.setblocking(false);
  socks.push(a, b);
  highest = Math.max(highest, b.fileno());
  pending.push(socket.sock_recv(a, 1, { signal: abort.signal }).catch(() => {}));
}
async function grownTo(n: number): Promise<number> {
  for (let i = 0; i < 300 && slots() < n; i++) await new Promise((r) => setTimeout(r, 10));
  return slots();
}
const before = slots();
watched();
const first = await grownTo(1024);
const firstHighest = highest;
while (highest < 300) watched();
const second = limit >= 4096 ? await grownTo(4096) : 0;
abort.abort();
await Promise.all(pending);
for (const s of socks) s.close();
console.log(JSON.stringify({ before, first, firstHighest, second, highest, limit }));
`;
    const file = Deno.makeTempFileSync({ suffix: ".ts" });
    Deno.writeTextFileSync(file, script);
    // (reading /proc/self/limits takes --allow-all)
    const out = await new Deno.Command(Deno.execPath(), { args: ["run", "--allow-all", file] })
      .output();
    Deno.removeSync(file);
    assert.ok(out.success, decoder.decode(out.stderr));
    const r = JSON.parse(decoder.decode(out.stdout));
    // A new process's table is as large as its parent's highest open
    // descriptor needed (256 under this test's shell), so it can only be
    // bounded.
    assert.ok(r.before < 4096, `the table had ${r.before} slots to begin with`);
    if (r.before < 1024) {
      assert.equal(r.first, 1024, "the first watched socket grows the table to 1,024 slots");
      assert.ok(r.firstHighest < r.before, `descriptors reached ${r.firstHighest}`);
    }
    if (r.limit >= 4096) {
      assert.equal(r.second, 4096, "a watched descriptor past 256 grows it to 4,096");
      assert.ok(r.highest < 1024, `descriptors reached ${r.highest}`);
    }
  },
});

Deno.test(
  "Socket.readable and writable are web streams: pipeTo, TextDecoderStream and BYOB reads",
  async () => {
    const [srv, port] = listener();
    // An echo server made of streams: the readable side piped into the writable side.
    const server = socket.sock_accept(srv).then(([conn]) =>
      conn.readable.pipeTo(conn.writable).finally(() => conn.close())
    );
    const c = await connected(port);
    const writer = c.writable.getWriter();
    await writer.write("Hello, ");
    await writer.write(new TextEncoder().encode("streams"));
    await writer.close(); // shuts down our side: the echo ends, then the server's side
    let text = "";
    for await (const part of c.readable.pipeThrough(new TextDecoderStream())) text += part;
    assert.equal(text, "Hello, streams");
    await server;
    c.close();
    srv.close();

    const [a, b] = socket.socketpair();
    a.setblocking(false);
    b.setblocking(false);
    await socket.sock_sendall(a, "abcdef");
    const byob = b.readable.getReader({ mode: "byob" });
    const { value } = await byob.read(new Uint8Array(4));
    assert.equal(decoder.decode(value), "abcd", "a BYOB read fills at most the given view");
    await byob.cancel();
    using blocking = socket.socket();
    assert.throws(() => blocking.readable, {
      name: "RangeError",
      message: "the socket must be non-blocking",
    });
    a.close();
    b.close();
  },
);

Deno.test("Socket.readable's default reader gets chunks of exactly what came, and leaves recv()'s results whole", async () => {
  const [a, b] = socket.socketpair();
  a.setblocking(false);
  b.setblocking(false);
  // Results of recv() share slabs; the stream must not take a slab's buffer away.
  a.sendall("kept");
  const kept = b.recv(100);
  const reader = b.readable.getReader();
  const chunks: string[] = [];
  for (const part of ["one", "two", "x".repeat(5000)]) {
    await socket.sock_sendall(a, part);
    const { value } = await reader.read();
    assert.equal(value!.length, part.length, "a chunk is exactly what came");
    chunks.push(decoder.decode(value));
  }
  assert.deepEqual(chunks, ["one", "two", "x".repeat(5000)]);
  assert.equal(decoder.decode(kept), "kept", "an earlier recv() result is intact");
  a.close();
  assert.equal((await reader.read()).done, true, "the stream ends when the peer closes");
  b.close();
});

Deno.test(
  "socket.close(fd) on a watched descriptor rejects its pending operations with EBADF",
  async () => {
    const [a, b] = socket.socketpair();
    a.setblocking(false);
    const reading = socket.sock_recv(a, 10);
    await new Promise((r) => setTimeout(r, 10)); // until the read waits in the reactor
    socket.close(a.fileno()); // closed behind the Socket's back...
    a.detach(); // ...which then lets go of the number
    await assert.rejects(reading, (e: unknown) => (e as socket.OSError).errno === E.EBADF);
    // The number is free for a new socket, and the reactor watches that one afresh.
    const [c, d] = socket.socketpair();
    c.setblocking(false);
    const next = socket.sock_recv(c, 10);
    d.sendall("reused");
    assert.equal(decoder.decode(await next), "reused");
    for (const x of [b, c, d]) x.close();
  },
);

/** Reads from `sock` until the peer shuts down, and returns the bytes' SHA-256. */
async function drainHash(sock: socket.Socket): Promise<[number, string]> {
  const hash = createHash("sha256");
  let total = 0;
  const buf = new Uint8Array(65536);
  for (;;) {
    const n = await socket.sock_recv_into(sock, buf);
    if (n === 0) return [total, hash.digest("hex")];
    hash.update(buf.subarray(0, n));
    total += n;
  }
}

Deno.test("sock_sendfile sends a part of a file larger than the socket buffers", async () => {
  const size = 4 << 20;
  const content = new Uint8Array(size).map((_, i) => (i * 7 + (i >> 12)) & 0xff);
  const path = Deno.makeTempFileSync();
  Deno.writeFileSync(path, content);
  const [srv, port] = listener();
  try {
    const b = await connected(port);
    const [a] = await socket.sock_accept(srv);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      const received = drainHash(b);
      const sent = await socket.sock_sendfile(a, path, 1000, 3 << 20);
      a.shutdown(socket.SHUT_WR);
      assert.equal(sent, 3 << 20);
      const want = createHash("sha256").update(content.subarray(1000, 1000 + (3 << 20)));
      assert.deepEqual(await received, [3 << 20, want.digest("hex")]);
      // To the end of the file, from a file: URL.
      const [c, d] = socket.socketpair();
      c.setblocking(false);
      d.setblocking(false);
      const rest = drainHash(d);
      const url = new URL(windows ? `file:///${path.replaceAll("\\", "/")}` : `file://${path}`);
      assert.equal(await socket.sock_sendfile(c, url, size - 5000), 5000);
      c.close();
      const tail = createHash("sha256").update(content.subarray(size - 5000)).digest("hex");
      assert.deepEqual(await rest, [5000, tail]);
      d.close();
    } finally {
      clearInterval(timer);
      a.close();
      b.close();
    }
    assert.ok(ticks > 0, "the timer ran while the file was sent");
  } finally {
    srv.close();
    Deno.removeSync(path);
  }
});

Deno.test("sock_sendfile reads and sends a file sendfile(2) refuses, unless fallback is false", async () => {
  // Linux's sendfile(2) refuses this procfs file (EINVAL); Windows has no
  // sendfile for sockets at all, so any file takes the fallback there.
  let path = "/proc/self/limits";
  if (windows) {
    path = Deno.makeTempFileSync();
    Deno.writeTextFileSync(path, "a file for the fallback\n".repeat(5000));
  }
  const [a, b] = socket.socketpair();
  a.setblocking(false);
  b.setblocking(false);
  try {
    const refused = await socket.sock_sendfile(a, path, 0, null, { fallback: false }).then(
      () => false,
      (e) => {
        assert.ok(e instanceof socket.SendfileNotAvailableError, String(e));
        return true;
      },
    );
    if (windows) assert.ok(refused, "Windows has no sendfile for sockets");
    if (!refused) await socket.sock_recv(b, 1 << 20); // not refused here: take it out
    const expected = Deno.readFileSync(path);
    const received = drainHash(b);
    assert.equal(await socket.sock_sendfile(a, path), expected.byteLength);
    a.shutdown(socket.SHUT_WR);
    const want = createHash("sha256").update(expected).digest("hex");
    assert.deepEqual(await received, [expected.byteLength, want]);
  } finally {
    a.close();
    b.close();
    if (windows) Deno.removeSync(path);
  }
});

Deno.test("sock_sendfile checks its arguments as asyncio does and leaks no descriptor", async () => {
  const before = windows ? 0 : openFds();
  const [a, b] = socket.socketpair();
  using u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  u.setblocking(false);
  await assert.rejects(socket.sock_sendfile(u, "/etc/hostname"), {
    name: "RangeError",
    message: "only SOCK_STREAM type sockets are supported",
  });
  await assert.rejects(socket.sock_sendfile(a, "/etc/hostname"), {
    name: "RangeError",
    message: "the socket must be non-blocking",
  });
  a.setblocking(false);
  await assert.rejects(socket.sock_sendfile(a, "/etc/hostname", 0, 0), {
    name: "RangeError",
    message: "count must be a positive integer (got 0)",
  });
  await assert.rejects(socket.sock_sendfile(a, "/etc/hostname", -1), {
    name: "RangeError",
    message: "offset must be a non-negative integer (got -1)",
  });
  await assert.rejects(socket.sock_sendfile(a, "/no/such/file"), socket.FileNotFoundError);
  await assert.rejects(socket.sock_sendfile(a, 1.5), {
    name: "TypeError",
    message: "'float' object cannot be interpreted as an integer",
  });
  await assert.rejects(socket.sock_sendfile(a, 2 ** 40), RangeError);
  const stop = new AbortController();
  stop.abort();
  await assert.rejects(
    socket.sock_sendfile(a, "/etc/hostname", 0, null, { signal: stop.signal }),
    (e) => e === stop.signal.reason,
  );
  a.close();
  b.close();
  u.close();
  if (!windows) assert.equal(openFds(), before);
});

Deno.test("a socket the garbage collector closes leaves the reactor, so its number works again", {
  // Winsock does not hand the lowest free number out again, so none comes round.
  ignore: windows,
}, async () => {
  // In a child process with --expose-gc. The socket waited once (the reactor
  // watches it), then is dropped; the next socket to get its number must be
  // watched afresh, not taken for the old one.
  const script = `
import * as socket from ${JSON.stringify(new URL("../mod.ts", import.meta.url).href)};
let fd = -1, warned = false;
console.warn = () => { warned = true; };
const keep = await (async () => {
  const [a, b] = socket.socketpair();
  a.setblocking(false);
  b.setblocking(false);
  fd = a.fileno();
  setTimeout(() => b.send("x"), 20);
  await socket.sock_recv(a, 10);
  return b;
})();
for (let i = 0; i < 200 && !warned; i++) {
  globalThis.gc!();
  await new Promise((r) => setTimeout(r, 10));
}
const spare: socket.Socket[] = [];
let c!: socket.Socket, d!: socket.Socket;
for (let i = 0; i < 100; i++) {
  [c, d] = socket.socketpair();
  if (d.fileno() === fd) [c, d] = [d, c];
  if (c.fileno() === fd) break;
  spare.push(c, d);
}
console.log(warned ? "collected" : "kept", c.fileno() === fd ? "reused" : "not reused");
c.setblocking(false);
setTimeout(() => d.send("y"), 20);
console.log(await Promise.race([
  socket.sock_recv(c, 10).then(() => "received"),
  new Promise((r) => setTimeout(() => r("hung"), 3000)),
]));
Deno.exit(0);
`;
  const file = Deno.makeTempFileSync({ suffix: ".ts" });
  Deno.writeTextFileSync(file, script);
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-ffi", "--allow-read", "--v8-flags=--expose-gc", file],
    stderr: "inherit",
  }).output();
  Deno.removeSync(file);
  assert.deepEqual(decoder.decode(out.stdout).trim().split("\n"), [
    "collected reused",
    "received",
  ]);
});

Deno.test("the async functions take null for their options, as for none", async () => {
  const [a, b] = socket.socketpair();
  a.setblocking(false);
  b.setblocking(false);
  const none = null as unknown as undefined;
  await socket.sock_sendall(a, "hi", none);
  assert.equal(decoder.decode(await socket.sock_recv(b, 10, none)), "hi");
  await socket.sock_sendall(a, "yo", none);
  assert.equal(await socket.sock_recv_into(b, new Uint8Array(4), none), 2);
  a.close();
  b.close();
});

Deno.test("a buffer detached or shrunk while sock_recv_into or sock_sendall waits is an error, not the end", async () => {
  const [a, b] = socket.socketpair();
  a.setblocking(false);
  b.setblocking(false);
  // A receive into a buffer taken away while it waited: no 0 (which reads as
  // the end of the stream), and the bytes stay in the socket.
  for (
    const shrink of [(ab: ArrayBuffer) => void ab.transfer(), (ab: ArrayBuffer) => ab.resize(4)]
  ) {
    const ab = new ArrayBuffer(16, { maxByteLength: 64 });
    const pending = socket.sock_recv_into(b, new Uint8Array(ab));
    await new Promise((r) => setTimeout(r, 10));
    shrink(ab);
    a.send("data");
    await assert.rejects(pending, {
      name: "TypeError",
      message: "recv_into() buffer was detached or shrunk while the call waited",
    });
    assert.equal(decoder.decode(b.recv(10)), "data");
  }
  // A send of a buffer taken away while it waited for room does not end as
  // if all had gone.
  const big = new ArrayBuffer(8 << 20);
  const sending = socket.sock_sendall(a, new Uint8Array(big));
  await new Promise((r) => setTimeout(r, 10));
  big.transfer();
  // Make room, so that the send tries again and finds its buffer gone.
  const done = sending.then(() => "done", () => "done");
  for (let i = 0; i < 100; i++) {
    const stop = new AbortController();
    const next = await Promise.race([done, socket.sock_recv(b, 1 << 20, { signal: stop.signal })]);
    stop.abort();
    if (next === "done") break;
  }
  await assert.rejects(sending, {
    name: "TypeError",
    message: "sendall() buffer was detached or shrunk while the call waited",
  });
  a.close();
  b.close();
});

Deno.test("writer.abort() on Socket.writable settles a write that waits on a peer that does not read", async () => {
  const [a, b] = socket.socketpair();
  a.setblocking(false);
  b.setblocking(false);
  const writer = a.writable.getWriter();
  const write = writer.write(new Uint8Array(64 << 20));
  await new Promise((r) => setTimeout(r, 20));
  await writer.abort(new Error("enough"));
  await assert.rejects(write, { message: "enough" });
  a.close();
  b.close();
});

Deno.test(
  "at EMFILE the async path rejects with OSError, keeps no descriptor, and starts once there is room",
  {
    // A shell's ulimit and /proc: Linux.
    ignore: Deno.build.os !== "linux",
  },
  async () => {
    const child = new URL("./_emfile_child.ts", import.meta.url).pathname;
    const out = await new Deno.Command("sh", {
      args: ["-c", `ulimit -n 256 && exec "${Deno.execPath()}" run -A "${child}"`],
      stderr: "inherit",
    }).output();
    assert.deepEqual(decoder.decode(out.stdout).trim().split("\n"), [
      "full: OSError EMFILE",
      "async at EMFILE: OSError EMFILE",
      "descriptors kept: 0",
      "async with one free: OSError EMFILE",
      "descriptors kept: 0",
      "after room: x",
    ]);
  },
);
