// Name resolution: getaddrinfo, getnameinfo, gethostby*, getserv*, getproto*,
// and the interface name table.

import type { AddressFamily, SocketKind } from "./enums.ts";
import { native } from "../ffi/mod.ts";
import { type Address, codec } from "./address.ts";
import { cText, pyType, toCInt, toInt } from "./_args.ts";
import { gaiError, herror, OSError, raiseErrno } from "./errors.ts";

const C = native.constants;
const decoder = new TextDecoder();

/** One getaddrinfo result: `[family, type, proto, canonname, sockaddr]`. */
export type AddrInfoEntry = [
  family: AddressFamily,
  type: SocketKind,
  proto: number,
  canonname: string,
  sockaddr: Address,
];

/** Host text as the resolver takes it: ASCII as is, other names as IDNA (punycode). */
function idna(host: string): string {
  // deno-lint-ignore no-control-regex
  if (/^[\x00-\x7f]*$/.test(host)) return host;
  try {
    return new URL(`http://${host}/`).hostname;
  } catch {
    return host;
  }
}

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
 * import { getaddrinfo, SOCK_STREAM } from "./mod.ts";
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
  let h: string | null;
  if (host === null || host === undefined) h = null;
  else if (typeof host === "string") h = idna(host);
  else if (host instanceof Uint8Array) h = decoder.decode(host);
  else throw new TypeError("getaddrinfo() argument 1 must be string or None");
  let p: string | null;
  if (port === null || port === undefined) p = null;
  else if (typeof port === "number" && Number.isInteger(port)) p = String(port);
  else if (typeof port === "bigint") p = String(port);
  else if (typeof port === "string") p = port;
  else if (port instanceof Uint8Array) p = decoder.decode(port);
  else throw new OSError("Int or String expected");
  if (h?.includes("\0") || p?.includes("\0")) throw gaiError(C.EAI_NONAME);
  const [err, list] = native.getaddrinfo(
    h,
    p,
    toCInt(family),
    toCInt(type),
    toCInt(proto),
    toCInt(flags),
  );
  if (err !== 0) throw gaiError(err);
  return list.map((
    a,
  ) => [a.family, a.socktype, a.protocol, a.canonname, codec.decode(a.addr) as Address]);
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
 * import { getnameinfo, NI_NUMERICSERV } from "./mod.ts";
 * console.log(getnameinfo(["127.0.0.1", 80], NI_NUMERICSERV)); // ["localhost", "80"]
 * ```
 */
export function getnameinfo(sockaddr: [string, number, number?, number?], flags: number): [
  string,
  string,
] {
  if (!Array.isArray(sockaddr)) {
    throw new TypeError("getnameinfo() argument 1 must be a tuple");
  }
  if (sockaddr.length < 2 || sockaddr.length > 4 || typeof sockaddr[0] !== "string") {
    throw new TypeError("getnameinfo(): illegal sockaddr argument");
  }
  const port = toInt(sockaddr[1]);
  const flowinfo = sockaddr.length > 2 ? toInt(sockaddr[2]) : 0;
  const scope = sockaddr.length > 3 ? toInt(sockaddr[3]) : 0;
  if (flowinfo < 0 || flowinfo > 0xfffff) {
    throw new RangeError("getnameinfo(): flowinfo must be 0-1048575.");
  }
  const [err, list] = native.getaddrinfo(
    cText(sockaddr[0]),
    String(port),
    0,
    C.SOCK_DGRAM,
    0,
    C.AI_NUMERICHOST,
  );
  if (err !== 0) throw gaiError(err);
  if (list.length !== 1) throw new OSError("sockaddr resolved to multiple addresses");
  const sa = list[0].addr;
  if (list[0].family === C.AF_INET) {
    if (sockaddr.length !== 2) throw new OSError("IPv4 sockaddr must be 2 tuple");
  } else if (list[0].family === C.AF_INET6) {
    const dv = new DataView(sa.buffer, sa.byteOffset, sa.byteLength);
    dv.setUint32(4, flowinfo);
    dv.setUint32(24, scope >>> 0, true);
  }
  const [e2, host, serv] = native.getnameinfo(sa, toCInt(flags));
  if (e2 !== 0) throw gaiError(e2);
  return [host, serv];
}

function ipv4Text(host: string): string {
  const b = codec.hostBytes(host, C.AF_INET);
  return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
}

function hostName(v: unknown, fn: string): string {
  if (typeof v !== "string") {
    throw new TypeError(`${fn}() argument 1 must be str, not ${pyType(v)}`);
  }
  if (v.includes("\0")) {
    throw new TypeError(
      `${fn}() argument 1 must be encoded string without null bytes, not str`,
    );
  }
  return idna(v);
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
 * import { gethostbyname } from "./mod.ts";
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
 * import { gethostbyname_ex } from "./mod.ts";
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
 * import { gethostbyaddr } from "./mod.ts";
 * console.log(gethostbyaddr("127.0.0.1")[0]); // "localhost"
 * ```
 */
