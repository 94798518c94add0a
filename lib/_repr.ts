// Python's repr() of the values pysocket returns, for inspect output.

/** Formats a value as Python's repr would print it. */
export function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return "None";
  if (typeof v === "string") return `'${v.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
  if (typeof v === "boolean") return v ? "True" : "False";
  if (v instanceof Uint8Array) {
    let s = "b'";
    for (const b of v) {
      if (b === 0x5c) s += "\\\\";
      else if (b === 0x27) s += "\\'";
      else if (b === 0x0a) s += "\\n";
      else if (b === 0x0d) s += "\\r";
      else if (b === 0x09) s += "\\t";
      else if (b >= 0x20 && b < 0x7f) s += String.fromCharCode(b);
      else s += "\\x" + b.toString(16).padStart(2, "0");
    }
    return s + "'";
  }
  if (Array.isArray(v)) {
    const items = v.map(pyRepr);
    return items.length === 1 ? `(${items[0]},)` : `(${items.join(", ")})`;
  }
  const inspect = (v as Record<symbol, unknown>)[Symbol.for("Deno.customInspect")];
  if (typeof inspect === "function") return String(inspect.call(v));
  return String(v);
}
