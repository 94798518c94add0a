// The reactor: one readiness wait for every non-blocking socket of the
// process, so async operations never block the event loop.
//
// How it keeps its promises:
// - a socket is registered once (edge-triggered with epoll and kqueue) the
//   first time an operation on it would block, and the poller hears of its
//   descriptor, so that on Linux the descriptor table grows ahead of need on
//   another thread (growing it in this one held up the event loop: bench/NOTES.md);
// - every operation first tries the system call, and only when that would
//   block does it register a waiter, in the same synchronous step, so an edge
//   that comes after the failed call is always seen;
// - each woken waiter simply tries its call again in the reactor's task (a
//   callback, not a promise per wait), so a stale event costs one failed
//   call and nothing more; the woken run a few at a time, with what their
//   callers then do in between, so that the turn's clock sees that work too;
// - once the woken operations have done their work (an immediate, which runs
//   after every microtask), the reactor waits on this thread for at most a
//   turn's 4 ms: on a busy connection the peer's answer usually comes within
//   that, and a wait on this thread costs no thread hop; after such a wait
//   that found nothing, it only looks, but for one wait in RETRY;
// - otherwise one wait runs on another thread (nonblocking FFI) and returns
//   up to 1,024 events as a task of its own; at most one is in flight;
// - when no waiter is left, that wait is woken (eventfd) so that a program
//   with nothing pending exits at once; so it is when the waiters left all
//   belong to sockets that were unref()'d, and then, since a wait on another
//   thread would keep the program alive, the reactor looks on this thread
//   instead, from a timer that does not (every 1 ms, backing off to IDLE_MS);
// - since on loopback a chain of operations can keep succeeding without ever
//   waiting, an operation that finds the current task older than a few
//   milliseconds first yields to the event loop (yieldIfDue): it parks until
//   a later task opens the gate, which then runs the parked operations as it
//   runs the woken, a few at a time, until that turn is up; that task is an
//   immediate, a turn that costs microseconds, unless Deno's timers have been
//   held up (a heartbeat timer that should have run has not), and then it is
//   an immediate that the heartbeat sets, so that every due timer runs first.

import { native } from "../../ffi/mod.ts";
import type { Poller } from "../../ffi/native.ts";
import { errno, osError } from "../errors.ts";

/** What waits at the gate: `run` when it opens. */
export interface Parked {
  run(): void;
}

/**
 * What waits for a socket: told once, by `run` (the socket may be ready: try
 * again, called from the reactor's task) or by `fail`. `signal` belongs to
 * the reactor while the waiter is watched.
 */
export interface Waiter extends Parked {
  /** The wait failed: aborted, or the socket was closed. */
  fail(reason: unknown): void;
  signal: AbortSignal | undefined;
}

interface Entry {
  fd: number;
  // Arrays, not Sets: a Set that empties shrinks, and so allocates, on every
  // wake of a busy socket.
  readers: Waiter[];
  writers: Waiter[];
  /** The socket was unref()'d: its waiters do not keep the program alive. */
  unref: boolean;
}

let poller: Poller | null | undefined;
const entries = new Map<number, Entry>();
let pending = 0;
/** Of the pending, those of unref()'d sockets. */
let unrefPending = 0;
/** Sockets unref()'d, by object: a number outlives its socket. */
const unrefed = new WeakSet<object>();
let waiting = false;
/** When the current event-loop task began, as far as the reactor knows. */
let turnStart = performance.now();
const TURN_MS = 4;
let gate: Promise<void> | null = null;

function getPoller(): Poller {
  if (poller === undefined) {
    // A failure (EMFILE) is not kept: the next operation tries again.
    const made = native.poller();
    if (made === undefined) throw osError(native.errno());
    poller = made;
  }
  if (poller === null) {
    throw new TypeError("the async socket functions are not available on this system");
  }
  return poller;
}

/** Counts a waiter of `entry` out, once it has left its list. */
function settle(w: Waiter, entry: Entry): void {
  pending--;
  if (entry.unref) unrefPending--;
  const signal = w.signal;
  if (signal === undefined) return;
  const n = waitsOn.get(signal)! - 1;
  waitsOn.set(signal, n);
  if (n > 0) return;
  idleSignals.push(signal);
  // Nobody waits, so settled() may not come: it must, to take the listener off.
  if (pending === 0 && !scheduled) {
    scheduled = true;
    setImmediate(settled);
  }
}

