// Python's selectors module: register file objects (sockets, or anything
// with fileno(), or descriptors) for reading and writing, and wait until some
// are ready. select() blocks the thread, as Python's does.
//
// The shared bookkeeping and every error follow CPython's Lib/selectors.py;
// the selectors differ only in the system call that waits: select() (built
// on poll here, see select.ts), poll(), and level-triggered epoll on Linux.

import { native } from "../ffi/mod.ts";
import type { EpollCalls } from "../ffi/native.ts";
import { pyType, repr } from "./_args.ts";
import { errno, raiseErrno } from "./errors.ts";
import { select as selectFds, type Selectable } from "./select.ts";

/** Wait until a file object is readable: Python's `selectors.EVENT_READ`. */
export const EVENT_READ = 1;
/** Wait until a file object is writable: Python's `selectors.EVENT_WRITE`. */
export const EVENT_WRITE = 2;

/**
 * Python's `KeyError`, as selectors raises it: for a file object registered
 * twice, or one that is not registered.
 */
export class KeyError extends Error {
  /** "KeyError", as Python names it. */
  override name = "KeyError";
}

/**
 * A registration: Python's `SelectorKey` (a named tuple there, a frozen
 * object here).
 */
export interface SelectorKey<T = unknown> {
  /** What was registered: a socket, anything with `fileno()`, or a descriptor. */
  readonly fileobj: Selectable;
  /** Its descriptor. */
  readonly fd: number;
  /** `EVENT_READ`, `EVENT_WRITE` or both. */
  readonly events: number;
  /** What the caller attached. */
  readonly data: T;
}

/**
 * The registrations of a selector, by file object: what Python's
 * `get_map()` returns. It iterates over descriptors, as Python's does.
 */
export interface SelectorMapping<T = unknown> extends Iterable<number> {
  /** How many file objects are registered. */
  readonly size: number;
  /** The key of `fileobj`, or undefined when it is not registered. */
  get(fileobj: Selectable): SelectorKey<T> | undefined;
  /** Whether `fileobj` is registered. */
  has(fileobj: Selectable): boolean;
  /** The registered descriptors. */
  keys(): IterableIterator<number>;
  /** The keys. */
  values(): IterableIterator<SelectorKey<T>>;
}

function key<T>(fileobj: Selectable, fd: number, events: number, data: T): SelectorKey<T> {
  return Object.freeze({ fileobj, fd, events, data });
}

/** The descriptor of a file object, with Python's errors. */
function fileobjToFd(fileobj: unknown): number {
  let fd: unknown = fileobj;
  if (typeof fileobj !== "number" || !Number.isInteger(fileobj)) {
    const fileno = (fileobj as { fileno?: unknown } | null)?.fileno;
    if (typeof fileno !== "function") {
      throw new RangeError(`Invalid file object: ${repr(fileobj)}`);
    }
    fd = fileno.call(fileobj);
    if (typeof fd === "bigint") fd = Number(fd);
    if (typeof fd !== "number" || !Number.isInteger(fd)) {
      throw new RangeError(`Invalid file object: ${repr(fileobj)}`);
    }
  }
  if ((fd as number) < 0) throw new RangeError(`Invalid file descriptor: ${fd}`);
  return fd as number;
}

/** A timeout for select(): null waits for ever; the rest are seconds, at least 0. */
function timeoutOf(timeout: unknown): number | null {
  if (timeout === null || timeout === undefined) return null;
  if (typeof timeout === "bigint") return Math.max(Number(timeout), 0);
  if (typeof timeout !== "number" || Number.isNaN(timeout)) {
    throw new TypeError(`'<=' not supported between instances of '${pyType(timeout)}' and 'int'`);
  }
  return Math.max(timeout, 0);
}

/**
 * What every selector shares: Python's `_BaseSelectorImpl`. Use one of its
 * subclasses, usually {@link DefaultSelector}.
 */
export abstract class BaseSelector<T = unknown> implements Disposable {
  /** The registrations by descriptor. */
  protected fdToKey: Map<number, SelectorKey<T>> = new Map();
  #map: SelectorMapping<T> | null = null;
  #closed = false;

  /** The descriptor of a registered file object, found by identity when fileno() fails. */
  protected lookup(fileobj: Selectable): number {
    try {
      return fileobjToFd(fileobj);
    } catch (e) {
      // A socket closed after it was registered still unregisters.
      for (const k of this.fdToKey.values()) if (k.fileobj === fileobj) return k.fd;
      throw e;
    }
  }

