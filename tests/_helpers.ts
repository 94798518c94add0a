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

export const decoder: TextDecoder = new TextDecoder();

/** Runs code in python3 (or the given python) and parses the JSON it prints. */
export function python<T = unknown>(code: string, command = "python3"): T {
  const out = new Deno.Command(command, { args: ["-c", code], stderr: "inherit" }).outputSync();
  if (!out.success) throw new Error(`${command} failed on:\n${code}`);
  return JSON.parse(decoder.decode(out.stdout)) as T;
}

/** A python3 on this machine: its command and version. */
export interface Python {
  command: string;
  version: string;
}

/**
 * Every python3 on this machine that runs, each once: the first on PATH,
 * Debian's /usr/bin/python3, and any python3.13 or python3.14, on PATH or
 * under pyenv. Builds differ (Debian's has Bluetooth), so a table checked
 * against one only is checked against that build.
 */
export function pythons(): Python[] {
  const home = Deno.env.get("HOME") ?? "";
  const pyenv = Deno.env.get("PYENV_ROOT") ?? `${home}/.pyenv`;
  const candidates = ["python3", "/usr/bin/python3", "python3.13", "python3.14"];
  try {
    for (const entry of Deno.readDirSync(`${pyenv}/versions`)) {
      const minor = entry.name.match(/^3\.(13|14)\.\d+$/)?.[1];
      if (minor) candidates.push(`${pyenv}/versions/${entry.name}/bin/python3.${minor}`);
    }
  } catch {
    // no pyenv here
  }
  const found = new Map<string, Python>();
  for (const command of candidates) {
    let out;
    try {
      out = new Deno.Command(command, {
        args: [
          "-c",
          "import os, sys; print(os.path.realpath(sys.executable), sys.version.split()[0])",
        ],
        stdout: "piped",
        stderr: "null",
      }).outputSync();
    } catch {
      continue; // not installed
    }
    if (!out.success) continue; // a pyenv shim with no version behind it
    const [path, version] = decoder.decode(out.stdout).trim().split(" ");
    if (!found.has(path)) found.set(path, { command, version });
  }
  return [...found.values()];
}

/** The number of descriptors this process has open. */
export function openFds(): number {
  let n = 0;
  for (const _ of Deno.readDirSync("/proc/self/fd")) n++;
  return n;
}

/**
 * This process's open descriptors, each as "number -> what it is" (a socket's
 * text names its inode): a descriptor another module closes meanwhile drops
 * out, and one closed and reused shows as new.
 */
export function openDescriptors(): Set<string> {
  const out = new Set<string>();
  for (const e of Deno.readDirSync("/proc/self/fd")) {
    let target: string;
    try {
      target = Deno.readLinkSync(`/proc/self/fd/${e.name}`);
    } catch {
      continue; // closed between the listing and the look
    }
    // The listing's own descriptor, whose number changes from call to call.
    if (!/^\/proc\/\d+\/fd$/.test(target)) out.add(`${e.name} -> ${target}`);
  }
  return out;
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