/**
 * The waits on each signal the reactor listens to: one listener per signal
 * for all its waits, not one added and removed per wait. (At a wait per
 * datagram those cost more than the receive, and what they left behind
 * survived each scavenge: a burst of datagrams lost a third more.) A signal
 * nobody waits on any more goes to `idleSignals`, and settled() takes its
 * listener off unless a wait came back meanwhile, as in a receive loop:
 * Deno keeps a signal that has listeners alive, and an `AbortSignal.timeout()`
 * one keeps the program alive too.
 */
const waitsOn = new WeakMap<AbortSignal, number>();
const idleSignals: AbortSignal[] = [];

/** Takes the listener off the signals that nobody waits on any more. */
function unlisten(): void {
  for (const signal of idleSignals) {
    if (waitsOn.get(signal) !== 0) continue; // waited on again, or already off
    waitsOn.delete(signal);
    signal.removeEventListener("abort", abortWaiters);
  }
  idleSignals.length = 0;
}

/** Fails the waiters of an aborted signal; an abort is rare, so it looks through them all. */
function abortWaiters(this: AbortSignal): void {
  if (!this.aborted) return; // an "abort" event dispatched by hand
  for (const entry of entries.values()) {
    for (const list of [entry.readers, entry.writers]) {
      for (let i = list.length - 1; i >= 0; i--) {
        const w = list[i];
        if (w.signal !== this) continue;
        list.splice(i, 1);
        settle(w, entry);
        want(entry);
        w.fail(this.reason);
      }
    }
  }
  idle();
}

/** Tells a level poller which directions of `entry` still have waiters. */
function want(entry: Entry): void {
  poller!.want(entry.fd, entry.readers.length > 0, entry.writers.length > 0);
}

function wakeAll(entry: Entry, list: Waiter[]): void {
  if (list.length === 0) return;
  if (list.length === 1) {
    // The usual case: one waiter leaves the list without a copy.
    const w = list.pop()!;
    settle(w, entry);
    want(entry);
    return void (woken[wokenCount++] = w);
  }
  for (const w of list.splice(0)) {
    settle(w, entry);
    woken[wokenCount++] = w;
  }
  want(entry);
}

/**
 * Woken waiters that have not run yet, in order. They run CHUNK at a time:
 * what their callers do once woken (a close after the end of a stream, say)
 * comes as microtasks, and those run between the chunks, where the clock can
 * see them. When all ran at once, the reads that found 1,000 streams ended
 * left 1,000 closes to one task, and a 10 ms timer fired up to 37 ms late.
 * Once the turn is up, the rest wait at the gate.
 */
// (An array emptied by `length = 0` gives its storage back and allocates
// anew at the next push: slots are cleared instead, the count kept apart.)
const woken: (Parked | undefined)[] = [];
let wokenCount = 0, next = 0;
const CHUNK = 8;

function runWoken(): void {
  if (gate === null && next > 0) {
    const now = performance.now();
    if (now - turnStart >= TURN_MS) shut(now);
  }
  // (A waiter that runs may shut the gate too.)
  for (const end = Math.min(wokenCount, next + CHUNK); next < end && gate === null;) {
    const w = woken[next]!;
    woken[next++] = undefined;
    w.run();
  }
  if (gate !== null) {
    while (next < wokenCount) {
      parked.push(woken[next]!);
      woken[next++] = undefined;
    }
  }
  if (next < wokenCount) return queueMicrotask(runWoken);
  wokenCount = next = 0;
}

// The events of one wait, read out before anyone is woken (Poller.event
// reuses its array); grown when a wait returns more (WSAPoll can).
let readyFds = new Int32Array(1024);
let readyBits = new Uint8Array(1024);

function dispatch(n: number, threaded: boolean): void {
  const p = poller!;
  if (threaded) {
    // A wait on another thread completes as a task of its own: a new turn.
    turnStart = performance.now();
    waiting = false;
  }
  // Read the events out before waking anyone. An event for a socket with no
  // waiter is dropped, which is safe: whoever waits next tries the call first
  // and finds the data.
  if (n > readyFds.length) {
    readyFds = new Int32Array(n);
    readyBits = new Uint8Array(n);
  }
  for (let i = 0; i < n; i++) {
    const e = p.event(i);
    readyFds[i] = e[0];
    readyBits[i] = (e[1] ? 1 : 0) | (e[2] ? 2 : 0);
  }
  for (let i = 0; i < n; i++) {
    const entry = entries.get(readyFds[i]);
    if (entry === undefined) continue;
    if (readyBits[i] & 1) wakeAll(entry, entry.readers);
    if (readyBits[i] & 2) wakeAll(entry, entry.writers);
  }
  runWoken();
  loop();
}

