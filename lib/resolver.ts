// Name resolution: getaddrinfo, getnameinfo, gethostby*, getserv*, getproto*,
// and the interface name table.

import type { SocketKind } from "./enums.ts";
import { native } from "../ffi/mod.ts";
import { codec, type Family, idna, type InetAddress, SIN6 } from "./address.ts";
import { argType, cText, pyType, toBuffer, toCInt, toInt, toUInt32Mask, utf8 } from "./_args.ts";
import { gaiError, herror, OSError, raiseErrno } from "./errors.ts";

const constants = native.constants;
const decoder = new TextDecoder();

/**
 * One getaddrinfo result: `[family, type, proto, canonname, sockaddr]`. The
 * address is an IPv4 or IPv6 one, and the family is typed so
 * (see {@link Family}): `socket(family, type, proto)` makes a
 * `Socket<InetAddress>`. (One type for every call, whatever family it asks
 * for, so that a variable can hold the results of several.)
 */
export type AddrInfoEntry = [
  family: Family<InetAddress>,
  type: SocketKind,
  proto: number,
  canonname: string,
  sockaddr: InetAddress,
];

/**
 * Resolves a host and port to socket addresses, as Python's
 * `socket.getaddrinfo(host, port, family, type, proto, flags)`.
 *
 * @param host a name, an address, or `null` (with `AI_PASSIVE`: the wildcard)
 * @param port a number, a service name, or `null`
 * @param family `AF_INET`, `AF_INET6` or 0 for any
 * @param type `SOCK_STREAM`, `SOCK_DGRAM` or 0 for any
 * @param proto protocol, or 0
 * @param flags `AI_*` flags
 * @returns `[family, type, proto, canonname, sockaddr]` entries
 * @throws {gaierror} when resolution fails
 * @throws {TypeError} for a host or port of the wrong type
 * @example
 * ```ts
 * import { getaddrinfo, SOCK_STREAM } from "@pysocket/pysocket";
 * for (const [family, type, proto, canon, addr] of getaddrinfo("localhost", 80, 0, SOCK_STREAM)) {
 *   console.log(family, addr);
 * }
 * ```
 */
export function getaddrinfo(
  host: string | Uint8Array | null,
  port: number | string | Uint8Array | null,
  family = 0,
  type = 0,
  proto = 0,
  flags = 0,
): AddrInfoEntry[] {
  // Python's order: the numbers, the host, then the port.
  const f = toCInt(family), t = toCInt(type), pr = toCInt(proto), fl = toCInt(flags);
  let h: string | null;
  if (host === null || host === undefined) h = null;
  else if (typeof host === "string") h = idna(host);
  else if (host instanceof Uint8Array) h = decoder.decode(toBuffer(host));
  else throw new TypeError("getaddrinfo() argument 1 must be string or None");
  let p: string | null;
  if (port === null || port === undefined) p = null;
  // Python's "%ld": every digit (JS prints a number above 2**53 rounded).
  // An int of any size is its decimal text, as in Python 3.12+ (gh-74895): getaddrinfo() judges it.
  else if (typeof port === "number" && Number.isInteger(port)) p = String(BigInt(port));
  else if (typeof port === "bigint") p = String(port);
  else if (typeof port === "string") p = utf8(port);
  else if (port instanceof Uint8Array) p = decoder.decode(toBuffer(port));
  else throw new OSError("Int or String expected");
  if (h?.includes("\0") || p?.includes("\0")) throw gaiError(constants.EAI_NONAME);
  const [err, list] = native.getaddrinfo(h, p, f, t, pr, fl);
  if (err !== 0) throw gaiError(err);
  return list.map((
    a,
  ) => [a.family, a.socktype, a.protocol, a.canonname, codec.decode(a.addr) as InetAddress]);
}

/**
 * Turns a socket address into a host and service name, as Python's
 * `socket.getnameinfo(sockaddr, flags)`.
 *
 * @param sockaddr `[host, port]` or `[host, port, flowinfo, scope_id]`; host numeric
 * @param flags `NI_*` flags
 * @returns `[host, service]`
 * @throws {gaierror} when the lookup fails
 * @throws {TypeError} for a sockaddr of the wrong shape
 * @example
 * ```ts
 * import { getnameinfo, NI_NUMERICSERV } from "@pysocket/pysocket";
 * console.log(getnameinfo(["127.0.0.1", 80], NI_NUMERICSERV)); // ["localhost", "80"]
 * ```
 */
