// The addresses of the other socket families, as CPython codes them
// (getsockaddrarg and makesockaddr in Modules/socketmodule.c): Linux's CAN
// (by protocol), ALG, VSOCK, TIPC, Bluetooth (by protocol) and QIPCRTR;
// Windows' AF_HYPERV; macOS's PF_SYSTEM (kernel controls). AF_RDS takes the
// AF_INET form, which the codec itself handles. The Linux layouts are from
// linux/can.h, if_alg.h, vm_sockets.h, tipc.h, qrtr.h and BlueZ's headers;
// they are tested in the kernel lane (tests/families/) against the guest's
// python3. SOCKADDR_HV (hvsocket.h) and sockaddr_ctl (sys/kern_control.h)
// are tested by their bytes (tests/tables_test.ts, tests/families/pf_system_test.ts).

import { fsName, pyType } from "./_args.ts";
import { OSError } from "./errors.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The family and protocol numbers these codings switch on (NaN: not on this OS). */
export interface FamilyNumbers {
  can: number;
  alg: number;
  vsock: number;
  tipc: number;
  bluetooth: number;
  qipcrtr: number;
  canRaw: number;
  canBcm: number;
  canIsotp: number;
  canJ1939: number;
  btL2cap: number;
  btRfcomm: number;
  btHci: number;
  btSco: number;
  hyperv: number;
  hvProtocolRaw: number;
  system: number;
  sysprotoControl: number;
}

/** Interface names and numbers, for CAN; and kernel control ids, for PF_SYSTEM. */
export interface Interfaces {
  if_nametoindex(name: string): number;
  if_indextoname(index: number): string | null;
  /**
   * macOS: CTLIOCGINFO with a struct ctl_info request (from ctlInfoRequest)
   * on a PF_SYSTEM socket; the control's id, or -1 when the call fails.
   * Absent where there is no such call to make (no native layer gives it yet).
   */
  ctl_id?(request: Uint8Array): number;
}

/** macOS's CTLIOCGINFO: _IOWR('N', 3, struct ctl_info), a 100-byte request. */
export const CTLIOCGINFO = 0xc0644e03;

/**
 * The struct ctl_info that CTLIOCGINFO reads for a kernel control's name, as
 * CPython fills it: u_int32_t ctl_id, then char ctl_name[96] with the name
 * strncpy'd in (a name of all 96 bytes has no NUL; the kernel refuses it).
 *
 * @param name the name, as PyUnicode_FSConverter gives it (UTF-8, no NUL)
 * @throws {RangeError} (Python's ValueError) for a name over 96 bytes
 */
export function ctlInfoRequest(name: Uint8Array): Uint8Array {
  if (name.byteLength > 96) throw new RangeError("provided string is too long");
  const request = new Uint8Array(100);
  request.set(name, 4);
  return request;
}

/** An AF_CAN address: `[interface]` (CAN_RAW, CAN_BCM), `[interface, rx_addr, tx_addr]` (CAN_ISOTP) or `[interface, name, pgn, addr]` (CAN_J1939). */
export type CanAddress =
  | [ifname: string]
  | [ifname: string, rx_addr: number, tx_addr: number]
  | [ifname: string, name: number | bigint, pgn: number, addr: number];
/** An AF_ALG address: `[type, name, feat?, mask?]`. */
export type AlgAddress =
  | [type: string, name: string]
  | [type: string, name: string, feat: number]
  | [type: string, name: string, feat: number, mask: number];
/** An AF_VSOCK address: `[cid, port]`. */
export type VsockAddress = [cid: number, port: number];
/** An AF_TIPC address: `[addr_type, v1, v2, v3, scope?]`. */
export type TipcAddress =
  | [addr_type: number, v1: number, v2: number, v3: number]
  | [addr_type: number, v1: number, v2: number, v3: number, scope: number];
/** An AF_QIPCRTR address: `[node, port]`. */
export type QipcrtrAddress = [node: number, port: number];
/**
 * An AF_BLUETOOTH address: `[bdaddr, psm]` (L2CAP), `[bdaddr, channel]`
 * (RFCOMM), `[device_id]` when given to HCI, or a bdaddr alone (SCO; Python
 * takes it as bytes). HCI's getsockname() gives the device id back as a
 * plain number, as Python's does, which the Address type does not name.
 */
export type BluetoothAddress = [bdaddr: string, psm_or_channel: number] | [device_id: number];

/**
 * An integer argument as PyArg's unsigned codes take it, wrapped to `bits`
 * with no range check. "k" and "K" want an int ("argument 2 must be int, not
 * str": pass `strict`, the argument's name); "I", "H" and "B" take anything
 * with __index__.
 */
