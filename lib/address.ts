// Python address tuples <-> sockaddr bytes.
//
// The codec is a pure function of a platform's layout and constants plus a
// resolver for host names, so every platform's coding can be tested anywhere.

import { native } from "../ffi/mod.ts";
import type { Layout } from "../ffi/layout.ts";
import { pyType, toBuffer, toInt, toUInt32Mask } from "./_args.ts";
import { gaiError, OSError } from "./errors.ts";
import { decodeText, encodeText } from "./_codecs.ts";
import {
  type AlgAddress,
  type BluetoothAddress,
  type CanAddress,
  decodeFamily,
  encodeFamily,
  type FamilyNumbers,
  type QipcrtrAddress,
  type TipcAddress,
  type VsockAddress,
} from "./_families.ts";

export type { AlgAddress, BluetoothAddress, CanAddress, QipcrtrAddress, TipcAddress, VsockAddress };

/** An AF_INET address: `[host, port]`. */
export type Inet4Address = [host: string, port: number];
/** An AF_INET6 address: `[host, port, flowinfo, scope_id]` (the last two optional when passed). */
export type Inet6Address =
  | [host: string, port: number]
  | [host: string, port: number, flowinfo: number]
  | [host: string, port: number, flowinfo: number, scope_id: number];
/**
 * An AF_INET6 address as the OS reports it (`getsockname()`, `recvfrom()`,
 * `accept()`, `getaddrinfo()`): all four fields.
 */
export type Inet6FullAddress = [host: string, port: number, flowinfo: number, scope_id: number];
/** An address of either IP family, as the OS reports it: what `create_connection()` and `getaddrinfo()` give. */
export type InetAddress = Inet4Address | Inet6FullAddress;
/** An AF_UNIX address: a path, or (Linux) an abstract name as bytes; `""` for an unbound socket. */
export type UnixAddress = string | Uint8Array;
/** An AF_PACKET address: `[ifname, proto, pkttype?, hatype?, addr?]`. */
export type PacketAddress =
  | [ifname: string, proto: number]
  | [ifname: string, proto: number, pkttype: number]
  | [ifname: string, proto: number, pkttype: number, hatype: number]
  | [ifname: string, proto: number, pkttype: number, hatype: number, addr: Uint8Array];
/** An AF_NETLINK address: `[pid, groups]`. */
export type NetlinkAddress = [pid: number, groups: number];
/**
 * A socket address as Python spells it: a tuple (array) for the IP families,
 * a path string (or Linux abstract name bytes) for AF_UNIX.
 */
export type Address =
  | Inet4Address
  | Inet6Address
  | PacketAddress
  | NetlinkAddress
  | CanAddress
  | AlgAddress
  | VsockAddress
  | TipcAddress
  | QipcrtrAddress
  | BluetoothAddress
  | string
  | Uint8Array
  | [family: number, data: Uint8Array];

/**
 * An address family number that also names, for the type checker only, the
 * address type of its sockets: `AF_INET` is a `Family<Inet4Address>`, so
 * `socket(AF_INET)` is a `Socket<Inet4Address>` whose `getsockname()` is a
 * `[host, port]`. At run time it is a plain number, and any number is a
 * `Family<Address>`: a family known only at run time gives the wide
 * {@link Address}.
 */
export type Family<A extends Address = Address> = number & { readonly addressType?: A };

/**
 * A socket type number that also tells the type checker, for `Socket`'s
 * `recvfrom()`, whether the socket receives datagrams: `SOCK_DGRAM` is a
 * `Kind<true>`, `SOCK_STREAM` a `Kind<false>`; any other number a
 * `Kind<boolean>`. At run time it is a plain number.
 */
export type Kind<Datagram extends boolean = boolean> = number & { readonly datagram?: Datagram };

/**
 * The address type a family number's type names: `Inet4Address` for
 * `typeof AF_INET`, the union for a union (`AF_INET6` or `AF_INET`), and
 * `Otherwise` (by default the wide {@link Address}) for a plain `number`.
 */
export type AddressOf<F, Otherwise extends Address = Address> = F extends
  Family<infer A extends Address> ? (Address extends A ? Otherwise : A) : Otherwise;

