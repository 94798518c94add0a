// The POSIX platforms' facts and the struct coding that depends on them,
// as pure functions of a platform, so that every platform's layouts can be
// tested byte for byte on any machine. Pointers are passed in as bigints.

import { darwin as darwinLayout, type Layout, linux as linuxLayout } from "../layout.ts";
import type { Cmsg, SysValues } from "../native.ts";
import type { AddrinfoLayout, HostentLayout } from "../_c_data.ts";
import { constants as linuxConstants, strings as linuxStrings } from "./constants_linux.ts";
import { errnos as linuxErrnos } from "./errno_linux.ts";
import {
  constants as darwinConstants,
  strings as darwinStrings,
  system as darwinSystem,
} from "./constants_darwin.ts";
import { errnos as darwinErrnos } from "./errno_darwin.ts";

/** Facts about one POSIX platform that the backend needs. */
export interface Platform {
  os: "linux" | "darwin";
  library: string;
  layout: Layout;
  constants: Readonly<Record<string, number>>;
  strings: Readonly<Record<string, string>>;
  errnos: Readonly<Record<string, number>>;
  sys: SysValues;
  O_CLOEXEC: number;
  F_DUPFD_CLOEXEC: number;
  FIONBIO: number;
  /** SO_NOSIGPIPE, set on every new socket where sockets raise SIGPIPE; 0 if not needed. */
  SO_NOSIGPIPE: number;
  /** struct addrinfo offsets. */
  ai: AddrinfoLayout;
  /** struct hostent offsets. */
  hostent: HostentLayout;
  /** struct servent: s_name and s_port (an int holding the port in network order). */
  servent: { name: number; port: number };
  /** struct protoent: p_proto. */
  protoent: { proto: number };
  /** struct if_nameindex, an array ended by index 0: its size and fields. */
  ifNameindex: { size: number; index: number; name: number };
  /** struct msghdr offsets and the width of its size fields. */
  msg: {
    size: number;
    namelen: number;
    iov: number;
    iovlen: number;
    control: number;
    controllen: number;
    flags: number;
    /** size_t (8-byte) msg_iovlen, msg_controllen and cmsg_len, or 4-byte ones. */
    wide: boolean;
  };
}

const POLL = { POLLIN: 1, POLLPRI: 2, POLLOUT: 4, POLLERR: 8, POLLHUP: 16, POLLNVAL: 32 };

/** Linux with glibc (x86_64 and arm64). */
export const linux: Platform = {
  os: "linux",
  library: "libc.so.6",
  layout: linuxLayout,
  constants: linuxConstants,
  strings: linuxStrings,
  errnos: linuxErrnos,
  sys: {
    ...POLL,
    SOCK_NONBLOCK: 0o4000,
    SOCK_CLOEXEC: 0o2000000,
    cmsgHeader: 16,
    cmsgAlign: 8,
  },
  O_CLOEXEC: 0o2000000,
  F_DUPFD_CLOEXEC: 1030,
  FIONBIO: 0x5421,
  SO_NOSIGPIPE: 0,
  ai: { addrlen: 16, addr: 24, canonname: 32, next: 40, size: 48 },
  hostent: { aliases: 8, addrtype: 16, length: 20, addrList: 24, intSize: 4 },
  servent: { name: 0, port: 16 },
  protoent: { proto: 16 },
  ifNameindex: { size: 16, index: 0, name: 8 },
  msg: {
    size: 56,
    namelen: 8,
    iov: 16,
    iovlen: 24,
    control: 32,
    controllen: 40,
    flags: 48,
    wide: true,
  },
};

/** macOS (x86_64 and arm64): tools/reference/darwin/darwin-layouts.md. */
export const darwin: Platform = {
  os: "darwin",
  library: "/usr/lib/libSystem.B.dylib",
  layout: darwinLayout,
  constants: darwinConstants,
  strings: darwinStrings,
  errnos: darwinErrnos,
  sys: { ...POLL, SOCK_NONBLOCK: 0, SOCK_CLOEXEC: 0, cmsgHeader: 12, cmsgAlign: 4 },
  O_CLOEXEC: darwinSystem.O_CLOEXEC,
  F_DUPFD_CLOEXEC: darwinSystem.F_DUPFD_CLOEXEC,
  FIONBIO: darwinSystem.FIONBIO,
  SO_NOSIGPIPE: darwinSystem.SO_NOSIGPIPE,
  ai: { addrlen: 16, canonname: 24, addr: 32, next: 40, size: 48 },
  hostent: { aliases: 8, addrtype: 16, length: 20, addrList: 24, intSize: 4 },
  servent: { name: 0, port: 16 },
  protoent: { proto: 16 },
  ifNameindex: { size: 16, index: 0, name: 8 },
  msg: {
    size: 48,
    namelen: 8,
    iov: 16,
    iovlen: 24,
    control: 32,
    controllen: 40,
    flags: 44,
    wide: false,
  },
};

function setSize(p: Platform, dv: DataView, off: number, n: number): void {
  if (p.msg.wide) dv.setBigUint64(off, BigInt(n), true);
  else dv.setUint32(off, n, true);
}

function getSize(p: Platform, dv: DataView, off: number): number {
  return p.msg.wide ? Number(dv.getBigUint64(off, true)) : dv.getUint32(off, true);
}

/** Rounds up to the platform's cmsg alignment (CMSG_ALIGN). */
export function cmsgAlign(p: Platform, n: number): number {
  const a = p.sys.cmsgAlign;
  return (n + a - 1) & ~(a - 1);
}

