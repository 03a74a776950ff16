/** Latency figures of one load phase, in milliseconds. */
export interface LatencySummary {
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

/** Percentiles shown on the chart: dense towards the tail, where boot storms hurt. */
export const CHART_PERCENTILES = [0, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 100] as const;

/** The value below which `percentile`% of the sorted values lie (nearest rank). */
function atPercentile(sorted: Float64Array, percentile: number): number {
  if (sorted.length === 0) return 0;
  // Less a hair, so that 99.9% of 1000 is rank 999 and not 1000 by floating-point error.
  const rank = Math.ceil((percentile * sorted.length) / 100 - 1e-9);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

function sortedCopy(values: readonly number[]): Float64Array {
  return Float64Array.from(values).sort();
}

export function summarizeLatencies(values: readonly number[]): LatencySummary {
  const sorted = sortedCopy(values);
  const total = sorted.reduce((sum, value) => sum + value, 0);
  return {
    p50: atPercentile(sorted, 50),
    p90: atPercentile(sorted, 90),
    p99: atPercentile(sorted, 99),
    p999: atPercentile(sorted, 99.9),
    max: sorted.length ? sorted[sorted.length - 1] : 0,
    mean: sorted.length ? total / sorted.length : 0,
  };
}

/** `[percentile, ms]` at each of {@link CHART_PERCENTILES}, for the chart and the JSON report. */
export function percentileCurve(values: readonly number[]): [number, number][] {
  const sorted = sortedCopy(values);
  return CHART_PERCENTILES.map((percentile) => [percentile, atPercentile(sorted, percentile)]);
}
