// The Windows backend: the Native interface on Winsock 2 (_winsock.ts opens
// the libraries and keeps each error code), with WSAPoll for readiness
// (_wsapoll.ts) and socketpair built from TCP (_socketpair.ts). Tested by
// running the Windows build of Deno under Wine (.ci/windows).
//
// Descriptors are SOCKET handles, which lib/ keeps as plain numbers: Windows
// hands out small multiples of 4, far below 2^53.

import { windows as layout } from "../layout.ts";
import {
  byteLengthOf,
  cstr,
  decodeHostent,
  encodeHints,
  nameinfo,
  readAddrinfo,
  readCString,
} from "../_c_data.ts";
import type { HostEnt, Native } from "../native.ts";
import { constants, strings } from "./constants.ts";
import { errnos } from "./errno.ts";
import { win32Errno } from "./_errors.ts";
import { socketpairOf } from "./_socketpair.ts";
import {
  addrinfoLayout,
  ERROR_HANDLE_EOF,
  FILE_SHARE_READ,
  FIONBIO,
  GENERIC_READ,
  HANDLE_FLAG_INHERIT,
  OPEN_EXISTING,
  SO_PROTOCOL_INFOW,
  structs,
  sys,
} from "./_structs.ts";
import { openWinsock } from "./_winsock.ts";
import { writePollfds, wsaPoller } from "./_wsapoll.ts";

const { pollfd: PFD, hostent: HE, protocolInfo: PI, overlapped: OV } = structs;

const decoder = new TextDecoder();

function wstr(s: string): Uint8Array {
  const out = new Uint8Array((s.length + 1) * 2);
  const view = new Uint16Array(out.buffer);
  for (let i = 0; i < s.length; i++) view[i] = s.charCodeAt(i);
  return out;
}