  /**
   * Registers a file object for `events`.
   *
   * @param fileobj a socket, anything with `fileno()`, or a descriptor
   * @param events `EVENT_READ`, `EVENT_WRITE`, or both (`EVENT_READ | EVENT_WRITE`)
   * @param data anything, returned with the key
   * @returns the new key
   * @throws {RangeError} for bad events or a file object with no descriptor (Python's ValueError)
   * @throws {KeyError} when the file object is registered already
   * @example
   * ```ts
   * import { DefaultSelector, EVENT_READ } from "@pysocket/pysocket/selectors";
   * import { socketpair } from "@pysocket/pysocket";
   * const [a, b] = socketpair();
   * using sel = new DefaultSelector();
   * sel.register(a, EVENT_READ, "a's data");
   * b.send("x");
   * console.log(sel.select(1)[0][0].data); // "a's data"
   * a.close();
   * b.close();
   * ```
   */
  register(fileobj: Selectable, events: number, data: T = null as T): SelectorKey<T> {
    if (typeof events !== "number" || !Number.isInteger(events)) {
      if (
        events !== null && events !== undefined && !["boolean", "bigint"].includes(typeof events)
      ) {
        throw new TypeError(`unsupported operand type(s) for &: '${pyType(events)}' and 'int'`);
      }
    }
    const ev = Number(events ?? 0);
    if (!ev || (ev & ~(EVENT_READ | EVENT_WRITE))) {
      throw new RangeError(`Invalid events: ${repr(events)}`);
    }
    const k = key(fileobj, this.lookup(fileobj), ev, data);
    if (this.fdToKey.has(k.fd)) {
      throw new KeyError(`${repr(fileobj)} (FD ${k.fd}) is already registered`);
    }
    this.added(k);
    this.fdToKey.set(k.fd, k);
    return k;
  }

  /**
   * Unregisters a file object. Unregister a socket before closing it.
   *
   * @param fileobj what was registered
   * @returns its key
   * @throws {KeyError} when it is not registered
   * @example
   * ```ts
   * import { DefaultSelector, EVENT_READ } from "@pysocket/pysocket/selectors";
   * import { socket } from "@pysocket/pysocket";
   * using s = socket();
   * using sel = new DefaultSelector();
   * sel.register(s, EVENT_READ);
   * console.log(sel.unregister(s).fd === s.fileno()); // true
   * ```
   */
  unregister(fileobj: Selectable): SelectorKey<T> {
    const k = this.registered(fileobj);
    this.fdToKey.delete(k.fd);
    this.removed(k);
    return k;
  }

  /**
   * Changes what a registered file object waits for, or its data.
   *
   * @param fileobj what was registered
   * @param events the new events
   * @param data the new data
   * @returns the new key (the old one if nothing changed)
   * @throws {KeyError} when it is not registered
   * @throws {RangeError} for bad events (Python's ValueError)
   * @example
   * ```ts
   * import { DefaultSelector, EVENT_READ, EVENT_WRITE } from "@pysocket/pysocket/selectors";
   * import { socket } from "@pysocket/pysocket";
   * using s = socket();
   * using sel = new DefaultSelector();
   * sel.register(s, EVENT_READ);
   * console.log(sel.modify(s, EVENT_READ | EVENT_WRITE).events); // 3
   * ```
   */
  modify(fileobj: Selectable, events: number, data: T = null as T): SelectorKey<T> {
    const k = this.registered(fileobj);
    if (events !== k.events) {
      this.unregister(fileobj);
      return this.register(fileobj, events, data);
    }
    if (data === k.data) return k;
    const changed = key(k.fileobj, k.fd, k.events, data);
    this.fdToKey.set(k.fd, changed);
    return changed;
  }

  /**
   * modify() as poll and epoll do it (Python's `_PollLikeSelector`): a change
   * of events changes the registration in place, unchecked, through `changed`.
   */
  protected modifyInPlace(
    fileobj: Selectable,
    events: number,
    data: T,
    changed: (k: SelectorKey<T>) => void,
  ): SelectorKey<T> {
    const k = this.registered(fileobj);
    if (events === k.events && data === k.data) return k;
    const next = key(k.fileobj, k.fd, events, data);
    if (events !== k.events) {
      try {
        changed(next);
      } catch (e) {
        this.fdToKey.delete(k.fd);
        throw e;
      }
    }
    this.fdToKey.set(k.fd, next);
    return next;
  }

