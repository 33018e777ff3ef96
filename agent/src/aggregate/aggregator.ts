// The aggregation core: tasks, custom series and in-flight reports, with the series cap. It knows
// no sockets, HTTP or wire format: the decode stage calls it with names and numbers, the expose
// stage reads it, and an in-process monitor can drive it directly. Time comes from `now`.
import type { AggregatorOptions } from './aggregator-options.js'
import { BucketLayout, MAX_TRACKABLE_US, msToUs } from './bucket-layout.js'
import { CustomSeries, type CustomKind, HISTOGRAM_SCALE } from './custom-series.js'
import { FamilyClaims, spellingOf } from './family-names.js'
import { InflightRegistry, type ClientReport } from './inflight-registry.js'
import { KeySpellings, keySpelling } from './key-spellings.js'
import { type LabelPairs, canonicalLabels, sanitizeMetricName, seriesId } from './labels.js'
import { ScrapeBudget } from './scrape-cost.js'
import { type SeriesSettings, isIdle } from './series-settings.js'
import { TaskStats } from './task-stats.js'
import { type AgentDropReason, DropCounters } from './drop-counters.js'
import { SLOT_COUNT } from './sliding-window.js'

// A value past what a histogram holds is refused and counted, never clamped: a clamped 1e308 ms
// would show as a 12.7-day p50 and poison every sum. Durations in ms; user histograms in their unit.
const MAX_DURATION_MS = MAX_TRACKABLE_US / 1000
const MAX_OBSERVATION = MAX_TRACKABLE_US / HISTOGRAM_SCALE

export type { AggregatorOptions }

const NO_LABELS: LabelPairs = []

export class Aggregator {
  readonly layout: BucketLayout
  readonly windowSeconds: number
  readonly maxSeries: number
  startedMs: number
  readonly now: () => number
  clockShiftMs = 0 // a restored state's clock goes on from where it was saved (continueClock)
  readonly tasks = new Map<string, TaskStats>()
  readonly custom = new Map<string, CustomSeries>()
  readonly inflight: InflightRegistry
  readonly drops = new DropCounters()
  readonly scrape: ScrapeBudget
  private readonly families = new FamilyClaims()
  readonly taskKeys = new KeySpellings() // public: the state file keeps raw keys, so the same events match
  readonly seriesKeys = new KeySpellings()
  seriesDropped = 0
  /** Why the last series() call refused, or null when it did not (or only the cap stopped it). */
  lastRefusal: AgentDropReason | null = null
  /** Series removed by evictIdle (--ttl). */
  seriesEvicted = 0
  // Between beginBatch() and endBatch() every event of one datagram shares one clock reading:
  // performance.now() per event was ~20 ns of a ~300 ns/event ingest profile.
  private batchNowMs = 0
  private inBatch = false

  constructor(options: AggregatorOptions) {
    this.layout = new BucketLayout(options.precision)
    this.windowSeconds = options.windowSeconds
    this.maxSeries = options.maxSeries
    const clock = options.now ?? (() => performance.now())
    this.now = () => clock() + this.clockShiftMs
    this.startedMs = this.now()
    this.inflight = new InflightRegistry(options.maxClients ?? 10_000, options.shard === true)
    this.scrape = new ScrapeBudget(options.taskBuckets ?? 0, options.maxScrapeBytes ?? Number.POSITIVE_INFINITY)
  }

  beginBatch(): void {
    this.batchNowMs = this.now()
    this.inBatch = true
  }

  endBatch(): void {
    this.inBatch = false
  }

  private clock(): number {
    return this.inBatch ? this.batchNowMs : this.now()
  }

  get seriesCount(): number {
    return this.tasks.size + this.custom.size
  }

  /** The task for a name + raw tag pairs, created on first use (with `settings`); null past --max-series. */
  task(
    name: string,
    tags: ReadonlyArray<readonly [string, string]> | null,
    settings: SeriesSettings | null = null,
  ): TaskStats | null {
    const labels = tags === null || tags.length === 0 ? NO_LABELS : canonicalLabels(tags)
    const id = labels === null ? '' : seriesId(name, labels)
    const spelling = keySpelling(tags)
    const existing = this.tasks.get(id)
    if (labels === null || (existing !== undefined && !this.taskKeys.matches(id, spelling)))
      return this.refuse('label_collision', 1)
    if (existing !== undefined) return existing
    if (!this.admit(this.scrape.cost.task(name, labels, settings?.bucketsSeconds?.length), 1)) return null
    const task = new TaskStats(name, labels, id, this.layout, this.windowSeconds, this.now())
    task.settings = settings
    this.tasks.set(id, task)
    this.taskKeys.remember(id, spelling)
    return task
  }

