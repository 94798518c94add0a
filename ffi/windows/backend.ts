// The Windows backend: Winsock 2 (ws2_32.dll) through Deno.dlopen. Tested by
// running the Windows build of Deno under Wine (.ci/windows).
//
// Descriptors are SOCKET handles, which lib/ keeps as plain numbers: Windows
// hands out small multiples of 4, far below 2^53. Each failed call stores its
// WSAGetLastError() at once, before anything else can run on the thread.

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
import { openLibrary } from "../_library.ts";
import type { HostEnt, Native, Poller, SysValues } from "../native.ts";
import { constants, strings } from "./constants.ts";
import { errnos } from "./errno.ts";
import { iphlpapiSymbols, kernel32Symbols, ws2Symbols } from "./symbols.ts";

/** struct addrinfo on Win64: ai_addrlen is a size_t, and ai_canonname comes before ai_addr. */
export const addrinfoLayout = { ai: { addrlen: 16, canonname: 24, addr: 32, next: 40, size: 48 } };

/** The other Win64 structs the backend reads or writes (checked against mingw-w64 in tests). */
export const structs = {
  pollfd: { size: 16, events: 8, revents: 10 },
  hostent: { aliases: 8, addrtype: 16, length: 18, addrList: 24, intSize: 2 },
  servent: { proto: 16, port: 24 },
  protoent: { proto: 16 },
  protocolInfo: { size: 628, family: 76, type: 88, proto: 92 },
  overlapped: { size: 32, offset: 16, offsetHigh: 20 },
  wsadata: { size: 408 },
  // MIB_IF_TABLE2 holds NumEntries, then rows of MIB_IF_ROW2 from offset 8.
  ifTable: { rows: 8, rowSize: 1352, luid: 0, index: 8 },
} as const;
const { pollfd: PFD, hostent: HE, protocolInfo: PI, overlapped: OV } = structs;

/** WSAPoll's flags (winsock2.h). POLLPRI is 0: WSAPoll rejects it with WSAEINVAL. */
export const sys: SysValues = {
  POLLIN: 0x0300, // POLLRDNORM | POLLRDBAND
  POLLPRI: 0,
  POLLOUT: 0x0010, // POLLWRNORM
  POLLERR: 0x0001,
  POLLHUP: 0x0002,
  POLLNVAL: 0x0004,
  SOCK_NONBLOCK: 0,
  SOCK_CLOEXEC: 0,
  cmsgHeader: 16,
  cmsgAlign: 8,
};

const INVALID = 0xffffffffffffffffn;
const WSA_FLAG_OVERLAPPED = 0x01, WSA_FLAG_NO_HANDLE_INHERIT = 0x80;
const FIONBIO = 0x8004667e;
const HANDLE_FLAG_INHERIT = 1;
const FORMAT_MESSAGE_FROM_SYSTEM = 0x1000, FORMAT_MESSAGE_IGNORE_INSERTS = 0x200;
const GENERIC_READ = 0x80000000, FILE_SHARE_READ = 1, OPEN_EXISTING = 3;
const SO_PROTOCOL_INFOW = 0x2005;
const ERROR_HANDLE_EOF = 38;

/**
 * A kernel32 error as the errno CPython gives it (PC/errmap.h): Win32 codes
 * share numbers with errno values but not meanings (3 is "path not found",
 * not ESRCH). The codes files and handles fail with here; others are EINVAL.
 */
export function win32Errno(code: number): number {
  switch (code) {
    case 2: // ERROR_FILE_NOT_FOUND
    case 3: // ERROR_PATH_NOT_FOUND
    case 15: // ERROR_INVALID_DRIVE
    case 53: // ERROR_BAD_NETPATH
    case 67: // ERROR_BAD_NET_NAME
    case 123: // ERROR_INVALID_NAME
    case 161: // ERROR_BAD_PATHNAME
      return errnos.ENOENT;
    case 5: // ERROR_ACCESS_DENIED
    case 32: // ERROR_SHARING_VIOLATION
    case 33: // ERROR_LOCK_VIOLATION
      return errnos.EACCES;
    case 4: // ERROR_TOO_MANY_OPEN_FILES
      return errnos.EMFILE;
    case 6: // ERROR_INVALID_HANDLE
      return errnos.EBADF;
    case 8: // ERROR_NOT_ENOUGH_MEMORY
    case 14: // ERROR_OUTOFMEMORY
      return errnos.ENOMEM;
    case 267: // ERROR_DIRECTORY
      return errnos.ENOTDIR;
    default:
      return errnos.EINVAL;
  }
}

/** Writes a WSAPOLLFD array into `buf`: each descriptor, its events, no revents yet. */
function writePollfds(
  buf: Uint8Array,
  fds: number[],
  eventsOf: (fd: number, i: number) => number,
): DataView {
  const dv = new DataView(buf.buffer);
  fds.forEach((fd, i) => {
    dv.setBigUint64(PFD.size * i, BigInt(fd), true);
    dv.setInt16(PFD.size * i + PFD.events, eventsOf(fd, i), true);
    dv.setInt16(PFD.size * i + PFD.revents, 0, true);
  });
  return dv;
}

