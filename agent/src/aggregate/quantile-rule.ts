// HdrHistogram's percentile rule, shared by every reader: the value at quantile q is the highest
// value equivalent to the bucket where the running count first reaches max(1, ceil(q·total − 1 ulp)).
// The ulp absorbs float error in q·total, as in HdrHistogram's getValueAtPercentile.

function ulp(x: number): number {
  return x > 0 ? 2 ** (Math.floor(Math.log2(x)) - 52) : 0
}

/** Running count at which quantiles[index] is reached; Infinity past the last quantile. */
export function quantileTarget(quantiles: readonly number[], index: number, total: number): number {
  if (index >= quantiles.length) return Infinity
  const exact = (quantiles[index] ?? 0) * total
  return Math.max(1, Math.ceil(exact - ulp(exact)))
}
