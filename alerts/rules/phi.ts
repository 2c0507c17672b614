/**
 * The phi-accrual failure detector (Hayashibara et al.; the approximation Akka and Cassandra use):
 * phi = -log10(P(the next beat comes later than `elapsed`)), with the inter-beat intervals taken as
 * normally distributed (a logistic approximation of the normal CDF). phi 1 ≈ 10 % chance the worker
 * is still fine, phi 8 ≈ 10⁻⁸. Computed in the log domain so that large gaps give large finite values.
 */

export interface PhiOptions {
  /** the standard deviation never goes below this, ms (perfectly regular beats would give 0) */
  minStdDevMs?: number;
  /** ... nor below this fraction of the mean interval (ZooKeeper mtimes and ticks add jitter) */
  minStdDevRatio?: number;
}

export function phi(elapsedMs: number, intervals: readonly number[], options: PhiOptions = {}): number {
  if (intervals.length === 0) return 0;
  const mean = intervals.reduce((a, b) => a + b, 0) / intervals.length;
  const variance = intervals.reduce((a, b) => a + (b - mean) ** 2, 0) / intervals.length;
  const sd = Math.max(Math.sqrt(variance), options.minStdDevMs ?? 100, mean * (options.minStdDevRatio ?? 0.25));
  const y = (elapsedMs - mean) / sd;
  // logistic approximation of the normal CDF: 1 - F(y) = e / (1 + e), e = exp(-y (1.5976 + 0.070566 y²))
  const k = y * (1.5976 + 0.070566 * y * y);
  if (elapsedMs > mean) return (k + Math.log1p(Math.exp(-k))) / Math.LN10;
  const e = Math.exp(-k);
  return -Math.log10(1 - 1 / (1 + e));
}
