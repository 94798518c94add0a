// Which objects are Sockets, for the layers that know Socket only as a type:
// the async functions and the streams, which Socket itself builds on, test
// their argument here instead of importing the class (no import circle). A
// WeakSet answers only for objects the constructor made, as the private
// fields would.

import type { Address } from "./address.ts";
import type { Socket } from "./socket.ts";

const sockets = new WeakSet<object>();

/** Marks a new Socket; its constructor calls this. */
export function brand(sock: Socket): void {
  sockets.add(sock);
}

/** Whether `v` is a Socket its constructor made. */
export function isSocket(v: unknown): v is Socket {
  return typeof v === "object" && v !== null && sockets.has(v);
}

/**
 * The quiet first tries the async layer makes, which Socket's static block
 * fills in (private access without a public method): recv() and recvfrom()
 * with flags 0, or null when the call failed, errno saying why. They retry
 * nothing and make no exception, so a try that would block costs the call
 * alone; a bad argument throws as the method does.
 */
export const quiet = {
  recv(_sock: Socket, _bufsize: number): Uint8Array | null {
    throw new Error("socket.ts is not loaded");
  },
  recvfrom(_sock: Socket, _bufsize: number): [Uint8Array, Address | null] | null {
    throw new Error("socket.ts is not loaded");
  },
};
