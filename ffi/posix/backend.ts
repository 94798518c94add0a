// The POSIX backend: the Native interface on libc (_libc.ts), with epoll
// (_epoll.ts) or kqueue (_kqueue.ts) for readiness. Linux is tested natively;
// macOS through the pure parts (_structs.ts, the tables, the signatures).

import type { HostEnt, MsgIn, Native } from "../native.ts";
import {
  byteLengthOf,
  cstr,
  decodeHostent,
  encodeHints,
  nameinfo,
  readAddrinfo,
  readCString,
} from "../_c_data.ts";
import { openLibc } from "./_libc.ts";
import { epollCalls, epollPoller } from "./_epoll.ts";
import { kqueuePoller } from "./_kqueue.ts";
import { darwin, decodeCmsgs, decodeMsghdr, encodeCmsgs, encodeMsghdr, linux } from "./_structs.ts";

// The same on Linux and macOS (fcntl.h).
const F_GETFD = 1, F_SETFD = 2, FD_CLOEXEC = 1;
/** Linux returns at most this much from one read or write. */
const MAX_IO = 0x7ffff000;

const decoder = new TextDecoder();

function address(p: Deno.PointerValue | Uint8Array): bigint {
  if (p instanceof Uint8Array) {
    return byteLengthOf(p) === 0 ? 0n : Deno.UnsafePointer.value(Deno.UnsafePointer.of(p));
  }
  return Deno.UnsafePointer.value(p);
}