export function getnameinfo(sockaddr: [string, number, number?, number?], flags: number): [
  string,
  string,
] {
  // Python's order: the flags, then the sockaddr's shape and fields (flowinfo
  // and scope_id C unsigned ints, their bits above 32 dropped).
  const f = toCInt(flags);
  if (!Array.isArray(sockaddr)) {
    throw new TypeError("getnameinfo() argument 1 must be a tuple");
  }
  if (sockaddr.length < 2 || sockaddr.length > 4 || typeof sockaddr[0] !== "string") {
    throw new TypeError("getnameinfo(): illegal sockaddr argument");
  }
  const text = cText(sockaddr[0]);
  const port = toCInt(sockaddr[1]);
  const flowinfo = sockaddr.length > 2 ? toUInt32Mask(sockaddr[2]) : 0;
  const scope = sockaddr.length > 3 ? toUInt32Mask(sockaddr[3]) : 0;
  if (flowinfo > 0xfffff) throw new RangeError("getnameinfo(): flowinfo must be 0-1048575.");
  const [err, list] = native.getaddrinfo(
    text,
    String(port),
    0,
    constants.SOCK_DGRAM,
    0,
    constants.AI_NUMERICHOST,
  );
  if (err !== 0) throw gaiError(err);
  if (list.length !== 1) throw new OSError("sockaddr resolved to multiple addresses");
  const sa = list[0].addr;
  if (list[0].family === constants.AF_INET) {
    if (sockaddr.length !== 2) throw new OSError("IPv4 sockaddr must be 2 tuple");
  } else if (list[0].family === constants.AF_INET6) {
    const dv = new DataView(sa.buffer, sa.byteOffset, sa.byteLength);
    dv.setUint32(SIN6.flowinfo, flowinfo);
    dv.setUint32(SIN6.scopeId, scope, true);
  }
  const [e2, host, serv] = native.getnameinfo(sa, f);
  if (e2 !== 0) throw gaiError(e2);
  return [host, serv];
}

function ipv4Text(host: string): string {
  const b = codec.hostBytes(host, constants.AF_INET);
  return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
}

/** A host name argument as Python's "et" format takes it: text (through the idna codec) or bytes. */
function hostName(v: unknown, fn: string): string {
  if (pyType(v) === "bytes") {
    v = toBuffer(v);
    if ((v as Uint8Array).includes(0)) {
      throw new TypeError(
        `${fn}() argument 1 must be encoded string without null bytes, not bytes`,
      );
    }
    return decoder.decode(v as Uint8Array);
  }
  if (typeof v !== "string") {
    throw new TypeError(`${fn}() argument 1 must be str, bytes or bytearray, not ${argType(v)}`);
  }
  const name = idna(v);
  if (name.includes("\0")) {
    throw new TypeError(`${fn}() argument 1 must be encoded string without null bytes, not str`);
  }
  return name;
}

/**
 * The address bytes of a host and their family, as Python's setipaddr()
 * finds them: "" is the wildcard (one address, or an error), "<broadcast>"
 * and numeric text need no lookup, names are resolved.
 */
function setipaddr(name: string, af: number): [number, Uint8Array] {
  const raw = (family: number, sa: Uint8Array): [number, Uint8Array] => [
    family,
    family === constants.AF_INET6 ? sa.slice(8, 24) : sa.slice(4, 8),
  ];
  if (name === "") {
    const [err, list] = native.getaddrinfo(
      null,
      "0",
      af,
      constants.SOCK_DGRAM,
      0,
      constants.AI_PASSIVE,
    );
    if (err !== 0) throw gaiError(err);
    if (list.length > 1) throw new OSError("wildcard resolved to multiple address");
    return raw(list[0].family, list[0].addr);
  }
  if (name === "255.255.255.255" || name === "<broadcast>") {
    if (af !== constants.AF_INET && af !== constants.AF_UNSPEC) {
      throw new OSError("address family mismatched");
    }
    return [constants.AF_INET, new Uint8Array([255, 255, 255, 255])];
  }
  if (af === constants.AF_INET || af === constants.AF_UNSPEC) {
    const v4 = native.inet_pton(constants.AF_INET, name);
    if (v4 !== null) return [constants.AF_INET, v4];
  }
  if ((af === constants.AF_INET6 || af === constants.AF_UNSPEC) && !name.includes("%")) {
    const v6 = native.inet_pton(constants.AF_INET6, name);
    if (v6 !== null) return [constants.AF_INET6, v6];
  }
  const [err, list] = native.getaddrinfo(name, null, af, 0, 0, 0);
  if (err !== 0) throw gaiError(err);
  return raw(list[0].family, list[0].addr);
}

