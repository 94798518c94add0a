// `deno task bench [--quick]`: pysocket side by side with C, Python, Node and
// Deno's own sockets, and with bare Deno.dlopen calls into libc (the best any
// FFI binding can do), in one run, on 127.0.0.1. Each pairing runs as a server
// process and a client process, interleaved round by round (A B C ... A B C),
// unpinned and with both pinned to one core (taskset -c 0).
//
// Two tables. The headline one runs the same program in every language, as
// its users write it: Python's docs' `recv(65536)` and friends, ported line
// for line. The tuned one runs the variants tuned in every language that has
// them (`recv_into` in Python and pysocket), with the bare calls beside.
// Writes bench/results.md and bench/results.svg and the headline table in
// README.md; with --quick (small counts, one round, for CI)
// bench/results.quick.{md,svg}.

import { parseArgs } from "node:util";
import { renderChart } from "./_chart.ts";

const { values } = parseArgs({ args: Deno.args, options: { quick: { type: "boolean" } } });
const QUICK = values.quick ?? false;
const ROOT = new URL("..", import.meta.url).pathname;
const DENO = Deno.execPath();
const ROUNDS = QUICK ? 1 : 5; // run-to-run spread on a shared 2-core VM is ±15-30%
const COUNTS = QUICK
  ? {
    pingpong: 5_000,
    bulk: 64 << 20,
    udp: 2_000,
    connect: 500,
    lines: 2_000,
    calls: 100_000,
    startup: 3,
    async: 5_000,
  }
  : {
    pingpong: 100_000,
    bulk: 1 << 30,
    udp: 50_000,
    connect: 20_000,
    lines: 50_000,
    calls: 1_000_000,
    startup: 10,
    async: 100_000,
  };

type Impl = "C" | "Python" | "Node" | "Deno" | "FFI" | "pysocket";
/** The columns of the headline table: the same program in each language. */
const IDIOMATIC_IMPLS: Impl[] = ["C", "Python", "Node", "Deno", "pysocket"];
/** The columns of the tuned table. */
const TUNED_IMPLS: Impl[] = ["C", "Python", "FFI", "pysocket"];
/** Column headings: "FFI" is bench_ffi.ts, libc called through bare Deno.dlopen. */
const heading = (impl: Impl) => impl === "FFI" ? "bare FFI" : impl;
const text = new TextDecoder();

// --- the programs --------------------------------------------------------------

const cBinary = `${await Deno.makeTempDir({ prefix: "pysocket-bench-" })}/bench`;
const cc = await new Deno.Command("gcc", {
  args: ["-O2", "-o", cBinary, `${ROOT}bench/bench.c`],
}).output();
if (!cc.success) throw new Error(`gcc failed:\n${text.decode(cc.stderr)}`);
const loadgen = cBinary.replace(/bench$/, "loadgen");
const lg = await new Deno.Command("gcc", {
  args: ["-O2", "-o", loadgen, `${ROOT}bench/loadgen.c`],
}).output();
if (!lg.success) throw new Error(`gcc failed:\n${text.decode(lg.stderr)}`);

const COMMANDS: Record<Impl, string[]> = {
  C: [cBinary],
  Python: ["python3", `${ROOT}bench/bench.py`],
  Node: ["node", `${ROOT}bench/bench_node.mjs`],
  Deno: [DENO, "run", "--allow-net", "--unstable-net", `${ROOT}bench/bench_deno.ts`],
  FFI: [DENO, "run", "--allow-ffi", `${ROOT}bench/bench_ffi.ts`],
  pysocket: [DENO, "run", "--allow-ffi", `${ROOT}bench/bench_pysocket.ts`],
};

