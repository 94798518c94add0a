// The POSIX backend: libc through Deno.dlopen. Linux is the tested target;
// the per-OS facts live in the `platforms` table below.

import { darwin as darwinLayout, type Layout, linux as linuxLayout } from "../layout.ts";
import type { AddrInfo, Cmsg, HostEnt, MsgIn, Native, SysValues } from "../native.ts";
import { linuxSymbols, symbols } from "./symbols.ts";
import { constants as linuxConstants } from "./constants_linux.ts";
import { errnos as linuxErrnos } from "./errno_linux.ts";
import { constants as darwinConstants } from "./constants_darwin.ts";
import { errnos as darwinErrnos } from "./errno_darwin.ts";

/** Facts about one POSIX platform that the backend needs. */
interface Platform {
  os: "linux" | "darwin";
  library: string;
  layout: Layout;
  constants: Readonly<Record<string, number>>;
  errnos: Readonly<Record<string, number>>;
  sys: SysValues;
  O_NONBLOCK: number;
  O_CLOEXEC: number;
  F_DUPFD_CLOEXEC: number;
  /** struct addrinfo offsets. */
  ai: { addrlen: number; addr: number; canonname: number; next: number; size: number };
  /** struct msghdr offsets and the width of its size fields. */
  msg: {
    size: number;
    namelen: number;
    iov: number;
    iovlen: number;
    control: number;
    controllen: number;
    flags: number;
    wide: boolean;
  };
}

const POLL = { POLLIN: 1, POLLPRI: 2, POLLOUT: 4, POLLERR: 8, POLLHUP: 16, POLLNVAL: 32 };

const linux: Platform = {
  os: "linux",
  library: "libc.so.6",
  layout: linuxLayout,
  constants: linuxConstants,
  errnos: linuxErrnos,
  sys: {
    ...POLL,
    SOCK_NONBLOCK: 0o4000,
    SOCK_CLOEXEC: 0o2000000,
    cmsgHeader: 16,
    cmsgAlign: 8,
  },
  O_NONBLOCK: 0o4000,
  O_CLOEXEC: 0o2000000,
  F_DUPFD_CLOEXEC: 1030,
  ai: { addrlen: 16, addr: 24, canonname: 32, next: 40, size: 48 },
  msg: {
    size: 56,
    namelen: 8,
    iov: 16,
    iovlen: 24,
    control: 32,
    controllen: 40,
    flags: 48,
    wide: true,
  },
};

const darwin: Platform = {
  os: "darwin",
  library: "/usr/lib/libSystem.B.dylib",
  layout: darwinLayout,
  constants: darwinConstants,
  errnos: darwinErrnos,
  sys: { ...POLL, SOCK_NONBLOCK: 0, SOCK_CLOEXEC: 0, cmsgHeader: 12, cmsgAlign: 4 },
  O_NONBLOCK: 4,
  O_CLOEXEC: 0x1000000,
  F_DUPFD_CLOEXEC: 67,
  ai: { addrlen: 16, canonname: 24, addr: 32, next: 40, size: 48 },
  msg: {
    size: 48,
    namelen: 8,
    iov: 16,
    iovlen: 24,
    control: 32,
    controllen: 40,
    flags: 44,
    wide: false,
  },
};

const F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4, FD_CLOEXEC = 1;
/** Linux returns at most this much from one read or write. */
const MAX_IO = 0x7ffff000;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A NUL-terminated copy of a string for C. */
function cstr(s: string): Uint8Array {
  return encoder.encode(s + "\0");
}

function readCString(p: Deno.PointerValue): string {
  return p === null ? "" : new Deno.UnsafePointerView(p).getCString();
}

function address(p: Deno.PointerValue | Uint8Array): bigint {
  if (p instanceof Uint8Array) {
    return p.byteLength === 0 ? 0n : Deno.UnsafePointer.value(Deno.UnsafePointer.of(p));
  }
  return Deno.UnsafePointer.value(p);
}