/** The fields of a struct msghdr; pointers as addresses. */
export interface MsgFields {
  name: bigint;
  namelen: number;
  iov: bigint;
  iovlen: number;
  control: bigint;
  controllen: number;
}

/** Codes a struct msghdr. */
export function encodeMsghdr(p: Platform, f: MsgFields): Uint8Array {
  const m = p.msg;
  const msg = new Uint8Array(m.size);
  const dv = new DataView(msg.buffer);
  dv.setBigUint64(0, f.name, true);
  dv.setUint32(m.namelen, f.namelen, true);
  dv.setBigUint64(m.iov, f.iov, true);
  setSize(p, dv, m.iovlen, f.iovlen);
  dv.setBigUint64(m.control, f.control, true);
  setSize(p, dv, m.controllen, f.controllen);
  return msg;
}

/** What recvmsg wrote back into a struct msghdr. */
export function decodeMsghdr(
  p: Platform,
  msg: Uint8Array,
): { namelen: number; controllen: number; flags: number } {
  const dv = new DataView(msg.buffer, msg.byteOffset, msg.byteLength);
  return {
    namelen: dv.getUint32(p.msg.namelen, true),
    controllen: getSize(p, dv, p.msg.controllen),
    flags: dv.getInt32(p.msg.flags, true),
  };
}

/** Codes ancillary data as a control buffer of cmsghdrs (CMSG_SPACE each). */
export function encodeCmsgs(p: Platform, cmsgs: Cmsg[]): Uint8Array {
  const hdr = p.sys.cmsgHeader;
  let size = 0;
  for (const [, , data] of cmsgs) size += cmsgAlign(p, hdr + data.byteLength);
  const control = new Uint8Array(size);
  const dv = new DataView(control.buffer);
  let off = 0;
  for (const [level, type, data] of cmsgs) {
    setSize(p, dv, off, hdr + data.byteLength);
    dv.setInt32(off + hdr - 8, level, true);
    dv.setInt32(off + hdr - 4, type, true);
    control.set(data, off + hdr);
    off += cmsgAlign(p, hdr + data.byteLength);
  }
  return control;
}

/** Reads the cmsghdrs in the first `length` bytes of a control buffer (CMSG_NXTHDR). */
export function decodeCmsgs(p: Platform, control: Uint8Array, length: number): Cmsg[] {
  const hdr = p.sys.cmsgHeader;
  const dv = new DataView(control.buffer, control.byteOffset, control.byteLength);
  const out: Cmsg[] = [];
  for (let off = 0; off + hdr <= length;) {
    const len = getSize(p, dv, off);
    if (len < hdr) break;
    const level = dv.getInt32(off + hdr - 8, true);
    const type = dv.getInt32(off + hdr - 4, true);
    out.push([level, type, control.slice(off + hdr, Math.min(off + len, length))]);
    off += cmsgAlign(p, len);
  }
  return out;
}

/**
 * A poller's timeout: `us` microseconds as a struct timespec (two 64-bit
 * fields on 64-bit systems), rewritten only when it changes, since the
 * reactor polls with the same few values and BigInts allocate.
 */
export function timeoutSpec(): (us: number) => Uint8Array {
  const ts = new BigInt64Array(2);
  const bytes = new Uint8Array(ts.buffer);
  let last = -1;
  return (us) => {
    if (us !== last) {
      ts[0] = BigInt(Math.floor(us / 1e6));
      ts[1] = BigInt(Math.round(us % 1e6) * 1000);
      last = us;
    }
    return bytes;
  };
}

/** struct kevent on macOS (x86_64 and arm64; packed to 4, but every field is naturally placed). */
export const kevent = { size: 32, ident: 0, filter: 8, flags: 10, fflags: 12, data: 16, udata: 24 };

/** kqueue's values (bsd/sys/event.h). */
export const KQ = {
  EVFILT_READ: -1,
  EVFILT_WRITE: -2,
  EVFILT_USER: -10,
  EV_ADD: 0x1,
  EV_DELETE: 0x2,
  EV_CLEAR: 0x20,
  EV_ERROR: 0x4000,
  EV_EOF: 0x8000,
  NOTE_TRIGGER: 0x01000000,
} as const;

/** One kevent change or event. */
export interface Kevent {
  ident: number;
  filter: number;
  flags: number;
  fflags: number;
}

/** Writes kevent `i` of `list`; data and udata stay zero. */
export function encodeKevent(list: DataView, i: number, ev: Kevent): void {
  const at = i * kevent.size;
  list.setBigUint64(at + kevent.ident, BigInt(ev.ident), true);
  list.setInt16(at + kevent.filter, ev.filter, true);
  list.setUint16(at + kevent.flags, ev.flags, true);
  list.setUint32(at + kevent.fflags, ev.fflags, true);
  list.setBigInt64(at + kevent.data, 0n, true);
  list.setBigUint64(at + kevent.udata, 0n, true);
}

/** Reads kevent `i` of `list`. */
export function decodeKevent(list: DataView, i: number): Kevent {
  const at = i * kevent.size;
  return {
    ident: Number(list.getBigUint64(at + kevent.ident, true)),
    filter: list.getInt16(at + kevent.filter, true),
    flags: list.getUint16(at + kevent.flags, true),
    fflags: list.getUint32(at + kevent.fflags, true),
  };
}