  /**
   * The custom series for a name + tags; null past the cap or when refused (counted under the
   * reason, `events` times: a worker merge passes how many events the refused series carries).
   */
  series(
    kind: CustomKind,
    name: string,
    tags: ReadonlyArray<readonly [string, string]> | null,
    events = 1,
    settings: SeriesSettings | null = null,
  ): CustomSeries | null {
    const base = sanitizeMetricName(name)
    const family = kind === 'counter' && !base.endsWith('_total') ? base + '_total' : base
    this.lastRefusal = null
    const labels = tags === null || tags.length === 0 ? NO_LABELS : canonicalLabels(tags)
    if (labels === null) return this.refuse('label_collision', events)
    const id = seriesId(family, labels)
    const existing = this.custom.get(id)
    const spelling = keySpelling(tags)
    // One family, one spelling: `a.b`, `a_b` and `a-b` all sanitize to a_b, and the first one sent
    // keeps it; merging them would add up metrics the app keeps apart. The same for tag keys.
    if (existing !== undefined) {
      if (existing.kind !== kind) return this.refuse('type_conflict', events)
      if (spellingOf(kind, existing.name) !== spellingOf(kind, name)) return this.refuse('name_collision', events)
      return this.seriesKeys.matches(id, spelling) ? existing : this.refuse('label_collision', events)
    }
    const refusal = this.families.refusal(kind, name, family)
    if (refusal !== null) return this.refuse(refusal, events)
    if (!this.admit(this.scrape.cost.custom(kind, family, name, labels), events)) return null
    this.families.claim(kind, name, family)
    const created = new CustomSeries(kind, family, name, labels, id, seriesId(name, labels), this.layout, this.now())
    created.settings = settings
    this.custom.set(id, created)
    this.seriesKeys.remember(id, spelling)
    return created
  }

  /** One request: a timing, or the end of a tracked task. `weight` = 1 / sampleRate, rounded. */
  recordRequest(task: TaskStats, durationMs: number, failed: boolean, weight: number): void {
    if (!this.inRange(!(durationMs > MAX_DURATION_MS))) return
    const nowMs = this.clock()
    const valueUs = msToUs(durationMs)
    const v = valueUs < 0 ? 0 : valueUs
    const octave = this.layout.octaveOf(v)
    const slot = this.layout.slotOf(v, octave)
    // The window first: a slot it closes is packed from the histogram before this request.
    task.window.recordAt(nowMs, octave, slot, v, durationMs, weight, failed)
    task.histogram.addAt(octave, slot, v, weight)
    task.sumMs += durationMs * weight
    if (failed) task.errors += weight
    else task.success += weight
    task.lastUpdateMs = nowMs
  }

  taskStarted(task: TaskStats): void {
    task.startBalance++
    task.startEvents++
    task.lastUpdateMs = this.clock()
  }

  /** An end event also records its request (recordRequest); this only settles the balance. */
  taskEnded(task: TaskStats): void {
    // Ends from clients that report in-flight counts had no start here: never go below 0.
    if (task.startBalance > 0) task.startBalance--
    task.endEvents++
  }

  beginInflightReport(clientId: string, sequence: number, flushIntervalMs: number): ClientReport | null {
    const report = this.inflight.begin(clientId, sequence, flushIntervalMs, this.clock())
    if (report === null) this.drops.add('inflight_clients_cap')
    return report
  }

  inflightEntry(report: ClientReport, task: TaskStats, count: number): void {
    this.inflight.entry(report, task, count)
    task.lastUpdateMs = report.lastSeenMs
  }

  // Counters and gauges stay finite: a delta that would overflow to ±Infinity is refused.
  addCounter(series: CustomSeries, delta: number): void {
    const next = series.value + delta
    if (!this.inRange(Number.isFinite(next))) return
    series.value = next
    series.eventsSinceMerge++
    series.lastUpdateMs = this.clock()
  }

  setGauge(series: CustomSeries, value: number): void {
    series.gaugeSet(value, this.clock())
  }

