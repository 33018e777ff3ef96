// Types of options.mjs for the TypeScript tests that read the generator's defaults (the Grafana
// dashboard draws the same SLO).
export declare const AGENT_DEFAULT_BUCKETS: string
export declare const DEFAULTS: Readonly<{
  slo: string
  latencyThreshold: string
  latencySlo: string
  buckets: string
  selector: string
  maxScrapeSeconds: string
  runbookUrl: string
}>
export declare const USAGE: string
export declare class UsageError extends Error {}
export declare function budgetOf(sloPercent: number): number
export declare function readOptions(
  argv: string[],
  repoRoot: string,
  callerDir: string,
): Readonly<Record<string, unknown>> | null