/** Loads Winsock and returns the backend. */
export function loadWindows(): Native {
  const w = openWinsock();
  const { ws, k32, iphlp, crt, check, handle, win32, fail, fileHandle, systemMessage, newSocket } =
    w;
  const socketpair = socketpairOf(w);
  // Files opened for sendfile's fallback are kernel32 handles, not sockets.
  const files = new Set<number>();

  function hostent(h: Deno.PointerValue): [number, HostEnt | null] {
    if (h === null) return [ws.WSAGetLastError() || 11001, null];
    return [0, decodeHostent(new Deno.UnsafePointerView(h), HE)];
  }

  const pollfd = new Uint8Array(PFD.size);
  const pollView = new DataView(pollfd.buffer);
  const one = new Uint32Array(1);
  const oneBytes = new Uint8Array(one.buffer);

  const native: Native = {
    os: "windows",
    layout,
    constants,
    strings,
    errnos,
    sys,
    connectInProgress: errnos.EWOULDBLOCK,
    socketpairEmulated: true,
    reuseAddrSteals: true,
    winsockErrors: true,
    linesep: "\r\n",
    multiplexer: "wsapoll",

    errno: w.errno,
    strerror: (code) => code >= 10000 ? systemMessage(code) : readCString(crt.strerror(code)),
    // CPython on Windows has no gai_strerror or hstrerror and says these.
    gai_strerror: () => "getaddrinfo failed",
    hstrerror: () => "host not found",

    socket: (family, type, proto) => newSocket(family, type, proto, null),
    socketpair,
    close(fd) {
      if (files.delete(fd)) return win32(k32.CloseHandle(BigInt(fd)));
      return check(ws.closesocket(BigInt(fd)));
    },
    bind: (fd, addr, len) => check(ws.bind(BigInt(fd), addr, len)),
    connect: (fd, addr, len) => check(ws.connect(BigInt(fd), addr, len)),
    listen: (fd, backlog) => check(ws.listen(BigInt(fd), backlog)),
    accept(fd, addr, len) {
      const r = handle(
        ws.accept(BigInt(fd), addr, len ? new Uint8Array(len.buffer, len.byteOffset, 4) : null),
      );
      if (r >= 0) k32.SetHandleInformation(BigInt(r), HANDLE_FLAG_INHERIT, 0);
      return r;
    },
    getsockname: (fd, addr, len) =>
      check(ws.getsockname(BigInt(fd), addr, new Uint8Array(len.buffer, len.byteOffset, 4))),
    getpeername: (fd, addr, len) =>
      check(ws.getpeername(BigInt(fd), addr, new Uint8Array(len.buffer, len.byteOffset, 4))),
    getsockopt: (fd, level, opt, buf, len) =>
      check(
        ws.getsockopt(BigInt(fd), level, opt, buf, new Uint8Array(len.buffer, len.byteOffset, 4)),
      ),
    setsockopt: (fd, level, opt, buf, len) =>
      check(
        ws.setsockopt(BigInt(fd), level, opt, buf, buf ? Math.min(len, byteLengthOf(buf)) : len),
      ),
    recv: (fd, buf, flags) =>
      check(ws.recv(BigInt(fd), buf, Math.min(byteLengthOf(buf), 0x7fffffff), flags)),
    send: (fd, buf, flags) =>
      check(ws.send(BigInt(fd), buf, Math.min(byteLengthOf(buf), 0x7fffffff), flags)),
    recvfrom: (fd, buf, flags, addr, len) =>
      check(ws.recvfrom(
        BigInt(fd),
        buf,
        Math.min(byteLengthOf(buf), 0x7fffffff),
        flags,
        addr,
        new Uint8Array(len.buffer, len.byteOffset, 4),
      )),
    sendto: (fd, buf, flags, addr, addrlen) =>
      check(
        ws.sendto(BigInt(fd), buf, Math.min(byteLengthOf(buf), 0x7fffffff), flags, addr, addrlen),
      ),
    shutdown: (fd, how) => check(ws.shutdown(BigInt(fd), how)),
    // No zero-copy path: lib/ falls back to pread + sendall, as Python does on Windows.
    sendfile: () => fail(errnos.ENOSYS),
    openRead(path) {
      const h = fileHandle(k32.CreateFileW(
        wstr(path),
        GENERIC_READ,
        FILE_SHARE_READ,
        null,
        OPEN_EXISTING,
        0,
        null,
      ));
      if (h >= 0) files.add(h);
      return h;
    },
    pathOfFileUrl(url) {
      // "file:///C:/x" is C:\x; "file://host/share/x" is \\host\share\x.
      const path = decodeURIComponent(url.pathname);
      const unc = url.hostname ? `\\\\${url.hostname}` : "";
      return unc + (unc ? path : path.replace(/^\/([A-Za-z]:)/, "$1")).replaceAll("/", "\\");
    },
    pread(fd, buf, offset) {
      // An OVERLAPPED with the offset makes ReadFile read there on a synchronous handle.
      const ov = new Uint8Array(OV.size);
      const dv = new DataView(ov.buffer);
      dv.setUint32(OV.offset, offset % 0x100000000, true);
      dv.setUint32(OV.offsetHigh, Math.floor(offset / 0x100000000), true);
      const got = new Uint32Array(1);
      const n = Math.min(byteLengthOf(buf), 0x7fffffff);
      if (k32.ReadFile(BigInt(fd), buf, n, new Uint8Array(got.buffer), ov) !== 0) return got[0];
      const e = k32.GetLastError();
      if (e === ERROR_HANDLE_EOF) return 0;
      return fail(win32Errno(e));
    },

    poll1(fd, events, timeoutMs) {
      pollView.setBigUint64(0, BigInt(fd), true);
      pollView.setInt16(PFD.events, events, true);
      pollView.setInt16(PFD.revents, 0, true);
      const r = check(ws.WSAPoll(pollfd, 1, timeoutMs));
      return r > 0 ? pollView.getInt16(PFD.revents, true) : r;
    },
    poll(fds, events, revents, timeoutMs) {
      const buf = new Uint8Array(PFD.size * Math.max(fds.length, 1));
      const dv = writePollfds(buf, fds, (_, i) => events[i]);
      const r = check(ws.WSAPoll(buf, fds.length, timeoutMs));
      for (let i = 0; i < fds.length; i++) {
        revents[i] = r > 0 ? dv.getInt16(PFD.size * i + PFD.revents, true) : 0;
      }
      return r;
    },

    setNonblocking(fd, on) {
      one[0] = on ? 1 : 0;
      return check(ws.ioctlsocket(BigInt(fd), FIONBIO, oneBytes)) < 0 ? -1 : 0;
    },
    getInheritable(fd) {
      if (win32(k32.GetHandleInformation(BigInt(fd), oneBytes)) < 0) return -1;
      return one[0] & HANDLE_FLAG_INHERIT ? 1 : 0;
    },
    setInheritable: (fd, on) =>
      win32(
        k32.SetHandleInformation(BigInt(fd), HANDLE_FLAG_INHERIT, on ? HANDLE_FLAG_INHERIT : 0),
      ),
    dup(fd) {
      // Python's socket.dup on Windows: share with this very process.
      const info = native.share!(fd, k32.GetCurrentProcessId());
      return info === null ? -1 : native.fromshare!(info);
    },

    ioctl(fd, code, input) {
      const returned = new Uint32Array(1);
      return check(ws.WSAIoctl(
        BigInt(fd),
        code,
        input,
        input.byteLength,
        null,
        0,
        new Uint8Array(returned.buffer),
        null,
        null,
      ));
    },
    share(fd, pid) {
      const info = new Uint8Array(PI.size);
      return check(ws.WSADuplicateSocketW(BigInt(fd), pid, info)) < 0 ? null : info;
    },
    shareSize: PI.size,
    fromshare(info) {
      const FROM_PROTOCOL_INFO = -1;
      return newSocket(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, info);
    },
    poller: () => wsaPoller(w),
    epoll: null,
    socketInfo(fd) {
      // As CPython on Windows: the socket's WSAPROTOCOL_INFOW says all three.
      const info = new Uint8Array(PI.size);
      const len = new Int32Array([info.length]);
      const r = ws.getsockopt(
        BigInt(fd),
        constants.SOL_SOCKET,
        SO_PROTOCOL_INFOW,
        info,
        new Uint8Array(len.buffer),
      );
      if (check(r) < 0) return null;
      const dv = new DataView(info.buffer);
      return [
        dv.getInt32(PI.family, true),
        dv.getInt32(PI.type, true),
        dv.getInt32(PI.proto, true),
      ];
    },

    inet_pton(family, text) {
      const out = new Uint8Array(16);
      if (ws.inet_pton(family, cstr(text), out) <= 0) return null;
      return out.slice(0, family === constants.AF_INET ? 4 : 16);
    },
    inet_ntop(family, bytes) {
      const buf = new Uint8Array(64);
      const r = ws.inet_ntop(family, bytes, buf, 64n);
      return r === null ? null : decoder.decode(buf.subarray(0, buf.indexOf(0)));
    },
    inet_aton(text) {
      // CPython on Windows parses with inet_addr, which answers INADDR_NONE both
      // for errors and for "255.255.255.255".
      const v = ws.inet_addr(cstr(text));
      if (v === 0xffffffff && text !== "255.255.255.255") return null;
      return new Uint8Array(new Uint32Array([v]).buffer);
    },

    getaddrinfo(host, port, family, type, proto, flags) {
      const res = new BigUint64Array(1);
      const r = ws.getaddrinfo(
        host === null ? null : cstr(host),
        port === null ? null : cstr(port),
        encodeHints(addrinfoLayout, flags, family, type, proto),
        new Uint8Array(res.buffer),
      );
      if (r !== 0) return [r, []];
      const out = readAddrinfo(
        Deno.UnsafePointer.create(res[0]),
        addrinfoLayout,
        (h) => ws.freeaddrinfo(h),
      );
      return [0, out];
    },
    getnameinfo: (addr, flags) =>
      nameinfo((host, hostlen, serv, servlen) =>
        ws.getnameinfo(addr, byteLengthOf(addr), host, hostlen, serv, servlen, flags)
      ),
    gethostbyname: (name) => hostent(ws.gethostbyname(cstr(name))),
    gethostbyaddr: (addr, family) => hostent(ws.gethostbyaddr(addr, byteLengthOf(addr), family)),
    // Windows renames a computer through its own API, not Winsock: Python has no sethostname there.
    sethostname: () => fail(errnos.ENOSYS),
    gethostname() {
      const buf = new Uint8Array(257);
      if (check(ws.gethostname(buf, 256)) < 0) return null;
      return decoder.decode(buf.subarray(0, buf.indexOf(0)));
    },
    getservbyname(name, proto) {
      const s = ws.getservbyname(cstr(name), proto === null ? null : cstr(proto));
      if (s === null) return -1;
      const port = new Deno.UnsafePointerView(s).getUint16(structs.servent.port);
      return ((port & 0xff) << 8) | (port >> 8);
    },
    getservbyport(port, proto) {
      const be = ((port & 0xff) << 8) | ((port >> 8) & 0xff);
      const s = ws.getservbyport(be, proto === null ? null : cstr(proto));
      return s === null ? null : readCString(new Deno.UnsafePointerView(s).getPointer(0));
    },
    getprotobyname(name) {
      const p = ws.getprotobyname(cstr(name));
      return p === null ? -1 : new Deno.UnsafePointerView(p).getInt16(structs.protoent.proto);
    },
    if_nameindex() {
      // As CPython on Windows: GetIfTable2, and each row's LUID turned into a name.
      const IT = structs.ifTable;
      const at = new BigUint64Array(1);
      const status = iphlp.GetIfTable2(new Uint8Array(at.buffer));
      if (status !== 0) {
        fail(status);
        return null;
      }
      const table = Deno.UnsafePointer.create(at[0])!;
      try {
        const count = new Deno.UnsafePointerView(table).getUint32(0);
        const rows = new Uint8Array(
          Deno.UnsafePointerView.getArrayBuffer(table, IT.rows + count * IT.rowSize),
        );
        const dv = new DataView(rows.buffer);
        const name = new Uint8Array(257);
        const out: [number, string][] = [];
        for (let i = 0; i < count; i++) {
          const row = IT.rows + i * IT.rowSize;
          const luid = rows.slice(row + IT.luid, row + IT.luid + 8);
          const r = iphlp.ConvertInterfaceLuidToNameA(luid, name, BigInt(name.length));
          if (r !== 0) {
            fail(r);
            return null;
          }
          out.push([dv.getUint32(row + IT.index, true), readCString(Deno.UnsafePointer.of(name))]);
        }
        return out;
      } finally {
        iphlp.FreeMibTable(table);
      }
    },
    if_nametoindex: (name) => iphlp.if_nametoindex(cstr(name)),
    if_indextoname(index) {
      const buf = new Uint8Array(257);
      const r = iphlp.if_indextoname(index, buf);
      return r === null ? null : readCString(r);
    },
  };

  return native;
}