export function gethostbyaddr(ip_address: string): [string, string[], string[]] {
  const name = hostName(ip_address, "gethostbyaddr");
  let family = C.AF_INET;
  let raw = native.inet_pton(C.AF_INET, name);
  if (raw === null) {
    raw = native.inet_pton(C.AF_INET6, name);
    if (raw !== null) family = C.AF_INET6;
  }
  if (raw === null) {
    const [err, list] = native.getaddrinfo(name, null, 0, 0, 0, 0);
    if (err !== 0) throw gaiError(err);
    const sa = list[0].addr;
    family = list[0].family;
    raw = family === C.AF_INET6 ? sa.slice(8, 24) : sa.slice(4, 8);
  }
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
 * import { gethostname } from "./mod.ts";
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
 * import { getfqdn } from "./mod.ts";
 * console.log(getfqdn());
 * ```
 */
export function getfqdn(name = ""): string {
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
    throw new TypeError(`${fn}() argument 2 must be str, not ${pyType(v)}`);
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
 * import { getservbyname } from "./mod.ts";
 * console.log(getservbyname("http", "tcp")); // 80
 * ```
 */
export function getservbyname(servicename: string, protocolname: string | null = null): number {
  if (typeof servicename !== "string") {
    throw new TypeError(`getservbyname() argument 1 must be str, not ${pyType(servicename)}`);
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
 * import { getservbyport } from "./mod.ts";
 * console.log(getservbyport(80)); // "http"
 * ```
 */
export function getservbyport(port: number, protocolname: string | null = null): string {
  const p = toInt(port);
  if (p < 0 || p > 0xffff) throw new RangeError("getservbyport: port must be 0-65535.");
  const name = native.getservbyport(p, protoArg(protocolname, "getservbyport"));
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
 * import { getprotobyname } from "./mod.ts";
 * console.log(getprotobyname("udp")); // 17
 * ```
 */
export function getprotobyname(protocolname: string): number {
  if (typeof protocolname !== "string") {
    throw new TypeError(`getprotobyname() argument 1 must be str, not ${pyType(protocolname)}`);
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
 * import { if_nameindex } from "./mod.ts";
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
 * import { if_nametoindex } from "./mod.ts";
 * console.log(if_nametoindex("lo")); // 1
 * ```
 */
export function if_nametoindex(if_name: string): number {
  if (typeof if_name !== "string") {
    throw new TypeError(`expected str, bytes or os.PathLike object, not ${pyType(if_name)}`);
  }
  const i = if_name.includes("\0") ? 0 : native.if_nametoindex(if_name);
  if (i === 0) throw new OSError("no interface with this name");
  return i;
}

/**
 * The name of a network interface. Python's `socket.if_indextoname`.
 *
 * @param if_index the index
 * @returns the name
 * @throws {OSError} ENXIO when there is none
 * @throws {RangeError} for a negative index
 * @example
 * ```ts
 * import { if_indextoname } from "./mod.ts";
 * console.log(if_indextoname(1)); // "lo"
 * ```
 */
export function if_indextoname(if_index: number): string {
  const i = toInt(if_index);
  if (i < 0) throw new RangeError("can't convert negative value to unsigned int");
  if (i > 0xffffffff) throw new OSError(native.errnos.ENXIO);
  const name = native.if_indextoname(i);
  if (name === null) raiseErrno();
  return name;
}
