// macOS's readiness for the reactor: kqueue.

import type { Poller } from "../native.ts";
import { readCString } from "../_c_data.ts";
import type { Libc } from "./_libc.ts";
import { decodeKevent, encodeKevent, kevent, KQ, timeoutSpec } from "./_structs.ts";

// fcntl.h, the same on Linux and macOS.
const F_SETFD = 2, FD_CLOEXEC = 1;

/**
 * macOS's readiness: a kqueue with a read and a write filter per socket,
 * both EV_CLEAR (edge-triggered), and an EVFILT_USER event for wake().
 */
export function kqueuePoller({ c, errno, fcntl }: Libc): Poller | undefined {
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
  if (apply(1) < 0) throw new Error(`kevent failed: ${readCString(c.strerror(errno()))}`);
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