  /**
   * The key of a registered file object, or Python's KeyError; a file object
   * with no descriptor that is not registered either gets ValueError, as in Python.
   */
  protected registered(fileobj: Selectable): SelectorKey<T> {
    const k = this.fdToKey.get(this.lookup(fileobj));
    if (k === undefined) throw new KeyError(`${repr(fileobj)} is not registered`);
    return k;
  }

  /**
   * Waits until some registered file objects are ready, or `timeout` seconds
   * pass. It blocks the thread, as Python's does.
   *
   * @param timeout seconds; null (or absent) waits for ever, 0 or less only looks
   * @returns `[key, events]` for each ready file object; events are what it
   *   is ready for, of what it was registered for
   * @throws {OSError} when the wait fails
   * @example
   * ```ts
   * import { DefaultSelector, EVENT_READ, EVENT_WRITE } from "@pysocket/pysocket/selectors";
   * import { socketpair } from "@pysocket/pysocket";
   * const [a, b] = socketpair();
   * using sel = new DefaultSelector();
   * sel.register(a, EVENT_READ | EVENT_WRITE);
   * for (const [key, events] of sel.select(0)) console.log(key.fd, events); // a's fd, 2
   * a.close();
   * b.close();
   * ```
   */
  abstract select(timeout?: number | null): [SelectorKey<T>, number][];

  /** The subclass's hook: a key is being registered (throws to refuse it). */
  protected added(_key: SelectorKey<T>): void {}
  /** The subclass's hook: a key was unregistered. */
  protected removed(_key: SelectorKey<T>): void {}

  /** The ready list from [fd, events] pairs, as Python builds it. */
  protected ready(fds: Iterable<[number, number]>): [SelectorKey<T>, number][] {
    const out: [SelectorKey<T>, number][] = [];
    for (const [fd, events] of fds) {
      const k = this.fdToKey.get(fd);
      if (k !== undefined) out.push([k, events & k.events]);
    }
    return out;
  }

  /**
   * The key of a registered file object.
   *
   * @param fileobj what was registered
   * @returns its key
   * @throws {KeyError} when it is not registered
   * @throws {Error} RuntimeError "Selector is closed" after close()
   * @example
   * ```ts
   * import { DefaultSelector, EVENT_WRITE } from "@pysocket/pysocket/selectors";
   * import { socket } from "@pysocket/pysocket";
   * using s = socket();
   * using sel = new DefaultSelector();
   * sel.register(s, EVENT_WRITE, 42);
   * console.log(sel.get_key(s).data); // 42
   * ```
   */
  get_key(fileobj: Selectable): SelectorKey<T> {
    const map = this.get_map();
    if (map === null) throw runtimeError("Selector is closed");
    const k = map.get(fileobj);
    if (k === undefined) throw new KeyError(`${repr(fileobj)} is not registered`);
    return k;
  }

  /**
   * The registrations, by file object; null once closed.
   *
   * @returns the mapping
   * @example
   * ```ts
   * import { DefaultSelector, EVENT_READ } from "@pysocket/pysocket/selectors";
   * import { socket } from "@pysocket/pysocket";
   * using s = socket();
   * using sel = new DefaultSelector();
   * sel.register(s, EVENT_READ);
   * console.log(sel.get_map()!.size); // 1
   * ```
   */
  get_map(): SelectorMapping<T> | null {
    if (this.#closed) return null;
    const fdToKey = this.fdToKey;
    // As Python's mapping: a file object with no descriptor throws (ValueError).
    const lookup = (fileobj: Selectable) => fdToKey.get(this.lookup(fileobj));
    return this.#map ??= {
      get size() {
        return fdToKey.size;
      },
      get: lookup,
      has: (fileobj) => lookup(fileobj) !== undefined,
      keys: () => fdToKey.keys(),
      values: () => fdToKey.values(),
      [Symbol.iterator]: () => fdToKey.keys(),
    };
  }

  /**
   * Forgets every registration and frees what the selector holds. The
   * registered file objects stay open.
   *
   * @example
   * ```ts
   * import { DefaultSelector } from "@pysocket/pysocket/selectors";
   * const sel = new DefaultSelector();
   * sel.close();
   * console.log(sel.get_map()); // null
   * ```
   */
  close(): void {
    this.fdToKey.clear();
    this.#closed = true;
    this.#map = null;
  }

