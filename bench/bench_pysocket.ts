// The pysocket side of bench/: the same programs as bench.py, line for line,
// on pysocket's blocking API; the modes ending in -into are the tuned
// variants, with recv_into and recvfrom_into. Usage as bench.c.
import * as socket from "../mod.ts";

const [what, mode, portText, countText] = Deno.args;

function server(mode: string): void {
  if (mode === "udp" || mode === "udp-into") {
    const s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    s.bind(["127.0.0.1", 0]);
    console.log("ready", s.getsockname()[1]);
    if (mode === "udp") {
      for (;;) {
        const [data, addr] = s.recvfrom(65536);
        s.sendto(data, addr);
      }
    }
    const buf = new Uint8Array(65536);
    for (;;) {
      const [n, addr] = s.recvfrom_into(buf);
      s.sendto(buf.subarray(0, n), addr);
    }
  }
  using s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
  s.bind(["127.0.0.1", 0]);
  s.listen(128);
  console.log("ready", s.getsockname()[1]);
  const buf = new Uint8Array(65536);
  for (;;) {
    const [conn] = s.accept();
    using _conn = conn;
    if (mode === "accept") {
      const data = conn.recv(1024);
      conn.sendall(data);
      continue;
    }
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1);
    if (mode === "lines") {
      using f = conn.makefile("rwb");
      for (const line of f) {
        f.write(line);
        f.flush();
      }
      continue;
    }
    for (;;) {
      if (mode.endsWith("-into")) {
        const n = conn.recv_into(buf);
        if (n === 0) break;
        if (mode === "echo-into") conn.sendall(buf.subarray(0, n));
      } else {
        const data = conn.recv(65536);
        if (data.length === 0) break;
        if (mode === "echo") conn.sendall(data);
      }
    }
    if (mode.startsWith("sink")) conn.sendall("k");
  }
}

function client(mode: string, port: number, n: number): void {
  const msg = new Uint8Array(64).fill(120);
  const buf = new Uint8Array(65536);
  let t0: number, half = 0; // half: when the second half of the round trips began
  if (mode === "udp" || mode === "udp-into") {
    using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    s.connect(["127.0.0.1", port]);
    t0 = performance.now();
    for (let i = 0; i < n; i++) {
      if (i === n >> 1) half = performance.now();
      s.send(msg);
      if (mode === "udp") s.recv(65536);
      else s.recv_into(buf);
    }
  } else if (mode === "connect") {
    t0 = performance.now();
    for (let i = 0; i < n; i++) {
      if (i === n >> 1) half = performance.now();
      const s = socket.create_connection(["127.0.0.1", port]);
      s.sendall(msg);
      s.recv(1024);
      s.close();
    }
  } else {
    using s = socket.create_connection(["127.0.0.1", port]);
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1);
    t0 = performance.now();
    if (mode === "pingpong") {
      for (let i = 0; i < n; i++) {
        if (i === n >> 1) half = performance.now();
        s.sendall(msg);
        for (let got = 0; got < 64;) got += s.recv(64 - got).length;
      }
    } else if (mode === "pingpong-into") {
      for (let i = 0; i < n; i++) {
        if (i === n >> 1) half = performance.now();
        s.sendall(msg);
        for (let got = 0; got < 64;) got += s.recv_into(buf.subarray(got, 64));
      }
    } else if (mode === "lines") {
      const line = new Uint8Array(64).fill(120);
      line[63] = 10;
      const f = s.makefile("rwb");
      for (let i = 0; i < n; i++) {
        if (i === n >> 1) half = performance.now();
        f.write(line);
        f.flush();
        f.readline();
      }
    } else {
      const chunk = new Uint8Array(65536).fill(120);
      for (let sent = 0; sent < n;) {
        const k = Math.min(65536, n - sent);
        s.sendall(chunk.subarray(0, k));
        sent += k;
      }
      s.shutdown(socket.SHUT_WR);
      s.recv(1);
    }
  }
  const t1 = performance.now();
  const second = half ? ` ${((t1 - half) / 1000).toFixed(9)}` : "";
  console.log(`result ${n} ${((t1 - t0) / 1000).toFixed(9)}${second}`);
}

function calls(n: number): void {
  using s = socket.socket();
  let t0 = performance.now();
  for (let i = 0; i < n; i++) s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF);
  console.log(`getsockopt ${((performance.now() - t0) / n * 1e6).toFixed(1)}`);
  const [a, b] = socket.socketpair();
  a.setblocking(false);
  const buf = new Uint8Array(64);
  t0 = performance.now();
  for (let i = 0; i < n; i++) {
    try {
      a.recv_into(buf);
    } catch (e) {
      if (!(e instanceof socket.BlockingIOError)) throw e;
    }
  }
  console.log(`eagain ${((performance.now() - t0) / n * 1e6).toFixed(1)}`);
  a.close();
  b.close();
}

if (what === "server") server(mode);
else if (what === "client") client(mode, Number(portText), Number(countText));
else calls(Number(mode));
