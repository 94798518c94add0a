// Draws bench/results.svg: one group of bars per benchmark, one bar per
// implementation pysocket is compared with, the bar's length the ratio
// (pysocket's figure divided by the other's), and a line at 1.0, where the
// two are equal. Plain SVG, readable without a browser's scripts.

const COLORS: Record<string, string> = {
  C: "#555555",
  Python: "#3776ab",
  Node: "#5fa04e",
  Deno: "#d4a017",
  "bare FFI": "#8e6bbf",
};

/** The SVG text of the ratio chart. */
export function renderChart(ratios: { label: string; vs: string; ratio: number }[]): string {
  const labels = [...new Set(ratios.map((r) => r.label))];
  const others = [...new Set(ratios.map((r) => r.vs))];
  const bar = 14, gap = 10, left = 190, width = 460, top = 40;
  // Each group is as tall as its own bars (the async rows compare with Deno alone).
  const shown = (label: string) =>
    others.filter((vs) =>
      ratios.some((q) => q.label === label && q.vs === vs && Number.isFinite(q.ratio))
    );
  const tops: number[] = [];
  let y = top;
  for (const label of labels) {
    tops.push(y);
    y += shown(label).length * bar + gap;
  }
  const height = y + 40;
  const max = Math.max(1.2, ...ratios.map((r) => r.ratio)) * 1.1;
  const x = (v: number) => left + (v / max) * width;
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${left + width + 60}" height="${height}" ` +
    `font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="20" font-size="14" font-weight="bold">pysocket ÷ each other ` +
    `implementation (above 1.0: pysocket is faster)</text>`,
  ];
  labels.forEach((label, i) => {
    const y0 = tops[i], bars = shown(label);
    out.push(
      `<text x="${left - 8}" y="${y0 + (bars.length * bar) / 2 + 4}" text-anchor="end">` +
        `${esc(label)}</text>`,
    );
    bars.forEach((vs, j) => {
      const r = ratios.find((q) => q.label === label && q.vs === vs)!;
      const y = y0 + j * bar;
      out.push(
        `<rect x="${left}" y="${y}" width="${(x(r.ratio) - left).toFixed(1)}" ` +
          `height="${bar - 2}" fill="${COLORS[vs] ?? "#999"}"/>`,
        `<text x="${(x(r.ratio) + 4).toFixed(1)}" y="${y + bar - 4}" font-size="10">` +
          `${r.ratio.toFixed(2)}× ${esc(vs)}</text>`,
      );
    });
  });
  out.push(
    `<line x1="${x(1)}" y1="${top - 6}" x2="${x(1)}" y2="${height - 30}" stroke="black" ` +
      `stroke-dasharray="4 3"/>`,
    `<text x="${x(1)}" y="${height - 14}" text-anchor="middle">1.0</text>`,
    `</svg>`,
  );
  return out.join("\n") + "\n";
}
