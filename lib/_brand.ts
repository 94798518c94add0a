// Which objects are Sockets, for the layers that know Socket only as a type:
// the async functions and the streams, which Socket itself builds on, test
// their argument here instead of importing the class (no import circle). A
// WeakSet answers only for objects the constructor made, as the private
// fields would.

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