function hostError(code: number): herror {
  return new herror(code, native.hstrerror(code));
}

/**
 * The IPv4 address of a host, as text. Python's `socket.gethostbyname`.
 *
 * @param hostname a name or address
 * @returns the dotted quad
 * @throws {gaierror} when the name does not resolve
 * @example
 * ```ts
 * import { gethostbyname } from "@pysocket/pysocket";
 * console.log(gethostbyname("localhost")); // "127.0.0.1"
 * ```
 */
export function gethostbyname(hostname: string): string {
  return ipv4Text(hostName(hostname, "gethostbyname"));
}

function addressList(addrs: Uint8Array[], family: number): string[] {
  return addrs.map((a) => native.inet_ntop(family, a) ?? "");
}

/**
 * A host's name, aliases and IPv4 addresses. Python's `socket.gethostbyname_ex`.
 *
 * @param hostname a name or address
 * @returns `[hostname, aliaslist, ipaddrlist]`
 * @throws {gaierror} or {@link herror} when the name does not resolve
 * @example
 * ```ts
 * import { gethostbyname_ex } from "@pysocket/pysocket";
 * console.log(gethostbyname_ex("localhost"));
 * ```
 */
export function gethostbyname_ex(hostname: string): [string, string[], string[]] {
  const name = hostName(hostname, "gethostbyname_ex");
  ipv4Text(name);
  const [err, h] = native.gethostbyname(name);
  if (h === null) throw hostError(err);
  return [h.name, h.aliases, addressList(h.addrs, h.addrtype)];
}

/**
 * The name, aliases and addresses of the host at an address (reverse
 * lookup). Python's `socket.gethostbyaddr`.
 *
 * @param ip_address an IPv4 or IPv6 address, or a name
 * @returns `[hostname, aliaslist, ipaddrlist]`
 * @throws {herror} when the address has no name; {@link gaierror} for a bad name
 * @example
 * ```ts
 * import { gethostbyaddr } from "@pysocket/pysocket";
 * console.log(gethostbyaddr("127.0.0.1")[0]); // "localhost"
 * ```
 */
export function gethostbyaddr(ip_address: string): [string, string[], string[]] {
  const name = hostName(ip_address, "gethostbyaddr");
  const [family, raw] = setipaddr(name, constants.AF_UNSPEC);
  const [err, h] = native.gethostbyaddr(raw, family);
  if (h === null) throw hostError(err);
  return [h.name, h.aliases, addressList(h.addrs, h.addrtype)];
}

/**
 * This machine's host name. Python's `socket.gethostname`.
 *
 * @returns the host name
 * @throws {OSError} when the OS cannot say
 * @example
 * ```ts
 * import { gethostname } from "@pysocket/pysocket";
 * console.log(gethostname());
 * ```
 */
export function gethostname(): string {
  const name = native.gethostname();
  if (name === null) raiseErrno();
  return name;
}

/**
 * A fully qualified domain name for `name` (default: this host), as Python's
 * `socket.getfqdn`.
 *
 * @param name a host name or address; empty for this host
 * @returns the first name with a dot among the host's names, or the host name
 * @example
 * ```ts
 * import { getfqdn } from "@pysocket/pysocket";
 * console.log(getfqdn());
 * ```
 */
export function getfqdn(name = ""): string {
  if (typeof name !== "string") {
    throw new TypeError(`'${pyType(name)}' object has no attribute 'strip'`);
  }
  name = name.trim();
  if (!name || name === "0.0.0.0" || name === "::") name = gethostname();
  try {
    const [hostname, aliases] = gethostbyaddr(name);
    for (const n of [hostname, ...aliases]) if (n.includes(".")) return n;
    return hostname;
  } catch (e) {
    if (e instanceof OSError) return name;
    throw e;
  }
}

function protoArg(v: unknown, fn: string): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== "string") {
    throw new TypeError(`${fn}() argument 2 must be str, not ${argType(v)}`);
  }
  return cText(v);
}

/**
 * The port of a service. Python's `socket.getservbyname`.
 *
 * @param servicename e.g. "http"
 * @param protocolname "tcp", "udp", or `null` for any
 * @returns the port number
 * @throws {OSError} "service/proto not found"
 * @example
 * ```ts
 * import { getservbyname } from "@pysocket/pysocket";
 * console.log(getservbyname("http", "tcp")); // 80
 * ```
 */
