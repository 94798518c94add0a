// Web streams over a stream socket, on the reactor's async path, so pysocket
// sockets plug into pipeTo, TextDecoderStream and friends.

import { native } from "../../ffi/mod.ts";
import { sock_recv, sock_recv_into, sock_sendall } from "./sock.ts";
import type { Socket } from "../socket.ts";
import { transferable } from "../_received.ts";

const { SHUT_RD, SHUT_WR } = native.constants;

/**
 * A readable byte stream of what the peer sends: BYOB-capable, ending when
 * the peer shuts down its side. Cancelling it stops the pending read and
 * shuts down the reading side. A BYOB reader's view is filled in place; a
 * default reader gets chunks of exactly what came, as sock_recv returns them
 * (no 64 KiB buffer allocated per read).
 */
export function readableOf(sock: Socket): ReadableStream<Uint8Array> {
  const stop = new AbortController();
  const options = { signal: stop.signal };
  return new ReadableStream({
    type: "bytes",
    async pull(controller) {
      const request = controller.byobRequest;
      if (request === null) {
        const data = await sock_recv(sock, 65536, options);
        // enqueue() takes the chunk's buffer away: a slab's must stay.
        if (data.length === 0) controller.close();
        else controller.enqueue(transferable(data));
        return;
      }
      const n = await sock_recv_into(sock, request.view!, options);
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
  return new WritableStream({
    // The controller's signal aborts at writer.abort() even while a write is
    // in flight; the sink's abort() comes only after that write settles, so
    // a write waiting on a peer that does not read would have held both.
    async write(chunk, controller) {
      await sock_sendall(sock, chunk, { signal: controller.signal });
    },
    close() {
      sock.shutdown(SHUT_WR);
    },
  });
}
