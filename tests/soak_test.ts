// A short soak: 150 rounds of everyday work (about 1.5 million socket calls)
// in a process of its own (tests/_soak_child.ts), which reports its memory and
// descriptors after each round.
//
// Bounds, from runs of 1,000 rounds on the test machine: after warming up
// (the JIT, V8's heap, malloc's arenas, and two descriptors Deno opens for
// itself) the descriptor count does not move; the V8 heap after full
// collections grows by about 0.4 KiB a round as V8's own feedback and code
// settle, and the resident set steps up by a few MiB as malloc's arenas settle,
// then stays (97 MiB from round 200 to 1,000). A leak of one small object per
// connection, datagram or call breaks the heap bound; one of a hundred bytes of
// C memory per call breaks the resident bound.
import assert from "node:assert/strict";
import { decoder, windows } from "./_helpers.ts";

const ROUNDS = 150, WARM = 50;
const HEAP_KIB = 512, RSS_MIB = 40;

Deno.test("150 rounds of sockets at work hold their descriptors and memory bounded", {
  ignore: windows, // the child counts descriptors in /proc
}, async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-all",
      "--v8-flags=--expose-gc",
      new URL("./_soak_child.ts", import.meta.url).pathname,
      String(ROUNDS),
    ],
    stderr: "inherit",
  }).output();
  assert.equal(out.code, 0);
  const samples: { rssKiB: number; heapKiB: number; fds: number }[] = JSON.parse(
    decoder.decode(out.stdout),
  );
  assert.equal(samples.length, ROUNDS);
  const warm = samples[WARM], last = samples[ROUNDS - 1];
  const fds = new Set(samples.slice(10).map((s) => s.fds));
  assert.deepEqual([...fds], [warm.fds], "descriptors after round 10");
  const heap = last.heapKiB - warm.heapKiB;
  const rss = (last.rssKiB - warm.rssKiB) / 1024;
  console.log(
    `heap ${warm.heapKiB} → ${last.heapKiB} KiB, resident ${Math.round(warm.rssKiB / 1024)} → ` +
      `${
        Math.round(last.rssKiB / 1024)
      } MiB, ${warm.fds} descriptors (rounds ${WARM} to ${ROUNDS})`,
  );
  assert.ok(heap < HEAP_KIB, `the heap grew ${heap} KiB from round ${WARM} to ${ROUNDS}`);
  assert.ok(rss < RSS_MIB, `the resident set grew ${rss.toFixed(1)} MiB`);
});