export function getservbyname(servicename: string, protocolname: string | null = null): number {
  if (typeof servicename !== "string") {
    throw new TypeError(`getservbyname() argument 1 must be str, not ${argType(servicename)}`);
  }
  const port = native.getservbyname(
    cText(servicename),
    protoArg(protocolname, "getservbyname"),
  );
  if (port < 0) throw new OSError("service/proto not found");
  return port;
}

/**
 * The service name of a port. Python's `socket.getservbyport`.
 *
 * @param port 0-65535
 * @param protocolname "tcp", "udp", or `null` for any
 * @returns the service name
 * @throws {OSError} "port/proto not found"
 * @throws {RangeError} outside 0-65535
 * @example
 * ```ts
 * import { getservbyport } from "@pysocket/pysocket";
 * console.log(getservbyport(80)); // "http"
 * ```
 */
export function getservbyport(port: number, protocolname: string | null = null): string {
  const p = toCInt(port);
  const proto = protoArg(protocolname, "getservbyport");
  if (p < 0 || p > 0xffff) throw new RangeError("getservbyport: port must be 0-65535.");
  const name = native.getservbyport(p, proto);
  if (name === null) throw new OSError("port/proto not found");
  return name;
}

/**
 * The number of a protocol. Python's `socket.getprotobyname`.
 *
 * @param protocolname e.g. "tcp"
 * @returns the protocol number
 * @throws {OSError} "protocol not found"
 * @example
 * ```ts
 * import { getprotobyname } from "@pysocket/pysocket";
 * console.log(getprotobyname("udp")); // 17
 * ```
 */
export function getprotobyname(protocolname: string): number {
  if (typeof protocolname !== "string") {
    throw new TypeError(`getprotobyname() argument 1 must be str, not ${argType(protocolname)}`);
  }
  const n = native.getprotobyname(cText(protocolname));
  if (n < 0) throw new OSError("protocol not found");
  return n;
}

/**
 * The network interfaces. Python's `socket.if_nameindex`.
 *
 * @returns `[index, name]` pairs
 * @throws {OSError} when the OS cannot list them
 * @example
 * ```ts
 * import { if_nameindex } from "@pysocket/pysocket";
 * console.log(if_nameindex()); // [[1, "lo"], ...]
 * ```
 */
export function if_nameindex(): [number, string][] {
  const list = native.if_nameindex();
  if (list === null) raiseErrno();
  return list;
}

/**
 * The index of a network interface. Python's `socket.if_nametoindex`.
 *
 * @param if_name e.g. "lo"
 * @returns the index
 * @throws {OSError} "no interface with this name"
 * @example
 * ```ts
 * import { if_nametoindex } from "@pysocket/pysocket";
 * console.log(if_nametoindex("lo")); // 1
 * ```
 */
export function if_nametoindex(if_name: string): number {
  // A file system path, as Python's PyUnicode_FSConverter takes it: text or bytes.
  const name = if_name as unknown instanceof Uint8Array
    ? decoder.decode(toBuffer(if_name))
    : if_name;
  if (typeof name !== "string") {
    // os.fspath's words name the type without its module ("array", not "array.array").
    throw new TypeError(
      `expected str, bytes or os.PathLike object, not ${pyType(name).split(".").pop()}`,
    );
  }
  const i = native.if_nametoindex(cText(name, "embedded null byte"));
  if (i === 0) throw new OSError("no interface with this name");
  return i;
}

/**
 * The name of a network interface. Python's `socket.if_indextoname`.
 *
 * @param if_index the index
 * @returns the name
 * @throws {OSError} ENXIO when there is none
 * @throws {RangeError} for a negative index, or one beyond a C unsigned int
 * @example
 * ```ts
 * import { if_indextoname } from "@pysocket/pysocket";
 * console.log(if_indextoname(1)); // "lo"
 * ```
 */
export function if_indextoname(if_index: number): string {
  // An int only (a bool is one), as an unsigned long, then a C unsigned int, as in Python 3.12+.
  if (
    typeof if_index !== "bigint" && typeof if_index !== "boolean" &&
    !(typeof if_index === "number" && Number.isInteger(if_index))
  ) {
    throw new TypeError("an integer is required");
  }
  const i = toInt(if_index);
  if (i < 0) throw new RangeError("can't convert negative value to unsigned int");
  if (typeof if_index === "bigint" ? if_index >= 2n ** 64n : i >= 2 ** 64) {
    throw new RangeError("Python int too large to convert to C unsigned long");
  }
  if (i > 0xffffffff) throw new RangeError("index is too large");
  const name = native.if_indextoname(i);
  if (name === null) raiseErrno();
  return name;
}
