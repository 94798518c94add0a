// The codecs a socket's text file speaks (UTF-8, ASCII, Latin-1) with
// Python's error handlers; AF_UNIX paths use UTF-8 with surrogateescape,
// as os.fsencode and os.fsdecode do.

import { utf8 } from "./_args.ts";

const decoder = new TextDecoder();
const encoder = new TextEncoder();

export type Codec = "utf-8" | "ascii" | "latin-1";

/** Python's names for the codecs, as encodings.normalize_encoding leaves them. */
const CODECS: Record<string, Codec> = {};
for (
  const [codec, names] of [
    ["utf-8", "utf_8 utf8 u8 utf utf8_ucs2 utf8_ucs4 cp65001"],
    [
      "ascii",
      "ascii us_ascii 646 us ansi_x3.4_1968 ansi_x3_4_1968 ansi_x3.4_1986 cp367 csascii ibm367 " +
      "iso646_us iso_646.irv_1991 iso_ir_6",
    ],
    [
      "latin-1",
      "latin_1 latin1 l1 latin iso_8859_1 iso8859_1 8859 cp819 ibm819 iso_ir_100 " +
      "iso_8859_1_1987 csisolatin1",
    ],
  ] as const
) {
  for (const name of names.split(" ")) CODECS[name] = codec;
}

/** codecs.lookup() for the codecs pysocket has: UTF-8, ASCII and Latin-1. */
export function lookupCodec(name: string): Codec {
  const key = name.toLowerCase().replace(/[^a-z0-9.]+/g, "_").replace(/^_+|_+$/g, "");
  const codec = CODECS[key];
  // Python's LookupError; pysocket has no class for it, so RangeError (as ValueError).
  if (codec === undefined) throw new RangeError(`unknown encoding: ${name}`);
  return codec;
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** How Python's messages show one character: '\xe9', '\u1234', '\U0001f600'. */
function charEscape(cp: number): string {
  return cp < 0x100
    ? "\\x" + cp.toString(16).padStart(2, "0")
    : cp < 0x10000
    ? "\\u" + cp.toString(16).padStart(4, "0")
    : "\\U" + cp.toString(16).padStart(8, "0");
}

function unknownHandler(errors: string): RangeError {
  // Python's LookupError, raised only when the handler is needed.
  return new RangeError(`unknown error handler name '${errors}'`);
}

/**
 * Encodes text as Python's codec does with the `errors` handler; an
 * unencodable run is refused in Python's words (UnicodeEncodeError, a
 * ValueError, so RangeError).
 */
export function encodeText(s: string, codec: Codec, errors: string): Uint8Array {
  // ASCII text is the same in all three; well-formed text needs no handler in UTF-8.
  if (isAscii(s)) return encoder.encode(s);
  if (codec === "utf-8" && errors === "strict") return encoder.encode(utf8(s));
  const cps = Array.from(s, (c) => c.codePointAt(0)!);
  const limit = codec === "ascii" ? 0x80 : codec === "latin-1" ? 0x100 : 0x110000;
  const bad = (cp: number) => cp >= limit || (codec === "utf-8" && cp >= 0xd800 && cp < 0xe000);
  const out: number[] = [];
  const put = (cp: number) => {
    if (codec !== "utf-8" || cp < 0x80) out.push(cp);
    else out.push(...encoder.encode(String.fromCodePoint(cp)));
  };
  const ascii = (t: string) => out.push(...encoder.encode(t));
  for (let i = 0; i < cps.length;) {
    if (!bad(cps[i])) {
      put(cps[i++]);
      continue;
    }
    let j = i;
    while (j < cps.length && bad(cps[j])) j++;
    const refuse = () => {
      const where = j - i === 1
        ? `character '${charEscape(cps[i])}' in position ${i}`
        : `characters in position ${i}-${j - 1}`;
      const why = codec === "utf-8" ? "surrogates not allowed" : `ordinal not in range(${limit})`;
      return new RangeError(`'${codec}' codec can't encode ${where}: ${why}`);
    };
    const run = cps.slice(i, j);
    switch (errors) {
      case "strict":
        throw refuse();
      case "ignore":
        break;
      case "replace":
        for (const _ of run) out.push(0x3f);
        break;
      case "backslashreplace":
        for (const cp of run) ascii(charEscape(cp));
        break;
      case "xmlcharrefreplace":
        for (const cp of run) ascii(`&#${cp};`);
        break;
      case "surrogateescape": {
        // Escapes go out as their bytes up to the first that is none; the
        // refusal then names the rest of the run, as Python's does.
        let k = 0;
        for (; k < run.length && run[k] >= 0xdc80 && run[k] <= 0xdcff; k++) {
          out.push(run[k] - 0xdc00);
        }
        if (k < run.length) {
          i += k;
          throw refuse();
        }
        break;
      }
      case "surrogatepass":
        if (codec !== "utf-8") throw refuse();
        for (const cp of run) {
          out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
        }
        break;
      default:
        throw unknownHandler(errors);
    }
    i = j;
  }
  return new Uint8Array(out);
}

/**
 * Decodes bytes as Python's incremental decoder does with the `errors`
 * handler: returns the text and how many bytes it took (an incomplete UTF-8
 * sequence at the end waits for more unless `final`). A malformed sequence
 * is refused in Python's words (UnicodeDecodeError, a ValueError, so RangeError).
 */
export function decodeText(
  b: Uint8Array,
  codec: Codec,
  errors: string,
  final: boolean,
): [string, number] {
  if (codec === "latin-1") {
    let s = "";
    for (let i = 0; i < b.length; i += 4096) {
      s += String.fromCharCode(...b.subarray(i, i + 4096));
    }
    return [s, b.length];
  }
  let out = "";
  let run = 0; // the start of the well-formed bytes not yet decoded
  let i = 0;
  const malformed = (start: number, end: number, reason: string) => {
    out += decoder.decode(b.subarray(run, start));
    switch (errors) {
      case "strict": {
        const where = end - start === 1
          ? `byte 0x${b[start].toString(16).padStart(2, "0")} in position ${start}`
          : `bytes in position ${start}-${end - 1}`;
        throw new RangeError(`'${codec}' codec can't decode ${where}: ${reason}`);
      }
      case "ignore":
        break;
      case "replace":
        out += "\ufffd";
        break;
      case "backslashreplace":
        for (let k = start; k < end; k++) out += charEscape(b[k]);
        break;
      case "surrogateescape":
        for (let k = start; k < end; k++) out += String.fromCharCode(0xdc00 + b[k]);
        break;
      default:
        throw unknownHandler(errors);
    }
    i = run = end;
  };
  const n = b.length;
  while (i < n) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    if (codec === "ascii") {
      malformed(i, i + 1, "ordinal not in range(128)");
      continue;
    }
    // UTF-8, with the ranges of the second byte that make a sequence well-formed.
    let need = 0, lo = 0x80, hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) lo = 0xa0;
      else if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) lo = 0x90;
      else if (c === 0xf4) hi = 0x8f;
    } else {
      malformed(i, i + 1, "invalid start byte");
      continue;
    }
    let k = 1;
    for (; k <= need && i + k < n; k++) {
      const d = b[i + k];
      if (d < (k === 1 ? lo : 0x80) || d > (k === 1 ? hi : 0xbf)) break;
    }
    if (k > need) i += k;
    else if (i + k < n) malformed(i, i + k, "invalid continuation byte");
    else if (!final) break; // the rest of the character has not come yet
    else malformed(i, n, "unexpected end of data");
  }
  return [out + decoder.decode(b.subarray(run, i)), i];
}
