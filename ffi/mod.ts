// Picks the backend for the running OS. The only file outside a backend folder
// that asks which OS this is.

import type { Native } from "./native.ts";
import { loadPosix } from "./posix/backend.ts";
import { loadWindows } from "./windows/backend.ts";

function load(): Native {
  if (Deno.build.os === "linux" || Deno.build.os === "darwin") return loadPosix();
  if (Deno.build.os === "windows") return loadWindows();
  throw new Error(`pysocket does not support ${Deno.build.os} yet`);
}

/** The native backend of the running OS, loaded once. */
export const native: Native = load();