const decoder = new TextDecoder();
const utf16 = new TextDecoder("utf-16le");

function wstr(s: string): Uint8Array {
  const out = new Uint8Array((s.length + 1) * 2);
  const view = new Uint16Array(out.buffer);
  for (let i = 0; i < s.length; i++) view[i] = s.charCodeAt(i);
  return out;
}

/** Loads Winsock and returns the backend. */
export function loadWindows(): Native {
  const ws = openLibrary("ws2_32.dll", ws2Symbols);
  const k32 = openLibrary("kernel32.dll", kernel32Symbols);
  const iphlp = openLibrary("iphlpapi.dll", iphlpapiSymbols);
  const crt = openLibrary(
    "ucrtbase.dll",
    {
      // char *strerror(int errnum): the C runtime's text for its own errno values
      strerror: { parameters: ["i32"], result: "pointer" },
    } as const,
  );
  const started = ws.WSAStartup(0x0202, new Uint8Array(structs.wsadata.size));
  if (started !== 0) throw new Error(`WSAStartup failed with error ${started}`);

  let last = 0;
  /** An int result: SOCKET_ERROR (-1) keeps the error code. */
  const check = (r: number): number => {
    if (r < 0) last = ws.WSAGetLastError();
    return r;
  };
  /** A SOCKET result as a number, or -1 keeping the error code. */
  const handle = (r: number | bigint): number => {
    if (BigInt(r) === INVALID) {
      last = ws.WSAGetLastError();
      return -1;
    }
    return Number(r);
  };
  /** A BOOL result of kernel32: 0 on success, -1 keeping GetLastError() as an errno. */
  const win32 = (ok: number): number => {
    if (ok !== 0) return 0;
    last = win32Errno(k32.GetLastError());
    return -1;
  };
  const fail = (code: number): number => {
    last = code;
    return -1;
  };

  const text = new Uint16Array(1024);
  const textBytes = new Uint8Array(text.buffer);
  function systemMessage(code: number): string {
    const n = k32.FormatMessageW(
      FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
      null,
      code,
      0,
      textBytes,
      text.length,
      null,
    );
    // CPython's words when the system has no text (Wine lacks many Winsock ones).
    if (n === 0) return `Windows Error 0x${code.toString(16)}`;
    return utf16.decode(text.subarray(0, n)).trimEnd();
  }

  // Files opened for sendfile's fallback are kernel32 handles, not sockets.
  const files = new Set<number>();

  function newSocket(family: number, type: number, proto: number, info: Uint8Array | null) {
    return handle(ws.WSASocketW(
      family,
      type,
      proto,
      info,
      0,
      WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT,
    ));
  }

  function hostent(h: Deno.PointerValue): [number, HostEnt | null] {
    if (h === null) return [ws.WSAGetLastError() || 11001, null];
    return [0, decodeHostent(new Deno.UnsafePointerView(h), HE)];
  }

  /** socketpair for Windows, as Python's socket.py does it: a loopback TCP connection. */
  function socketpair(family: number, type: number, proto: number, fds: Int32Array): number {
    const inet6 = family === constants.AF_INET6;
    if (!inet6 && family !== constants.AF_INET) return fail(errnos.EAFNOSUPPORT);
    if (type !== constants.SOCK_STREAM) return fail(errnos.EOPNOTSUPP);
    const sa = new Uint8Array(inet6 ? 28 : 16);
    const dv = new DataView(sa.buffer);
    dv.setUint16(0, family, true);
    if (inet6) sa[23] = 1; // ::1
    else sa.set([127, 0, 0, 1], 4);
    const len = new Int32Array([sa.length]);
    const lsock = newSocket(family, type, proto, null);
    if (lsock < 0) return -1;
    let csock = -1;
    try {
      if (
        check(ws.bind(BigInt(lsock), sa, sa.length)) < 0 ||
        check(ws.listen(BigInt(lsock), 1)) < 0 ||
        check(ws.getsockname(BigInt(lsock), sa, new Uint8Array(len.buffer))) < 0
      ) return -1;
      csock = newSocket(family, type, proto, null);
      if (csock < 0 || check(ws.connect(BigInt(csock), sa, sa.length)) < 0) return -1;
      const peer = new Uint8Array(sa.length);
      const plen = new Int32Array([peer.length]);
      const ssock = handle(ws.accept(BigInt(lsock), peer, new Uint8Array(plen.buffer)));
      if (ssock < 0) return -1;
      // The accepted peer must be our own client, not someone racing to the port.
      const mine = new Uint8Array(sa.length);
      const mlen = new Int32Array([mine.length]);
      check(ws.getsockname(BigInt(csock), mine, new Uint8Array(mlen.buffer)));
      if (peer.some((b, i) => b !== mine[i])) {
        ws.closesocket(BigInt(ssock));
        return fail(errnos.ECONNABORTED);
      }
      win32(k32.SetHandleInformation(BigInt(ssock), HANDLE_FLAG_INHERIT, 0));
      fds[0] = ssock;
      fds[1] = csock;
      csock = -1;
      return 0;
    } finally {
      ws.closesocket(BigInt(lsock));
      if (csock >= 0) ws.closesocket(BigInt(csock));
    }
  }

  /**
   * The async reactor's readiness on Windows: WSAPoll on a worker thread.
   * WSAPoll reports levels and takes the whole set on each call, so it polls
   * only the directions that have waiters, and a wait in flight is woken
   * when a direction is wanted that it does not cover. wake() sends a byte
   * to a UDP socket connected to itself, which is always in the set.
   */
  function wsaPoller(): Poller | undefined {
    const POLLRDNORM = 0x100, POLLWRNORM = 0x10, POLLERR = 1, POLLHUP = 2, POLLNVAL = 4;
    const sa = new Uint8Array(16);
    new DataView(sa.buffer).setUint16(0, constants.AF_INET, true);
    sa.set([127, 0, 0, 1], 4);
    const len = new Int32Array([sa.length]);
    const waker = newSocket(constants.AF_INET, constants.SOCK_DGRAM, 0, null);
    one[0] = 1;
    if (
      waker < 0 ||
      check(ws.bind(BigInt(waker), sa, sa.length)) < 0 ||
      check(ws.getsockname(BigInt(waker), sa, new Uint8Array(len.buffer))) < 0 ||
      check(ws.connect(BigInt(waker), sa, sa.length)) < 0 ||
      check(ws.ioctlsocket(BigInt(waker), FIONBIO, oneBytes)) < 0
    ) {
      const code = last;
      if (waker >= 0) ws.closesocket(BigInt(waker));
      return void fail(code);
    }
    const wanted = new Map<number, number>();
    /** What the wait in flight polls, or null when none is. */
    let polling: Map<number, number> | null = null;
    let woken = false;
    let buf = new Uint8Array(PFD.size * 64);
    let ready: [number, boolean, boolean][] = [];
    const drain = new Uint8Array(16);
    const wake = () => {
      if (woken) return;
      woken = true;
      ws.send(BigInt(waker), drain, 1, 0);
    };
    /** Writes the set to poll (the wake socket first) into buf; returns its descriptors. */
    const prepare = (): number[] => {
      const fds = [waker, ...wanted.keys()];
      if (buf.byteLength < PFD.size * fds.length) buf = new Uint8Array(PFD.size * fds.length * 2);
      writePollfds(buf, fds, (fd, i) => i ? wanted.get(fd)! : POLLRDNORM);
      return fds;
    };
    /** Reads a poll's result `r` into `ready`; returns the number of events. */
    const collect = (fds: number[], r: number): number => {
      const dv = new DataView(buf.buffer);
      ready = [];
      for (let i = 1; i < fds.length; i++) {
        // A failed poll (a handle closed under it) wakes everyone: each
        // waiter tries its call again and meets the real error.
        const revents = r < 0 ? -1 : dv.getInt16(PFD.size * i + PFD.revents, true);
        if (revents === 0) continue;
        const both = (revents & (POLLERR | POLLHUP | POLLNVAL)) !== 0;
        const read = both || (revents & POLLRDNORM) !== 0;
        const write = both || (revents & POLLWRNORM) !== 0;
        ready.push([fds[i], read, write]);
        // Reported is consumed: the reactor wakes every waiter of these
        // directions, and those that still need them will want them again.
        const left = (wanted.get(fds[i]) ?? 0) & ~(read ? POLLRDNORM : 0) &
          ~(write ? POLLWRNORM : 0);
        if (left) wanted.set(fds[i], left);
        else wanted.delete(fds[i]);
      }
      if (woken) {
        woken = false;
        while (ws.recv(BigInt(waker), drain, drain.length, 0) > 0);
      }
      return ready.length;
    };
    return {
      add: () => 0,
      remove(fd) {
        wanted.delete(fd);
        if (polling?.has(fd)) wake(); // let go of the handle before it is closed
      },
      want(fd, read, write) {
        const events = (read ? POLLRDNORM : 0) | (write ? POLLWRNORM : 0);
        if (events === 0) wanted.delete(fd);
        else wanted.set(fd, events);
        if (polling && events & ~(polling.get(fd) ?? 0)) wake();
      },
      async wait() {
        const fds = prepare();
        polling = new Map(wanted);
        const r = await ws.WSAPoll_wait(buf, fds.length, -1);
        polling = null;
        return collect(fds, r);
      },
      poll(us) {
        const fds = prepare();
        return collect(fds, ws.WSAPoll(buf, fds.length, Math.ceil(us / 1000)));
      },
      event: (i) => ready[i],
      wake,
    };
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
    multiplexer: "wsapoll",

    errno: () => last,
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
    poller: wsaPoller,
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

  /** A kernel32 HANDLE result: INVALID_HANDLE_VALUE keeps GetLastError(). */
  function fileHandle(r: number | bigint): number {
    if (BigInt(r) === INVALID) {
      last = win32Errno(k32.GetLastError());
      return -1;
    }
    return Number(r);
  }

  return native;
}