/**
 * Ends a wait on another thread that nobody needs any more, or that only
 * unref()'d sockets need, so that the program can exit.
 */
function idle(): void {
  if (pending === unrefPending && waiting) poller!.wake();
}

let scheduled = false;

/**
 * How long a wait on this thread may take, at most, in microseconds: the
 * event loop is held that long when nothing comes, so no longer than a turn;
 * and a wait that found nothing makes the next ones only look, but for one
 * in RETRY. Not shorter either: the answer comes long before the timeout on
 * a busy connection, yet a shorter timeout costs CPU per round trip for the
 * kernel's timer (bench/NOTES.md).
 */
const POLL_US = 4000;
const MISSES = 1, RETRY = 32;
let misses = 0, sinceRetry = 0;

function loop(): void {
  if (lookout !== null) {
    if (pending === unrefPending) return; // still only unref()'d waiters: the timer looks
    clearTimeout(lookout);
    lookout = null;
  }
  if (waiting || scheduled || pending === 0) return;
  scheduled = true;
  setImmediate(settled);
}

/**
 * Runs as an event-loop task of its own (an immediate), after the woken
 * operations have done their work and wait again: first a short wait on this
 * thread, which costs no thread hop when the next event comes soon (a peer's
 * answer on a busy connection), then the wait on another thread.
 */
function settled(): void {
  scheduled = false;
  turnStart = performance.now(); // a task of its own: a new turn
  if (idleSignals.length > 0) unlisten();
  // (Also scheduled to take listeners off while only unref()'d sockets wait: the timer looks then.)
  if (waiting || pending === 0 || lookout !== null) return;
  const p = poller!;
  if (gate === null) {
    const patient = misses < MISSES || ++sinceRetry % RETRY === 0;
    const n = p.poll(patient ? POLL_US : 0);
    if (n > 0) {
      misses = 0;
      return dispatch(n, false);
    }
    if (patient) misses++;
  }
  if (pending === unrefPending) return look();
  waiting = true;
  p.wait().then((n) => dispatch(n, true), (e) => {
    waiting = false;
    throw e;
  });
}

/**
 * While every waiter belongs to an unref()'d socket, the reactor looks for
 * events from a timer that does not keep the program alive: at once after an
 * event, then less and less often, down to every IDLE_MS.
 */
const IDLE_MS = 10;
let lookout: ReturnType<typeof setTimeout> | null = null;
let lookEvery = 1;

function look(): void {
  lookout = setTimeout(() => {
    lookout = null;
    turnStart = performance.now();
    if (pending === 0) return;
    const n = poller!.poll(0);
    if (n > 0) {
      lookEvery = 1;
      return dispatch(n, false);
    }
    lookEvery = Math.min(lookEvery * 2, IDLE_MS);
    if (pending === unrefPending) look();
    else loop();
  }, lookEvery);
  lookout.unref();
}

/**
 * Yields to the event loop when the current task has run for a few
 * milliseconds, so that timers and other I/O are never starved; otherwise
 * returns null at once. It reads the clock one call in eight, since that
 * costs more than the check, and while a gate is shut it returns that gate.
 */
export function yieldIfDue(): Promise<void> | null {
  if (gate !== null) return gate;
  if (++unclocked < CLOCK_EVERY) return null;
  unclocked = 0;
  const now = performance.now();
  if (now - turnStart < TURN_MS) return null;
  return shut(now);
}

/**
 * Shuts the gate: everything that yields from now on resumes in one later
 * task, and shares that task's budget instead of each getting a fresh one.
 */
function shut(now: number): Promise<void> {
  gate = new Promise<void>((resolve) => openGate = resolve);
  if (timersHeldUp(now)) {
    // Open after the heartbeat, a timer task: due timers run before it.
    // The heartbeat keeps the program alive meanwhile, as the gate must.
    openOnBeat = true;
    beat!.ref();
  } else {
    // An immediate: a turn of the event loop of its own, at once.
    setImmediate(open);
  }
  return gate;
}

const CLOCK_EVERY = 8;
let unclocked = 0;
let openGate: (() => void) | null = null;

