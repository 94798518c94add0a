// The module must work when imported by URL: serve this checkout over HTTP on
// 127.0.0.1 and run a program that imports mod.ts from there.
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { decoder } from "./_helpers.ts";

const root = fileURLToPath(new URL("..", import.meta.url));

Deno.test("mod.ts works when imported by URL from a local HTTP server", async () => {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const path = decodeURIComponent(new URL(req.url).pathname);
    if (path.includes("..")) return new Response("no", { status: 403 });
    try {
      const body = Deno.readFileSync(join(root, path));
      return new Response(body, { headers: { "content-type": "application/typescript" } });
    } catch {
      return new Response("not found", { status: 404 });
    }
  });
  try {
    const origin = `http://127.0.0.1:${server.addr.port}`;
    const program = `
import * as socket from "${origin}/mod.ts";
const [a, b] = socket.socketpair();
a.sendall("over a URL import");
console.log(new TextDecoder().decode(b.recv(100)), socket.AF_INET6);
a.close();
b.close();
`;
    const dir = Deno.makeTempDirSync();
    const file = join(dir, "main.ts");
    Deno.writeTextFileSync(file, program);
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--reload",
        "--no-lock",
        "--allow-ffi",
        `--allow-import=127.0.0.1:${server.addr.port}`,
        file,
      ],
      cwd: dir,
      env: { DENO_DIR: join(dir, "cache"), NO_COLOR: "1" },
    }).output();
    assert.equal(out.code, 0, decoder.decode(out.stderr));
    assert.equal(decoder.decode(out.stdout).trim(), "over a URL import 10");
  } finally {
    await server.shutdown();
  }
});