/**
 * Whether a socket type number's type says datagrams: `true` for
 * `typeof SOCK_DGRAM`, `false` for `typeof SOCK_STREAM`, `boolean` for a
 * plain `number` (see {@link Kind}).
 */
export type DatagramOf<T> = T extends Kind<infer D extends boolean>
  ? (boolean extends D ? boolean : D)
  : boolean;

/**
 * What `recvfrom()` gives as the sender on a socket of address type `A`:
 * always an address for an IP datagram socket (`Kind<true>`), else an address
 * or `null` (a stream socket has none to give; an unbound AF_UNIX sender
 * neither).
 */
export type Sender<A extends Address = Address, Datagram extends boolean = boolean> =
  Datagram extends true ? ([A] extends [InetAddress] ? A : A | null) : A | null;

/** The address families a codec tells apart; NaN for one the platform lacks. */
interface Families {
  unspec: number;
  inet: number;
  inet6: number;
  unix: number;
  packet: number;
  netlink: number;
  rds: number;
}

/** What the codec needs from the resolver and the interface table. */
export interface HostResolver {
  inet_pton(family: number, text: string): Uint8Array | null;
  inet_ntop(family: number, bytes: Uint8Array): string | null;
  /** First address for a host name in a family, as raw sockaddr bytes, or an EAI code. */
  resolve(host: string, family: number): Uint8Array | number;
  if_nametoindex(name: string): number;
  if_indextoname(index: number): string | null;
  /** macOS: the id of the kernel control a struct ctl_info request names, or -1. */
  ctl_id?(request: Uint8Array): number;
}

/** struct sockaddr_in6's fields, at the same offsets on every supported OS. */
export const SIN6 = { port: 2, flowinfo: 4, addr: 8, scopeId: 24 } as const;

const decoder = new TextDecoder();

// Python's "idna" codec (IDNA 2003), as far as a name can fail it.
const DOTS = /[.\u3002\uff0e\uff61]/;
// Nameprep's table B.1: characters mapped to nothing.
const MAPPED_TO_NOTHING =
  /[\u00ad\u034f\u1806\u180b-\u180d\u200b-\u200d\u2060\ufe00-\ufe0f\ufeff]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
// deno-lint-ignore no-control-regex
const ASCII = /^[\x00-\x7f]*$/;

function idnaError(why: string): RangeError {
  // Python's UnicodeError, a ValueError.
  return new RangeError(`encoding with 'idna' codec failed (UnicodeError: ${why})`);
}

/** One label, as the codec's ToASCII makes it. */
function labelToAscii(label: string): string {
  if (!ASCII.test(label)) {
    const lone = label.match(LONE_SURROGATE);
    if (lone) {
      throw idnaError(`Invalid character '\\u${lone[0].charCodeAt(0).toString(16)}'`);
    }
    label = label.replace(MAPPED_TO_NOTHING, "").normalize("NFKC").toLowerCase();
    if (!ASCII.test(label)) {
      try {
        label = new URL(`http://${label}/`).hostname;
      } catch {
        // not for URLs: the resolver gets it as it is, and finds nothing
      }
    }
  }
  if (label.length === 0 || label.length >= 64) throw idnaError("label empty or too long");
  return label;
}

/**
 * Host text as Python's "idna" codec encodes it: ASCII as it is, once its
 * labels are checked; other names label by label as punycode. Throws
 * Python's UnicodeError (a RangeError) for an empty or over-long label or an
 * invalid character.
 */
export function idna(host: string): string {
  if (host === "") return host;
  if (ASCII.test(host)) {
    const labels = host.split(".");
    const last = labels.pop()!;
    for (const label of labels) {
      if (label.length === 0 || label.length >= 64) throw idnaError("label empty or too long");
    }
    if (last.length >= 64) throw idnaError("label too long");
    return host;
  }
  const labels = host.split(DOTS);
  const trailing = labels[labels.length - 1] === "" ? "." : "";
  if (trailing) labels.pop();
  return labels.map(labelToAscii).join(".") + trailing;
}

