// The SLO the dashboard draws: the same defaults as `npm run rules`
// (deploy/prometheus/generator/options.mjs DEFAULTS), so that a red stat or a line crossed on the
// dashboard is what the burn-rate alerts count against. The agent ships without deploy/, so the
// numbers are written here again; test/grafana-dashboard.test.ts reads the generator's defaults
// and fails when the two differ.

/** Availability SLO: this share of requests succeeds (generator --slo). */
export const AVAILABILITY_SLO_PERCENT = 99.9
/** Latency SLO: this share of requests is faster than the threshold (generator --latency-slo). */
export const LATENCY_SLO_PERCENT = 99
/** A request slower than this is slow (generator --latency-threshold, one of the --buckets bounds). */
export const LATENCY_THRESHOLD_SECONDS = 0.25
/** TaskmeterScrapeSlow's bound on the render and the whole scrape (generator --max-scrape-seconds). */
export const MAX_SCRAPE_SECONDS = 0.5

/** The error budget as a ratio, as the generator computes it: 99.9 → 0.001 (no binary noise). */
export function errorBudgetOf(sloPercent: number): number {
  return Number(((100 - sloPercent) / 100).toPrecision(12))
}

/** The quantile whose value the latency SLO bounds: 99 % within the threshold is p99 ≤ threshold. */
export const LATENCY_SLO_QUANTILE = LATENCY_SLO_PERCENT / 100
