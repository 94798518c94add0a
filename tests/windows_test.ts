// Windows-only checks, run by the Windows lane (.ci/windows) with the
// Windows build of Deno under Wine: the constant, errno and struct tables
// against a probe compiled with mingw-w64, Winsock errors as Python shows
// them, socketpair's emulation, and the examples end to end.

import assert from "node:assert/strict";
import * as socket from "../mod.ts";
import { constants } from "../ffi/windows/constants.ts";
import { errnos } from "../ffi/windows/errno.ts";
import { addrinfoLayout, structs } from "../ffi/windows/_structs.ts";
import { windows as layout } from "../ffi/layout.ts";
import { Program, run } from "../examples/_run.ts";
import { decoder, windows } from "./_helpers.ts";

// Built by .ci/windows with `python3 tools/gen_tables.py --probe`.
const PROBE = Deno.env.get("PYSOCKET_WINDOWS_PROBE");

Deno.test("the Windows constant, errno and struct tables match what mingw-w64 compiles", {
  ignore: !windows || !PROBE,
}, () => {
  const out = new Deno.Command(PROBE!).outputSync();
  assert.ok(out.success, "the probe runs");
  const printed = new Map(
    decoder.decode(out.stdout).trim().split(/\r?\n/).map((l) => {
      const [name, value] = l.split(" ");
      return [name, Number(value)] as const;
    }),
  );
  for (const [name, value] of Object.entries(constants)) {
    assert.equal(value, printed.get(name), name);
  }
  for (const [name, value] of Object.entries(errnos)) {
    assert.equal(value, printed.get(`errno.${name}`), `errno ${name}`);
  }
  const at = (key: string) => printed.get(key);
  assert.deepEqual(addrinfoLayout.ai, {
    addrlen: at("addrinfo.ai_addrlen"),
    canonname: at("addrinfo.ai_canonname"),
    addr: at("addrinfo.ai_addr"),
    next: at("addrinfo.ai_next"),
    size: at("addrinfo.size"),
  });
  assert.deepEqual(structs.pollfd, {
    size: at("pollfd.size"),
    events: at("pollfd.events"),
    revents: at("pollfd.revents"),
  });
  assert.deepEqual(structs.hostent, {
    aliases: at("hostent.h_aliases"),
    addrtype: at("hostent.h_addrtype"),
    length: at("hostent.h_length"),
    addrList: at("hostent.h_addr_list"),
    // h_addrtype's width: h_length follows it directly.
    intSize: at("hostent.h_length")! - at("hostent.h_addrtype")!,
  });
  assert.deepEqual(structs.servent, { proto: at("servent.s_proto"), port: at("servent.s_port") });
  assert.deepEqual(structs.protoent, { proto: at("protoent.p_proto") });
  assert.deepEqual(structs.protocolInfo, {
    size: at("WSAPROTOCOL_INFOW.size"),
    family: at("WSAPROTOCOL_INFOW.iAddressFamily"),
    type: at("WSAPROTOCOL_INFOW.iSocketType"),
    proto: at("WSAPROTOCOL_INFOW.iProtocol"),
  });
  assert.deepEqual(structs.overlapped, {
    size: at("OVERLAPPED.size"),
    offset: at("OVERLAPPED.Offset"),
    offsetHigh: at("OVERLAPPED.OffsetHigh"),
  });
  assert.equal(structs.wsadata.size, at("WSADATA.size"));
  assert.deepEqual(structs.ifTable, {
    rows: at("MIB_IF_TABLE2.Table"),
    rowSize: at("MIB_IF_ROW2.size"),
    luid: at("MIB_IF_ROW2.InterfaceLuid"),
    index: at("MIB_IF_ROW2.InterfaceIndex"),
  });
  assert.equal(layout.in6, at("sockaddr_in6.size"));
  assert.equal(2 + layout.sunPath, at("sockaddr_un.size"));
  assert.equal(at("sockaddr_un.sun_path"), 2);
});

Deno.test("a Winsock error reads as Python's: [WinError N], errno and winerror", {
  ignore: !windows,
}, () => {
  using probe = socket.create_server(["127.0.0.1", 0]);
  const port = probe.getsockname()[1];
  probe.close();
  using c = socket.socket();
  assert.throws(() => c.connect(["127.0.0.1", port]), (e: unknown) => {
    const err = e as socket.OSError;
    return e instanceof socket.ConnectionRefusedError && err.errno === 10061 &&
      err.winerror === 10061 && err.message.startsWith("[WinError 10061] ");
  });
  assert.throws(() => socket.getaddrinfo("no.such.host.invalid", 80), (e: unknown) => {
    return e instanceof socket.gaierror && (e as Error).message.endsWith("getaddrinfo failed");
  });
});

Deno.test("if_nameindex() lists the interfaces, and if_indextoname() agrees with it", {
  ignore: !windows,
}, () => {
  const list = socket.if_nameindex();
  assert.ok(list.length >= 1, "at least the loopback interface");
  for (const [index, name] of list) {
    assert.ok(index > 0 && name.length > 0);
    assert.equal(socket.if_nametoindex(name), index, name);
  }
});

