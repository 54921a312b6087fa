// Order statistics over plain number lists: medians and nearest-rank percentiles, as the reports quote them.

/** Nearest-rank quantiles from one sort: quantiles(xs, { p50: 0.5, p99: 0.99 }) -> { p50, p99 } (undefined when empty). */
export function quantiles(xs, qs) {
  const sorted = Float64Array.from(xs).sort();
  const out = {};
  for (const [name, q] of Object.entries(qs))
    out[name] = sorted.length
      ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]
      : undefined;
  return out;
}

/** The middle value (the mean of the two middle ones for an even count). */
export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b),
    m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
