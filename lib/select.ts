// select(): Python's select.select, built on poll() so descriptors above
// FD_SETSIZE work too.

import { native } from "../ffi/mod.ts";
import { items, toInt, toSeconds } from "./_args.ts";
import { errno, OSError, raiseErrno } from "./errors.ts";

const sys = native.sys;

/** Anything select() waits on: a descriptor, or an object with `fileno()`. */
export type Selectable = number | { fileno(): number };

/** A descriptor as Python's PyObject_AsFileDescriptor takes it: an int, or fileno()'s int. */
function fdOf(v: unknown): number {
  let fd: unknown = v;
  const numeric = typeof v === "number" || typeof v === "bigint" || typeof v === "boolean";
  if (!numeric) {
    const fileno = typeof v === "object" && v !== null
      ? (v as { fileno?: unknown }).fileno
      : undefined;
    if (typeof fileno !== "function") {
      throw new TypeError("argument must be an int, or have a fileno() method.");
    }
    fd = fileno.call(v);
    if (typeof fd !== "number" && typeof fd !== "bigint" && typeof fd !== "boolean") {
      throw new TypeError("fileno() returned a non-integer");
    }
  }
  if (typeof fd === "number" && !Number.isInteger(fd)) {
    throw new TypeError(
      numeric
        ? "argument must be an int, or have a fileno() method."
        : "fileno() returned a non-integer",
    );
  }
  const n = toInt(fd);
  if (n > 0x7fffffff || n < -0x80000000) {
    throw new RangeError("Python int too large to convert to C int");
  }
  if (n < 0) throw new RangeError(`file descriptor cannot be a negative integer (${n})`);
  return n;
}

/** A list of select(), as Python's PySequence_Fast reads it: any iterable. */
function listOf<T>(v: Iterable<T>): T[] {
  return items(v, "arguments 1-3 must be sequences") as T[];
}

/**
 * Waits until some of the given sockets are ready, as Python's
 * `select.select(rlist, wlist, xlist, timeout)`.
 *
 * @param rlist wait until readable (data, a connection to accept, or EOF)
 * @param wlist wait until writable
 * @param xlist wait for an exceptional condition (urgent data)
 * @param timeout seconds; `null` or absent waits forever, 0 polls
 * @returns the ready subsets of the three lists, as the same objects
 * @throws {RangeError} for a negative timeout or descriptor
 * @throws {OSError} EBADF for a closed descriptor
 * @example
 * ```ts
 * import { select, socketpair } from "@pysocket/pysocket";
 * const [a, b] = socketpair();
 * a.send("x");
 * const [r, w, x] = select([b], [a], [], 1);
 * console.log(r.length, w.length); // 1 1
 * a.close();
 * b.close();
 * ```
 */
export function select<R extends Selectable, W extends Selectable, X extends Selectable>(
  rlist: Iterable<R>,
  wlist: Iterable<W>,
  xlist: Iterable<X>,
  timeout: number | null = null,
): [R[], W[], X[]] {
  // The timeout first, as Python reads it.
  let seconds: number | null;
  try {
    seconds = toSeconds(timeout);
  } catch (e) {
    if (e instanceof TypeError) throw new TypeError("timeout must be a float or None");
    throw e;
  }
  if (seconds !== null && seconds < 0) throw new RangeError("timeout must be non-negative");
  // Then each list, and each item's descriptor (asked once: fileno() may be
  // user code), list by list.
  const lists = [] as unknown as [R[], W[], X[]];
  const fdLists: number[][] = [];
  for (const list of [rlist, wlist, xlist] as Iterable<Selectable>[]) {
    const l = listOf(list);
    (lists as Selectable[][]).push(l);
    fdLists.push(l.map(fdOf));
  }
  const wants = [sys.POLLIN, sys.POLLOUT, sys.POLLPRI];
  const index = new Map<number, number>();
  const fds: number[] = [];
  const events: number[] = [];
  fdLists.forEach((list, k) => {
    for (const fd of list) {
      let i = index.get(fd);
      if (i === undefined) {
        i = fds.length;
        index.set(fd, i);
        fds.push(fd);
        events.push(0);
      }
      events[i] |= wants[k];
    }
  });
  const revents = new Array<number>(fds.length).fill(0);
  const deadline = seconds === null ? Infinity : performance.now() + seconds * 1000;
  for (;;) {
    const left = deadline - performance.now();
    const ms = deadline === Infinity ? -1 : Math.max(0, Math.min(Math.ceil(left), 0x7fffffff));
    const r = native.poll(fds, events, revents, ms);
    if (r >= 0) break;
    if (native.errno() !== errno.EINTR) raiseErrno();
  }
  if (revents.some((r) => r & sys.POLLNVAL)) throw new OSError(errno.EBADF);
  // Readiness as select(2) reports it on Linux.
  const masks = [
    sys.POLLIN | sys.POLLHUP | sys.POLLERR,
    sys.POLLOUT | sys.POLLERR,
    sys.POLLPRI,
  ];
  const pick = <T extends Selectable>(list: T[], k: number) =>
    list.filter((_, i) => revents[index.get(fdLists[k][i])!] & masks[k]);
  return [pick(lists[0], 0), pick(lists[1], 1), pick(lists[2], 2)];
}
