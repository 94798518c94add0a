// Python's four enum classes of the socket module, built as socket.py builds
// them: from the module's upper-case names of one prefix, sorted by value and
// then name, so the first name of a value is the one Python prints.

import * as constants from "./constants.ts";
import type {
  AddressFamilyMembers,
  AddressInfoMembers,
  MsgFlagMembers,
  SocketKindMembers,
} from "./constants.ts";
import { repr } from "./_args.ts";

/** What an enum class offers besides its members. */
export interface EnumMethods {
  /**
   * Python's `repr(E(value))`.
   *
   * @param value A member's value (any integer for a flag class).
   * @returns `<AddressFamily.AF_INET: 2>`, or for a flag class the members it
   *   holds, `<MsgFlag.MSG_OOB|MSG_PEEK: 3>` (`<MsgFlag: 0>` for none).
   * @throws {RangeError} Where Python raises ValueError: `999 is not a valid AddressFamily`.
   * @example
   * ```ts
   * import { AddressFamily } from "@pysocket/pysocket";
   * console.log(AddressFamily.repr(2)); // <AddressFamily.AF_INET: 2>
   * ```
   */
  repr(value: number): string;
  /**
   * Python's `E(value).name`.
   *
   * @param value A member's value (any integer for a flag class).
   * @returns The member's name, `MSG_OOB|MSG_PEEK` for a flag value of several
   *   members, or `null` where Python gives None (a flag value of no member).
   * @throws {RangeError} Where Python raises ValueError: `999 is not a valid AddressFamily`.
   * @example
   * ```ts
   * import { AddressFamily } from "@pysocket/pysocket";
   * console.log(AddressFamily.name(16)); // AF_NETLINK on Linux, where AF_ROUTE is its alias
   * ```
   */
  name(value: number): string | null;
}

/** What a flag class offers besides its members and {@link EnumMethods}. */
export interface FlagMethods extends EnumMethods {
  /**
   * The names of the members a flag value holds, lowest bit first: Python's
   * `[m.name for m in E(value)]`.
   *
   * @param value Any integer.
   * @returns The members' names; bits no member has are left out.
   * @throws {RangeError} Where Python raises ValueError (not an integer).
   * @example
   * ```ts
   * import { MsgFlag, MSG_OOB, MSG_PEEK } from "@pysocket/pysocket";
   * console.log(MsgFlag.decompose(MSG_OOB | MSG_PEEK)); // ["MSG_OOB", "MSG_PEEK"]
   * ```
   */
  decompose(value: number): string[];
}

/**
 * An IntEnum class of Python's socket module: each member's name gives its
 * value, each value gives its name (the first in value-then-name order, as
 * Python prints it), and `Object.entries()` lists the members with their
 * aliases, as Python's `__members__` does.
 */
export type IntEnum<Members> =
  & Members
  & { readonly [value: number]: string | undefined }
  & EnumMethods;

/** An IntFlag class of Python's socket module: an {@link IntEnum} whose values combine. */
export type IntFlag<Members> =
  & Members
  & { readonly [value: number]: string | undefined }
  & FlagMethods;

/** Python's `int.bit_length()`. */
function bitLength(n: bigint): bigint {
  return BigInt((n < 0n ? -n : n).toString(2).length) - (n === 0n ? 1n : 0n);
}

/** The single bits of `v`, lowest first. */
function* bits(v: bigint): Generator<bigint> {
  for (let bit = 1n; bit <= v; bit <<= 1n) if (v & bit) yield bit;
}

