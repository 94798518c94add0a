// Opening a system library, as both backends do: with Deno's permission asked
// for first, and one clear line when FFI is not allowed.

/**
 * Deno.dlopen, after asking for the ffi permission. Asking first, for all of
 * ffi, is what makes Deno's prompt work: when dlopen itself prompts for a
 * library by name, Deno grants it and then looks for the name in the current
 * folder ("Could not open library: <cwd>/libc.so.6").
 */
export function openLibrary<S extends Deno.ForeignLibraryInterface>(
  name: string,
  symbols: S,
): Deno.DynamicLibrary<S>["symbols"] {
  let state = Deno.permissions.querySync({ name: "ffi" }).state;
  if (state === "prompt") state = Deno.permissions.requestSync({ name: "ffi" }).state;
  if (state !== "granted") throw ffiRefused();
  try {
    return Deno.dlopen(name, symbols).symbols;
  } catch (e) {
    if (e instanceof Deno.errors.NotCapable || e instanceof Deno.errors.PermissionDenied) {
      throw ffiRefused();
    }
    throw e;
  }
}

/**
 * The error for a Deno without FFI: one line that names the flag. Its stack
 * is that line alone, since the frames (module loading) would only hide it.
 */
function ffiRefused(): Error {
  const e = new Error(
    "pysocket calls the system's socket library through FFI: run Deno with --allow-ffi",
  );
  e.stack = `${e.name}: ${e.message}`;
  return e;
}
