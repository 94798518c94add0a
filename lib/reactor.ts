// The reactor: one readiness wait for every non-blocking socket of the
// process, so async operations never block the event loop.
//
// How it keeps its promises:
// - a socket is registered once, edge-triggered, the first time an operation
//   on it would block;
// - every operation first tries the system call, and only when that would
//   block does it register a waiter, in the same synchronous step, so an edge
//   that comes after the failed call is always seen;
// - at most one threaded wait is in flight; it returns up to 256 events, and
//   each woken waiter simply tries its call again, so a stale event costs one
//   failed call and nothing more; the next wait starts as soon as a wait's
//   events are read, before they are handled;
// - when no waiter is left, the wait is woken (eventfd) so that a program
//   with nothing pending exits at once;
// - each wait completes as its own event-loop task, so timers and Deno's own
//   I/O get their turn between two waits; and since on loopback a chain of
//   operations can keep succeeding without ever waiting, an operation that
//   finds the current task older than a few milliseconds first yields to the
//   event loop (yieldIfDue).

import { native } from "../ffi/mod.ts";
import type { Poller } from "../ffi/native.ts";
import { errno as E, osError } from "./errors.ts";

interface Waiter {
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

interface Entry {
  fd: number;
  readers: Set<Waiter>;
  writers: Set<Waiter>;
}

let poller: Poller | null | undefined;
const entries = new Map<number, Entry>();
let pending = 0;
let waiting = false;
/** When the current event-loop task began, as far as the reactor knows. */
let turnStart = performance.now();
const TURN_MS = 4;
let gate: Promise<void> | null = null;

function getPoller(): Poller {
  if (poller === undefined) poller = native.poller();
  if (poller === null) {
    throw new TypeError(`the async socket functions are not available on ${native.os} yet`);
  }
  return poller;
}

function settle(w: Waiter, list: Set<Waiter>): void {
  list.delete(w);
  pending--;
  if (w.signal && w.onAbort) w.signal.removeEventListener("abort", w.onAbort);
}

/** Tells a level poller which directions of `entry` still have waiters. */
function want(entry: Entry): void {
  poller!.want(entry.fd, entry.readers.size > 0, entry.writers.size > 0);
}

function wakeAll(entry: Entry, list: Set<Waiter>): void {
  if (list.size === 0) return;
  const woken = [...list];
  for (const w of woken) settle(w, list);
  want(entry);
  for (const w of woken) w.resolve();
}

function dispatch(n: number): void {
  turnStart = performance.now();
  const p = poller!;
  // Read the events out first: then the buffer is free and the next wait can
  // start at once, its thread hop overlapping with the work done here. An
  // event it reports for a socket with no waiter is dropped, which is safe:
  // whoever waits next tries the call first and finds the data.
  const ready: [number, boolean, boolean][] = [];
  for (let i = 0; i < n; i++) ready.push(p.event(i));
  waiting = false;
  loop();
  for (const [fd, readable, writable] of ready) {
    const entry = entries.get(fd);
    if (entry === undefined) continue;
    if (readable) wakeAll(entry, entry.readers);
    if (writable) wakeAll(entry, entry.writers);
  }
  open(); // a gate waiting for this turn
  if (pending === 0) setTimeout(idle, 0);
}

/** Ends a wait that nobody needs any more, so the program can exit. */
function idle(): void {
  if (pending === 0 && gate === null && waiting) poller!.wake();
}

function loop(): void {
  if (waiting || (pending === 0 && gate === null)) return;
  waiting = true;
  poller!.wait().then(dispatch, (e) => {
    waiting = false;
    throw e;
  });
}

/**
 * Yields to the event loop when the current task has run for a few
 * milliseconds, so that timers and other I/O are never starved; otherwise
 * returns null at once (and costs one clock read).
 */
export function yieldIfDue(): Promise<void> | null {
  const now = performance.now();
  if (now - turnStart < TURN_MS) return null;
  // One shared gate: everything that yields now resumes in one later task,
  // and shares that task's budget instead of each getting a fresh one.
  if (gate === null) {
    gate = new Promise((resolve) => openGate = resolve);
    if (now - timerTurn >= TIMER_MS) {
      // A timer task: due timers run first. Set from an I/O task it is not
      // "nested", so it is not held back the 4 ms that nested timers are.
      setTimeout(() => {
        timerTurn = performance.now();
        open();
      }, 0);
    } else {
      // The reactor's own wait, woken on purpose: a turn of the event loop
      // that also keeps the program alive until the gate opens.
      const p = getPoller();
      loop();
      p.wake();
    }
  }
  return gate;
}

/** Yields go through a timer at least this often, so due timers run. */
const TIMER_MS = 8;
let timerTurn = performance.now();
let openGate: (() => void) | null = null;

function open(): void {
  if (gate === null) return;
  turnStart = performance.now();
  const resolve = openGate!;
  gate = openGate = null;
  resolve();
}

/**
 * Waits until `fd` may be readable (or writable), after a call on it would
 * have blocked. Resolves when the caller should try the call again; rejects
 * with the signal's reason on abort, or with EBADF when the socket is closed.
 */
export function readiness(fd: number, writing: boolean, signal?: AbortSignal): Promise<void> {
  const p = getPoller();
  let known = entries.get(fd);
  if (known === undefined) {
    if (p.add(fd) < 0) return Promise.reject(osError(native.errno()));
    known = { fd, readers: new Set(), writers: new Set() };
    entries.set(fd, known);
  }
  const entry = known;
  if (signal?.aborted) return Promise.reject(signal.reason);
  const list = writing ? entry.writers : entry.readers;
  return new Promise<void>((resolve, reject) => {
    const w: Waiter = { resolve, reject, signal };
    if (signal) {
      w.onAbort = () => {
        settle(w, list);
        want(entry);
        reject(signal.reason);
        idle();
      };
      signal.addEventListener("abort", w.onAbort, { once: true });
    }
    list.add(w);
    pending++;
    if (list.size === 1) want(entry);
    loop();
  });
}

/**
 * Forgets a socket that is being closed: its pending operations reject with
 * EBADF, as Python's do, and the reactor stops watching it.
 */
export function forget(fd: number): void {
  const entry = entries.get(fd);
  if (entry === undefined) return;
  entries.delete(fd);
  poller!.remove(fd);
  for (const list of [entry.readers, entry.writers]) {
    for (const w of [...list]) {
      settle(w, list);
      w.reject(osError(E.EBADF));
    }
  }
  idle();
}