/** One workload: a server mode and a client mode of the programs. */
interface Workload {
  name: string;
  server: string;
  client: string;
  count: number;
  unit: string;
  /** The rate from a client's result: operations (or bytes) per second. */
  rate: (ops: number, seconds: number) => number;
  impls: Impl[];
}
const perSecond = (n: number, s: number) => n / s;
const megabytes = (n: number, s: number) => n / s / 1e6;
/** The same program in each language, from Python's docs' idiom. */
const IDIOMATIC: Workload[] = [
  {
    name: "ping-pong",
    server: "echo",
    client: "pingpong",
    count: COUNTS.pingpong,
    unit: "round trips/s",
    rate: perSecond,
    impls: IDIOMATIC_IMPLS,
  },
  {
    name: "bulk",
    server: "sink",
    client: "bulk",
    count: COUNTS.bulk,
    unit: "MB/s",
    rate: megabytes,
    impls: IDIOMATIC_IMPLS,
  },
  {
    name: "datagram ping-pong",
    server: "udp",
    client: "udp",
    count: COUNTS.udp,
    unit: "round trips/s",
    rate: perSecond,
    impls: IDIOMATIC_IMPLS,
  },
  {
    name: "connect + accept",
    server: "accept",
    client: "connect",
    count: COUNTS.connect,
    unit: "connections/s",
    rate: perSecond,
    impls: IDIOMATIC_IMPLS,
  },
  {
    name: "makefile readline",
    server: "lines",
    client: "lines",
    count: COUNTS.lines,
    unit: "round trips/s",
    rate: perSecond,
    // Deno's line splitter is in @std/streams, which these machines cannot fetch.
    impls: ["C", "Python", "Node", "pysocket"],
  },
];
/** The variants tuned where the language has them: recv_into and recvfrom_into. */
const TUNED: Workload[] = [
  {
    ...IDIOMATIC[0],
    name: "ping-pong, recv_into",
    server: "echo-into",
    client: "pingpong-into",
    impls: TUNED_IMPLS,
  },
  { ...IDIOMATIC[1], name: "bulk, recv_into", server: "sink-into", impls: TUNED_IMPLS },
  {
    ...IDIOMATIC[2],
    name: "datagram ping-pong, recvfrom_into",
    server: "udp-into",
    client: "udp-into",
    impls: TUNED_IMPLS,
  },
];

