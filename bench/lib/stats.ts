/** Small statistics helpers: medians, percentiles and ratios over repeated runs. */

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The p-th percentile (0-100) with linear interpolation between closest ranks. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return percentileOfSorted(sorted, p);
}

export function percentileOfSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((sum, v) => sum + v, 0) / values.length;
}

export interface LatencySummary {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly mean: number;
  readonly max: number;
}

export function summariseLatencies(valuesMs: readonly number[]): LatencySummary {
  const sorted = Float64Array.from(valuesMs).sort();
  const list = Array.from(sorted);
  return {
    p50: percentileOfSorted(list, 50),
    p90: percentileOfSorted(list, 90),
    p99: percentileOfSorted(list, 99),
    mean: mean(list),
    max: list.length > 0 ? list[list.length - 1] : Number.NaN,
  };
}

/** Median of per-round ratios a[i] / b[i]: each round ran both sides back to back, so drift cancels. */
export function pairedRatio(numerators: readonly number[], denominators: readonly number[]): { value: number; rounds: number[] } {
  if (numerators.length !== denominators.length) {
    throw new Error(`paired ratio needs as many numerators as denominators, but got ${numerators.length} and ${denominators.length}`);
  }
  const rounds = numerators.map((n, i) => n / denominators[i]);
  return { value: median(rounds), rounds };
}