/**
 * Deno runs due timers at a turn of its event loop, but not necessarily at
 * every turn: with an earlier form of this reactor, yields through immediates
 * alone held a 10 ms interval back by 45 to 230 ms under 1,000 connections.
 * A timer that waits for its turn, though, leaves the process idle for a
 * millisecond or two (setTimeout(0) takes 2.2 ms here), so not every yield
 * can be one. The heartbeat tells which kind a yield needs: a timer armed
 * when a gate shuts, BEAT_MS ahead; while it runs in time, timers are not held
 * up and the gate opens in an immediate; once it is TIMER_MS overdue, the
 * gate waits for the heartbeat, and opens in an immediate that it sets, after
 * the other due timers. Under 1,000 connections that happens
 * at 2 to 9 of some 850 yields a run: a bound that costs next to nothing.
 */
const BEAT_MS = 2, TIMER_MS = 8;
let beat: ReturnType<typeof setTimeout> | null = null;
let armedAt = 0, openOnBeat = false;

function timersHeldUp(now: number): boolean {
  if (beat !== null) return now - armedAt >= TIMER_MS;
  // Only a gate that waits for it keeps the program alive.
  beat = setTimeout(heartbeat, BEAT_MS).unref();
  armedAt = now;
  return false;
}

function heartbeat(): void {
  beat = null;
  if (openOnBeat) {
    openOnBeat = false;
    // Not open() here: timers that fell due after the heartbeat's time run
    // in this same batch, after it, so they would wait for a whole turn.
    setImmediate(open);
  }
}

let parked: Parked[] = [];

/**
 * Runs `it` when the gate that `yieldIfDue` gave opens: a cheaper way to
 * wait one's turn than awaiting the gate, for the many operations that do.
 */
export function park(it: Parked): void {
  if (gate === null) queueMicrotask(() => it.run());
  else parked.push(it);
}

function open(): void {
  if (gate === null) return;
  turnStart = performance.now();
  const resolve = openGate!;
  gate = openGate = null;
  for (const it of parked) woken[wokenCount++] = it;
  parked = [];
  runWoken();
  resolve();
}

/** The readiness an operation waits for, named so that calls say which. */
export type Readiness = typeof READABLE | typeof WRITABLE;
/** Waits until a read would not block. */
export const READABLE = false;
/** Waits until a write would not block. */
export const WRITABLE = true;

/**
 * Watches `fd` for `waiter`, after a call on it would have blocked: the
 * waiter is told once, `ready` when the caller should try the call again,
 * `fail` with the signal's reason on abort or with EBADF when the socket is
 * closed. Throws when the poller refuses the socket or the signal is aborted.
 */
export function watch(
  fd: number,
  writing: boolean,
  waiter: Waiter,
  signal: AbortSignal | undefined,
  owner: object,
): void {
  const p = getPoller();
  let known = entries.get(fd);
  if (known === undefined) {
    if (p.add(fd) < 0) throw osError(native.errno());
    p.reserve?.(fd);
    known = { fd, readers: [], writers: [], unref: unrefed.has(owner) };
    entries.set(fd, known);
  }
  const entry = known;
  signal?.throwIfAborted();
  const list = writing ? entry.writers : entry.readers;
  waiter.signal = signal;
  if (signal) {
    const n = waitsOn.get(signal);
    if (n === undefined) signal.addEventListener("abort", abortWaiters);
    waitsOn.set(signal, (n ?? 0) + 1);
  }
  list.push(waiter);
  pending++;
  if (entry.unref) unrefPending++;
  if (list.length === 1) want(entry);
  loop();
}

/**
 * Whether the pending operations of `owner`, whose descriptor is `fd`, keep
 * the program alive (they do unless unref()'d), now and from now on.
 */
export function setRef(owner: object, fd: number, ref: boolean): void {
  if (ref) unrefed.delete(owner);
  else unrefed.add(owner);
  const entry = entries.get(fd);
  if (entry === undefined || entry.unref === !ref) return;
  entry.unref = !ref;
  const n = entry.readers.length + entry.writers.length;
  unrefPending += ref ? -n : n;
  if (ref) loop();
  else idle();
}

/**
 * Waits until `fd` may be readable (or writable), after a call on it would
 * have blocked: {@link watch} as a promise.
 */
export function readiness(
  fd: number,
  writing: boolean,
  owner: object,
  signal?: AbortSignal,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    try {
      watch(
        fd,
        writing,
        { run: resolve, fail: reject, signal: undefined },
        signal,
        owner,
      );
    } catch (e) {
      reject(e);
    }
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
    for (const w of list.splice(0)) {
      settle(w, entry);
      w.fail(osError(errno.EBADF));
    }
  }
  idle();
}