function masked(v: unknown, bits: number, strict?: string): number | bigint {
  let n: bigint;
  if (typeof v === "bigint") n = v;
  else if (typeof v === "boolean") n = v ? 1n : 0n;
  else if (typeof v === "number" && Number.isInteger(v)) n = BigInt(v);
  else {
    throw new TypeError(
      strict
        ? `${strict} must be int, not ${pyType(v)}`
        : `'${pyType(v)}' object cannot be interpreted as an integer`,
    );
  }
  const m = BigInt.asUintN(bits, n);
  return bits > 32 && m > BigInt(Number.MAX_SAFE_INTEGER) ? m : Number(m);
}

/** Runs a parse whose format has a ";message": Python gives that message for any bad item. */
function orMessage<T>(message: string, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (e instanceof TypeError || e instanceof RangeError) throw new TypeError(message);
    throw e;
  }
}

/** A signed C int argument (PyArg's "i"), with Python's overflow errors. */
function cInt(v: unknown, what: string): number {
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v !== "number" && typeof v !== "bigint") {
    throw new TypeError(`${what} must be int, not ${pyType(v)}`);
  }
  if (typeof v === "number" && !Number.isInteger(v)) {
    throw new TypeError("'float' object cannot be interpreted as an integer");
  }
  const n = Number(v);
  if (n > 0x7fffffff) throw new RangeError("signed integer is greater than maximum");
  if (n < -0x80000000) throw new RangeError("signed integer is less than minimum");
  return n;
}

/** A str argument (PyArg's "s"): no NUL inside. */
function cString(v: unknown, what: string): string {
  if (typeof v !== "string") throw new TypeError(`${what} must be str, not ${pyType(v)}`);
  if (v.includes("\0")) throw new RangeError("embedded null character");
  return v;
}

/** A tuple of `min` to `max` items, with the message Python gives for another shape. */
function tuple(
  addr: unknown,
  family: string,
  caller: string,
  min: number,
  max: number,
  shape: string,
) {
  if (!Array.isArray(addr)) {
    const who = caller === "getsockaddrarg" ? "getsockaddrarg:" : `${caller}():`;
    throw new TypeError(`${who} ${family} address must be tuple, not ${pyType(addr)}`);
  }
  if (addr.length < min || addr.length > max) throw new TypeError(shape);
  return addr as unknown[];
}

/**
 * A bdaddr's text as bdaddr_t (six bytes, last first), read as CPython's
 * setbdaddr() reads it: sscanf(text, "%X:%X:%X:%X:%X:%X%c") must fill six
 * and no more, each under 256. So glibc's %X rules hold: leading white
 * space, a sign, a 0x prefix and any number of digits, wrapped to unsigned
 * int ("0x:1:2:3:4:5" and "100000000:0:0:0:0:0" are good addresses).
 */
function bdaddr(text: Uint8Array): Uint8Array {
  const end = text.indexOf(0); // a C string
  const b = end < 0 ? text : text.subarray(0, end);
  const bad = () => new OSError("bad bluetooth address");
  const hex = (c: number) =>
    c >= 0x30 && c <= 0x39
      ? c - 0x30
      : (c | 0x20) >= 0x61 && (c | 0x20) <= 0x66
      ? (c | 0x20) - 87
      : -1;
  const out = new Uint8Array(6);
  let i = 0;
  for (let k = 0; k < 6; k++) {
    if (k > 0 && b[i++] !== 0x3a) throw bad(); // ':'
    while (b[i] === 0x20 || (b[i] >= 0x09 && b[i] <= 0x0d)) i++;
    const negative = b[i] === 0x2d;
    if (b[i] === 0x2b || b[i] === 0x2d) i++;
    let digits = 0;
    // "0x" counts as a 0 even with no hex digit after it, as in glibc.
    if (b[i] === 0x30 && (b[i + 1] | 0x20) === 0x78) i += 2, digits++;
    let v = 0n;
    for (; i < b.length && hex(b[i]) >= 0; i++, digits++) v = v * 16n + BigInt(hex(b[i]));
    if (digits === 0) throw bad();
    // strtoul's unsigned long (ULONG_MAX on overflow, negated mod 2**64), stored in an unsigned int.
    v = v > 0xffffffffffffffffn ? 0xffffffffffffffffn : negative ? BigInt.asUintN(64, -v) : v;
    const byte = Number(BigInt.asUintN(32, v));
    if (byte > 255) throw bad();
    out[5 - k] = byte;
  }
  if (i < b.length) throw bad(); // %c matched: text after the sixth number
  return out;
}

