// Deno's ffi permission: without it, one line that names the flag; with
// Deno's prompt answered "y" in a terminal, pysocket loads and works.
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { decoder, windows } from "./_helpers.ts";

const mod = fileURLToPath(new URL("../mod.ts", import.meta.url));
const program = `
import * as socket from ${JSON.stringify(mod)};
const [a, b] = socket.socketpair();
a.sendall("loaded");
console.log(new TextDecoder().decode(b.recv(100)));
a.close();
b.close();
`;

function programFile(): string {
  const file = join(Deno.makeTempDirSync(), "main.ts");
  Deno.writeTextFileSync(file, program);
  return file;
}

Deno.test("Without --allow-ffi, importing pysocket fails with one line that names the flag", {
  ignore: windows, // the same code path; the lane's Deno under Wine prints Wine's noise too
}, async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", programFile()],
    stdin: "null",
    env: { NO_COLOR: "1" },
  }).output();
  assert.equal(out.code, 1);
  assert.equal(decoder.decode(out.stdout), "");
  const lines = decoder.decode(out.stderr).trim().split("\n");
  assert.deepEqual(lines, [
    "error: Uncaught (in promise) Error: pysocket calls the system's socket library through FFI: " +
    "run Deno with --allow-ffi",
  ]);
});

// Deno prompts only when stdin and stderr are a terminal: script(1) gives the
// program one, and the answer is typed once the prompt shows (Deno drops what
// was typed before it asks).
const hasScript = !windows &&
  (() => {
    try {
      return new Deno.Command("script", { args: ["--version"] }).outputSync().success;
    } catch {
      return false;
    }
  })();

for (const [answer, works] of [["y", true], ["n", false]] as const) {
  Deno.test(
    `Answering "${answer}" at Deno's ffi prompt ${
      works ? "loads pysocket" : "gives the one-line error"
    }`,
    {
      ignore: !hasScript, // script(1) is util-linux's; CI's Debian has it
    },
    async () => {
      const command = `${JSON.stringify(Deno.execPath())} run --allow-read ${programFile()}`;
      const child = new Deno.Command("script", {
        args: ["-qfec", command, "/dev/null"],
        stdin: "piped",
        stdout: "piped",
        stderr: "null",
        env: { NO_COLOR: "1" },
      }).spawn();
      const writer = child.stdin.getWriter();
      let seen = "";
      let answered = false;
      // Deno may flush the terminal's input right after it draws the prompt, so
      // the answer is typed again every 200 ms until Deno says what it decided.
      const typing = setInterval(() => {
        if (answered || !seen.includes("Allow?")) return;
        writer.write(new TextEncoder().encode(`${answer}\n`)).catch(() => {});
      }, 200);
      const timer = setTimeout(() => child.kill(), 30_000);
      for await (const chunk of child.stdout) {
        seen += decoder.decode(chunk);
        answered ||= /(Granted|Denied) ffi access/.test(seen);
      }
      clearInterval(typing);
      clearTimeout(timer);
      await writer.close().catch(() => {});
      const status = await child.status;
      assert.ok(answered, seen);
      if (works) {
        assert.equal(status.code, 0, seen);
        assert.match(seen, /^loaded\r?$/m);
      } else {
        assert.equal(status.code, 1, seen);
        assert.match(
          seen,
          /Error: pysocket calls the system's socket library through FFI: run Deno with --allow-ffi/,
        );
        assert.doesNotMatch(seen, /Could not open library|^ {4}at /m);
      }
    },
  );
}
