// The POSIX backend: libc through Deno.dlopen. Linux is tested natively;
// macOS through the pure parts (_structs.ts, the tables, the signatures).

import type { EpollCalls, HostEnt, MsgIn, Native, Poller } from "../native.ts";
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
import {
  darwinSymbols,
  linuxSymbols,
  symbols,
  variadicArgs,
  variadicOnStack,
  variadicSymbols,
} from "./symbols.ts";
import {
  darwin,
  decodeCmsgs,
  decodeKevent,
  decodeMsghdr,
  encodeCmsgs,
  encodeKevent,
  encodeMsghdr,
  kevent,
  KQ,
  linux,
} from "./_structs.ts";

/**
 * A poller's timeout: `us` microseconds as a struct timespec (two 64-bit
 * fields on 64-bit systems), rewritten only when it changes, since the
 * reactor polls with the same few values and BigInts allocate.
 */
function timeoutSpec(): (us: number) => Uint8Array {
  const ts = new BigInt64Array(2);
  const bytes = new Uint8Array(ts.buffer);
  let last = -1;
  return (us) => {
    if (us !== last) {
      ts[0] = BigInt(Math.floor(us / 1e6));
      ts[1] = BigInt(Math.round(us % 1e6) * 1000);
      last = us;
    }
    return bytes;
  };
}

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
  const onStack = variadicOnStack(Deno.build.os, Deno.build.arch);
  const table = p.os === "linux"
    ? { ...symbols, ...variadicSymbols(onStack), ...linuxSymbols }
    : { ...symbols, ...variadicSymbols(onStack), ...darwinSymbols };
  const lib = openLibrary(p.library, table);
  const raw = lib as
    & typeof lib
    & Partial<Deno.DynamicLibrary<typeof linuxSymbols>["symbols"]>
    & Partial<Deno.DynamicLibrary<typeof darwinSymbols>["symbols"]>;

  // errno is thread-local; the main thread's slot never moves, so map it once.
  const errnoCell = new Int32Array(
    Deno.UnsafePointerView.getArrayBuffer((raw.__errno_location ?? raw.__error)!()!, 4),
  );
  // errno as the last call left it, saved in the same step as the call: what
  // runs on this thread before a caller gets to read errno (a garbage
  // collection, Deno's own housekeeping) makes system calls of its own that
  // overwrite it. Seen here: a failed non-blocking recv read as ENOENT about
  // once in a million calls.
  let saved = 0;
  // deno-lint-ignore no-explicit-any
  type Fn = (...args: any[]) => any;
  /** `f` with errno saved right after each call: inline, since a call in between could run GC. */
  const saving = (f: Fn, arity: number): Fn => {
    switch (arity) {
      case 0:
        return () => {
          const r = f();
          saved = errnoCell[0];
          return r;
        };
      case 1:
        return (a) => {
          const r = f(a);
          saved = errnoCell[0];
          return r;
        };
      case 2:
        return (a, b) => {
          const r = f(a, b);
          saved = errnoCell[0];
          return r;
        };
      case 3:
        return (a, b, d) => {
          const r = f(a, b, d);
          saved = errnoCell[0];
          return r;
        };
      case 4:
        return (a, b, d, e) => {
          const r = f(a, b, d, e);
          saved = errnoCell[0];
          return r;
        };
      case 5:
        return (a, b, d, e, g) => {
          const r = f(a, b, d, e, g);
          saved = errnoCell[0];
          return r;
        };
      case 6:
        return (a, b, d, e, g, h) => {
          const r = f(a, b, d, e, g, h);
          saved = errnoCell[0];
          return r;
        };
      default:
        return (...args) => {
          const r = f(...args);
          saved = errnoCell[0];
          return r;
        };
    }
  };
  const c = { ...raw };
  for (const [name, def] of Object.entries(table) as [string, Deno.ForeignFunction][]) {
    const f = (raw as Record<string, unknown>)[name];
    if (typeof f === "function" && !def.nonblocking) {
      (c as Record<string, unknown>)[name] = saving(f as Fn, def.parameters.length);
    }
  }

  // See variadicSymbols() in symbols.ts for why the arguments may be padded.
  const fcntlCall = c.fcntl as unknown as (...args: (number | bigint)[]) => number;
  const ioctlCall = c.ioctl as unknown as (...args: (number | bigint | Uint8Array)[]) => number;
  const fcntl = onStack
    ? (fd: number, cmd: number, arg: number) => fcntlCall(...variadicArgs(true, [fd, cmd], arg))
    : (fd: number, cmd: number, arg: number) => fcntlCall(fd, cmd, arg);
  const ioctl = onStack
    ? (fd: number, req: number, arg: Uint8Array) => ioctlCall(...variadicArgs(true, [fd, req], arg))
    : (fd: number, req: number, arg: Uint8Array) => ioctlCall(fd, req, arg);
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
    n < 0 && (saved === EOPNOTSUPP || saved === EINVAL) && noSignal !== 0 &&
    (flags & noSignal) === 0;
  const SIG_BLOCK = 0, SIG_SETMASK = 2, SIGPIPE = 13;
  const sigpipeSet = new Uint8Array(128); // sigset_t: SIGPIPE's bit alone
  sigpipeSet[(SIGPIPE - 1) >> 3] = 1 << ((SIGPIPE - 1) & 7);
  const oldSigset = new Uint8Array(128);
  const noWait = new Uint8Array(16); // struct timespec of zero

  function setErrno(code: number): number {
    saved = code;
    return -1;
  }

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

  // struct epoll_event is packed on x86_64 (12 bytes) and not on arm64 (16).
  const EPOLL_EVENT_SIZE = Deno.build.arch === "x86_64" ? 12 : 16;
  const EPOLL_DATA_AT = Deno.build.arch === "x86_64" ? 4 : 8;

  /** Level-triggered epoll on this thread, for selectors (see EpollCalls). */
  function epollCalls(): EpollCalls {
    const size = EPOLL_EVENT_SIZE, dataAt = EPOLL_DATA_AT;
    let events = new Uint8Array(size * 64);
    let view = new DataView(events.buffer);
    const one = new Uint8Array(size);
    const oneView = new DataView(one.buffer);
    const out: [number, number] = [0, 0];
    return {
      create: () => c.epoll_create1!(p.sys.SOCK_CLOEXEC),
      ctl(epfd, op, fd, flags) {
        oneView.setUint32(0, flags, true);
        oneView.setInt32(dataAt, fd, true);
        return c.epoll_ctl!(epfd, op, fd, one);
      },
      wait(epfd, max, timeoutMs) {
        if (events.length < size * max) {
          events = new Uint8Array(size * max);
          view = new DataView(events.buffer);
        }
        return c.epoll_wait_now!(epfd, events, max, timeoutMs);
      },
      event(i) {
        out[1] = view.getUint32(i * size, true);
        out[0] = view.getInt32(i * size + dataAt, true);
        return out;
      },
    };
  }

  /** epoll, edge-triggered, with an eventfd in the set for wake(). */
  function epollPoller(): Poller | undefined {
    const EPOLLIN = 1, EPOLLOUT = 4, EPOLLERR = 8, EPOLLHUP = 16, EPOLLRDHUP = 0x2000;
    const EPOLLET = 0x80000000, EPOLL_CTL_ADD = 1, EPOLL_CTL_DEL = 2, MAX_EVENTS = 1024;
    const size = EPOLL_EVENT_SIZE, dataAt = EPOLL_DATA_AT;
    const epfd = c.epoll_create1!(p.sys.SOCK_CLOEXEC);
    if (epfd < 0) return undefined;
    const wakefd = c.eventfd!(0, p.sys.SOCK_CLOEXEC | p.sys.SOCK_NONBLOCK);
    if (wakefd < 0) {
      const e = saved;
      c.close(epfd);
      return void setErrno(e);
    }
    const events = new Uint8Array(size * MAX_EVENTS);
    const view = new DataView(events.buffer);
    // poll() has its own buffer, so that it never touches wait()'s.
    const polled = new Uint8Array(size * MAX_EVENTS);
    const polledView = new DataView(polled.buffer);
    let last = view;
    const timeout = timeoutSpec();
    const one = new Uint8Array(size);
    const oneView = new DataView(one.buffer);
    const ctl = (op: number, fd: number, flags: number) => {
      oneView.setUint32(0, flags, true);
      oneView.setInt32(dataAt, fd, true);
      return c.epoll_ctl!(epfd, op, fd, one);
    };
    ctl(EPOLL_CTL_ADD, wakefd, EPOLLIN | EPOLLET);
    const counter = new BigUint64Array([1n]);
    const counterBytes = new Uint8Array(counter.buffer);
    const out: [number, boolean, boolean] = [0, false, false];
    // A descriptor past the end of the process's descriptor table makes
    // Linux grow the table, and in a process with threads that waits for an
    // RCU grace period: 10 to 30 ms on the test machines, once per doubling
    // from 64 slots. In the event loop's thread, that stalled every timer and
    // connection as a server accepted its 1,000 clients. So the table grows
    // ahead, on another thread: a duplicate of the epoll descriptor in the
    // last slot of the size wanted makes the kernel grow it, and is closed
    // again. A thread that needs a slot the table already has does not wait.
    // It grows once the highest descriptor registered is a quarter of the way
    // in, well before the table is full.
    let room = 64, top = 0, growing = false;
    const grow = () => {
      const to = Math.max(1024, room * 4);
      growing = true;
      c.fcntl_dupfd_later!(epfd, p.F_DUPFD_CLOEXEC, to - 1).then((dup) => {
        growing = false;
        if (dup >= 0) c.close(dup);
        // No room past the limit on open files (RLIMIT_NOFILE): stop there.
        room = dup >= 0 ? to : Infinity;
        // What was registered meanwhile may call for more already.
        if (top >= room / 4) grow();
      });
    };
    return {
      add: (fd) => ctl(EPOLL_CTL_ADD, fd, EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET),
      remove: (fd) => void ctl(EPOLL_CTL_DEL, fd, 0),
      want: () => {},
      async wait() {
        for (;;) {
          // errno from another thread cannot be read here; -1 is EINTR in practice.
          const n = await c.epoll_wait!(epfd, events, MAX_EVENTS, -1);
          last = view;
          if (n >= 0) return n;
        }
      },
      poll(us) {
        let n;
        if (us > 0 && c.epoll_pwait2) {
          n = c.epoll_pwait2(epfd, polled, MAX_EVENTS, timeout(us), null);
        } else n = c.epoll_wait_now!(epfd, polled, MAX_EVENTS, Math.ceil(us / 1000));
        last = polledView;
        return n < 0 ? 0 : n;
      },
      event(i) {
        const view = last;
        const flags = view.getUint32(i * size, true);
        const fd = view.getInt32(i * size + dataAt, true);
        out[0] = fd;
        if (fd === wakefd) {
          c.read(wakefd, counterBytes, 8n); // drain it; edge-triggered, so it fires again
          out[1] = out[2] = false;
          return out;
        }
        const both = (flags & (EPOLLERR | EPOLLHUP)) !== 0;
        out[1] = both || (flags & (EPOLLIN | EPOLLRDHUP)) !== 0;
        out[2] = both || (flags & EPOLLOUT) !== 0;
        return out;
      },
      wake() {
        counter[0] = 1n;
        c.write(wakefd, counterBytes, 8n);
      },
      reserve(fd) {
        if (fd > top) top = fd;
        if (top >= room / 4 && !growing) grow();
      },
    };
  }

  /**
   * macOS's readiness: a kqueue with a read and a write filter per socket,
   * both EV_CLEAR (edge-triggered), and an EVFILT_USER event for wake().
   */
  function kqueuePoller(): Poller | undefined {
    const { EVFILT_READ, EVFILT_WRITE, EVFILT_USER, EV_ADD, EV_DELETE, EV_CLEAR } = KQ;
    const MAX_EVENTS = 1024, WAKE = 0;
    const out: [number, boolean, boolean] = [0, false, false];
    const kq = c.kqueue!();
    if (kq < 0) return undefined;
    fcntl(kq, F_SETFD, FD_CLOEXEC);
    const events = new Uint8Array(kevent.size * MAX_EVENTS);
    const eventsView = new DataView(events.buffer);
    // poll() has its own buffer, so that it never touches wait()'s.
    const polled = new Uint8Array(kevent.size * MAX_EVENTS);
    const polledView = new DataView(polled.buffer);
    let last = eventsView;
    const timeout = timeoutSpec();
    const changes = new Uint8Array(kevent.size * 2);
    const changesView = new DataView(changes.buffer);
    const apply = (n: number) => c.kevent!(kq, changes, n, null, 0, null);
    const both = (fd: number, flags: number) => {
      encodeKevent(changesView, 0, { ident: fd, filter: EVFILT_READ, flags, fflags: 0 });
      encodeKevent(changesView, 1, { ident: fd, filter: EVFILT_WRITE, flags, fflags: 0 });
      return apply(2);
    };
    encodeKevent(changesView, 0, {
      ident: WAKE,
      filter: EVFILT_USER,
      flags: EV_ADD | EV_CLEAR,
      fflags: 0,
    });
    if (apply(1) < 0) throw new Error(`kevent failed: ${readCString(c.strerror(saved))}`);
    return {
      add: (fd) => both(fd, EV_ADD | EV_CLEAR),
      remove: (fd) => void both(fd, EV_DELETE),
      want: () => {},
      async wait() {
        for (;;) {
          const n = await c.kevent_wait!(kq, null, 0, events, MAX_EVENTS, null);
          last = eventsView;
          if (n >= 0) return n;
        }
      },
      poll(us) {
        const n = c.kevent!(kq, null, 0, polled, MAX_EVENTS, timeout(us));
        last = polledView;
        return n < 0 ? 0 : n;
      },
      event(i) {
        const ev = decodeKevent(last, i);
        if (ev.filter === EVFILT_USER) {
          out[0] = -1;
          out[1] = out[2] = false;
          return out;
        }
        // EV_EOF and EV_ERROR come with the filter's own event: wake both sides.
        const failed = (ev.flags & (KQ.EV_EOF | KQ.EV_ERROR)) !== 0;
        out[0] = ev.ident;
        out[1] = failed || ev.filter === EVFILT_READ;
        out[2] = failed || ev.filter === EVFILT_WRITE;
        return out;
      },
      wake() {
        encodeKevent(changesView, 0, {
          ident: WAKE,
          filter: EVFILT_USER,
          flags: 0,
          fflags: KQ.NOTE_TRIGGER,
        });
        apply(1);
      },
    };
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
    multiplexer: p.os === "linux" ? "epoll" : "kqueue",

    errno: () => saved,
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
      const e = saved;
      c.sigtimedwait(sigpipeSet, null, noWait);
      c.pthread_sigmask(SIG_SETMASK, oldSigset, null);
      saved = e;
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
      if (c.kqueue) return kqueuePoller();
      return c.epoll_create1 ? epollPoller() : null;
    },
    epoll: c.epoll_create1 ? epollCalls() : null,
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
  if (p.os === "darwin") {
    // CTLIOCGINFO, _IOWR('N', 3, struct ctl_info): any control socket answers it.
    const CTLIOCGINFO = 0xc0644e03;
    const { PF_SYSTEM, SOCK_DGRAM, SYSPROTO_CONTROL } = p.constants;
    native.ctlInfo = (request) => {
      const fd = c.socket(PF_SYSTEM, SOCK_DGRAM, SYSPROTO_CONTROL);
      if (fd < 0) return -1;
      const r = ioctl(fd, CTLIOCGINFO, request);
      const e = saved;
      c.close(fd);
      saved = e;
      return r < 0 ? -1 : new DataView(request.buffer, request.byteOffset).getUint32(0, true);
    };
  }
  return native;
}