function bdaddrText(b: Uint8Array): string {
  return Array.from(b.slice().reverse(), (x) => x.toString(16).toUpperCase().padStart(2, "0"))
    .join(":");
}

/**
 * Writes the sockaddr of `addr` for one of these families into `out`;
 * returns its length, or -1 when `family` is none of them.
 */
export function encodeFamily(
  F: FamilyNumbers,
  family: number,
  proto: number,
  addr: unknown,
  out: Uint8Array,
  caller: string,
  interfaces: Interfaces,
  writeHead: (out: Uint8Array, family: number, length: number) => void,
): number {
  const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const head = (size: number) => {
    out.fill(0, 0, size);
    writeHead(out, family, size);
    return size;
  };
  if (family === F.can) {
    const ifindex = (name: unknown) => {
      const bytes = fsName(name);
      if (bytes.byteLength === 0) return 0;
      if (bytes.byteLength >= 16) throw new OSError("AF_CAN interface name too long");
      const index = interfaces.if_nametoindex(decoder.decode(bytes));
      if (index === 0) throw new OSError(19, "No such device");
      return index;
    };
    if (proto === F.canRaw || proto === F.canBcm) {
      const a = tuple(addr, "AF_CAN", caller, 1, 1, "AF_CAN address must be a tuple (interface, )");
      const index = ifindex(a[0]);
      head(24);
      dv.setInt32(4, index, true);
      return 24;
    }
    if (proto === F.canIsotp) {
      const a = tuple(
        addr,
        "AF_CAN",
        caller,
        3,
        3,
        `function takes exactly 3 arguments (${Array.isArray(addr) ? addr.length : 0} given)`,
      );
      const index = ifindex(a[0]);
      const rx = masked(a[1], 64, "argument 2"), tx = masked(a[2], 64, "argument 3");
      head(24);
      dv.setInt32(4, index, true);
      dv.setUint32(8, Number(BigInt.asUintN(32, BigInt(rx))), true);
      dv.setUint32(12, Number(BigInt.asUintN(32, BigInt(tx))), true);
      return 24;
    }
    if (proto === F.canJ1939) {
      const a = tuple(
        addr,
        "AF_CAN",
        caller,
        4,
        4,
        `function takes exactly 4 arguments (${Array.isArray(addr) ? addr.length : 0} given)`,
      );
      const index = ifindex(a[0]);
      const name = masked(a[1], 64, "argument 2");
      const pgn = masked(a[2], 32) as number;
      const node = masked(a[3], 8) as number;
      head(24);
      dv.setInt32(4, index, true);
      dv.setBigUint64(8, BigInt(name), true);
      dv.setUint32(16, pgn, true);
      out[20] = node;
      return 24;
    }
    throw new OSError(`${caller}(): unsupported CAN protocol`);
  }
  if (family === F.alg) {
    const a = tuple(
      addr,
      "AF_ALG",
      caller,
      2,
      4,
      "AF_ALG address must be a tuple (type, name[, feat[, mask]])",
    );
    const shape = "AF_ALG address must be a tuple (type, name[, feat[, mask]])";
    const [type, name, feat, mask] = orMessage(shape, () =>
      [
        encoder.encode(cString(a[0], "argument 1")),
        encoder.encode(cString(a[1], "argument 2")),
        a.length > 2 ? masked(a[2], 16) as number : 0,
        a.length > 3 ? masked(a[3], 16) as number : 0,
      ] as const);
    if (type.byteLength >= 14) throw new RangeError("AF_ALG type too long.");
    if (name.byteLength >= 64) throw new RangeError("AF_ALG name too long.");
    head(88);
    out.set(type, 2);
    dv.setUint32(16, feat, true);
    dv.setUint32(20, mask, true);
    out.set(name, 24);
    return 88;
  }
  if (family === F.vsock || family === F.qipcrtr) {
    const name = family === F.vsock ? "AF_VSOCK" : "AF_QIPCRTR";
    // (Python names getsockaddrarg as the caller of these two.)
    const a = tuple(
      addr,
      name,
      "getsockaddrarg",
      2,
      2,
      `getsockaddrarg() takes exactly 2 arguments (${Array.isArray(addr) ? addr.length : 0} given)`,
    );
    const first = masked(a[0], 32) as number;
    const second = masked(a[1], 32) as number;
    if (family === F.vsock) {
      head(16);
      dv.setUint32(4, second, true); // port
      dv.setUint32(8, first, true); // cid
      return 16;
    }
    head(12);
    dv.setUint32(4, first, true); // node
    dv.setUint32(8, second, true); // port
    return 12;
  }
  if (family === F.tipc) {
    const shape = "AF_TIPC address must be a tuple (addr_type, v1, v2, v3[, scope])";
    const a = tuple(addr, "AF_TIPC", caller, 4, 5, shape);
    const [atype, v1, v2, v3, scope] = orMessage(shape, () => [
      ...a.slice(0, 4).map((v) => masked(v, 32) as number),
      a.length > 4 ? masked(a[4], 32) as number : 2, // TIPC_CLUSTER_SCOPE
    ]);
    head(16);
    out[2] = atype;
    out[3] = scope;
    if (atype === 1) { // TIPC_ADDR_NAMESEQ: type, lower, upper
      dv.setUint32(4, v1, true);
      dv.setUint32(8, v2, true);
      dv.setUint32(12, v3, true);
    } else if (atype === 2) { // TIPC_ADDR_NAME: type, instance
      dv.setUint32(4, v1, true);
      dv.setUint32(8, v2, true);
    } else if (atype === 3) { // TIPC_ADDR_ID: struct tipc_portid is { ref, node }
      dv.setUint32(8, v1, true);
      dv.setUint32(4, v2, true);
    } else throw new TypeError("Invalid address type");
    return 16;
  }
  if (family === F.bluetooth) {
    const wrong = () => new OSError(`${caller}(): wrong format`);
    if (proto === F.btL2cap || proto === F.btRfcomm) {
      // PyArg's "s": a str with no NUL that encodes to UTF-8; any failure is "wrong format".
      if (
        !Array.isArray(addr) || addr.length !== 2 || typeof addr[0] !== "string" ||
        addr[0].includes("\0") || !addr[0].isWellFormed()
      ) throw wrong();
      let n: number;
      try {
        n = cInt(addr[1], "argument 2");
      } catch {
        throw wrong();
      }
      const b = bdaddr(encoder.encode(addr[0]));
      if (proto === F.btL2cap) {
        head(14);
        dv.setUint16(2, n & 0xffff, true); // psm
        out.set(b, 4);
        return 14;
      }
      head(10);
      out.set(b, 2);
      out[8] = n & 0xff; // channel
      return 10;
    }
    if (proto === F.btHci) {
      if (!Array.isArray(addr) || addr.length !== 1) throw wrong();
      let dev: number;
      try {
        dev = cInt(addr[0], "argument 1");
      } catch {
        throw wrong();
      }
      head(6);
      // Python parses an int into the 16-bit hci_dev: what is above spills into hci_channel.
      dv.setUint32(2, dev >>> 0, true);
      return 6;
    }
    if (proto === F.btSco) {
      if (!(addr instanceof Uint8Array)) throw wrong(); // PyBytes_Check: bytes only, not a str
      const b = bdaddr(addr);
      head(8);
      out.set(b, 2);
      return 8;
    }
    throw new OSError(`${caller}(): unknown Bluetooth protocol`);
  }
  if (family === F.hyperv) {
    if (proto !== F.hvProtocolRaw) {
      throw new OSError(`${caller}(): unsupported AF_HYPERV protocol: ${proto}`);
    }
    const shape = "AF_HYPERV address must be a str tuple (vm_id, service_id)";
    const a = tuple(addr, "AF_HYPERV", caller, 2, 2, shape);
    if (typeof a[0] !== "string" || typeof a[1] !== "string") throw new TypeError(shape);
    const vm = guid(a[0]), service = guid(a[1]);
    if (vm === null) {
      throw new RangeError(`${caller}(): AF_HYPERV address vm_id is not a valid UUID string`);
    }
    if (service === null) {
      throw new RangeError(
        `${caller}(): AF_HYPERV address service_id is not a valid UUID string`,
      );
    }
    head(36); // SOCKADDR_HV: Family, Reserved, VmId, ServiceId
    out.set(vm, 4);
    out.set(service, 20);
    return 36;
  }
  if (family === F.system) {
    if (proto !== F.sysprotoControl) {
      throw new OSError(`${caller}(): unsupported PF_SYSTEM protocol`);
    }
    let id: number, unit = 0;
    if (typeof addr === "string") { // PyUnicode_Check: a str names the control
      const request = ctlInfoRequest(fsName(addr));
      if (!interfaces.ctl_id) {
        throw new OSError(
          `${caller}(): PF_SYSTEM control names need macOS's CTLIOCGINFO; pass (id, unit)`,
        );
      }
      id = interfaces.ctl_id(request);
      if (id < 0) throw new OSError("cannot find kernel control with provided name");
    } else {
      // PyArg_ParseTuple "II": any failure gives this one message.
      const message = `${caller}(): PF_SYSTEM address must be a str or a pair (id, unit)`;
      if (!Array.isArray(addr) || addr.length !== 2) throw new TypeError(message);
      [id, unit] = orMessage(message, () => addr.map((v) => masked(v, 32) as number));
    }
    head(32); // sockaddr_ctl: sc_len, sc_family, ss_sysaddr, sc_id, sc_unit, sc_reserved[5]
    dv.setUint16(2, 2, true); // AF_SYS_CONTROL
    dv.setUint32(4, id, true);
    dv.setUint32(8, unit, true); // 0 for a name, as CPython
    return 32;
  }
  return -1;
}

