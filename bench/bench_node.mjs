// The Node side of bench/: net, dgram and readline, the way a Node program
// would do the same rounds as bench.c. Usage as bench.c (no "calls": Node has
// no such API).
import net from "node:net";
import dgram from "node:dgram";
import readline from "node:readline";

const [what, mode, portText, countText] = process.argv.slice(2);

function server(mode) {
  if (mode === "udp") {
    const s = dgram.createSocket("udp4");
    s.on("message", (msg, rinfo) => s.send(msg, rinfo.port, rinfo.address));
    s.bind(0, "127.0.0.1", () => console.log("ready", s.address().port));
    return;
  }
  const srv = net.createServer({ noDelay: true }, (c) => {
    if (mode === "echo") c.on("data", (d) => c.write(d));
    else if (mode === "accept") c.once("data", (d) => c.end(d));
    else if (mode === "lines") {
      readline.createInterface({ input: c }).on("line", (line) => c.write(line + "\n"));
    } else {
      c.on("data", () => {});
      c.on("end", () => c.end("k"));
    }
  });
  srv.listen(0, "127.0.0.1", () => console.log("ready", srv.address().port));
}

function client(mode, port, n) {
  const t0 = performance.now();
  let half = 0; // when the second half of the round trips began
  const done = () => {
    const t1 = performance.now();
    const second = half ? ` ${((t1 - half) / 1000).toFixed(9)}` : "";
    console.log(`result ${n} ${((t1 - t0) / 1000).toFixed(9)}${second}`);
    process.exit(0);
  };
  const msg = Buffer.alloc(64, 120);
  if (mode === "connect") {
    let i = 0;
    const next = () => {
      if (i === n) return done();
      if (i++ === n >> 1) half = performance.now();
      const c = net.connect({ port, host: "127.0.0.1" }, () => c.write(msg));
      c.once("data", () => {
        c.destroy();
        next();
      });
    };
    return next();
  }
  if (mode === "udp") {
    const s = dgram.createSocket("udp4");
    let i = 0;
    s.on("message", () => {
      if (++i === n) return done();
      if (i === n >> 1) half = performance.now();
      s.send(msg, port, "127.0.0.1");
    });
    s.send(msg, port, "127.0.0.1");
    return;
  }
  const c = net.connect({ port, host: "127.0.0.1", noDelay: true }, () => {
    if (mode === "lines") {
      const line = "x".repeat(63) + "\n";
      let i = 0;
      readline.createInterface({ input: c }).on("line", () => {
        if (++i === n) return done();
        if (i === n >> 1) half = performance.now();
        c.write(line);
      });
      c.write(line);
    } else if (mode === "pingpong") {
      let i = 0, got = 0;
      c.on("data", (d) => {
        got += d.length;
        while (got >= 64) {
          got -= 64;
          if (++i === n) return done();
          if (i === n >> 1) half = performance.now();
          c.write(msg);
        }
      });
      c.write(msg);
    } else {
      const chunk = Buffer.alloc(65536, 120);
      let sent = 0;
      const pump = () => {
        while (sent < n) {
          const k = Math.min(65536, n - sent);
          sent += k;
          if (!c.write(k === chunk.length ? chunk : chunk.subarray(0, k))) {
            return c.once("drain", pump);
          }
        }
        c.end();
      };
      c.on("data", done);
      pump();
    }
  });
}

if (what === "server") server(mode);
else client(mode, Number(portText), Number(countText));
