// bench.c line for line on bare Deno.dlopen calls into libc, with no pysocket
// in between: the best any FFI binding can do inside a Deno process, so that
// pysocket ÷ this is the cost of pysocket's own layers, and this ÷ C the cost
// of being a Deno process at all. Linux only (libc.so.6, Linux's constants),
// as the rest of bench/. Usage as bench.c.

const libc = Deno.dlopen("libc.so.6", {
  socket: { parameters: ["i32", "i32", "i32"], result: "i32" },
  bind: { parameters: ["i32", "buffer", "u32"], result: "i32" },
  connect: { parameters: ["i32", "buffer", "u32"], result: "i32" },
  listen: { parameters: ["i32", "i32"], result: "i32" },
  accept: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  getsockname: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  getsockopt: { parameters: ["i32", "i32", "i32", "buffer", "buffer"], result: "i32" },
  setsockopt: { parameters: ["i32", "i32", "i32", "buffer", "u32"], result: "i32" },
  recv: { parameters: ["i32", "buffer", "usize", "i32"], result: "i32" },
  send: { parameters: ["i32", "buffer", "usize", "i32"], result: "i32" },
  recvfrom: {
    parameters: ["i32", "buffer", "usize", "i32", "buffer", "buffer"],
    result: "i32",
  },
  sendto: { parameters: ["i32", "buffer", "usize", "i32", "buffer", "u32"], result: "i32" },
  shutdown: { parameters: ["i32", "i32"], result: "i32" },
  close: { parameters: ["i32"], result: "i32" },
  socketpair: { parameters: ["i32", "i32", "i32", "buffer"], result: "i32" },
  __errno_location: { parameters: [], result: "pointer" },
});
const c = libc.symbols;
const errno = new Int32Array(Deno.UnsafePointerView.getArrayBuffer(c.__errno_location()!, 4));

// Linux's values.
const AF_UNIX = 1, AF_INET = 2, SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_NONBLOCK = 0o4000;
const SOL_SOCKET = 1, SO_REUSEADDR = 2, SO_RCVBUF = 8, IPPROTO_TCP = 6, TCP_NODELAY = 1;
const SHUT_WR = 1, EAGAIN = 11;

const one = new Uint8Array(new Int32Array([1]).buffer);
/** A sockaddr_in for 127.0.0.1 and `port`. */
function loopback(port: number): Uint8Array {
  return new Uint8Array([AF_INET, 0, port >> 8, port & 0xff, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
}
// size_t arguments take a bigint (V8's fast path); made once per size, as pysocket does.
const sizes: bigint[] = [];
const size = (n: number) => sizes[n] ??= BigInt(n);

function check(r: number, what: string): number {
  if (r < 0) throw new Error(`${what}: errno ${errno[0]}`);
  return r;
}

function bound(type: number): number {
  const s = check(c.socket(AF_INET, type, 0), "socket");
  c.setsockopt(s, SOL_SOCKET, SO_REUSEADDR, one, 4);
  const a = loopback(0), len = new Uint32Array([16]);
  check(c.bind(s, a, 16), "bind");
  c.getsockname(s, a, new Uint8Array(len.buffer));
  if (type === SOCK_STREAM) c.listen(s, 16);
  console.log("ready", (a[2] << 8) | a[3]);
  return s;
}

function server(mode: string): void {
  const buf = new Uint8Array(65536);
  if (mode === "udp") {
    const s = bound(SOCK_DGRAM);
    const from = new Uint8Array(16), len = new Uint32Array(1);
    const lenBytes = new Uint8Array(len.buffer);
    for (;;) {
      len[0] = 16;
      const n = c.recvfrom(s, buf, size(65536), 0, from, lenBytes);
      if (n >= 0) c.sendto(s, buf, size(n), 0, from, len[0]);
    }
  }
  const s = bound(SOCK_STREAM), echo = mode === "echo";
  const none = new Uint8Array(0);
  for (;;) {
    const conn = c.accept(s, none, none);
    c.setsockopt(conn, IPPROTO_TCP, TCP_NODELAY, one, 4);
    for (let n: number; (n = c.recv(conn, buf, size(65536), 0)) > 0;) {
      if (echo) {
        for (let off = 0; off < n;) {
          off += c.send(conn, off ? buf.subarray(off) : buf, size(n - off), 0);
        }
      }
    }
    if (!echo) c.send(conn, new Uint8Array([107]), 1n, 0); // the sink acknowledges the end
    c.close(conn);
  }
}

function client(mode: string, port: number, n: number): void {
  const buf = new Uint8Array(65536).fill(120);
  const a = loopback(port);
  let t0: number, half = 0; // half: when the second half of the round trips began
  if (mode === "udp") {
    const s = c.socket(AF_INET, SOCK_DGRAM, 0);
    check(c.connect(s, a, 16), "connect");
    t0 = performance.now();
    for (let i = 0; i < n; i++) {
      if (i === n >> 1) half = performance.now();
      c.send(s, buf, 64n, 0);
      c.recv(s, buf, 65536n, 0);
    }
  } else {
    const s = c.socket(AF_INET, SOCK_STREAM, 0);
    c.setsockopt(s, IPPROTO_TCP, TCP_NODELAY, one, 4);
    check(c.connect(s, a, 16), "connect");
    t0 = performance.now();
    if (mode === "pingpong") {
      for (let i = 0; i < n; i++) {
        if (i === n >> 1) half = performance.now();
        c.send(s, buf, 64n, 0);
        for (let got = 0; got < 64;) {
          got += c.recv(s, got ? buf.subarray(got) : buf, size(64 - got), 0);
        }
      }
    } else {
      for (let sent = 0; sent < n;) {
        const k = check(c.send(s, buf, size(Math.min(65536, n - sent)), 0), "send");
        sent += k;
      }
      c.shutdown(s, SHUT_WR);
      c.recv(s, buf, 1n, 0);
    }
  }
  const t1 = performance.now();
  const second = half ? ` ${((t1 - half) / 1000).toFixed(9)}` : "";
  console.log(`result ${n} ${((t1 - t0) / 1000).toFixed(9)}${second}`);
}

function calls(n: number): void {
  const s = c.socket(AF_INET, SOCK_STREAM, 0);
  const v = new Uint8Array(4), len = new Uint32Array(1);
  const lenBytes = new Uint8Array(len.buffer);
  let t0 = performance.now();
  for (let i = 0; i < n; i++) {
    len[0] = 4;
    c.getsockopt(s, SOL_SOCKET, SO_RCVBUF, v, lenBytes);
  }
  console.log(`getsockopt ${((performance.now() - t0) / n * 1e6).toFixed(1)}`);
  const p = new Int32Array(2);
  c.socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, new Uint8Array(p.buffer));
  const b = new Uint8Array(64);
  t0 = performance.now();
  for (let i = 0; i < n; i++) {
    if (c.recv(p[0], b, 64n, 0) >= 0 || errno[0] !== EAGAIN) throw new Error("recv did not fail");
  }
  console.log(`eagain ${((performance.now() - t0) / n * 1e6).toFixed(1)}`);
}

// The bare calls receive into a buffer whatever the mode, so the tuned modes
// (-into) are the same programs.
const [what, given, portText, countText] = Deno.args;
const mode = given?.replace(/-into$/, "");
if (what === "server") server(mode);
else if (what === "client") client(mode, Number(portText), Number(countText));
else calls(Number(mode));