function spawn(cmd: string[], pinned: boolean): Deno.ChildProcess {
  const full = pinned ? ["taskset", "-c", "0", ...cmd] : cmd;
  return new Deno.Command(full[0], {
    args: full.slice(1),
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** Reads lines from a process's stdout until one matches. */
async function readLine(
  reader: ReadableStreamDefaultReader<string>,
  pattern: RegExp,
): Promise<RegExpMatchArray> {
  let buffered = "";
  for (;;) {
    const m = buffered.match(pattern);
    if (m) return m;
    const { value, done } = await reader.read();
    if (done) throw new Error(`ended before ${pattern}: ${buffered}`);
    buffered += value;
  }
}

/** The peak resident set of a process, in MB (VmHWM). */
function peakRss(pid: number): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  return Number(status.match(/VmHWM:\s+(\d+) kB/)![1]) / 1024;
}

/**
 * One pairing: a server, its client, the client's rate and the server's peak
 * RSS; for the round-trip benchmarks also the rate of the second half of the
 * round trips alone, once the JIT compilers are done warming up.
 */
async function pairing(impl: Impl, b: Workload, pinned: boolean) {
  const server = spawn([...COMMANDS[impl], "server", b.server], pinned);
  const reader = server.stdout.pipeThrough(new TextDecoderStream()).getReader();
  try {
    const port = (await readLine(reader, /ready (\d+)/))[1];
    const client = spawn([...COMMANDS[impl], "client", b.client, port, String(b.count)], pinned);
    const out = await client.output();
    const m = text.decode(out.stdout).match(/result (\d+) ([\d.]+)(?: ([\d.]+))?/);
    if (!out.success || !m) {
      throw new Error(`${impl} ${b.name} client failed: ${text.decode(out.stderr)}`);
    }
    const second = m[3] === undefined ? NaN : b.rate(Number(m[1]) / 2, Number(m[3]));
    return { rate: b.rate(Number(m[1]), Number(m[2])), second, rss: peakRss(server.pid) };
  } finally {
    server.kill("SIGKILL");
    await server.status;
    reader.cancel().catch(() => {});
    server.stderr.cancel().catch(() => {});
  }
}

// --- measuring -------------------------------------------------------------------

type Samples = Map<string, number[]>;
const samples: Samples = new Map();
const rss: Samples = new Map();
const add = (m: Samples, key: string, v: number) => m.set(key, [...m.get(key) ?? [], v]);

const started = performance.now();
for (let round = 1; round <= ROUNDS; round++) {
  for (const pinned of [false, true]) {
    for (const b of [...IDIOMATIC, ...TUNED]) {
      for (const impl of b.impls) {
        const r = await pairing(impl, b, pinned);
        add(samples, `${b.name}|${pinned}|${impl}`, r.rate);
        if (!Number.isNaN(r.second)) {
          add(samples, `${b.name} second half|${pinned}|${impl}`, r.second);
        }
        if (!pinned) add(rss, `${b.name}|${impl}`, r.rss);
      }
    }
  }
  console.error(
    `round ${round}/${ROUNDS} done (${((performance.now() - started) / 1000).toFixed(0)} s)`,
  );
}

const CALL_IMPLS: Impl[] = ["C", "Python", "FFI", "pysocket"];
for (let round = 1; round <= ROUNDS; round++) {
  for (const impl of CALL_IMPLS) {
    const out = await spawn([...COMMANDS[impl], "calls", String(COUNTS.calls)], false).output();
    const t = text.decode(out.stdout);
    for (const call of ["getsockopt", "eagain"]) {
      const m = t.match(new RegExp(`${call} ([\\d.]+)`));
      if (!out.success || !m) {
        throw new Error(`${impl} calls failed at ${call}: ${text.decode(out.stderr)}`);
      }
      add(samples, `${call}|false|${impl}`, Number(m[1]));
    }
  }
}

const STARTUP: Partial<Record<Impl, string[]>> = {
  Python: ["python3", "-c", "import socket; socket.socket()"],
  pysocket: [DENO, "run", "--allow-ffi", `${ROOT}bench/startup_pysocket.ts`],
};
for (let i = 0; i < COUNTS.startup; i++) {
  for (const [impl, cmd] of Object.entries(STARTUP)) {
    const t0 = performance.now();
    const out = await spawn(cmd, false).output();
    if (!out.success) throw new Error(`${impl} start-up failed: ${text.decode(out.stderr)}`);
    add(samples, `startup|false|${impl}`, performance.now() - t0);
  }
}
// The async path: a C load generator (epoll, one thread) against the async
// pysocket echo server and a Deno.listen one, at 1, 100 and 1,000 connections.
// pysocket runs asyncio's idiom, `await sock_recv(conn, 65536)`, and the
// tuned sock_recv_into; Python runs asyncio's own loop.sock_recv.
type AsyncImpl = "pysocket" | "pysocket-into" | "Deno" | "Python";
const ASYNC_IMPLS: AsyncImpl[] = ["pysocket", "pysocket-into", "Deno", "Python"];
const ASYNC: Record<AsyncImpl, string[]> = {
  pysocket: [DENO, "run", "--allow-ffi", `${ROOT}bench/async_echo_pysocket.ts`],
  "pysocket-into": [DENO, "run", "--allow-ffi", `${ROOT}bench/async_echo_pysocket.ts`, "into"],
  Deno: [DENO, "run", "--allow-net", `${ROOT}bench/async_echo_deno.ts`],
  Python: ["python3", `${ROOT}bench/async_echo.py`],
};
const CONNS = [1, 100, 1000];
const cpuSeconds = (pid: number) => {
  const f = Deno.readTextFileSync(`/proc/${pid}/stat`).split(") ")[1].split(" ");
  return (Number(f[11]) + Number(f[12])) / 100; // utime + stime, in clock ticks of 1/100 s
};
for (let round = 1; round <= ROUNDS; round++) {
  for (const pinned of [false, true]) {
    for (const conns of CONNS) {
      for (const impl of ASYNC_IMPLS) {
        const server = spawn(ASYNC[impl], pinned);
        const reader = server.stdout.pipeThrough(new TextDecoderStream()).getReader();
        const port = (await readLine(reader, /ready (\d+)/))[1];
        const cpu0 = cpuSeconds(server.pid);
        const out = await spawn([loadgen, port, String(conns), String(COUNTS.async)], pinned)
          .output();
        const cpu1 = cpuSeconds(server.pid);
        server.kill("SIGINT");
        const late = Number((await readLine(reader, /late ([\d.]+)/))[1]);
        await server.status;
        server.stderr.cancel().catch(() => {});
        const m = text.decode(out.stdout).match(/result (\d+) ([\d.]+) ([\d.]+)/);
        if (!m) throw new Error(`loadgen failed against ${impl}: ${text.decode(out.stderr)}`);
        const key = `${conns}|${pinned}|${impl}`;
        const n = Number(m[1]);
        add(samples, `async-rate|${key}`, n / Number(m[2]));
        add(samples, `async-rate2|${key}`, (n - Math.floor(n / 2)) / Number(m[3]));
        add(samples, `async-cpu|${key}`, (cpu1 - cpu0) / n * 1e6);
        add(samples, `async-late|${key}`, late);
      }
    }
  }
}
// Datagram bursts: python3 sends bursts of datagrams as fast as it can to an
// `await sock_recvfrom(s, 65536)` loop in asyncio and in pysocket, and to
// Deno's and Node's own datagram receivers, a fresh process each round; each
// prints how many of every burst it received.
const BURSTS = QUICK ? 3 : 6, BURST = QUICK ? 20_000 : 50_000;
const BURST_CMDS = {
  asyncio: ["python3", `${ROOT}bench/udp_burst.py`, "recv"],
  pysocket: [DENO, "run", "--allow-ffi", "--allow-run", `${ROOT}bench/udp_burst_pysocket.ts`],
  Deno: [
    DENO,
    "run",
    "--allow-net",
    "--allow-run",
    "--allow-read",
    "--unstable-net",
    `${ROOT}bench/udp_burst_deno.ts`,
  ],
  Node: ["node", `${ROOT}bench/udp_burst_node.mjs`],
};
for (let round = 1; round <= ROUNDS; round++) {
  for (const [impl, cmd] of Object.entries(BURST_CMDS)) {
    const out = await spawn([...cmd, String(BURSTS), String(BURST)], false).output();
    const m = text.decode(out.stdout).match(/received((?: \d+)+)/);
    if (!out.success || !m) throw new Error(`${impl} bursts failed: ${text.decode(out.stderr)}`);
    m[1].trim().split(" ").forEach((n, k) => add(samples, `burst|${impl}|${k}`, Number(n)));
  }
}
await Deno.remove(cBinary.replace(/\/bench$/, ""), { recursive: true });

// --- reporting ---------------------------------------------------------------------

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (v: number) =>
  v >= 100 ? Math.round(v).toLocaleString("en-US") : v >= 10 ? v.toFixed(1) : v.toFixed(2);
const cell = (xs: number[] | undefined) =>
  xs === undefined
    ? "–"
    : xs.length === 1
    ? fmt(xs[0])
    : `${fmt(median(xs))} (${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))})`;
const med = (key: string) => {
  const xs = samples.get(key);
  return xs === undefined ? NaN : median(xs);
};
/**
 * ours ÷ theirs: the median of the rounds' own ratios, so that the machine
 * getting slower or faster between rounds (a shared VM does) cancels out;
 * each round ran both within seconds of each other.
 */
const pairedRatio = (ours: string, theirs: string) => {
  const a = samples.get(ours), b = samples.get(theirs);
  if (a === undefined || b === undefined) return NaN;
  if (a.length !== b.length) return median(a) / median(b);
  return median(a.map((x, i) => x / b[i]));
};
/** pairedRatio as a table cell: "–" where either side was not measured. */
const ratioCell = (ours: string, theirs: string) => {
  const r = pairedRatio(ours, theirs);
  return Number.isNaN(r) ? "–" : `${r.toFixed(2)}×`;
};

const ratios: { label: string; vs: Impl; ratio: number }[] = [];
const asyncKey = (what: string, conns: number, pinned: boolean, impl: AsyncImpl) =>
  `${what}|${conns}|${pinned}|${impl}`;
const asyncLabel = (conns: number) => `async echo, ${conns} connection${conns > 1 ? "s" : ""}`;

/** One table: a row per workload and core setting, a column per program, then pysocket's ratios. */
function table(workloads: Workload[], impls: Impl[], record: boolean): string[] {
  const others = impls.filter((i) => i !== "pysocket");
  // Python first among the ratios: the promise is to run Python's programs faster.
  const vs = ["Python", ...others.filter((i) => i !== "Python")] as Impl[];
  const out = [
    `| workload | cores | ${impls.map(heading).join(" | ")} | ${
      vs.map((i) => `÷ ${heading(i)}`).join(" | ")
    } |`,
    `| --- | --- | ${[...impls, ...vs].map(() => "---:").join(" | ")} |`,
  ];
  for (const b of workloads) {
    for (const pinned of [false, true]) {
      const key = (impl: Impl) => `${b.name}|${pinned}|${impl}`;
      const r = vs.map((impl) => {
        const ratio = pairedRatio(key("pysocket"), key(impl));
        if (record) {
          ratios.push({ label: `${b.name}${pinned ? ", one core" : ""}`, vs: impl, ratio });
        }
        return Number.isNaN(ratio) ? "–" : `${ratio.toFixed(2)}×`;
      });
      out.push(
        `| ${b.name} (${b.unit}) | ${pinned ? "1 (taskset)" : "all"} | ${
          impls.map((i) => cell(samples.get(key(i)))).join(" | ")
        } | ${r.join(" | ")} |`,
      );
    }
  }
  return out;
}

const headline = table(IDIOMATIC, IDIOMATIC_IMPLS, true);
// The async echo server, idiomatic on each side: asyncio's sock_recv,
// Deno.listen's conn.read, pysocket's sock_recv.
const ASYNC_COLUMNS: Partial<Record<Impl, AsyncImpl>> = {
  Python: "Python",
  Deno: "Deno",
  pysocket: "pysocket",
};
for (const conns of CONNS) {
  for (const pinned of [false, true]) {
    const key = (impl: Impl) => {
      const a = ASYNC_COLUMNS[impl];
      return a ? asyncKey("async-rate", conns, pinned, a) : "";
    };
    const vs: Impl[] = ["Python", "C", "Node", "Deno"];
    const r = vs.map((impl) => {
      const ratio = pairedRatio(key("pysocket"), key(impl));
      if (impl === "Deno" || impl === "Python") {
        ratios.push({
          label: `${asyncLabel(conns)}${pinned ? ", one core" : ""}`,
          vs: impl,
          ratio,
        });
      }
      return Number.isNaN(ratio) ? "–" : `${ratio.toFixed(2)}×`;
    });
    headline.push(
      `| ${asyncLabel(conns)} (round trips/s) | ${pinned ? "1 (taskset)" : "all"} | ${
        IDIOMATIC_IMPLS.map((i) => cell(samples.get(key(i)))).join(" | ")
      } | ${r.join(" | ")} |`,
    );
  }
}

const tuned = table(TUNED, TUNED_IMPLS, false);
const perCall = (label: string, key: (impl: Impl) => string) =>
  `| ${label} | all | ${TUNED_IMPLS.map((i) => cell(samples.get(key(i)))).join(" | ")} | ${
    ["Python", "C", "FFI"].map((i) => ratioCell(key("pysocket"), key(i as Impl))).join(" | ")
  } |`;
tuned.push(
  perCall("getsockopt(SO_RCVBUF) (ns per call, lower is better)", (i) => `getsockopt|false|${i}`),
  perCall("failing recv_into (EAGAIN) (ns per call, lower is better)", (i) => `eagain|false|${i}`),
  perCall("start-up to first socket (ms, lower is better)", (i) => `startup|false|${i}`),
);

const rssRows = [
  `| server peak RSS (MB) | ${IDIOMATIC_IMPLS.map(heading).join(" | ")} | bare FFI |`,
  `| --- | ${[...IDIOMATIC_IMPLS, "FFI"].map(() => "---:").join(" | ")} |`,
  ...[...IDIOMATIC, ...TUNED].map((b) =>
    `| ${b.name} | ${
      [...IDIOMATIC_IMPLS, "FFI" as Impl].map((i) => {
        const xs = rss.get(`${b.name}|${i}`);
        return xs ? fmt(median(xs)) : "–";
      }).join(" | ")
    } |`
  ),
];

const asyncRows = [
  "| connections | cores | pysocket sock_recv | pysocket sock_recv_into | Deno | Python asyncio | sock_recv ÷ Deno | sock_recv_into ÷ Deno | sock_recv ÷ Python | sock_recv, second half ÷ Deno | server CPU µs per round trip (sock_recv / Deno) | 10 ms timer, worst lateness ms (sock_recv / Deno) |",
  "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
];
for (const pinned of [false, true]) {
  for (const conns of CONNS) {
    const key = (what: string, impl: AsyncImpl) => asyncKey(what, conns, pinned, impl);
    asyncRows.push(
      `| ${conns} | ${pinned ? "1 (taskset)" : "all"} | ${
        ASYNC_IMPLS.map((i) => cell(samples.get(key("async-rate", i)))).join(" | ")
      } | ${ratioCell(key("async-rate", "pysocket"), key("async-rate", "Deno"))} | ${
        ratioCell(key("async-rate", "pysocket-into"), key("async-rate", "Deno"))
      } | ${ratioCell(key("async-rate", "pysocket"), key("async-rate", "Python"))} | ${
        ratioCell(key("async-rate2", "pysocket"), key("async-rate2", "Deno"))
      } | ${fmt(med(key("async-cpu", "pysocket")))} / ${fmt(med(key("async-cpu", "Deno")))} | ${
        fmt(Math.max(...samples.get(key("async-late", "pysocket"))!))
      } / ${fmt(Math.max(...samples.get(key("async-late", "Deno"))!))} |`,
    );
  }
}

const burstCols = Array.from({ length: BURSTS }, (_, k) => k);
const burstRows = [
  `| receiver | ${burstCols.map((k) => `burst ${k + 1}`).join(" | ")} |`,
  `| --- | ${burstCols.map(() => "---:").join(" | ")} |`,
  ...Object.keys(BURST_CMDS).map((impl) =>
    `| ${impl} | ${burstCols.map((k) => cell(samples.get(`burst|${impl}|${k}`))).join(" | ")} |`
  ),
  ...["asyncio", "Deno", "Node"].map((them) =>
    `| pysocket ÷ ${them} | ${
      burstCols.map((k) => ratioCell(`burst|pysocket|${k}`, `burst|${them}|${k}`)).join(" | ")
    } |`
  ),
];

// pysocket's distance from C, in two factors: being a Deno process that calls
// libc through FFI at all (bare FFI ÷ C), and pysocket's own layers on top of
// those same calls (pysocket ÷ bare FFI); over the whole run, and over the
// second half of the round trips, when the JIT compilers have warmed up. Only
// the tuned workloads: the bare calls receive into a buffer.
const split = [
  "| workload | cores | bare FFI ÷ C | pysocket ÷ bare FFI | pysocket ÷ C | pysocket ÷ Python |",
  "| --- | --- | ---: | ---: | ---: | ---: |",
];
for (const b of TUNED) {
  for (const part of [b.name, `${b.name} second half`]) {
    if (!samples.has(`${part}|false|C`)) continue;
    for (const pinned of [false, true]) {
      const key = (impl: Impl) => `${part}|${pinned}|${impl}`;
      const pairs = [["FFI", "C"], ["pysocket", "FFI"], ["pysocket", "C"], ["pysocket", "Python"]];
      split.push(
        `| ${part} | ${pinned ? "1 (taskset)" : "all"} | ${
          pairs.map(([a, z]) => ratioCell(key(a as Impl), key(z as Impl))).join(" | ")
        } |`,
      );
    }
  }
}
// The same split of the headline workloads' own run, whole and second half.
const idiomaticHalves = [
  "| workload | cores | pysocket ÷ Python, whole run | pysocket ÷ Python, second half |",
  "| --- | --- | ---: | ---: |",
];
for (const b of IDIOMATIC) {
  if (!samples.has(`${b.name} second half|false|Python`)) continue;
  for (const pinned of [false, true]) {
    idiomaticHalves.push(
      `| ${b.name} | ${pinned ? "1 (taskset)" : "all"} | ${
        ratioCell(`${b.name}|${pinned}|pysocket`, `${b.name}|${pinned}|Python`)
      } | ${
        ratioCell(
          `${b.name} second half|${pinned}|pysocket`,
          `${b.name} second half|${pinned}|Python`,
        )
      } |`,
    );
  }
}

const target = (what: string, value: number, goal: number, lowerIsBetter = false) => {
  const ok = lowerIsBetter ? value <= goal : value >= goal;
  return `| ${what} | ${lowerIsBetter ? "≤" : "≥"} ${goal} | ${
    Number.isNaN(value) ? "–" : value.toFixed(2)
  } | ${ok ? "met" : "missed"} |`;
};
// Issue 19's targets: every headline workload at least 1.2 times Python's
// rate, none below 1.0; the async sock_recv echo at least Deno.listen's.
const targets = [
  "| target | goal | measured | |",
  "| --- | --- | ---: | --- |",
  ...ratios.filter((r) => r.vs === "Python").map((r) =>
    target(`${r.label} ÷ Python`, r.ratio, r.label.startsWith("async") ? 1 : 1.2)
  ),
  ...ratios.filter((r) => r.vs === "Deno" && r.label.startsWith("async")).map((r) =>
    target(`${r.label} ÷ Deno`, r.ratio, 1)
  ),
  target(
    "getsockopt ns ÷ Python's",
    pairedRatio("getsockopt|false|pysocket", "getsockopt|false|Python"),
    1,
    true,
  ),
];

async function version(cmd: string[]): Promise<string> {
  try {
    const out = await new Deno.Command(cmd[0], { args: cmd.slice(1) }).output();
    return text.decode(out.stdout).trim().split("\n")[0];
  } catch {
    return "not found";
  }
}
const cpu = Deno.readTextFileSync("/proc/cpuinfo").match(/model name\s*:\s*(.*)/)?.[1] ?? "?";
const machine = [
  `- CPU: ${cpu}, ${navigator.hardwareConcurrency} cores; kernel ${Deno.osRelease()}`,
  `- Deno ${Deno.version.deno}, ${await version(["node", "--version"])}, ${await version([
    "python3",
    "--version",
  ])}, ${await version(["gcc", "--version"])}`,
  `- ${QUICK ? "quick run (--quick): small counts, one round" : `full run: ${ROUNDS} rounds`}: ` +
  `ping-pong ${COUNTS.pingpong.toLocaleString("en-US")} round trips of 64 B, bulk ` +
  `${COUNTS.bulk / (1 << 20)} MiB in 64 KiB sends, datagram ping-pong ` +
  `${COUNTS.udp.toLocaleString("en-US")} round trips, ${
    COUNTS.connect.toLocaleString("en-US")
  } connections, ${COUNTS.lines.toLocaleString("en-US")} lines of 64 B, async echo ${
    COUNTS.async.toLocaleString("en-US")
  } round trips, ${COUNTS.calls.toLocaleString("en-US")} calls per per-call figure; ` +
  `medians with min–max over the rounds`,
  `- ${new Date().toISOString().slice(0, 10)}, ${
    ((performance.now() - started) / 1000).toFixed(0)
  } s`,
];

const headlineTable = headline.join("\n");
const md = [
  "# pysocket benchmarks",
  "",
  "Written by `deno task bench` (bench/run.ts). Each figure comes from a server process and a client",
  "process on 127.0.0.1; every ratio compares figures from this same run: it is the median of the",
  "rounds' own ratios, each round running both sides within seconds, so that the machine's drift",
  "between rounds cancels out.",
  "",
  ...machine,
  "",
  "## The same program in every language",
  "",
  "Each program is ported line for line from the way Python's documentation writes it: the echo " +
  "server's `conn.recv(65536)` and `sendall(data)`, `recvfrom(65536)` and `sendto`, " +
  "`create_connection`, `sendall` and `recv(1024)` per connection, a `makefile()` line protocol; " +
  "in C, Node and Deno the same rounds as those languages write them (bench.c, bench_node.mjs, " +
  "bench_deno.ts). The async rows drive an echo server with a C load generator: asyncio's " +
  "`loop.sock_recv`, Deno.listen's `conn.read`, pysocket's `await sock_recv(conn, 65536)`.",
  "",
  headlineTable,
  "",
  "## Tuned",
  "",
  "The variants that receive into a buffer the program keeps, in every language that has them " +
  "(`recv_into` and `recvfrom_into` in Python and pysocket; C only has that way), with the same " +
  "calls made through bare Deno.dlopen (bench_ffi.ts) beside them.",
  "",
  ...tuned,
  "",
  "## The async path",
  "",
  `A C load generator (epoll, one thread) drives 64-byte ping-pong, ${
    COUNTS.async.toLocaleString("en-US")
  } round trips in all, against an async echo server: pysocket's sock_* calls (sock_recv, as ` +
  "asyncio programs write it, and sock_recv_into), Deno.listen, or Python's asyncio. " +
  "Each server runs a 10 ms interval; its lateness counts from the first connection on, " +
  "and the table gives the worst over the rounds. The second half of the round trips is also " +
  "timed alone: the whole run includes accepting the connections and, for pysocket, the JIT " +
  "compilers' warm-up of its JavaScript, where Deno's own path is compiled Rust.",
  "",
  ...asyncRows,
  "",
  "## Datagram bursts",
  "",
  `Bursts of ${BURST.toLocaleString("en-US")} datagrams of 64 B, each sent by python3 as fast as ` +
  "it can, into an `await sock_recvfrom(s, 65536)` loop: asyncio's (udp_burst.py) and " +
  "pysocket's (udp_burst_pysocket.ts), a fresh process each round; beside them the receivers " +
  "that Deno and Node have of their own, as their documentation writes them: " +
  "`await conn.receive()` on Deno.listenDatagram (udp_burst_deno.ts), and node:dgram's " +
  '"message" listener (udp_burst_node.mjs). The figures are the datagrams received: the ' +
  "default receive buffer holds about 300, so a receiver that stops for half a millisecond " +
  "loses some. In pysocket's first bursts V8's optimizing compilers take the receiver's core " +
  "(bench/NOTES.md).",
  "",
  ...burstRows,
  "",
  "## Targets",
  "",
  ...targets,
  "",
  "## Where pysocket's distance comes from",
  "",
  "The bare FFI programs (bench_ffi.ts) make bench.c's calls through Deno.dlopen with nothing in " +
  "between: what they lose to C is the cost of being a Deno process, and what pysocket loses to " +
  "them is the cost of pysocket's own layers (argument checks, errno, the Python-shaped API). " +
  "The round-trip clients also time their second half alone: the whole run includes the first " +
  "round trips, made before V8 has optimized the loop.",
  "",
  ...split,
  "",
  ...idiomaticHalves,
  "",
  "## Memory",
  "",
  ...rssRows,
  "",
  "![ratios](results.svg)",
  "",
].join("\n");
// A quick run writes beside the full results (ignored by git), never over them.
const stem = QUICK ? "results.quick" : "results";
Deno.writeTextFileSync(`${ROOT}bench/${stem}.md`, md.replace("(results.svg)", `(${stem}.svg)`));
Deno.writeTextFileSync(
  `${ROOT}bench/${stem}.svg`,
  renderChart(ratios.map((r) => ({ ...r, vs: heading(r.vs) }))),
);

// README shows the table between its markers.
const readme = Deno.readTextFileSync(`${ROOT}README.md`);
const start = "<!-- bench:start -->", end = "<!-- bench:end -->";
if (readme.includes(start) && readme.includes(end) && !QUICK) {
  const before = readme.slice(0, readme.indexOf(start) + start.length);
  const after = readme.slice(readme.indexOf(end));
  Deno.writeTextFileSync(
    `${ROOT}README.md`,
    `${before}\n\n${machine.join("\n")}\n\n${headlineTable}\n\n${after}`,
  );
  // Aligned as `deno fmt` wants it, so CI's format check stays green.
  await new Deno.Command(DENO, { args: ["fmt", `${ROOT}README.md`], stderr: "null" }).output();
}
console.log(md);
