// Linux's readiness: epoll, edge-triggered for the reactor and
// level-triggered for selectors.

import type { EpollCalls, Poller } from "../native.ts";
import type { Libc } from "./_libc.ts";
import { type Platform, timeoutSpec } from "./_structs.ts";

// struct epoll_event is packed on x86_64 (12 bytes) and not on arm64 (16).
const EPOLL_EVENT_SIZE = Deno.build.arch === "x86_64" ? 12 : 16;
const EPOLL_DATA_AT = Deno.build.arch === "x86_64" ? 4 : 8;

/** Level-triggered epoll on this thread, for selectors (see EpollCalls). */
export function epollCalls({ c }: Libc, p: Platform): EpollCalls {
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
export function epollPoller(libc: Libc, p: Platform): Poller | undefined {
  const { c } = libc;
  const EPOLLIN = 1, EPOLLOUT = 4, EPOLLERR = 8, EPOLLHUP = 16, EPOLLRDHUP = 0x2000;
  const EPOLLET = 0x80000000, EPOLL_CTL_ADD = 1, EPOLL_CTL_DEL = 2, MAX_EVENTS = 1024;
  const size = EPOLL_EVENT_SIZE, dataAt = EPOLL_DATA_AT;
  const epfd = c.epoll_create1!(p.sys.SOCK_CLOEXEC);
  if (epfd < 0) return undefined;
  const wakefd = c.eventfd!(0, p.sys.SOCK_CLOEXEC | p.sys.SOCK_NONBLOCK);
  if (wakefd < 0) {
    const e = libc.errno();
    c.close(epfd);
    return void libc.setErrno(e);
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
  // RCU grace period, once per doubling from 64 slots (bench/NOTES.md). In
  // the event loop's thread, that stalled every timer and connection as a
  // server accepted its clients. So the table grows
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