/** A GUID's 16 bytes from its text (UuidFromString's form), or null. */
function guid(text: string): Uint8Array | null {
  const m = /^([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})$/i.exec(text);
  if (m === null) return null;
  const out = new Uint8Array(16), dv = new DataView(out.buffer);
  dv.setUint32(0, parseInt(m[1], 16), true); // Data1..Data3 little-endian
  dv.setUint16(4, parseInt(m[2], 16), true);
  dv.setUint16(6, parseInt(m[3], 16), true);
  const rest = m[4] + m[5];
  for (let i = 0; i < 8; i++) out[8 + i] = parseInt(rest.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** A GUID as UuidToString writes it: lower case. */
function guidText(b: Uint8Array): string {
  const dv = new DataView(b.buffer, b.byteOffset, 16);
  const hex = (n: number, w: number) => n.toString(16).padStart(w, "0");
  const tail = Array.from(b.subarray(8, 16), (x) => hex(x, 2)).join("");
  return `${hex(dv.getUint32(0, true), 8)}-${hex(dv.getUint16(4, true), 4)}-` +
    `${hex(dv.getUint16(6, true), 4)}-${tail.slice(0, 4)}-${tail.slice(4)}`;
}

/**
 * The Python form of sockaddr bytes of one of these families, or undefined
 * when `family` is none of them.
 */
export function decodeFamily(
  F: FamilyNumbers,
  family: number,
  proto: number,
  sa: Uint8Array,
  interfaces: Interfaces,
): unknown {
  const dv = new DataView(sa.buffer, sa.byteOffset, sa.byteLength);
  const u32 = (at: number) => sa.byteLength >= at + 4 ? dv.getUint32(at, true) : 0;
  if (family === F.can) {
    const index = sa.byteLength >= 8 ? dv.getInt32(4, true) : 0;
    const name = index ? interfaces.if_indextoname(index) ?? "" : "";
    if (proto === F.canIsotp) return [name, u32(8), u32(12)];
    if (proto === F.canJ1939) {
      const big = sa.byteLength >= 16 ? dv.getBigUint64(8, true) : 0n;
      const jname = big > BigInt(Number.MAX_SAFE_INTEGER) ? big : Number(big);
      return [name, jname, u32(16), sa.byteLength > 20 ? sa[20] : 0];
    }
    return [name];
  }
  if (family === F.vsock) return [u32(8), u32(4)];
  if (family === F.qipcrtr) return [u32(4), u32(8)];
  if (family === F.tipc) {
    const atype = sa[2], scope = sa[3] << 24 >> 24 >>> 0; // signed char, as unsigned int
    if (atype === 1) return [atype, u32(4), u32(8), u32(12), scope];
    if (atype === 2) return [atype, u32(4), u32(8), u32(8), scope];
    if (atype === 3) return [atype, u32(8), u32(4), 0, scope];
    throw new RangeError("Invalid address type");
  }
  if (family === F.bluetooth) {
    if (proto === F.btL2cap) return [bdaddrText(sa.subarray(4, 10)), dv.getUint16(2, true)];
    if (proto === F.btRfcomm) return [bdaddrText(sa.subarray(2, 8)), sa[8]];
    if (proto === F.btHci) return dv.getUint16(2, true);
    if (proto === F.btSco) return bdaddrText(sa.subarray(2, 8));
    throw new RangeError("Unknown Bluetooth protocol");
  }
  if (family === F.hyperv && sa.byteLength >= 36) {
    return [guidText(sa.subarray(4, 20)), guidText(sa.subarray(20, 36))];
  }
  if (family === F.system) {
    if (proto === F.sysprotoControl) return [u32(4), u32(8)];
    throw new RangeError("Invalid address type");
  }
  return undefined;
}
