// Web streams over a stream socket, on the reactor's async path, so pysocket
// sockets plug into pipeTo, TextDecoderStream and friends.

import { native } from "../ffi/mod.ts";
import { sock_recv_into, sock_sendall } from "./async.ts";
import type { Socket } from "./socket.ts";

const { SHUT_RD, SHUT_WR } = native.constants;

/**
 * A readable byte stream of what the peer sends: BYOB-capable, ending when
 * the peer shuts down its side. Cancelling it stops the pending read and
 * shuts down the reading side.
 */
export function readableOf(sock: Socket): ReadableStream<Uint8Array> {
  const stop = new AbortController();
  return new ReadableStream({
    type: "bytes",
    autoAllocateChunkSize: 65536,
    async pull(controller) {
      // With autoAllocateChunkSize a BYOB request is always there.
      const request = controller.byobRequest!;
      const view = request.view!;
      const n = await sock_recv_into(sock, view, { signal: stop.signal });
      if (n === 0) {
        controller.close();
        request.respond(0);
      } else {
        request.respond(n);
      }
    },
    cancel() {
      stop.abort();
      try {
        sock.shutdown(SHUT_RD);
      } catch {
        // already closed or not connected: nothing more to stop
      }
    },
  });
}

/**
 * A writable stream that sends each chunk in full; closing it shuts down
 * the writing side, so the peer reads the end of the stream.
 */
export function writableOf(sock: Socket): WritableStream<Uint8Array | string> {
  const stop = new AbortController();
  return new WritableStream({
    async write(chunk) {
      await sock_sendall(sock, chunk, { signal: stop.signal });
    },
    close() {
      sock.shutdown(SHUT_WR);
    },
    abort() {
      stop.abort();
    },
  });
}