  addGauge(series: CustomSeries, delta: number): void {
    const next = series.value + delta
    if (!this.inRange(Number.isFinite(next))) return
    series.gaugeMoved(next, delta, this.clock())
  }

  observe(series: CustomSeries, value: number, weight: number): void {
    if (series.histogram === null) return
    // The histogram's buckets are logarithmic from 0: a negative observation has no bucket.
    if (value < 0) {
      this.drops.add('negative_histogram_value')
      return
    }
    if (!this.inRange(!(value > MAX_OBSERVATION))) return
    series.histogram.recordCount(Math.round(value * HISTOGRAM_SCALE), weight)
    series.sum += value * weight
    series.eventsSinceMerge++
    series.lastUpdateMs = this.clock()
  }

  /** A StatsD set member, by hashSetMember() of its bytes; gauges ignore sample rates, so do sets. */
  addSetMember(series: CustomSeries, memberHash: number): void {
    if (series.members === null) return
    const nowMs = this.clock()
    series.eventsSinceMerge++
    if (!series.members.add(memberHash, this.setEpoch(nowMs), SLOT_COUNT)) this.drops.add('set_members_cap')
    series.lastUpdateMs = nowMs
  }

  /** Unique members of a set over the window (it slides in sub-window steps, like the tasks'). */
  setSize(series: CustomSeries): number {
    return series.members === null ? 0 : series.members.liveCount(this.setEpoch(this.now()), SLOT_COUNT)
  }

  private setEpoch(nowMs: number): number {
    return Math.floor(nowMs / ((this.windowSeconds * 1000) / SLOT_COUNT))
  }

  /**
   * Removes series not updated for their TTL (a mapping rule's, else `ttlMs`; 0 = never) and returns
   * how many went; a task with tasks in flight is kept (its reports refresh it). Callers holding
   * lookups by series (the decode caches) must drop them when this returns > 0.
   */
  evictIdle(ttlMs: number): number {
    const nowMs = this.now()
    let evicted = 0
    this.refreshActive()
    for (const [id, task] of this.tasks) {
      if (!isIdle(task, ttlMs, nowMs) || task.active > 0) continue
      this.tasks.delete(id)
      this.taskKeys.forget(id)
      this.scrape.release(this.scrape.cost.task(task.name, task.labels, task.settings?.bucketsSeconds?.length))
      this.inflight.forgetTask(task)
      evicted++
    }
    let customEvicted = 0
    for (const [id, series] of this.custom) {
      if (!isIdle(series, ttlMs, nowMs)) continue
      this.custom.delete(id)
      this.seriesKeys.forget(id)
      this.scrape.release(this.scrape.cost.custom(series.kind, series.family, series.name, series.labels))
      customEvicted++
    }
    // Family names of evicted series are free again.
    if (customEvicted > 0) this.families.rebuild(this.custom.values())
    this.seriesEvicted += evicted + customEvicted
    return evicted + customEvicted
  }

  /** Recomputes every task's reportedActive from live in-flight reports. Call before reading. */
  refreshActive(): void {
    for (const task of this.tasks.values()) task.reportedActive = 0
    this.inflight.applyTo(this.now())
  }

  /** A restored state (state/), before any series: now() goes on from `clockMs`, figures from `startedMs`. */
  continueClock(clockMs: number, startedMs: number): void {
    this.clockShiftMs += clockMs - this.now()
    this.startedMs = startedMs
  }

  /** Seconds the window figures cover now: min(window, time since start). */
  uptimeSeconds(): number {
    return (this.now() - this.startedMs) / 1000
  }

  /** Room for one more series under --max-series and --max-scrape-bytes; counts a refusal. */
  private admit(scrapeBytes: number, events: number): boolean {
    if (this.seriesCount >= this.maxSeries) {
      this.seriesDropped++
      return false
    }
    // Like the series cap, not remembered per series: once others go, the next event may fit.
    if (this.scrape.take(scrapeBytes)) return true
    this.drops.add('scrape_bytes_limit', events)
    return false
  }

  /** True when `ok`; otherwise the value is counted as out of range, never clamped. */
  private inRange(ok: boolean): boolean {
    if (!ok) this.drops.add('value_out_of_range')
    return ok
  }

  private refuse(reason: AgentDropReason, events: number): null {
    this.drops.add(reason, events)
    this.lastRefusal = reason
    return null
  }
}
