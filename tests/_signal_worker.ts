/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />
// Worker for the EINTR test: interrupts the main thread with SIGUSR1 through
// tgkill (so the signal lands on that thread), then writes to a descriptor.
const libc = Deno.dlopen("libc.so.6", {
  tgkill: { parameters: ["i32", "i32", "i32"], result: "i32" },
  write: { parameters: ["i32", "buffer", "usize"], result: "isize" },
});
const SIGUSR1 = 10;

self.onmessage = async (
  e: MessageEvent<{ pid: number; tid: number; fd: number; signals: number }>,
) => {
  const { pid, tid, fd, signals } = e.data;
  for (let i = 0; i < signals; i++) {
    await new Promise((r) => setTimeout(r, 50));
    libc.symbols.tgkill(pid, tid, SIGUSR1);
  }
  await new Promise((r) => setTimeout(r, 50));
  libc.symbols.write(fd, new TextEncoder().encode("after signals"), 13n);
  self.postMessage("done");
};
