// What a mapping rule gives the series it names (one frozen object per rule, shared by its series):
// a HELP text, its own idle TTL and its own task_duration_seconds bounds. A series without a rule
// has null and follows the agent's flags. A --workers shard sends them with the series' key, so
// the primary (which renders and evicts) holds them too.
import type { DeltaSink, DeltaSource } from './delta-bytes.js'
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

// The primary reads the same few rules' settings in every delta: one object per distinct text, so
// that what keys on a settings object (a task's own `le` bounds) sees one per rule. Bounded: a
// reload's new rules replace the old ones, and past this many the table starts again.
const MAX_INTERNED = 4096
const interned = new Map<string, SeriesSettings>()

export function writeSettings(sink: DeltaSink, settings: SeriesSettings | null): void {
  sink.str(settings === null ? '' : JSON.stringify(settings))
}

export function readSettings(source: DeltaSource): SeriesSettings | null {
  const text = source.str()
  if (text === '') return null
  let settings = interned.get(text)
  if (settings !== undefined) return settings
  const parsed = JSON.parse(text) as SeriesSettings
  settings = Object.freeze({
    help: typeof parsed.help === 'string' ? parsed.help : null,
    ttlMs: typeof parsed.ttlMs === 'number' ? parsed.ttlMs : null,
    bucketsSeconds: Array.isArray(parsed.bucketsSeconds) ? Object.freeze(parsed.bucketsSeconds.map(Number)) : null,
  })
  if (interned.size >= MAX_INTERNED) interned.clear()
  interned.set(text, settings)
  return settings
}
