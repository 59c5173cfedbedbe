/* Explicit-bucket histogram arithmetic shared by the store, the exemplars and the API. */

/** Same upper bounds, by value. */
export function sameBounds(
  a: readonly number[] | undefined,
  b: readonly number[] | undefined,
): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The bucket of `value` under upper bounds `bounds` (Prometheus `le`: value ≤ bound). */
export function bucketIndex(bounds: readonly number[], value: number): number {
  let lo = 0;
  let hi = bounds.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (value <= bounds[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * The q-quantile of a histogram as Prometheus's `histogram_quantile` computes
 * it: linear interpolation inside the bucket that holds rank q·count (the first
 * bucket starting at 0), the highest finite bound when the rank falls in +Inf.
 * `counts` are per bucket (OTLP), one more than `bounds`. Null when empty.
 */
export function histogramQuantile(
  q: number,
  bounds: readonly number[] | undefined,
  counts: readonly number[],
): number | null {
  if (bounds === undefined || counts.length !== bounds.length + 1) return null;
  const total = counts.reduce((a, b) => a + b, 0);
  if (!(total > 0)) return null;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const rank = q * total;
  let cumulative = 0;
  for (let b = 0; b < counts.length; b++) {
    const inBucket = counts[b]!;
    if (inBucket > 0 && cumulative + inBucket >= rank) {
      if (b === bounds.length) return bounds.length > 0 ? bounds[bounds.length - 1]! : null;
      const upper = bounds[b]!;
      if (b === 0 && upper <= 0) return upper;
      const lower = b === 0 ? 0 : bounds[b - 1]!;
      return lower + (upper - lower) * ((rank - cumulative) / inBucket);
    }
    cumulative += inBucket;
  }
  return bounds.length > 0 ? bounds[bounds.length - 1]! : null;
}