/** Loads libc and returns the backend for the running POSIX system. */
export function loadPosix(): Native {
  const p = Deno.build.os === "darwin" ? darwin : linux;
  let lib;
  try {
    lib = p.os === "linux"
      ? Deno.dlopen(p.library, { ...symbols, ...linuxSymbols })
      : Deno.dlopen(p.library, symbols);
  } catch (e) {
    if (e instanceof Deno.errors.NotCapable || e instanceof Deno.errors.PermissionDenied) {
      throw new Error(
        "pysocket calls the system's socket library through FFI: run Deno with --allow-ffi",
        { cause: e },
      );
    }
    throw e;
  }
  const c = lib.symbols as
    & typeof lib.symbols
    & Partial<Deno.DynamicLibrary<typeof linuxSymbols>["symbols"]>;

  // errno is thread-local; the main thread's slot never moves, so map it once.
  const errnoCell = new Int32Array(
    Deno.UnsafePointerView.getArrayBuffer(c.__errno_location!()!, 4),
  );

  const pollfd = new Int32Array(2);
  const pollfd16 = new Int16Array(pollfd.buffer);
  const textBuf = new Uint8Array(1088);

  function setErrno(code: number): number {
    errnoCell[0] = code;
    return -1;
  }

  function clamp(n: number): bigint {
    return BigInt(n > MAX_IO ? MAX_IO : n);
  }

  function decodeHostent(h: Deno.UnsafePointerView): HostEnt {
    const name = readCString(h.getPointer(0));
    const aliases: string[] = [];
    const al = h.getPointer(8);
    if (al !== null) {
      const v = new Deno.UnsafePointerView(al);
      for (let i = 0;; i += 8) {
        const s = v.getPointer(i);
        if (s === null) break;
        aliases.push(readCString(s));
      }
    }
    const addrtype = h.getInt32(16);
    const length = h.getInt32(20);
    const addrs: Uint8Array[] = [];
    const list = h.getPointer(24);
    if (list !== null) {
      const v = new Deno.UnsafePointerView(list);
      for (let i = 0;; i += 8) {
        const a = v.getPointer(i);
        if (a === null) break;
        addrs.push(new Uint8Array(Deno.UnsafePointerView.getArrayBuffer(a, length)).slice());
      }
    }
    return { name, aliases, addrtype, addrs };
  }

  function hostentCall(
    call: (ret: Uint8Array, buf: Uint8Array, result: BigUint64Array, herr: Int32Array) => number,
  ): [number, HostEnt | null] {
    const ret = new Uint8Array(32);
    const result = new BigUint64Array(1);
    const herr = new Int32Array(1);
    for (let size = 8192; size <= 1 << 22; size *= 4) {
      const buf = new Uint8Array(size);
      const r = call(ret, buf, result, herr);
      if (r === p.errnos.ERANGE) continue;
      if (result[0] === 0n) return [herr[0] || 1, null];
      return [0, decodeHostent(new Deno.UnsafePointerView(Deno.UnsafePointer.create(result[0])!))];
    }
    return [1, null];
  }

  const m = p.msg;
  const hdr = p.sys.cmsgHeader;
  const align = (n: number) => (n + p.sys.cmsgAlign - 1) & ~(p.sys.cmsgAlign - 1);

  function iovecs(bufs: Uint8Array[]): Uint8Array {
    const iov = new Uint8Array(16 * Math.max(bufs.length, 1));
    const dv = new DataView(iov.buffer);
    bufs.forEach((b, i) => {
      dv.setBigUint64(i * 16, address(b), true);
      dv.setBigUint64(i * 16 + 8, BigInt(b.byteLength), true);
    });
    return iov;
  }

  function setSize(dv: DataView, off: number, n: number) {
    if (m.wide) dv.setBigUint64(off, BigInt(n), true);
    else dv.setUint32(off, n, true);
  }

  const native: Native = {
    os: p.os,
    layout: p.layout,
    constants: p.constants,
    errnos: p.errnos,
    sys: p.sys,

    errno: () => errnoCell[0],
    strerror: (code) => readCString(c.strerror(code)),
    gai_strerror: (code) => readCString(c.gai_strerror(code)),
    hstrerror: (code) => readCString(c.hstrerror(code)),

    socket: (family, type, proto) => c.socket(family, type, proto),
    socketpair(family, type, proto, fds) {
      return c.socketpair(family, type, proto, fds);
    },
    close: (fd) => c.close(fd),
    bind: (fd, addr, len) => c.bind(fd, addr, len),
    connect: (fd, addr, len) => c.connect(fd, addr, len),
    listen: (fd, backlog) => c.listen(fd, backlog),
    accept(fd, addr, len) {
      if (c.accept4) return c.accept4(fd, addr, len, p.sys.SOCK_CLOEXEC);
      const r = c.accept(fd, addr, len);
      if (r >= 0) c.fcntl(r, F_SETFD, FD_CLOEXEC);
      return r;
    },
    getsockname: (fd, addr, len) => c.getsockname(fd, addr, len),
    getpeername: (fd, addr, len) => c.getpeername(fd, addr, len),
    getsockopt: (fd, level, opt, buf, len) => c.getsockopt(fd, level, opt, buf, len),
    setsockopt: (fd, level, opt, buf, len) => c.setsockopt(fd, level, opt, buf, len),
    recv: (fd, buf, flags) => c.recv(fd, buf, clamp(buf.byteLength), flags),
    send: (fd, buf, flags) => c.send(fd, buf, clamp(buf.byteLength), flags),
    recvfrom: (fd, buf, flags, addr, len) =>
      c.recvfrom(fd, buf, clamp(buf.byteLength), flags, addr, len),
    sendto: (fd, buf, flags, addr, addrlen) =>
      c.sendto(fd, buf, clamp(buf.byteLength), flags, addr, addrlen),

    recvmsg(fd, bufs, ancbufsize, flags, addrSize): MsgIn {
      const name = new Uint8Array(addrSize);
      const control = new Uint8Array(ancbufsize);
      const iov = iovecs(bufs);
      const msg = new Uint8Array(m.size);
      const dv = new DataView(msg.buffer);
      dv.setBigUint64(0, address(name), true);
      dv.setUint32(m.namelen, addrSize, true);
      dv.setBigUint64(m.iov, address(iov), true);
      setSize(dv, m.iovlen, bufs.length);
      dv.setBigUint64(m.control, ancbufsize ? address(control) : 0n, true);
      setSize(dv, m.controllen, ancbufsize);
      const n = c.recvmsg(fd, msg, flags);
      if (n < 0) return { n, ancillary: [], flags: 0, addr: name.subarray(0, 0) };
      const namelen = Math.min(dv.getUint32(m.namelen, true), addrSize);
      const controllen = Math.min(
        m.wide ? Number(dv.getBigUint64(m.controllen, true)) : dv.getUint32(m.controllen, true),
        ancbufsize,
      );
      const ancillary: Cmsg[] = [];
      const cv = new DataView(control.buffer);
      for (let off = 0; off + hdr <= controllen;) {
        const len = m.wide ? Number(cv.getBigUint64(off, true)) : cv.getUint32(off, true);
        if (len < hdr) break;
        const level = cv.getInt32(off + (m.wide ? 8 : 4), true);
        const type = cv.getInt32(off + (m.wide ? 12 : 8), true);
        const end = Math.min(off + len, controllen);
        ancillary.push([level, type, control.slice(off + hdr, end)]);
        off += align(len);
      }
      return { n, ancillary, flags: dv.getInt32(m.flags, true), addr: name.subarray(0, namelen) };
    },

    sendmsg(fd, bufs, ancillary, flags, addr) {
      let controllen = 0;
      for (const [, , data] of ancillary) controllen += align(hdr + data.byteLength);
      const control = new Uint8Array(controllen);
      const cv = new DataView(control.buffer);
      let off = 0;
      for (const [level, type, data] of ancillary) {
        setSize(cv, off, hdr + data.byteLength);
        cv.setInt32(off + (m.wide ? 8 : 4), level, true);
        cv.setInt32(off + (m.wide ? 12 : 8), type, true);
        control.set(data, off + hdr);
        off += align(hdr + data.byteLength);
      }
      const iov = iovecs(bufs);
      const msg = new Uint8Array(m.size);
      const dv = new DataView(msg.buffer);
      if (addr) {
        dv.setBigUint64(0, address(addr), true);
        dv.setUint32(m.namelen, addr.byteLength, true);
      }
      dv.setBigUint64(m.iov, address(iov), true);
      setSize(dv, m.iovlen, bufs.length);
      dv.setBigUint64(m.control, controllen ? address(control) : 0n, true);
      setSize(dv, m.controllen, controllen);
      return c.sendmsg(fd, msg, flags);
    },

    shutdown: (fd, how) => c.shutdown(fd, how),
    sendfile(out, inFd, offset, count) {
      if (!c.sendfile) return setErrno(p.errnos.ENOSYS ?? 78);
      return c.sendfile(out, inFd, offset, clamp(count));
    },
    openRead: (path) => c.open(cstr(path), p.O_CLOEXEC),
    pread: (fd, buf, offset) => c.pread(fd, buf, clamp(buf.byteLength), BigInt(offset)),

    poll1(fd, events, timeoutMs) {
      pollfd[0] = fd;
      pollfd16[2] = events;
      pollfd16[3] = 0;
      const r = c.poll(pollfd, 1n, timeoutMs);
      return r > 0 ? pollfd16[3] : r;
    },
    poll(fds, events, revents, timeoutMs) {
      const buf = new Int32Array(2 * fds.length);
      const b16 = new Int16Array(buf.buffer);
      fds.forEach((fd, i) => {
        buf[2 * i] = fd;
        b16[4 * i + 2] = events[i];
      });
      const r = c.poll(buf, BigInt(fds.length), timeoutMs);
      for (let i = 0; i < fds.length; i++) revents[i] = r > 0 ? b16[4 * i + 3] : 0;
      return r;
    },

    getNonblocking(fd) {
      const f = c.fcntl(fd, F_GETFL, 0);
      return f < 0 ? -1 : (f & p.O_NONBLOCK ? 1 : 0);
    },
    setNonblocking(fd, on) {
      const f = c.fcntl(fd, F_GETFL, 0);
      if (f < 0) return -1;
      const g = on ? f | p.O_NONBLOCK : f & ~p.O_NONBLOCK;
      return g === f ? 0 : c.fcntl(fd, F_SETFL, g);
    },
    getInheritable(fd) {
      const f = c.fcntl(fd, F_GETFD, 0);
      return f < 0 ? -1 : (f & FD_CLOEXEC ? 0 : 1);
    },
    setInheritable(fd, on) {
      const f = c.fcntl(fd, F_GETFD, 0);
      if (f < 0) return -1;
      return c.fcntl(fd, F_SETFD, on ? f & ~FD_CLOEXEC : f | FD_CLOEXEC);
    },
    dup: (fd) => c.fcntl(fd, p.F_DUPFD_CLOEXEC, 0),

    inet_pton(family, text) {
      const out = new Uint8Array(16);
      const r = c.inet_pton(family, cstr(text), out);
      if (r <= 0) return null;
      return out.slice(0, family === p.constants.AF_INET ? 4 : 16);
    },
    inet_ntop(family, bytes) {
      const r = c.inet_ntop(family, bytes, textBuf, 64);
      return r === null ? null : readCString(r);
    },
    inet_aton(text) {
      const out = new Uint8Array(4);
      return c.inet_aton(cstr(text), out) ? out : null;
    },

    getaddrinfo(host, port, family, type, proto, flags) {
      const hints = new Int32Array(p.ai.size / 4);
      hints[0] = flags;
      hints[1] = family;
      hints[2] = type;
      hints[3] = proto;
      const res = new BigUint64Array(1);
      const r = c.getaddrinfo(
        host === null ? null : cstr(host),
        port === null ? null : cstr(port),
        hints,
        res,
      );
      if (r !== 0) return [r, []];
      const out: AddrInfo[] = [];
      const head = Deno.UnsafePointer.create(res[0]);
      try {
        for (let cur = head; cur !== null;) {
          const v = new Deno.UnsafePointerView(cur);
          const addrlen = v.getUint32(p.ai.addrlen);
          const ap = v.getPointer(p.ai.addr);
          out.push({
            family: v.getInt32(4),
            socktype: v.getInt32(8),
            protocol: v.getInt32(12),
            canonname: readCString(v.getPointer(p.ai.canonname)),
            addr: ap === null || addrlen === 0
              ? new Uint8Array(0)
              : new Uint8Array(Deno.UnsafePointerView.getArrayBuffer(ap, addrlen)).slice(),
          });
          cur = v.getPointer(p.ai.next);
        }
      } finally {
        if (head !== null) c.freeaddrinfo(head);
      }
      return [0, out];
    },
    getnameinfo(addr, flags) {
      const host = new Uint8Array(1025);
      const serv = new Uint8Array(32);
      const r = c.getnameinfo(addr, addr.byteLength, host, 1025, serv, 32, flags);
      if (r !== 0) return [r, "", ""];
      const text = (b: Uint8Array) => decoder.decode(b.subarray(0, b.indexOf(0)));
      return [0, text(host), text(serv)];
    },
    gethostbyname(name) {
      const nb = cstr(name);
      return hostentCall((ret, buf, result, herr) =>
        c.gethostbyname_r!(nb, ret, buf, BigInt(buf.byteLength), result, herr)
      );
    },
    gethostbyaddr(addr, family) {
      return hostentCall((ret, buf, result, herr) =>
        c.gethostbyaddr_r!(
          addr,
          addr.byteLength,
          family,
          ret,
          buf,
          BigInt(buf.byteLength),
          result,
          herr,
        )
      );
    },
    gethostname() {
      const buf = new Uint8Array(1025);
      if (c.gethostname(buf, 1024n) < 0) return null;
      return decoder.decode(buf.subarray(0, buf.indexOf(0)));
    },
    getservbyname(name, proto) {
      const s = c.getservbyname(cstr(name), proto === null ? null : cstr(proto));
      if (s === null) return -1;
      const port = new Deno.UnsafePointerView(s).getInt32(16);
      return ((port & 0xff) << 8) | ((port >> 8) & 0xff);
    },
    getservbyport(port, proto) {
      const be = ((port & 0xff) << 8) | ((port >> 8) & 0xff);
      const s = c.getservbyport(be, proto === null ? null : cstr(proto));
      return s === null ? null : readCString(new Deno.UnsafePointerView(s).getPointer(0));
    },
    getprotobyname(name) {
      const s = c.getprotobyname(cstr(name));
      return s === null ? -1 : new Deno.UnsafePointerView(s).getInt32(16);
    },
    if_nameindex() {
      const head = c.if_nameindex();
      if (head === null) return null;
      const out: [number, string][] = [];
      try {
        const v = new Deno.UnsafePointerView(head);
        for (let off = 0;; off += 16) {
          const index = v.getUint32(off);
          if (index === 0) break;
          out.push([index, readCString(v.getPointer(off + 8))]);
        }
      } finally {
        c.if_freenameindex(head);
      }
      return out;
    },
    if_nametoindex: (name) => c.if_nametoindex(cstr(name)),
    if_indextoname(index) {
      const r = c.if_indextoname(index, textBuf);
      return r === null ? null : readCString(r);
    },
  };
  return native;
}