/** Codes and decodes socket addresses for one platform. */
export class AddressCodec {
  readonly #layout: Layout;
  // The families, copied out of the constant table: that table is a
  // dictionary (hundreds of names), and every encode and decode asks.
  readonly #families: Families;
  // Linux's other families and the protocols their addresses depend on.
  readonly #otherFamilies: FamilyNumbers;
  readonly #resolver: HostResolver;
  // The last host text and its bytes, per family: repeated sendto()s skip parsing.
  #lastHost = ["", ""];
  #lastBytes: [Uint8Array, Uint8Array] = [new Uint8Array(4), new Uint8Array(16)];
  // The last IPv4 host decoded (as a 32-bit number) and its text: a server
  // answering one peer after another decodes the same few hosts again and
  // again, and the same string object also makes hostBytes' cache check cheap.
  #lastV4 = -1;
  #lastV4Text = "";
  // The same for IPv6, whose text takes a call to inet_ntop; it starts as ::.
  #lastV6 = new Uint8Array(16);
  #lastV6Text = "::";

  /**
   * @param layout the platform's sockaddr layout
   * @param constants the platform's constant table
   * @param resolver host name lookups
   */
  constructor(
    layout: Layout,
    constants: Readonly<Record<string, number | undefined>>,
    resolver: HostResolver,
  ) {
    this.#layout = layout;
    this.#families = {
      unspec: constants.AF_UNSPEC ?? 0,
      inet: constants.AF_INET!,
      inet6: constants.AF_INET6!,
      unix: constants.AF_UNIX ?? NaN,
      packet: constants.AF_PACKET ?? NaN,
      netlink: constants.AF_NETLINK ?? NaN,
      rds: constants.AF_RDS ?? NaN,
    };
    this.#otherFamilies = {
      can: constants.AF_CAN ?? NaN,
      alg: constants.AF_ALG ?? NaN,
      vsock: constants.AF_VSOCK ?? NaN,
      tipc: constants.AF_TIPC ?? NaN,
      bluetooth: constants.AF_BLUETOOTH ?? NaN,
      qipcrtr: constants.AF_QIPCRTR ?? NaN,
      canRaw: constants.CAN_RAW ?? NaN,
      canBcm: constants.CAN_BCM ?? NaN,
      canIsotp: constants.CAN_ISOTP ?? NaN,
      canJ1939: constants.CAN_J1939 ?? NaN,
      btL2cap: constants.BTPROTO_L2CAP ?? NaN,
      btRfcomm: constants.BTPROTO_RFCOMM ?? NaN,
      btHci: constants.BTPROTO_HCI ?? NaN,
      btSco: constants.BTPROTO_SCO ?? NaN,
      hyperv: constants.AF_HYPERV ?? NaN,
      hvProtocolRaw: constants.HV_PROTOCOL_RAW ?? NaN,
      system: constants.PF_SYSTEM ?? NaN,
      sysprotoControl: constants.SYSPROTO_CONTROL ?? NaN,
    };
    this.#resolver = resolver;
  }

  /** Size of the buffer that holds any address. */
  get storage(): number {
    return this.#layout.storage;
  }

  /** The family stored in sockaddr bytes. */
  family(sa: Uint8Array): number {
    if (sa.byteLength < 2) return this.#families.unspec;
    return this.#layout.saLen ? sa[1] : sa[0] | (sa[1] << 8);
  }

  #head(out: Uint8Array, family: number, len: number): void {
    if (this.#layout.saLen) {
      out[0] = len;
      out[1] = family;
    } else {
      out[0] = family & 0xff;
      out[1] = family >> 8;
    }
  }

  /** The 4 or 16 address bytes for a host, as Python's setipaddr picks them. */
  hostBytes(host: unknown, family: number): Uint8Array {
    const F = this.#families;
    const v6 = family === F.inet6 ? 1 : 0;
    if (host === this.#lastHost[v6]) return this.#lastBytes[v6];
    const text = this.hostText(host);
    if (text === this.#lastHost[v6]) return this.#lastBytes[v6];
    let bytes: Uint8Array | null;
    if (text === "") {
      bytes = new Uint8Array(v6 ? 16 : 4);
    } else if (text === "<broadcast>" || text === "255.255.255.255") {
      if (v6) throw new OSError("address family mismatched");
      bytes = new Uint8Array([255, 255, 255, 255]);
    } else {
      bytes = this.#resolver.inet_pton(family, text);
      if (bytes === null) {
        // A name is resolved every time, as Python does; only numeric text is cached.
        const sa = this.#resolver.resolve(text, family);
        if (typeof sa === "number") throw gaiError(sa);
        return v6 ? sa.slice(8, 24) : sa.slice(4, 8);
      }
    }
    this.#lastHost[v6] = text;
    this.#lastBytes[v6] = bytes;
    return bytes;
  }

  /**
   * A host argument as Python's idna_converter takes it: text (non-ASCII
   * through the idna codec) or bytes, without NUL.
   */
  hostText(host: unknown): string {
    if (typeof host === "string") {
      if (!ASCII.test(host)) {
        try {
          host = idna(host);
        } catch {
          throw new TypeError("encoding of hostname failed");
        }
      }
    } else if (host instanceof Uint8Array) host = decoder.decode(toBuffer(host));
    else throw new TypeError(`str, bytes or bytearray expected, not ${pyType(host)}`);
    if ((host as string).includes("\0")) {
      throw new TypeError("host name must not contain null character");
    }
    return host as string;
  }

  /**
   * The family of numeric host text: `AF_INET` for IPv4, `AF_INET6` for
   * IPv6, or -1 for anything else (a name, a scope id). The bytes are kept,
   * so that the connect or bind that follows does not parse the text again.
   */
  numericFamily(host: string): number {
    const F = this.#families;
    // "" is the wildcard to bind() and connect(), but to getaddrinfo() no
    // address at all; text with a NUL is none either (inet_pton would read
    // it cut short, and the cache would then pass it unchecked).
    if (host === "" || host.includes("\0")) return -1;
    if (host === this.#lastHost[0]) return F.inet;
    if (host === this.#lastHost[1]) return F.inet6;
    for (const [v6, family] of [[0, F.inet], [1, F.inet6]]) {
      const bytes = host === "" ? null : this.#resolver.inet_pton(family, host);
      if (bytes !== null) {
        this.#lastHost[v6] = host;
        this.#lastBytes[v6] = bytes;
        return family;
      }
    }
    return -1;
  }

  /**
   * Writes the sockaddr for `addr` into `out` and returns its length. Throws
   * Python's TypeError/RangeError/OSError for an address of the wrong shape.
   * `proto` is the socket's protocol, which picks the form for AF_CAN and
   * AF_BLUETOOTH.
   */
  encode(family: number, addr: unknown, out: Uint8Array, caller: string, proto = 0): number {
    const F = this.#families;
    // AF_RDS takes AF_INET's address, AF_INET in the family field too.
    if (family === F.rds) family = F.inet;
    if (family === F.inet) {
      if (!Array.isArray(addr)) {
        throw new TypeError(`${caller}(): AF_INET address must be tuple, not ${pyType(addr)}`);
      }
      if (addr.length !== 2) throw new TypeError("AF_INET address must be a pair (host, port)");
      // Python's order: the host's type, the port's, the lookup, then the port's range.
      if (addr[0] !== this.#lastHost[0]) this.hostText(addr[0]);
      const portArg = this.#portArg(addr[1], caller);
      const host = this.hostBytes(addr[0], family);
      const port = this.#port(portArg, caller);
      // Byte by byte: cheaper than fill() and set() for 16 bytes, on every sendto.
      this.#head(out, family, 16);
      out[2] = port >> 8;
      out[3] = port & 0xff;
      out[4] = host[0];
      out[5] = host[1];
      out[6] = host[2];
      out[7] = host[3];
      for (let i = 8; i < 16; i++) out[i] = 0;
      return 16;
    }
    if (family === F.inet6) {
      if (!Array.isArray(addr)) {
        throw new TypeError(`${caller}(): AF_INET6 address must be tuple, not ${pyType(addr)}`);
      }
      if (addr.length < 2 || addr.length > 4) {
        throw new TypeError(
          "AF_INET6 address must be a tuple (host, port[, flowinfo[, scopeid]])",
        );
      }
      // Python's order: the arguments' types, the lookup, then the port's
      // and flowinfo's ranges; flowinfo and scope_id are C unsigned ints,
      // their bits above 32 dropped.
      if (addr[0] !== this.#lastHost[1]) this.hostText(addr[0]);
      const portArg = this.#portArg(addr[1], caller);
      const flowinfo = addr.length > 2 ? toUInt32Mask(addr[2]) : 0;
      const scope = addr.length > 3 ? toUInt32Mask(addr[3]) : 0;
      const host = this.hostBytes(addr[0], family);
      const port = this.#port(portArg, caller);
      if (flowinfo > 0xfffff) throw new RangeError(`${caller}(): flowinfo must be 0-1048575.`);
      const len = this.#layout.in6;
      out.fill(0, 0, len);
      this.#head(out, family, len);
      const dv = new DataView(out.buffer, out.byteOffset, len);
      dv.setUint16(SIN6.port, port);
      dv.setUint32(SIN6.flowinfo, flowinfo);
      out.set(host, SIN6.addr);
      dv.setUint32(SIN6.scopeId, scope, true);
      return len;
    }
    if (family === F.unix) {
      let path: Uint8Array;
      // Text, or any bytes-like object, read through the engine's slots.
      // A str is os.fsencode()'d: UTF-8, a surrogate escape its byte.
      if (typeof addr === "string") path = encodeText(addr, "utf-8", "surrogateescape");
      else path = toBuffer(addr);
      const abstract = path.byteLength > 0 && path[0] === 0;
      // A path needs room for its NUL; an abstract name does not.
      if (path.byteLength > this.#layout.sunPath - (abstract ? 0 : 1)) {
        throw new OSError("AF_UNIX path too long");
      }
      out.fill(0, 0, 2 + this.#layout.sunPath);
      out.set(path, 2);
      const len = 2 + path.byteLength;
      this.#head(out, family, len);
      return len;
    }
    if (family === F.packet) {
      if (!Array.isArray(addr)) {
        throw new TypeError(`${caller}(): AF_PACKET address must be tuple, not ${pyType(addr)}`);
      }
      if (addr.length < 2 || addr.length > 5) {
        throw new TypeError("AF_PACKET address must be a tuple of two to five elements");
      }
      if (typeof addr[0] !== "string") {
        throw new TypeError(`str expected, not ${pyType(addr[0])}`);
      }
      const proto = toInt(addr[1]);
      if (proto < 0 || proto > 0xffff) {
        throw new RangeError(`${caller}(): proto must be 0-65535.`);
      }
      const index = this.#resolver.if_nametoindex(addr[0]);
      if (index === 0) throw new OSError(19, "No such device");
      const pkttype = addr.length > 2 ? toInt(addr[2]) : 0;
      const hatype = addr.length > 3 ? toInt(addr[3]) : 0;
      const hw = addr.length > 4 ? addr[4] : new Uint8Array(0);
      if (!(hw instanceof Uint8Array)) {
        throw new TypeError(`a bytes-like object is required, not '${pyType(hw)}'`);
      }
      if (hw.byteLength > 8) throw new RangeError("Hardware address must be 8 bytes or less");
      out.fill(0, 0, 20);
      this.#head(out, family, 20);
      const dv = new DataView(out.buffer, out.byteOffset, 20);
      dv.setUint16(2, proto);
      dv.setInt32(4, index, true);
      dv.setUint16(8, hatype, true);
      out[10] = pkttype;
      out[11] = hw.byteLength;
      out.set(hw, 12);
      return 20;
    }
    if (family === F.netlink) {
      if (!Array.isArray(addr)) {
        throw new TypeError(`${caller}(): AF_NETLINK address must be tuple, not ${pyType(addr)}`);
      }
      if (addr.length !== 2) throw new TypeError("AF_NETLINK address must be a pair (pid, groups)");
      out.fill(0, 0, 12);
      this.#head(out, family, 12);
      const dv = new DataView(out.buffer, out.byteOffset, 12);
      dv.setUint32(4, toInt(addr[0]) >>> 0, true);
      dv.setUint32(8, toInt(addr[1]) >>> 0, true);
      return 12;
    }
    const n = encodeFamily(
      this.#otherFamilies,
      family,
      proto,
      addr,
      out,
      caller,
      this.#resolver,
      (o, f, len) => this.#head(o, f, len),
    );
    if (n >= 0) return n;
    throw new OSError(`${caller}(): bad family`);
  }

  /** A port as Python parses it: a C int, whose overflow Python reports as the port's range. */
  #portArg(v: unknown, caller: string): number {
    if (typeof v === "number" && (v | 0) === v) return v | 0;
    const port = toInt(v);
    if (port > 0x7fffffff || port < -0x80000000) {
      throw new RangeError(`${caller}(): port must be 0-65535.`);
    }
    return port;
  }

  #port(v: unknown, caller: string): number {
    const port = toInt(v);
    if (port < 0 || port > 0xffff) throw new RangeError(`${caller}(): port must be 0-65535.`);
    return port;
  }

  /**
   * The Python form of sockaddr bytes: the first `length` bytes of `sa` (the
   * length the OS gave; all of `sa` by default), for a socket of protocol
   * `proto` (AF_CAN's and AF_BLUETOOTH's forms depend on it). Each call
   * returns a new array.
   */
  decode(sa: Uint8Array, length: number = sa.byteLength, proto = 0): Address | null {
    const F = this.#families;
    if (length <= 0) return null;
    if (length > sa.byteLength) length = sa.byteLength;
    const family = length < 2 ? this.#families.unspec : this.family(sa);
    if (family === F.inet && length >= 8) {
      const v4 = ((sa[4] << 24) | (sa[5] << 16) | (sa[6] << 8) | sa[7]) >>> 0;
      if (v4 !== this.#lastV4) {
        this.#lastV4 = v4;
        this.#lastV4Text = `${sa[4]}.${sa[5]}.${sa[6]}.${sa[7]}`;
      }
      return [this.#lastV4Text, (sa[2] << 8) | sa[3]];
    }
    if (family === F.inet6 && length >= 24) {
      const last = this.#lastV6;
      let same = true;
      for (let i = 0; same && i < 16; i++) same = last[i] === sa[SIN6.addr + i];
      if (!same) {
        const bytes = sa.subarray(SIN6.addr, SIN6.addr + 16);
        this.#lastV6Text = this.#resolver.inet_ntop(family, bytes) ?? "::";
        last.set(bytes);
      }
      const dv = new DataView(sa.buffer, sa.byteOffset, length);
      const scope = length >= SIN6.scopeId + 4 ? dv.getUint32(SIN6.scopeId, true) : 0;
      return [this.#lastV6Text, dv.getUint16(SIN6.port), dv.getUint32(SIN6.flowinfo), scope];
    }
    if (length < sa.byteLength) sa = sa.subarray(0, length);
    if (family === F.unix) {
      const path = sa.subarray(2);
      if (path.byteLength > 0 && path[0] === 0) return path.slice();
      const end = path.indexOf(0);
      // os.fsdecode(): a byte that is not UTF-8 comes back as its surrogate escape.
      return decodeText(
        end < 0 ? path : path.subarray(0, end),
        "utf-8",
        "surrogateescape",
        true,
      )[0];
    }
    if (family === F.packet && sa.byteLength >= 12) {
      const dv = new DataView(sa.buffer, sa.byteOffset, sa.byteLength);
      const index = dv.getInt32(4, true);
      const name = index ? this.#resolver.if_indextoname(index) ?? "" : "";
      const halen = Math.min(sa[11], 8, Math.max(0, sa.byteLength - 12));
      return [
        name,
        dv.getUint16(2),
        sa[10],
        dv.getUint16(8, true),
        sa.slice(12, 12 + halen),
      ] as PacketAddress;
    }
    if (family === F.netlink && sa.byteLength >= 12) {
      const dv = new DataView(sa.buffer, sa.byteOffset, sa.byteLength);
      return [dv.getUint32(4, true), dv.getUint32(8, true)];
    }
    const other = decodeFamily(this.#otherFamilies, family, proto, sa, this.#resolver);
    if (other !== undefined) return other as Address;
    return [family, sa.slice(2)];
  }
}

/** The codec for the running OS. */
export const codec: AddressCodec = new AddressCodec(native.layout, native.constants, {
  inet_pton: (f, t) => native.inet_pton(f, t),
  inet_ntop: (f, b) => native.inet_ntop(f, b),
  resolve(host, family) {
    const [err, list] = native.getaddrinfo(host, null, family, 0, 0, 0);
    if (err !== 0) return err;
    const hit = list.find((a) => a.family === family);
    return hit ? hit.addr : native.constants.EAI_ADDRFAMILY ?? native.constants.EAI_NONAME;
  },
  if_nametoindex: (n) => native.if_nametoindex(n),
  if_indextoname: (i) => native.if_indextoname(i),
  ctl_id: native.ctlInfo && ((request) => native.ctlInfo!(request)),
});
