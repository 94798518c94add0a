// A module's descriptor check: its first test takes the process's open
// sockets and pipes, its last compares. What its tests opened (on either
// thread of a threaded test) they must have closed.

import assert from "node:assert/strict";
import { openDescriptors } from "../_helpers.ts";
import { settledFds } from "./_support.ts";

/** The open sockets and pipes, by number and inode ("7 -> socket:[1234]"), once terminated workers have ended. */
async function openSockets(): Promise<Set<string>> {
  await settledFds();
  const out = new Set<string>();
  for (const d of openDescriptors()) if (/-> (socket|pipe):/.test(d)) out.add(d);
  return out;
}

/**
 * Registers the module's first test (the sockets before) and returns the
 * function that registers its last (none left open). Linux only: it reads
 * /proc/self/fd.
 */
export function socketCount(module: string): () => void {
  const linux = Deno.build.os === "linux";
  let before = new Set<string>();
  Deno.test({
    name: `${module} (sockets before the module)`,
    ignore: !linux,
    fn: async () => void (before = await openSockets()),
  });
  return () =>
    Deno.test({
      name: `${module} (every socket the module opened is closed)`,
      ignore: !linux,
      fn: async () => {
        const left = [...await openSockets()].filter((d) => !before.has(d));
        assert.deepEqual(left, []);
      },
    });
}