  /** `using sel = new DefaultSelector()` closes it at the end of the block, as Python's `with`. */
  [Symbol.dispose](): void {
    this.close();
  }
}

/** Python's RuntimeError, which JavaScript lacks: an Error named so. */
function runtimeError(message: string): Error {
  const e = new Error(message);
  e.name = "RuntimeError";
  return e;
}

/**
 * A selector on `select()`: Python's `selectors.SelectSelector`. Here
 * select() is built on poll(), so descriptors above FD_SETSIZE work too.
 *
 * @example
 * ```ts
 * import { EVENT_WRITE, SelectSelector } from "@pysocket/pysocket/selectors";
 * import { socket } from "@pysocket/pysocket";
 * using s = socket();
 * using sel = new SelectSelector();
 * sel.register(s, EVENT_WRITE);
 * console.log(sel.select(0).length); // 1: an unconnected socket is writable
 * ```
 */
export class SelectSelector<T = unknown> extends BaseSelector<T> {
  /** {@inheritDoc BaseSelector.select} */
  select(timeout: number | null = null): [SelectorKey<T>, number][] {
    const t = timeoutOf(timeout);
    const readers: number[] = [], writers: number[] = [];
    for (const k of this.fdToKey.values()) {
      if (k.events & EVENT_READ) readers.push(k.fd);
      if (k.events & EVENT_WRITE) writers.push(k.fd);
    }
    const [r, w] = selectFds(readers, writers, [], t);
    const events = new Map<number, number>();
    for (const fd of r) events.set(fd, EVENT_READ);
    for (const fd of w) events.set(fd, (events.get(fd) ?? 0) | EVENT_WRITE);
    return this.ready(events);
  }
}

/** Waits with the PEP 475 rule: retried after EINTR with what is left of the timeout. */
function waitRetrying(timeoutMs: number, call: (ms: number) => number): number {
  const deadline = timeoutMs < 0 ? Infinity : performance.now() + timeoutMs;
  for (;;) {
    const n = call(timeoutMs);
    if (n >= 0) return n;
    if (native.errno() !== errno.EINTR) raiseErrno();
    if (deadline !== Infinity) timeoutMs = Math.max(0, Math.ceil(deadline - performance.now()));
  }
}

/** Milliseconds for poll() and epoll_wait(), rounded up as Python rounds them. */
function millis(timeout: unknown): number {
  const t = timeoutOf(timeout);
  if (t === null) return -1;
  return Math.min(Math.ceil(t * 1000), 0x7fffffff);
}

/**
 * A selector on `poll()`: Python's `selectors.PollSelector`.
 *
 * @example
 * ```ts
 * import { EVENT_WRITE, PollSelector } from "@pysocket/pysocket/selectors";
 * import { socket } from "@pysocket/pysocket";
 * using s = socket();
 * using sel = new PollSelector();
 * sel.register(s, EVENT_WRITE);
 * console.log(sel.select(0)[0][1]); // 2
 * ```
 */
export class PollSelector<T = unknown> extends BaseSelector<T> {
  /** {@inheritDoc BaseSelector.modify} */
  override modify(fileobj: Selectable, events: number, data: T = null as T): SelectorKey<T> {
    // poll() takes the events afresh at each call: nothing else to change.
    return this.modifyInPlace(fileobj, events, data, () => {});
  }

  /** {@inheritDoc BaseSelector.select} */
  select(timeout: number | null = null): [SelectorKey<T>, number][] {
    const ms = millis(timeout);
    const { POLLIN, POLLOUT } = native.sys;
    const fds: number[] = [], events: number[] = [];
    for (const k of this.fdToKey.values()) {
      fds.push(k.fd);
      events.push((k.events & EVENT_READ ? POLLIN : 0) | (k.events & EVENT_WRITE ? POLLOUT : 0));
    }
    const revents = new Array<number>(fds.length).fill(0);
    waitRetrying(ms, (left) => native.poll(fds, events, revents, left));
    const got: [number, number][] = [];
    fds.forEach((fd, i) => revents[i] && got.push([fd, pollEvents(revents[i], POLLIN, POLLOUT)]));
    return this.ready(got);
  }
}

