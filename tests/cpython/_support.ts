// What CPython's test_socket.py takes from test.support and socket_helper,
// in pysocket's terms: the hosts, the message, bind_port, find_unused_port,
// and Python's str() of the values its assertions print.

import assert from "node:assert/strict";
import * as socket from "../../mod.ts";
import { openFds } from "../_helpers.ts";

/** socket_helper.HOST and HOSTv6. */
export const HOST = "127.0.0.1";
export const HOSTv6 = "::1";

/** test_socket.MSG: a unicode string and a carriage return, as UTF-8. */
export const MSG: Uint8Array = new TextEncoder().encode("Michael Gilfix was here\u1234\r\n");

/** support.LOOPBACK_TIMEOUT: seconds a loopback operation may take before a test gives up. */
export const LOOPBACK_TIMEOUT = 10;

/** support.SOCK_MAX_SIZE: 16 MiB, more than any socket buffer takes at once. */
export const SOCK_MAX_SIZE = 16 * 1024 * 1024;

/** _testcapi's limits, which some tests import. */
export const INT_MAX = 2 ** 31 - 1;
export const INT_MIN = -(2 ** 31);
export const UINT_MAX = 2 ** 32 - 1;

/**
 * socket_helper.bind_port: binds to (host, 0) and returns the port, refusing
 * a TCP socket that has SO_REUSEADDR or SO_REUSEPORT set, as CPython does.
 */
export function bind_port(sock: socket.Socket, host = HOST): number {
  if (sock.family === socket.AF_INET && sock.type === socket.SOCK_STREAM) {
    if (sock.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR) === 1) {
      throw new Error("tests should never set the SO_REUSEADDR socket option on TCP/IP sockets!");
    }
    if (socket.SO_REUSEPORT !== undefined) {
      let reuse = 0;
      try {
        reuse = sock.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT) as number;
      } catch (e) {
        if (!(e instanceof socket.OSError)) throw e; // Python ignores OSError here
      }
      if (reuse === 1) {
        throw new Error(
          "tests should never set the SO_REUSEPORT socket option on TCP/IP sockets!",
        );
      }
    }
    if (socket.SO_EXCLUSIVEADDRUSE !== undefined) {
      sock.setsockopt(socket.SOL_SOCKET, socket.SO_EXCLUSIVEADDRUSE, 1);
    }
  }
  sock.bind([host, 0]);
  return (sock.getsockname() as [string, number])[1];
}

/** socket_helper.find_unused_port: a port that was free a moment ago. */
export function find_unused_port(
  family: number = socket.AF_INET,
  socktype: number = socket.SOCK_STREAM,
): number {
  using tempsock = socket.socket(family, socktype);
  return bind_port(tempsock);
}

/** Python's str() of an address or other tuple: `('127.0.0.1', 80)`. */
export function pyStr(v: unknown): string {
  if (typeof v === "string") return `'${v}'`;
  if (Array.isArray(v)) {
    const items = v.map(pyStr);
    return items.length === 1 ? `(${items[0]},)` : `(${items.join(", ")})`;
  }
  return String(v);
}

/** Bytes from text, as a Python b'' literal of ASCII is. */
export function b(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

/** assertEqual for bytes: same length and the same bytes, whatever buffer they are views of. */
export function assertBytes(actual: unknown, expected: Uint8Array, message?: string): void {
  assert.ok(actual instanceof Uint8Array, message ?? `expected bytes, got ${Deno.inspect(actual)}`);
  assert.deepEqual([...actual], [...expected], message);
}

/** Python's b"".join(): the bytes one after another. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.byteLength;
  }
  return out;
}

/**
 * assertRaises with a tuple of classes: `fn` must throw an instance of one of
 * them. Returns what was thrown, as `cm.exception`.
 */
export function assertRaises(
  classes: (abstract new (...args: never[]) => unknown)[],
  fn: () => unknown,
  message?: string,
): Error {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  if (thrown === undefined) {
    assert.fail(message ?? `did not raise ${classes.map((c) => c.name).join(" or ")}`);
  }
  assert.ok(
    classes.some((c) => thrown instanceof c),
    `${message ?? "wrong exception"}: ${Deno.inspect(thrown)} is not ${
      classes.map((c) => c.name).join(" or ")
    }`,
  );
  return thrown as Error;
}

/** A temporary AF_UNIX path (socket_helper.create_unix_domain_name), and its removal. */
export function unixName(): { path: string; [Symbol.dispose](): void } {
  const dir = Deno.makeTempDirSync({ prefix: "pysocket-cpython-" });
  const path = `${dir}/sock`;
  return {
    path,
    [Symbol.dispose]() {
      Deno.removeSync(dir, { recursive: true });
    },
  };
}

/**
 * The process's open descriptors once the count holds still: Deno ends a
 * terminated worker's thread (and its descriptors) a little later, so a
 * count taken right after a threaded test may still include them. Bounded:
 * at most 2 s.
 */
export async function settledFds(): Promise<number> {
  let last = openFds();
  for (let i = 0; i < 50; i++) {
    await new Promise((r) => setTimeout(r, 40));
    const now = openFds();
    if (now === last) return now;
    last = now;
  }
  return last;
}

/** socket_helper.IPV6_ENABLED: the module has IPv6 and ::1 can be bound. */
export const IPV6_ENABLED: boolean = (() => {
  if (!socket.has_ipv6) return false;
  try {
    using sock = socket.socket(socket.AF_INET6, socket.SOCK_STREAM);
    sock.bind(["::1", 0]);
    return true;
  } catch (e) {
    if (e instanceof socket.OSError) return false;
    throw e;
  }
})();

/** A plain test of CPython's class `cls`, named as unittest names it: `Class.test`. */
export function test(
  cls: string,
  name: string,
  fn: () => void | Promise<void>,
  ignore = false,
): void {
  Deno.test({ name: `${cls}.${name}`, ignore, fn });
}
