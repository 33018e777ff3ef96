// Name + tags → the aggregator's series, for the in-process monitor. The same checks as the wire
// (protocol's encodeName/encodeTags: empty names, 200-byte names, 16 tags, tag lengths) so that a
// call the client would drop is dropped here too, counted under the same reason in
// taskmeter_events_invalid_total. Untagged lookups are cached by the name as given: the hot path
// is one Map lookup. Caches hold only series the aggregator created, so --max-series bounds them.
import { isTagInput, tagEntries } from '@taskmeter/instrument'
import { type EventReason, encodeName, encodeTags } from '@taskmeter/protocol'
import type { Aggregator } from '../aggregate/aggregator.js'
import type { CustomKind, CustomSeries } from '../aggregate/custom-series.js'
import type { TaskStats } from '../aggregate/task-stats.js'
import type { DecodeStats } from '../decode/decode-stats.js'

type Pairs = ReadonlyArray<readonly [string, string]>

export class MonitorSeries {
  readonly tasks = new Map<string, TaskStats>()
  readonly counters = new Map<string, CustomSeries>()
  readonly gauges = new Map<string, CustomSeries>()
  readonly histograms = new Map<string, CustomSeries>()
  readonly sets = new Map<string, CustomSeries>()
  /** Calls dropped so far (every reason, API misuse too): a call's callback compares it. */
  dropped = 0
  /** The reason of the last drop. */
  lastReason = ''
  /** API misuse (a non-function fn, a timer ended twice, arguments out of order). */
  misuse = 0
  private readonly aggregator: Aggregator
  private readonly stats: DecodeStats
  private readonly prefix: string
  private readonly scopeTags: ReadonlyMap<string, string>
  private readonly scopePairs: Pairs | null

  constructor(aggregator: Aggregator, stats: DecodeStats, prefix: string, scopeTags: ReadonlyMap<string, string>) {
    this.aggregator = aggregator
    this.stats = stats
    this.prefix = prefix
    this.scopeTags = scopeTags
    this.scopePairs = scopeTags.size === 0 ? null : [...scopeTags.entries()]
  }

  /** Counts a call the wire would reject, under the decoder's reason. */
  invalid(reason: EventReason): void {
    this.stats.eventInvalid(reason)
    this.dropped++
    this.lastReason = reason
  }

  /** Counts API misuse, which has no wire reason (stats() shows it as bad_argument). */
  misused(): void {
    this.misuse++
    this.dropped++
    this.lastReason = 'bad_argument'
  }

  /** The task for name (+ per-call tags over the monitor's); null when dropped (and counted). */
  task(name: unknown, tags: unknown): TaskStats | null {
    if (tags === undefined) {
      const hit = this.tasks.get(name as string)
      if (hit !== undefined) return hit
    }
    const fullName = this.fullName(name)
    if (fullName === null) return null
    const pairs = tags === undefined ? this.scopePairs : this.callPairs(tags)
    if (pairs === undefined) return null
    const task = this.aggregator.task(fullName, pairs)
    if (task !== null && tags === undefined) this.tasks.set(name as string, task)
    return task
  }

  /** A counter, gauge, histogram or set; null when dropped (bad name or tags, cap, type conflict). */
  custom(kind: CustomKind, name: unknown, tags: unknown): CustomSeries | null {
    const cache =
      kind === 'counter'
        ? this.counters
        : kind === 'gauge'
          ? this.gauges
          : kind === 'histogram'
            ? this.histograms
            : this.sets
    if (tags === undefined) {
      const hit = cache.get(name as string)
      if (hit !== undefined) return hit
    }
    const fullName = this.fullName(name)
    if (fullName === null) return null
    const pairs = tags === undefined ? this.scopePairs : this.callPairs(tags)
    if (pairs === undefined) return null
    const series = this.aggregator.series(kind, fullName, pairs)
    if (series !== null && tags === undefined) cache.set(name as string, series)
    return series
  }

  private fullName(name: unknown): string | null {
    // An empty name is bad even when a prefix would make the full name non-empty (as the client).
    if (typeof name !== 'string' || name.length === 0) {
      this.invalid('bad_name')
      return null
    }
    const fullName = this.prefix + name
    const checked = encodeName(fullName)
    if (typeof checked === 'string') {
      this.invalid(checked)
      return null
    }
    return fullName
  }

  // The monitor's tags with the call's over them; undefined when they are bad (counted). Getters
  // and proxies in app objects can throw: that is bad tags too, never an exception for the app.
  private callPairs(tags: unknown): Pairs | null | undefined {
    if (tags === null) return this.scopePairs
    if (!isTagInput(tags)) {
      this.invalid('bad_tags')
      return undefined
    }
    try {
      const merged = new Map<string, string>(this.scopeTags)
      // An object, a Map, or 'key:value' strings (a bare 'key' is key="true"), read as the client reads them.
      const entries = tagEntries(tags)
      if (typeof entries === 'string') {
        this.invalid(entries)
        return undefined
      }
      for (let i = 0; i < entries.length; i++) {
        const entry = entries[i] as [unknown, unknown]
        if (typeof entry[0] !== 'string' || typeof entry[1] !== 'string') {
          this.invalid('bad_tags')
          return undefined
        }
        merged.set(entry[0], entry[1])
      }
      const checked = encodeTags(merged)
      if (typeof checked === 'string') {
        this.invalid(checked)
        return undefined
      }
      return merged.size === 0 ? null : [...merged.entries()]
    } catch {
      this.invalid('bad_tags')
      return undefined
    }
  }
}
