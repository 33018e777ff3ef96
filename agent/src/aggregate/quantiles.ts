/** The quantiles reported everywhere: p50, p95, p99, p99.9. */
export const QUANTILES: readonly number[] = [0.5, 0.95, 0.99, 0.999]