/**
 * Python's reading of poll and epoll bits: anything but "readable" counts as
 * writable and anything but "writable" as readable, so errors and hang-ups
 * wake both directions.
 */
function pollEvents(bits: number, IN: number, OUT: number): number {
  return (bits & ~IN ? EVENT_WRITE : 0) | (bits & ~OUT ? EVENT_READ : 0);
}

const EPOLLIN = 0x001, EPOLLOUT = 0x004;
const EPOLL_CTL_ADD = 1, EPOLL_CTL_DEL = 2, EPOLL_CTL_MOD = 3;

/**
 * A selector on level-triggered epoll: Python's `selectors.EpollSelector`
 * (Linux only).
 *
 * @example
 * ```ts
 * import { EpollSelector, EVENT_WRITE } from "@pysocket/pysocket/selectors";
 * import { socket } from "@pysocket/pysocket";
 * using s = socket();
 * using sel = new EpollSelector();
 * sel.register(s, EVENT_WRITE);
 * console.log(sel.fileno() >= 0, sel.select(0).length); // true 1
 * ```
 */
export class EpollSelector<T = unknown> extends BaseSelector<T> {
  #epoll: EpollCalls;
  #epfd: number;

  /**
   * Opens the epoll descriptor.
   *
   * @throws {Error} where the OS has no epoll
   * @throws {OSError} when no descriptor is left (EMFILE)
   */
  constructor() {
    super();
    if (native.epoll === null) throw new Error("epoll is not available on this system");
    this.#epoll = native.epoll;
    this.#epfd = this.#epoll.create();
    if (this.#epfd < 0) raiseErrno();
  }

  /**
   * The epoll descriptor.
   *
   * @returns the descriptor, or -1 once closed
   */
  fileno(): number {
    return this.#epfd;
  }

  #open(): number {
    if (this.#epfd < 0) throw new RangeError("I/O operation on closed epoll object");
    return this.#epfd;
  }

  /** Adds the key's descriptor to the epoll set. */
  protected override added(k: SelectorKey<T>): void {
    this.#ctl(EPOLL_CTL_ADD, k);
  }

  /** {@inheritDoc BaseSelector.modify} */
  override modify(fileobj: Selectable, events: number, data: T = null as T): SelectorKey<T> {
    return this.modifyInPlace(fileobj, events, data, (k) => this.#ctl(EPOLL_CTL_MOD, k));
  }

  #ctl(op: number, k: SelectorKey<T>): void {
    const bits = (k.events & EVENT_READ ? EPOLLIN : 0) | (k.events & EVENT_WRITE ? EPOLLOUT : 0);
    if (this.#epoll.ctl(this.#open(), op, k.fd, bits) < 0) raiseErrno();
  }

  /** Takes the key's descriptor out of the epoll set. */
  protected override removed(k: SelectorKey<T>): void {
    // A descriptor closed meanwhile has left the set already: as Python, ignore that.
    if (this.#epfd >= 0) this.#epoll.ctl(this.#epfd, EPOLL_CTL_DEL, k.fd, 0);
  }

  /** {@inheritDoc BaseSelector.select} */
  select(timeout: number | null = null): [SelectorKey<T>, number][] {
    const ms = millis(timeout);
    const epfd = this.#open();
    const max = Math.max(this.fdToKey.size, 1);
    const n = waitRetrying(ms, (left) => this.#epoll.wait(epfd, max, left));
    const got: [number, number][] = [];
    for (let i = 0; i < n; i++) {
      const [fd, bits] = this.#epoll.event(i);
      got.push([fd, pollEvents(bits, EPOLLIN, EPOLLOUT)]);
    }
    return this.ready(got);
  }

  /** {@inheritDoc BaseSelector.close} */
  override close(): void {
    if (this.#epfd >= 0) native.close(this.#epfd);
    this.#epfd = -1;
    super.close();
  }
}

/**
 * The best selector of the running OS, as Python picks it: epoll on Linux;
 * on Windows, select(); elsewhere poll() (Python's kqueue selector is not
 * here yet).
 */
export const DefaultSelector: new <T = unknown>() => BaseSelector<T> = native.epoll !== null
  ? EpollSelector
  // Python on Windows has no select.poll, though the OS has WSAPoll.
  : native.multiplexer === "wsapoll"
  ? SelectSelector
  : PollSelector;
