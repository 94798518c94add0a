// The async reactor's readiness on Windows, and the WSAPOLLFD coding that
// poll() shares with it.

import type { Poller } from "../native.ts";
import { constants } from "./constants.ts";
import { FIONBIO, structs } from "./_structs.ts";
import type { Winsock } from "./_winsock.ts";

const PFD = structs.pollfd;

/** Writes a WSAPOLLFD array into `buf`: each descriptor, its events, no revents yet. */
export function writePollfds(
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

/**
 * The async reactor's readiness on Windows: WSAPoll on a worker thread.
 * WSAPoll reports levels and takes the whole set on each call, so it polls
 * only the directions that have waiters, and a wait in flight is woken
 * when a direction is wanted that it does not cover. wake() sends a byte
 * to a UDP socket connected to itself, which is always in the set.
 */
export function wsaPoller(w: Winsock): Poller | undefined {
  const { ws, check, fail, newSocket } = w;
  const one = new Uint32Array([1]);
  const oneBytes = new Uint8Array(one.buffer);
  const POLLRDNORM = 0x100, POLLWRNORM = 0x10, POLLERR = 1, POLLHUP = 2, POLLNVAL = 4;
  const sa = new Uint8Array(16);
  new DataView(sa.buffer).setUint16(0, constants.AF_INET, true);
  sa.set([127, 0, 0, 1], 4);
  const len = new Int32Array([sa.length]);
  const waker = newSocket(constants.AF_INET, constants.SOCK_DGRAM, 0, null);
  if (
    waker < 0 ||
    check(ws.bind(BigInt(waker), sa, sa.length)) < 0 ||
    check(ws.getsockname(BigInt(waker), sa, new Uint8Array(len.buffer))) < 0 ||
    check(ws.connect(BigInt(waker), sa, sa.length)) < 0 ||
    check(ws.ioctlsocket(BigInt(waker), FIONBIO, oneBytes)) < 0
  ) {
    const code = w.errno();
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
