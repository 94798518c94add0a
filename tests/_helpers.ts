// Shared test helpers: asking python3, counting descriptors, platform facts.

import { native } from "../ffi/mod.ts";

/** errno values of the running OS, as Python's errno module has them. */
export const E: Readonly<Record<string, number>> = native.errnos;

/**
 * True on Windows. The Windows lane runs Deno's Windows build under Wine,
 * where python3 (a Linux program) cannot be started and /proc means the
 * Linux side of Wine; tests that need either, or that check what only POSIX
 * has, are ignored there and say why beside the test.
 */
export const windows: boolean = Deno.build.os === "windows";

/** Runs python3 code and parses the JSON it prints. */
export function python<T = unknown>(code: string): T {
  const out = new Deno.Command("python3", { args: ["-c", code], stderr: "inherit" }).outputSync();
  if (!out.success) throw new Error(`python3 failed on:\n${code}`);
  return JSON.parse(new TextDecoder().decode(out.stdout)) as T;
}

/** The number of descriptors this process has open. */
export function openFds(): number {
  let n = 0;
  for (const _ of Deno.readDirSync("/proc/self/fd")) n++;
  return n;
}

/** What a call threw, in Python's terms: [class name, errno, message]. */
export type Outcome = [string, number | null, string] | ["OK"];

/** Runs `fn` and reports what it threw as an Outcome. */
export function outcome(fn: () => unknown): Outcome {
  try {
    fn();
    return ["OK"];
  } catch (e) {
    const err = e as Error & { errno?: number | null };
    return [err.name, err.errno ?? null, err.message];
  }
}

/** Python's exception class as pysocket names it. */
export function jsName(pyName: string): string {
  if (pyName === "ValueError" || pyName === "OverflowError") return "RangeError";
  if (pyName === "ExceptionGroup") return "AggregateError";
  return pyName;
}

export const decoder: TextDecoder = new TextDecoder();
