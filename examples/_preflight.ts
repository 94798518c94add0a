// Imported first by every example, for its effect, before pysocket loads
// (pysocket asks for FFI when it loads): `--help` (or `-h`) prints the
// example's usage and exits, and a bad flag is refused with status 2, so
// neither needs a permission.

import { parseFlags, type Script, SCRIPTS, usageOf } from "./_usage.ts";

const script = Deno.mainModule.split("/").pop() as Script;
if (script in SCRIPTS) {
  if (Deno.args.includes("--help") || Deno.args.includes("-h")) {
    console.log(usageOf(script));
    Deno.exit(0);
  }
  parseFlags(script);
}
