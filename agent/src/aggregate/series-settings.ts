// What a mapping rule gives the series it names (one frozen object per rule, shared by its series):
// a HELP text, its own idle TTL and its own task_duration_seconds bounds. A series without a rule
// has null and follows the agent's flags.
export interface SeriesSettings {
  readonly help: string | null
  /** Evicted after this long without an event; null = --ttl. */
  readonly ttlMs: number | null
  /** A task's `le` bounds in seconds; null = --buckets. */
  readonly bucketsSeconds: readonly number[] | null
}

/** True when a series has had no event for its TTL: its own, else the agent's (0 = never). */
export function isIdle(
  series: { readonly settings: SeriesSettings | null; readonly lastUpdateMs: number },
  agentTtlMs: number,
  nowMs: number,
): boolean {
  const own = series.settings?.ttlMs
  const ttlMs = own === null || own === undefined ? agentTtlMs : own
  return ttlMs > 0 && series.lastUpdateMs < nowMs - ttlMs
}