Deno.test("socketpair() on Windows is a connected loopback TCP pair, and refuses as Python does", {
  ignore: !windows,
}, () => {
  const [a, b] = socket.socketpair();
  assert.equal(a.family, socket.AF_INET);
  assert.deepEqual(a.getpeername(), b.getsockname());
  a.sendall("over the pair");
  assert.equal(decoder.decode(b.recv(100)), "over the pair");
  a.close();
  b.close();
  assert.throws(() => socket.socketpair(socket.AF_INET, socket.SOCK_DGRAM), {
    name: "RangeError",
    message: "Only SOCK_STREAM socket type is supported",
  });
  assert.throws(() => socket.socketpair(socket.AF_UNIX), {
    name: "RangeError",
    message: "Only AF_INET and AF_INET6 socket address families are supported",
  });
});

Deno.test("the echo, UDP, async echo and web server examples run end to end on Windows", {
  ignore: !windows,
}, async () => {
  const echo = new Program("echo_server.ts", ["--port", "0"]);
  const port = String(await echo.port());
  const client = await run("echo_client.ts", ["--port", port]);
  assert.equal(client.stdout.trim(), "Received b'Hello, world'");
  await echo.expect(/^Connected by \('127\.0\.0\.1', \d+\)/);
  await echo.stop();

  const dual = new Program("echo_server_dualstack.ts", ["--port", "0"]);
  const [[, dport]] = await dual.listening(2);
  for (const host of ["127.0.0.1", "::1"]) {
    const c = await run("echo_client_dualstack.ts", ["--host", host, "--port", String(dport)]);
    assert.equal(c.stdout.trim(), "Received b'Hello, world'", host);
  }
  await dual.stop();

  const udp = new Program("udp_echo_server.ts", ["--port", "0"]);
  const uport = String(await udp.port());
  const u = await run("udp_echo_client.ts", ["--port", uport, "--count", "3"]);
  assert.equal(u.code, 0, u.stdout + u.stderr);
  assert.match(u.stdout, /sent 3, received 3, lost 0/);
  await udp.stop();

  // The async server on the WSAPoll reactor, with clients at once.
  const async = new Program("async_echo_server.ts", ["--port", "0"]);
  const aport = String(await async.port());
  const clients = await Promise.all([1, 2, 3].map(() => run("echo_client.ts", ["--port", aport])));
  for (const c of clients) assert.equal(c.stdout.trim(), "Received b'Hello, world'");
  await async.stop();

  // Both web servers; a file over 64 KiB goes out through sendfile's fallback.
  const root = Deno.makeTempDirSync();
  const big = new Uint8Array(200_000).map((_, i) => (i * 13) & 0xff);
  Deno.writeFileSync(`${root}/big.bin`, big);
  for (const script of ["web_server.ts", "async_web_server.ts"]) {
    const web = new Program(script, ["--port", "0", "--root", root], {
      permissions: ["--allow-ffi", "--allow-read"],
    });
    const wport = await web.port();
    using c = socket.create_connection(["127.0.0.1", wport], 10);
    c.sendall("GET /big.bin HTTP/1.0\r\n\r\n");
    const chunks: Uint8Array[] = [];
    for (let part; (part = c.recv(65536)).length > 0;) chunks.push(part);
    const all = new Uint8Array(chunks.reduce((n, p) => n + p.length, 0));
    chunks.reduce((at, p) => (all.set(p, at), at + p.length), 0);
    const head = decoder.decode(all.subarray(0, all.length - big.length));
    assert.match(head, /^HTTP\/1\.1 200 OK\r\n[^]*Content-Length: 200000\r\n[^]*\r\n\r\n$/, script);
    assert.deepEqual(all.subarray(all.length - big.length), big, script);
    await web.stop();
  }
  Deno.removeSync(root, { recursive: true });
});

Deno.test(
  "Socket.ioctl() sends Winsock control codes, and share()/fromshare() duplicate a socket",
  {
    ignore: !windows,
  },
  () => {
    using s = socket.socket();
    s.ioctl(socket.SIO_KEEPALIVE_VALS!, [1, 10_000, 3_000]);
    assert.throws(() => s.ioctl(12345, 1), {
      name: "RangeError",
      message: "invalid ioctl command 12345",
    });
    assert.throws(() => s.ioctl(socket.SIO_KEEPALIVE_VALS!, 1), TypeError);
    const [a, b] = socket.socketpair();
    const info = a.share(Deno.pid);
    assert.equal(info.length, structs.protocolInfo.size);
    using twin = socket.fromshare(info);
    assert.equal(twin.family, socket.AF_INET);
    assert.equal(twin.type, socket.SOCK_STREAM);
    twin.sendall("through the shared socket");
    assert.equal(decoder.decode(b.recv(100)), "through the shared socket");
    assert.throws(() => socket.fromshare(new Uint8Array(10)), {
      name: "RangeError",
      message: "wrong size of buffer",
    });
    a.close();
    b.close();
  },
);
