// Small statistics for the harness: percentiles of one run's samples, and the median with
// min–max across runs (each figure in the table is "median (min–max)" of its runs).

/** Nearest-rank percentile (p in 0..100) of unsorted numbers; NaN when there are none. */
export function percentile(values, p) {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** p50, p99 and max of one run's samples, under `<key>.p50` etc. */
export function latencies(key, values) {
  return {
    [`${key}.p50`]: percentile(values, 50),
    [`${key}.p99`]: percentile(values, 99),
    [`${key}.max`]: percentile(values, 100),
  };
}

export function median(values) {
  return percentile(values, 50);
}

/** { median, min, max, runs } of the values one metric took across runs (NaNs dropped). */
export function summarize(values) {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return undefined;
  // The median of an even count is the mean of the middle two, not the lower one.
  const sorted = [...finite].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const med = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median: med, min: sorted[0], max: sorted[sorted.length - 1], runs: sorted.length };
}

/** The first and the last handler start over several processes (those that ran any job). */
export function window(parts) {
  const ran = parts.filter((p) => p.done > 0);
  return {
    firstStartAt: Math.min(...ran.map((p) => p.firstStartAt)),
    lastStartAt: Math.max(...ran.map((p) => p.lastStartAt)),
  };
}
