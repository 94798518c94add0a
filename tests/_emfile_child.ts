// Child process of the EMFILE test, run with a low descriptor limit: it fills
// the descriptor table, then starts the async path, which needs descriptors of
// its own (the poller). Prints what happened, one line per step.
import * as socket from "../mod.ts";

/** Open descriptors, counted without opening one (readdir would need one). */
function count(): number {
  let n = 0;
  for (let fd = 0; fd < 1024; fd++) {
    try {
      Deno.readLinkSync(`/proc/self/fd/${fd}`);
      n++;
    } catch {
      // not open
    }
  }
  return n;
}
const [a, b] = socket.socketpair();
a.setblocking(false);
b.setblocking(false);
const filler: socket.Socket[] = [];
try {
  for (;;) filler.push(socket.socket());
} catch (e) {
  const name = (e as socket.OSError).errno === socket.errno.EMFILE ? "EMFILE" : "?";
  console.log("full:", (e as Error).name, name);
}
/** A receive that would block, so the reactor must start: what it gives, and the descriptors it kept. */
async function tryAsync(label: string): Promise<void> {
  const before = count();
  try {
    await socket.sock_recv(a, 10);
    console.log("no error");
  } catch (e) {
    const name = (e as socket.OSError).errno === socket.errno.EMFILE ? "EMFILE" : "?";
    console.log(`${label}:`, (e as Error).name, name);
  }
  console.log("descriptors kept:", count() - before);
}
await tryAsync("async at EMFILE");
// Room for one: the poller's first descriptor, not its second.
filler.pop()!.close();
await tryAsync("async with one free");
// Room again: the async path starts this time.
for (const s of filler.splice(0, 10)) s.close();
setTimeout(() => b.send("x"), 10);
console.log("after room:", new TextDecoder().decode(await socket.sock_recv(a, 10)));
for (const s of filler) s.close();
a.close();
b.close();
Deno.exit(0);
