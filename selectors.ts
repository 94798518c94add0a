/**
 * Python's `selectors` module for Deno, on pysocket's sockets: register
 * sockets (or anything with `fileno()`) for reading and writing, and wait
 * until some are ready.
 *
 * ```ts
 * import * as selectors from "@pysocket/pysocket/selectors";
 * import * as socket from "@pysocket/pysocket";
 *
 * const [a, b] = socket.socketpair();
 * using sel = new selectors.DefaultSelector();
 * sel.register(a, selectors.EVENT_READ, "a");
 * b.send("ping");
 * for (const [key, events] of sel.select(1)) console.log(key.data, events); // "a" 1
 * a.close();
 * b.close();
 * ```
 *
 * @module
 */

export {
  BaseSelector,
  DefaultSelector,
  EpollSelector,
  EVENT_READ,
  EVENT_WRITE,
  KeyError,
  PollSelector,
  type SelectorKey,
  type SelectorMapping,
  SelectSelector,
} from "./lib/selectors.ts";
