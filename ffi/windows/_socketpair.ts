// socketpair() for Windows, which has none: a loopback TCP connection, as
// Python's socket.py builds it.

import { constants } from "./constants.ts";
import { errnos } from "./errno.ts";
import { HANDLE_FLAG_INHERIT } from "./_structs.ts";
import type { Winsock } from "./_winsock.ts";

/** socketpair() on the libraries `w`. */
export function socketpairOf(
  { ws, k32, check, handle, win32, fail, newSocket }: Winsock,
): (family: number, type: number, proto: number, fds: Int32Array) => number {
  /** socketpair for Windows, as Python's socket.py does it: a loopback TCP connection. */
  return function socketpair(family: number, type: number, proto: number, fds: Int32Array): number {
    const inet6 = family === constants.AF_INET6;
    if (!inet6 && family !== constants.AF_INET) return fail(errnos.EAFNOSUPPORT);
    if (type !== constants.SOCK_STREAM) return fail(errnos.EOPNOTSUPP);
    const sa = new Uint8Array(inet6 ? 28 : 16);
    const dv = new DataView(sa.buffer);
    dv.setUint16(0, family, true);
    if (inet6) sa[23] = 1; // ::1
    else sa.set([127, 0, 0, 1], 4);
    const len = new Int32Array([sa.length]);
    const lsock = newSocket(family, type, proto, null);
    if (lsock < 0) return -1;
    let csock = -1;
    try {
      if (
        check(ws.bind(BigInt(lsock), sa, sa.length)) < 0 ||
        check(ws.listen(BigInt(lsock), 1)) < 0 ||
        check(ws.getsockname(BigInt(lsock), sa, new Uint8Array(len.buffer))) < 0
      ) return -1;
      csock = newSocket(family, type, proto, null);
      if (csock < 0 || check(ws.connect(BigInt(csock), sa, sa.length)) < 0) return -1;
      const peer = new Uint8Array(sa.length);
      const plen = new Int32Array([peer.length]);
      const ssock = handle(ws.accept(BigInt(lsock), peer, new Uint8Array(plen.buffer)));
      if (ssock < 0) return -1;
      // The accepted peer must be our own client, not someone racing to the port.
      const mine = new Uint8Array(sa.length);
      const mlen = new Int32Array([mine.length]);
      check(ws.getsockname(BigInt(csock), mine, new Uint8Array(mlen.buffer)));
      if (peer.some((b, i) => b !== mine[i])) {
        ws.closesocket(BigInt(ssock));
        return fail(errnos.ECONNABORTED);
      }
      win32(k32.SetHandleInformation(BigInt(ssock), HANDLE_FLAG_INHERIT, 0));
      fds[0] = ssock;
      fds[1] = csock;
      csock = -1;
      return 0;
    } finally {
      ws.closesocket(BigInt(lsock));
      if (csock >= 0) ws.closesocket(BigInt(csock));
    }
  };
}
