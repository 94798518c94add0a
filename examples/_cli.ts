// Plumbing shared by the example programs: command-line flags, Python-style
// printing, and waiting on sockets in a way that lets Ctrl-C stop a server.
//
// Why the waiting helpers exist: a blocking call holds Deno's only JS thread,
// and Deno runs signal listeners between tasks, so a server blocked in
// accept() would never see Ctrl-C. The servers therefore wait in select()
// slices of at most 0.2 s and give the event loop a turn between slices and
// at least every 100 ms under load. The socket calls themselves stay the
// blocking calls of the Python originals.

import * as socket from "../mod.ts";
import { parseFlags, usageError, usageOf } from "./_usage.ts";

/** An example's flags, as _usage.ts lists them (_preflight.ts refused bad ones already). */
export { parseFlags as flags, usageOf };

/** Python's repr() of a value pysocket returns (bytes, tuples, strings). */
export const repr: (value: unknown) => string = socket.repr;

/** Parses a port number flag (0 picks a free port). */
export function portOf(text: string, usage: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535 || text.trim() === "") {
    usageError(usage, `bad port ${JSON.stringify(text)}: expected 0-65535`);
  }
  return port;
}

/** Parses a non-negative number flag. */
export function numberOf(text: string, name: string, usage: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0 || text.trim() === "") {
    usageError(usage, `bad --${name} ${JSON.stringify(text)}: expected a number >= 0`);
  }
  return n;
}

/**
 * Whether an accept() failed for want of descriptors or memory (EMFILE,
 * ENFILE, ENOBUFS, ENOMEM). The connection waits in the listen queue, so the
 * listening socket stays readable: a server that accepts again at once spins.
 * Python's asyncio waits a second instead; so do these servers.
 */
export function outOfResources(e: unknown): boolean {
  const { EMFILE, ENFILE, ENOBUFS, ENOMEM } = socket.errno;
  return e instanceof socket.OSError && [EMFILE, ENFILE, ENOBUFS, ENOMEM].includes(e.errno!);
}

/** How long a server waits before it accepts again after {@link outOfResources}, in ms. */
export const ACCEPT_PAUSE_MS = 1000;

/** Formats an address as HOST:PORT. */
export function hostPort(address: socket.InetAddress): string {
  const [host, port] = address;
  return `${host}:${port}`;
}

let stopped = false;
let listening = false;
let lastTurn = performance.now();
const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];

const onStop: (() => void)[] = [];

function stop(): void {
  stopped = true;
  for (const sig of signals) Deno.removeSignalListener(sig, stop);
  for (const fn of onStop.splice(0)) fn();
}

/** Calls `fn` when Ctrl-C (or SIGTERM) asks the program to stop, once interrupts are caught. */
export function whenInterrupted(fn: () => void): void {
  onStop.push(fn);
}

/**
 * Prints `listening on HOST:PORT` for a bound socket and, from then on, lets
 * Ctrl-C (or SIGTERM) end the wait loops instead of killing the process.
 */
export function announce(sock: socket.Socket): void {
  catchInterrupts();
  // Any socket, socketserver's too (typed with the wide Address): these are IP ones.
  console.log(`listening on ${hostPort(sock.getsockname() as socket.InetAddress)}`);
}

/** From now on, Ctrl-C (or SIGTERM) ends the wait loops instead of the process. */
export function catchInterrupts(): void {
  if (listening) return;
  listening = true;
  for (const sig of signals) Deno.addSignalListener(sig, stop);
}

/** True once Ctrl-C asked the program to stop. */
export function interrupted(): boolean {
  return stopped;
}

function turn(): Promise<void> {
  lastTurn = performance.now();
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * select() that Ctrl-C can interrupt: waits until a socket in `rlist` is
 * readable or one in `wlist` writable, or `timeout` seconds pass (null: no
 * limit). Returns the ready lists, or null once the program is stopping.
 */
export async function wait<T extends socket.Selectable>(
  rlist: T[],
  wlist: T[] = [],
  timeout: number | null = null,
): Promise<[T[], T[]] | null> {
  const deadline = timeout === null ? Infinity : performance.now() + timeout * 1000;
  while (true) {
    if (performance.now() - lastTurn >= 100) await turn();
    if (stopped) return null;
    const slice = Math.max(0, Math.min(0.2, (deadline - performance.now()) / 1000));
    const [r, w] = socket.select(rlist, wlist, [], slice);
    if (r.length > 0 || w.length > 0 || performance.now() >= deadline) return [r, w];
    await turn();
  }
}

/** Waits until `sock` is readable; false once the program is stopping. */
export async function readable(sock: socket.Socket): Promise<boolean> {
  return (await wait([sock])) !== null;
}
