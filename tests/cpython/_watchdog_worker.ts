/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />
// The watchdog of one threaded test: if both halves have not finished within
// the given seconds, it shuts down every socket the test listed, so that a
// call blocked on one (accept, recv, send) returns on either thread, and
// marks the test as timed out.

import { native } from "../../ffi/mod.ts";
import { SHUT_RDWR } from "../../mod.ts";
import { layout } from "./_threaded.ts";

self.onmessage = (e: MessageEvent<{ sab: SharedArrayBuffer; seconds: number }>) => {
  const cells = new Int32Array(e.data.sab);
  setTimeout(() => {
    if (Atomics.load(cells, layout.FINISHED) === 1) return;
    Atomics.store(cells, layout.FIRED, 1);
    for (let i = layout.FDS; i < layout.FDS + layout.NFDS; i++) {
      const v = Atomics.load(cells, i);
      if (v > 0) native.shutdown(v - 1, SHUT_RDWR);
    }
  }, e.data.seconds * 1000);
};