/** Loads libc and returns the backend for the running POSIX system. */
export function loadPosix(): Native {
  const p = Deno.build.os === "darwin" ? darwin : linux;
  const libc = openLibc(p);
  const { c, errno, setErrno, fcntl, ioctl } = libc;
  const intArg = new Int32Array(1);
  const intBytes = new Uint8Array(intArg.buffer);
  const infoLen = new Uint32Array(1);

  // macOS has no SOCK_CLOEXEC or accept4, and a write to a closed peer raises
  // SIGPIPE unless the socket has SO_NOSIGPIPE: set both on every new socket.
  const adopt = p.sys.SOCK_CLOEXEC !== 0 ? (fd: number) => fd : (fd: number) => {
    if (fd < 0) return fd;
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    intArg[0] = 1;
    c.setsockopt(fd, p.constants.SOL_SOCKET, p.SO_NOSIGPIPE, intBytes, 4);
    return fd;
  };

  const pollfd = new Int32Array(2);
  const pollfd16 = new Int16Array(pollfd.buffer);
  const textBuf = new Uint8Array(1088);

  // A write to a peer that has gone raises SIGPIPE, which kills the process
  // unless it is ignored (Deno ignores it until a listener for it comes and
  // goes). Python ignores it; pysocket asks the kernel not to send it: Linux
  // sends take MSG_NOSIGNAL, macOS sockets have SO_NOSIGPIPE (see adopt).
  const noSignal = p.os === "linux" ? p.constants.MSG_NOSIGNAL : 0;
  // AF_RDS (EOPNOTSUPP) and AF_QIPCRTR (EINVAL) refuse every send flag they
  // do not know, MSG_NOSIGNAL too; they raise no SIGPIPE, so such a send goes
  // again without it. (Where EINVAL has another cause, the second try fails alike.)
  const { EOPNOTSUPP, EINVAL } = p.errnos;
  const refusedNoSignal = (n: number | bigint, flags: number) =>
    n < 0 && (errno() === EOPNOTSUPP || errno() === EINVAL) && noSignal !== 0 &&
    (flags & noSignal) === 0;
  const SIG_BLOCK = 0, SIG_SETMASK = 2, SIGPIPE = 13;
  const sigpipeSet = new Uint8Array(128); // sigset_t: SIGPIPE's bit alone
  sigpipeSet[(SIGPIPE - 1) >> 3] = 1 << ((SIGPIPE - 1) & 7);
  const oldSigset = new Uint8Array(128);
  const noWait = new Uint8Array(16); // struct timespec of zero

  // Sizes as bigints, made once: a new BigInt per call costs more than the rest of it.
  const sizes: bigint[] = [];
  function clamp(n: number): bigint {
    if (n <= 65536) return sizes[n] ??= BigInt(n);
    return BigInt(n > MAX_IO ? MAX_IO : n);
  }

  // macOS: the non-reentrant calls, with h_errno read from the global that
  // dlsym finds (RTLD_DEFAULT is (void *)-2 there).
  let hErrno: Int32Array | null | undefined;
  function hostentOf(h: Deno.PointerValue): [number, HostEnt | null] {
    if (h !== null) return [0, decodeHostent(new Deno.UnsafePointerView(h), p.hostent)];
    if (hErrno === undefined) {
      const at = c.dlsym!(Deno.UnsafePointer.create(0xfffffffffffffffen), cstr("h_errno"));
      hErrno = at === null ? null : new Int32Array(Deno.UnsafePointerView.getArrayBuffer(at, 4));
    }
    return [hErrno?.[0] || 1, null]; // 1: HOST_NOT_FOUND when it cannot be read
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
      return [
        0,
        decodeHostent(new Deno.UnsafePointerView(Deno.UnsafePointer.create(result[0])!), p.hostent),
      ];
    }
    return [1, null];
  }

  function iovecs(bufs: Uint8Array[]): Uint8Array {
    const iov = new Uint8Array(16 * Math.max(bufs.length, 1));
    const dv = new DataView(iov.buffer);
    bufs.forEach((b, i) => {
      dv.setBigUint64(i * 16, address(b), true);
      dv.setBigUint64(i * 16 + 8, BigInt(byteLengthOf(b)), true);
    });
    return iov;
  }

  const native: Native = {
    os: p.os,
    layout: p.layout,
    constants: p.constants,
    strings: p.strings,
    errnos: p.errnos,
    sys: p.sys,
    connectInProgress: p.errnos.EINPROGRESS,
    socketpairEmulated: false,
    reuseAddrSteals: false,
    winsockErrors: false,
    linesep: "\n",
    multiplexer: p.os === "linux" ? "epoll" : "kqueue",

    errno,
    strerror: (code) => readCString(c.strerror(code)),
    gai_strerror: (code) => readCString(c.gai_strerror(code)),
    hstrerror: (code) => readCString(c.hstrerror(code)),

    socket: (family, type, proto) => adopt(c.socket(family, type, proto)),
    socketpair(family, type, proto, fds) {
      const r = c.socketpair(family, type, proto, fds);
      if (r === 0) fds.forEach(adopt);
      return r;
    },
    close: (fd) => c.close(fd),
    bind: (fd, addr, len) => c.bind(fd, addr, len),
    connect: (fd, addr, len) => c.connect(fd, addr, len),
    listen: (fd, backlog) => c.listen(fd, backlog),
    accept(fd, addr, len) {
      if (c.accept4) return c.accept4(fd, addr, len, p.sys.SOCK_CLOEXEC);
      return adopt(c.accept(fd, addr, len));
    },
    getsockname: (fd, addr, len) => c.getsockname(fd, addr, len),
    getpeername: (fd, addr, len) => c.getpeername(fd, addr, len),
    getsockopt: (fd, level, opt, buf, len) => c.getsockopt(fd, level, opt, buf, len),
    setsockopt: (fd, level, opt, buf, len) =>
      c.setsockopt(fd, level, opt, buf, buf ? Math.min(len, byteLengthOf(buf)) : len),
    recv: (fd, buf, flags) => c.recv(fd, buf, clamp(byteLengthOf(buf)), flags),
    send(fd, buf, flags) {
      const size = clamp(byteLengthOf(buf));
      const n = c.send(fd, buf, size, flags | noSignal);
      return refusedNoSignal(n, flags) ? c.send(fd, buf, size, flags) : n;
    },
    recvfrom: (fd, buf, flags, addr, len) =>
      c.recvfrom(fd, buf, clamp(byteLengthOf(buf)), flags, addr, len),
    sendto(fd, buf, flags, addr, addrlen) {
      const size = clamp(byteLengthOf(buf));
      const n = c.sendto(fd, buf, size, flags | noSignal, addr, addrlen);
      return refusedNoSignal(n, flags) ? c.sendto(fd, buf, size, flags, addr, addrlen) : n;
    },

    recvmsg(fd, bufs, ancbufsize, flags, addrSize): MsgIn {
      const name = new Uint8Array(addrSize);
      const control = new Uint8Array(ancbufsize);
      const iov = iovecs(bufs);
      const msg = encodeMsghdr(p, {
        name: address(name),
        namelen: addrSize,
        iov: address(iov),
        iovlen: bufs.length,
        control: ancbufsize ? address(control) : 0n,
        controllen: ancbufsize,
      });
      const n = c.recvmsg(fd, msg, flags);
      if (n < 0) return { n, ancillary: [], flags: 0, addr: name.subarray(0, 0) };
      const out = decodeMsghdr(p, msg);
      return {
        n,
        ancillary: decodeCmsgs(p, control, Math.min(out.controllen, ancbufsize)),
        flags: out.flags,
        addr: name.subarray(0, Math.min(out.namelen, addrSize)),
      };
    },

    sendmsg(fd, bufs, ancillary, flags, addr) {
      const control = encodeCmsgs(p, ancillary);
      const iov = iovecs(bufs);
      const msg = encodeMsghdr(p, {
        name: addr ? address(addr) : 0n,
        namelen: addr ? byteLengthOf(addr) : 0,
        iov: address(iov),
        iovlen: bufs.length,
        control: byteLengthOf(control) ? address(control) : 0n,
        controllen: byteLengthOf(control),
      });
      const n = c.sendmsg(fd, msg, flags | noSignal);
      return refusedNoSignal(n, flags) ? c.sendmsg(fd, msg, flags) : n;
    },

    shutdown: (fd, how) => c.shutdown(fd, how),
    sendfile(out, inFd, offset, count) {
      if (!c.sendfile) return setErrno(p.errnos.ENOSYS ?? 78);
      if (!c.pthread_sigmask || !c.sigtimedwait) return c.sendfile(out, inFd, offset, clamp(count));
      // sendfile takes no MSG_NOSIGNAL: hold SIGPIPE back on this thread, and
      // take the one a peer that has gone raises (also when part of the file
      // went before it did), so EPIPE comes back instead.
      c.pthread_sigmask(SIG_BLOCK, sigpipeSet, oldSigset);
      const r = c.sendfile(out, inFd, offset, clamp(count));
      const e = errno();
      c.sigtimedwait(sigpipeSet, null, noWait);
      c.pthread_sigmask(SIG_SETMASK, oldSigset, null);
      setErrno(e);
      return r;
    },
    openRead: (path) => c.open(cstr(path), p.O_CLOEXEC),
    pathOfFileUrl: (url) => decodeURIComponent(url.pathname),
    pread: (fd, buf, offset) => c.pread(fd, buf, clamp(byteLengthOf(buf)), BigInt(offset)),

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

    setNonblocking(fd, on) {
      // One ioctl instead of fcntl's read-modify-write, as CPython does.
      intArg[0] = on ? 1 : 0;
      return ioctl(fd, p.FIONBIO, intBytes);
    },
    getInheritable(fd) {
      const f = fcntl(fd, F_GETFD, 0);
      return f < 0 ? -1 : (f & FD_CLOEXEC ? 0 : 1);
    },
    setInheritable(fd, on) {
      const f = fcntl(fd, F_GETFD, 0);
      if (f < 0) return -1;
      return fcntl(fd, F_SETFD, on ? f & ~FD_CLOEXEC : f | FD_CLOEXEC);
    },
    dup: (fd) => fcntl(fd, p.F_DUPFD_CLOEXEC, 0),
    poller() {
      if (c.kqueue) return kqueuePoller(libc);
      return c.epoll_create1 ? epollPoller(libc, p) : null;
    },
    epoll: c.epoll_create1 ? epollCalls(libc, p) : null,
    socketInfo(fd) {
      const K = p.constants;
      const ask = (opt: number) => {
        infoLen[0] = 4;
        return c.getsockopt(fd, K.SOL_SOCKET, opt, intBytes, infoLen) < 0 ? null : intArg[0];
      };
      const type = ask(K.SO_TYPE);
      if (type === null) return null;
      let family: number | null;
      if (K.SO_DOMAIN !== undefined) family = ask(K.SO_DOMAIN);
      else {
        // macOS has no SO_DOMAIN: the family byte of the socket's own address.
        const sa = new Uint8Array(p.layout.storage);
        infoLen[0] = sa.length;
        family = c.getsockname(fd, sa, infoLen) < 0 ? null : p.layout.saLen ? sa[1] : sa[0];
      }
      if (family === null) return null;
      const proto = K.SO_PROTOCOL !== undefined ? ask(K.SO_PROTOCOL) : 0;
      return proto === null ? null : [family, type, proto];
    },

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
      const res = new BigUint64Array(1);
      const r = c.getaddrinfo(
        host === null ? null : cstr(host),
        port === null ? null : cstr(port),
        encodeHints(p, flags, family, type, proto),
        res,
      );
      if (r !== 0) return [r, []];
      const out = readAddrinfo(Deno.UnsafePointer.create(res[0]), p, (h) => c.freeaddrinfo(h));
      return [0, out];
    },
    getnameinfo: (addr, flags) =>
      nameinfo((host, hostlen, serv, servlen) =>
        c.getnameinfo(addr, byteLengthOf(addr), host, hostlen, serv, servlen, flags)
      ),
    gethostbyname(name) {
      const nb = cstr(name);
      if (!c.gethostbyname_r) return hostentOf(c.gethostbyname!(nb));
      return hostentCall((ret, buf, result, herr) =>
        c.gethostbyname_r!(nb, ret, buf, BigInt(buf.byteLength), result, herr)
      );
    },
    gethostbyaddr(addr, family) {
      if (!c.gethostbyaddr_r) return hostentOf(c.gethostbyaddr!(addr, byteLengthOf(addr), family));
      return hostentCall((ret, buf, result, herr) =>
        c.gethostbyaddr_r!(
          addr,
          byteLengthOf(addr),
          family,
          ret,
          buf,
          BigInt(buf.byteLength),
          result,
          herr,
        )
      );
    },
    sethostname: (name) => c.sethostname(name, BigInt(byteLengthOf(name))),
    gethostname() {
      const buf = new Uint8Array(1025);
      if (c.gethostname(buf, 1024n) < 0) return null;
      return decoder.decode(buf.subarray(0, buf.indexOf(0)));
    },
    getservbyname(name, proto) {
      const s = c.getservbyname(cstr(name), proto === null ? null : cstr(proto));
      if (s === null) return -1;
      const port = new Deno.UnsafePointerView(s).getInt32(p.servent.port);
      return ((port & 0xff) << 8) | ((port >> 8) & 0xff);
    },
    getservbyport(port, proto) {
      const be = ((port & 0xff) << 8) | ((port >> 8) & 0xff);
      const s = c.getservbyport(be, proto === null ? null : cstr(proto));
      return s === null
        ? null
        : readCString(new Deno.UnsafePointerView(s).getPointer(p.servent.name));
    },
    getprotobyname(name) {
      const s = c.getprotobyname(cstr(name));
      return s === null ? -1 : new Deno.UnsafePointerView(s).getInt32(p.protoent.proto);
    },
    if_nameindex() {
      const head = c.if_nameindex();
      if (head === null) return null;
      const out: [number, string][] = [];
      try {
        const v = new Deno.UnsafePointerView(head);
        const IF = p.ifNameindex;
        for (let off = 0;; off += IF.size) {
          const index = v.getUint32(off + IF.index);
          if (index === 0) break;
          out.push([index, readCString(v.getPointer(off + IF.name))]);
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
  if (p.os === "darwin") {
    // CTLIOCGINFO, _IOWR('N', 3, struct ctl_info): any control socket answers it.
    const CTLIOCGINFO = 0xc0644e03;
    const { PF_SYSTEM, SOCK_DGRAM, SYSPROTO_CONTROL } = p.constants;
    native.ctlInfo = (request) => {
      const fd = c.socket(PF_SYSTEM, SOCK_DGRAM, SYSPROTO_CONTROL);
      if (fd < 0) return -1;
      const r = ioctl(fd, CTLIOCGINFO, request);
      const e = errno();
      c.close(fd);
      setErrno(e);
      return r < 0 ? -1 : new DataView(request.buffer, request.byteOffset).getUint32(0, true);
    };
  }
  return native;
}
