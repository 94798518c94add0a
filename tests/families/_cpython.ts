// What the ports of CPython's family tests (cpython_test.ts,
// cpython_threaded_test.ts) share: test_socket.py's checks for which
// families this kernel has, which decide what CPython skips.

import * as socket from "../../mod.ts";

// deno-lint-ignore no-explicit-any
type Any = any;
const S = socket as Any;

/** Python's hasattr(socket, name): pysocket leaves a name some OS lacks undefined. */
export function hasattr(name: string): boolean {
  return S[name] !== undefined;
}

/** CPython's _have_socket_*(): a socket of the kind can be created (AttributeError, OSError: no). */
export function have(family: string, type: string, proto: string | number): boolean {
  const p = typeof proto === "number" ? proto : S[proto];
  if (S[family] === undefined || S[type] === undefined || p === undefined) return false;
  try {
    socket.socket(S[family], S[type], p).close();
  } catch (e) {
    if (e instanceof socket.OSError) return false;
    throw e;
  }
  return true;
}

/**
 * test_socket.isTipcAvailable(): the TIPC module is not loaded automatically
 * on Ubuntu and probably other Linux distros.
 */
export function isTipcAvailable(): boolean {
  if (!hasattr("AF_TIPC")) return false;
  let text: string;
  try {
    text = Deno.readTextFileSync("/proc/modules");
  } catch {
    // It's ok if the file does not exist, is a directory or if we
    // have not the permission to read it.
    return false;
  }
  return text.split("\n").some((line) => line.startsWith("tipc "));
}