function build<T>(cls: string, prefix: string, flag: boolean): T {
  const members = Object.entries(constants as Record<string, unknown>)
    .filter((e): e is [string, number] =>
      typeof e[1] === "number" && e[0].startsWith(prefix) && e[0] === e[0].toUpperCase()
    )
    .sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1));
  const byValue = new Map<number, string>();
  for (const [name, value] of members) if (!byValue.has(value)) byValue.set(value, name);

  // Flag classes: the members' bits, as Python's Flag keeps them (BigInt: bit 31 and up).
  let singles = 0n, mask = 0n;
  for (const value of byValue.keys()) {
    const v = BigInt(value);
    if (v > 0n && (v & (v - 1n)) === 0n) singles |= v;
    mask |= v;
  }
  const allBits = 2n ** bitLength(mask) - 1n;

  const check = (value: unknown): number => {
    if (typeof value === "number" && Number.isSafeInteger(value)) {
      if (flag || byValue.has(value)) return value;
    }
    const shown = typeof value === "number" ? String(value) : repr(value);
    throw new RangeError(`${shown} is not a valid ${cls}`);
  };

  /** Python's Flag._missing_, boundary KEEP: the value a flag stands for. */
  const normal = (value: number): bigint => {
    let v = BigInt(value);
    if (v < ~allBits || v > allBits || (v & (allBits ^ mask)) !== 0n) {
      if (v < 0n) v = (allBits + 1n > 2n ** bitLength(v) ? allBits + 1n : 2n ** bitLength(v)) + v;
    }
    return v < 0n ? allBits + 1n + v : v;
  };

  /** Python's `E(value)`: [the value it stands for, its name]. */
  const resolve = (value: unknown): [bigint | number, string | null] => {
    const checked = check(value);
    const known = byValue.get(checked);
    if (known !== undefined) return [checked, known];
    const v = normal(checked);
    const names: string[] = [];
    let combined = 0n;
    for (const bit of bits(v & singles)) {
      names.push(byValue.get(Number(bit))!);
      combined |= bit;
    }
    if (v & ~singles) { // bits only a multi-bit member holds
      for (const [name, member] of members) {
        const m = BigInt(member);
        if (m && (m & v) === m && !names.includes(byValue.get(member)!)) {
          names.push(name);
          combined |= m;
        }
      }
    }
    if (combined === 0n) return [v, null];
    const unknown = v ^ combined;
    return [v, unknown ? `${names.join("|")}|${unknown}` : names.join("|")];
  };

  const enumClass: Record<string, unknown> = Object.create(null);
  for (const [name, value] of members) enumClass[name] = value;
  const hidden = (key: string | symbol, value: unknown) =>
    Object.defineProperty(enumClass, key, { value, enumerable: false });
  for (const [value, name] of byValue) hidden(String(value), name);
  hidden("repr", (value: number) => {
    const [v, name] = resolve(value);
    return name === null ? `<${cls}: ${v}>` : `<${cls}.${name}: ${v}>`;
  });
  hidden("name", (value: number) => resolve(value)[1]);
  if (flag) {
    hidden("decompose", (value: number) => {
      const names = [];
      for (const bit of bits(normal(check(value)) & singles)) names.push(byValue.get(Number(bit))!);
      return names;
    });
  }
  const classRepr = `<${flag ? "flag" : "enum"} '${cls}'>`;
  hidden(Symbol.for("Deno.customInspect"), () => classRepr);
  hidden(Symbol.for("nodejs.util.inspect.custom"), () => classRepr);
  return Object.freeze(enumClass) as T;
}

/**
 * Python's `socket.AddressFamily`: the `AF_*` constants as an IntEnum.
 * Socket families stay plain numbers ({@link AddressFamily} is their type);
 * this object names them.
 *
 * @example
 * ```ts
 * import { AddressFamily, AF_INET } from "@pysocket/pysocket";
 * console.log(AddressFamily.AF_INET === AF_INET, AddressFamily[AF_INET]); // true AF_INET
 * console.log(AddressFamily.repr(AF_INET)); // <AddressFamily.AF_INET: 2>
 * ```
 */
export const AddressFamily: IntEnum<AddressFamilyMembers> = build("AddressFamily", "AF_", false);
/** A socket's address family: one of the `AF_*` values of {@link AddressFamily}. */
export type AddressFamily = number;

/**
 * Python's `socket.SocketKind`: the `SOCK_*` constants as an IntEnum.
 *
 * @example
 * ```ts
 * import { SocketKind, SOCK_DGRAM } from "@pysocket/pysocket";
 * console.log(SocketKind.repr(SOCK_DGRAM)); // <SocketKind.SOCK_DGRAM: 2>
 * ```
 */
export const SocketKind: IntEnum<SocketKindMembers> = build("SocketKind", "SOCK_", false);
/** A socket's type: one of the `SOCK_*` values of {@link SocketKind}. */
export type SocketKind = number;

/**
 * Python's `socket.MsgFlag`: the `MSG_*` send and receive flags as an IntFlag.
 *
 * @example
 * ```ts
 * import { MsgFlag, MSG_OOB, MSG_PEEK } from "@pysocket/pysocket";
 * console.log(MsgFlag.repr(MSG_OOB | MSG_PEEK)); // <MsgFlag.MSG_OOB|MSG_PEEK: 3>
 * ```
 */
export const MsgFlag: IntFlag<MsgFlagMembers> = build("MsgFlag", "MSG_", true);
/** Send or receive flags: `MSG_*` values of {@link MsgFlag}, or-ed together. */
export type MsgFlag = number;

/**
 * Python's `socket.AddressInfo`: the `AI_*` getaddrinfo flags as an IntFlag.
 *
 * @example
 * ```ts
 * import { AddressInfo, AI_CANONNAME, AI_PASSIVE } from "@pysocket/pysocket";
 * console.log(AddressInfo.name(AI_PASSIVE | AI_CANONNAME)); // AI_PASSIVE|AI_CANONNAME
 * ```
 */
export const AddressInfo: IntFlag<AddressInfoMembers> = build("AddressInfo", "AI_", true);
/** getaddrinfo flags: `AI_*` values of {@link AddressInfo}, or-ed together. */
export type AddressInfo = number;
