// Applies StatsD / DogStatsD text (newline-separated lines, from a UDP datagram or a TCP chunk) to
// the aggregator. Timers are requests of the task named by the metric (ms, like protocol
// v1 timings); c/g/h/d/s feed custom series. Sample rates are weights, never duplicated events: a
// counter adds value/rate, a timer or histogram value counts round(1/rate) times, gauges and sets
// ignore the rate. Series are found by raw bytes (statsd-series-cache.ts); strings are built only
// for a new series. A name refused for its type is remembered, so a flood of conflicting lines is
// counted without re-resolving each one.
import { EVENT_KIND } from '@taskmeter/protocol'
import type { Aggregator } from '../aggregate/aggregator.js'
import type { AgentDropReason } from '../aggregate/drop-counters.js'
import type { CustomKind, CustomSeries } from '../aggregate/custom-series.js'
import { hashSetMember } from '../aggregate/set-members.js'
import type { TaskStats } from '../aggregate/task-stats.js'
import type { RejectLog } from './reject-log.js'
import type { DecodeStats } from './decode-stats.js'
import { MAPPED_OUT, type MappedOut, type SeriesMapping } from './series-mapping.js'
import { MIN_SAMPLE_RATE } from './protocol-sink.js'
import {
  SEGMENT_FIELDS,
  SEG_CONTAINER_END,
  SEG_CONTAINER_START,
  SEG_FIRST_VALUE,
  SEG_TAGS_END,
  SEG_TAGS_START,
  SEG_TYPE,
  SEG_VALUE_COUNT,
  STATSD_TYPE,
  StatsdLine,
  VALUE_FIELDS,
  VALUE_SIGNED,
} from './statsd-line.js'
import { statsdLineName, statsdLineTagPairs } from './statsd-line-tags.js'
import { StatsdSeriesCache } from './statsd-series-cache.js'
import type { StatsdStats } from './statsd-stats.js'
import type { StatsdExemplars } from './statsd-exemplar-tags.js'
import type { StatsdTagFormats } from './statsd-tag-formats.js'

const NEWLINE = 0x0a
const CR = 0x0d
const TIMING = EVENT_KIND.timing - 1
const COUNT = EVENT_KIND.count - 1
const GAUGE = EVENT_KIND.gauge - 1
const GAUGE_DELTA = EVENT_KIND.gauge_delta - 1
const HISTOGRAM = EVENT_KIND.histogram - 1

// Rates below MIN_SAMPLE_RATE count as MIN_SAMPLE_RATE (as protocol-sink.ts): 5e-324 must not make
// a weight or a counter infinite.
function clampRate(sampleRate: number): number {
  return sampleRate < MIN_SAMPLE_RATE ? MIN_SAMPLE_RATE : sampleRate
}

/** A sampled timer or histogram value counts round(1/rate) times (whole events, as in StatsD). */
function weightOf(sampleRate: number): number {
  return sampleRate === 1 ? 1 : Math.max(1, Math.round(1 / clampRate(sampleRate)))
}

export class StatsdSink {
  private readonly aggregator: Aggregator
  private readonly events: Float64Array
  private readonly stats: StatsdStats
  private readonly rejects: RejectLog
  private readonly line: StatsdLine
  private readonly tasks: StatsdSeriesCache<TaskStats | AgentDropReason | MappedOut>
  // A reason = refused for its type (cached: the refusal is permanent while the series exists).
  private readonly counters: StatsdSeriesCache<CustomSeries | AgentDropReason | MappedOut>
  private readonly gauges: StatsdSeriesCache<CustomSeries | AgentDropReason | MappedOut>
  private readonly histograms: StatsdSeriesCache<CustomSeries | AgentDropReason | MappedOut>
  private readonly sets: StatsdSeriesCache<CustomSeries | AgentDropReason | MappedOut>
  /** The mapping file's rules (--mapping-config); null = names are used as sent. */
  private mapping: SeriesMapping | null
  /** --exemplar-tags: trace and span tags of timer, h and d lines become an exemplar; null = they are labels. */
  private readonly exemplars: StatsdExemplars | null

  constructor(
    aggregator: Aggregator,
    decodeStats: DecodeStats,
    stats: StatsdStats,
    rejects: RejectLog,
    mapping: SeriesMapping | null = null,
    tagFormats?: StatsdTagFormats,
    exemplars: StatsdExemplars | null = null,
  ) {
    this.aggregator = aggregator
    this.mapping = mapping
    this.exemplars = exemplars
    this.line = new StatsdLine(tagFormats)
    this.events = decodeStats.eventsByKind
    this.stats = stats
    this.rejects = rejects
    // Bounded like protocol-sink's caches: cleared past twice the series cap.
    const limit = Math.max(1024, aggregator.maxSeries * 2)
    this.tasks = new StatsdSeriesCache(limit)
    this.counters = new StatsdSeriesCache(limit)
    this.gauges = new StatsdSeriesCache(limit)
    this.histograms = new StatsdSeriesCache(limit)
    this.sets = new StatsdSeriesCache(limit)
  }

  /** A reload's new rules: series resolved by the old ones are looked up again. */
  setMapping(mapping: SeriesMapping | null): void {
    this.mapping = mapping
    this.clearCaches()
  }

  clearCaches(): void {
    this.tasks.clear()
    this.counters.clear()
    this.gauges.clear()
    this.histograms.clear()
    this.sets.clear()
  }

  /** Every line of bytes [start, end). Empty lines and a trailing '\r' are skipped. */
  decodeText(buf: Uint8Array, start: number, end: number): void {
    let p = start
    while (p < end) {
      // A byte loop, not buf.indexOf(): lines are short, and Buffer#indexOf's argument checks and
      // native call cost more than the scan (~25 CPU-ns a line at 1 line per datagram).
      let lineEnd = p
      while (lineEnd < end && buf[lineEnd] !== NEWLINE) lineEnd++
      const contentEnd = lineEnd > p && buf[lineEnd - 1] === CR ? lineEnd - 1 : lineEnd
      if (contentEnd > p) this.decodeLine(buf, p, contentEnd)
      p = lineEnd + 1
    }
  }

  private decodeLine(buf: Uint8Array, start: number, end: number): void {
    const stats = this.stats
    stats.linesReceived++
    const line = this.line
    const reason = line.parse(buf, start, end)
    if (reason !== null) {
      stats.lineInvalid(reason)
      this.rejects.reject('line', reason)
      return
    }
    for (let s = 0; s < line.segmentCount; s++) this.applySegment(buf, s)
  }

  // One small method per type, so that each stays within V8's inlining budget together with the
  // aggregator call it makes (one big switch was ~50 CPU-ns a line slower in calls).
  private applySegment(buf: Uint8Array, s: number): void {
    switch (this.line.segments[s * SEGMENT_FIELDS + SEG_TYPE]) {
      case STATSD_TYPE.timer:
        return this.applyTimer(buf, s)
      case STATSD_TYPE.counter:
        return this.applyCounter(buf, s)
      case STATSD_TYPE.gauge:
        return this.applyGauge(buf, s)
      case STATSD_TYPE.histogram:
      case STATSD_TYPE.distribution:
        return this.applyHistogram(buf, s)
      case STATSD_TYPE.set:
        return this.applySet(buf, s)
    }
  }

  private applyTimer(buf: Uint8Array, s: number): void {
    const line = this.line
    const first = line.segments[s * SEGMENT_FIELDS + SEG_FIRST_VALUE] ?? 0
    const last = first + (line.segments[s * SEGMENT_FIELDS + SEG_VALUE_COUNT] ?? 0)
    this.events[TIMING] = (this.events[TIMING] ?? 0) + (last - first)
    // Before the lookup: the series key and labels are the tags without the exemplar's.
    const exemplar = this.exemplars?.cut(buf, line.segments, s) === true
    const task = this.resolveTask(buf, s)
    if (task === null) return
    const weight = weightOf(line.rates[s] ?? 0)
    for (let v = first; v < last; v++) this.aggregator.recordRequest(task, line.values[v] ?? 0, false, weight)
    if (exemplar) this.exemplars?.record(task, line.values[last - 1] ?? 0)
  }

  private applyCounter(buf: Uint8Array, s: number): void {
    const line = this.line
    const first = line.segments[s * SEGMENT_FIELDS + SEG_FIRST_VALUE] ?? 0
    const last = first + (line.segments[s * SEGMENT_FIELDS + SEG_VALUE_COUNT] ?? 0)
    this.events[COUNT] = (this.events[COUNT] ?? 0) + (last - first)
    const series = this.resolveCustom('counter', this.counters, buf, s)
    if (series === null) return
    const rate = clampRate(line.rates[s] ?? 0)
    for (let v = first; v < last; v++) this.aggregator.addCounter(series, (line.values[v] ?? 0) / rate)
  }

  private applyGauge(buf: Uint8Array, s: number): void {
    const line = this.line
    const events = this.events
    const first = line.segments[s * SEGMENT_FIELDS + SEG_FIRST_VALUE] ?? 0
    const last = first + (line.segments[s * SEGMENT_FIELDS + SEG_VALUE_COUNT] ?? 0)
    const series = this.resolveCustom('gauge', this.gauges, buf, s)
    for (let v = first; v < last; v++) {
      // "+3|g" / "-3|g" move the gauge; an unsigned value sets it (etsy StatsD).
      if (line.valueBytes[v * VALUE_FIELDS + VALUE_SIGNED] === 1) {
        events[GAUGE_DELTA] = (events[GAUGE_DELTA] ?? 0) + 1
        if (series !== null) this.aggregator.addGauge(series, line.values[v] ?? 0)
      } else {
        events[GAUGE] = (events[GAUGE] ?? 0) + 1
        if (series !== null) this.aggregator.setGauge(series, line.values[v] ?? 0)
      }
    }
  }

  private applyHistogram(buf: Uint8Array, s: number): void {
    const line = this.line
    const first = line.segments[s * SEGMENT_FIELDS + SEG_FIRST_VALUE] ?? 0
    const last = first + (line.segments[s * SEGMENT_FIELDS + SEG_VALUE_COUNT] ?? 0)
    this.events[HISTOGRAM] = (this.events[HISTOGRAM] ?? 0) + (last - first)
    // User histograms keep no exemplar (they have no classic buckets to put one on), but the ids are no labels either.
    if (this.exemplars !== null) this.exemplars.cut(buf, line.segments, s)
    const series = this.resolveCustom('histogram', this.histograms, buf, s)
    if (series === null) return
    const weight = weightOf(line.rates[s] ?? 0)
    for (let v = first; v < last; v++) this.aggregator.observe(series, line.values[v] ?? 0, weight)
  }

  private applySet(buf: Uint8Array, s: number): void {
    const line = this.line
    this.stats.setEvents++
    const series = this.resolveCustom('set', this.sets, buf, s)
    if (series !== null)
      this.aggregator.addSetMember(series, hashSetMember(buf, line.memberStart(s), line.memberEnd(s)))
  }

  private resolveTask(buf: Uint8Array, s: number): TaskStats | null {
    const cached = this.cached(this.tasks, buf, s)
    if (cached !== undefined) return cached
    const l = this.line
    const name = statsdLineName(buf, l)
    const tags = statsdLineTagPairs(buf, l, s)
    const mapping = this.mapping
    const task = mapping === null ? this.aggregator.task(name, tags) : mapping.task(this.aggregator, name, tags)
    if (task !== null) this.tasks.set(task)
    return task === MAPPED_OUT ? null : task
  }

  private resolveCustom(
    kind: CustomKind,
    cache: StatsdSeriesCache<CustomSeries | AgentDropReason | MappedOut>,
    buf: Uint8Array,
    s: number,
  ): CustomSeries | null {
    const cached = this.cached(cache, buf, s)
    if (cached !== undefined) return cached
    const l = this.line
    const name = statsdLineName(buf, l)
    const tags = statsdLineTagPairs(buf, l, s)
    const mapping = this.mapping
    const series =
      mapping === null ? this.aggregator.series(kind, name, tags) : mapping.series(this.aggregator, kind, name, tags)
    // Remember a refusal for its reason only; past --max-series the next line must ask again.
    const remembered = series ?? this.aggregator.lastRefusal
    if (remembered !== null) cache.set(remembered)
    return series === MAPPED_OUT ? null : series
  }

  /**
   * What `cache` holds for segment s's series (its key stays selected for a set() after a miss):
   * the series (a line the mapping counts), null for one refused or dropped, undefined when unknown.
   */
  private cached<T extends TaskStats | CustomSeries>(
    cache: StatsdSeriesCache<T | AgentDropReason | MappedOut>,
    buf: Uint8Array,
    s: number,
  ): T | null | undefined {
    const l = this.line
    const at = s * SEGMENT_FIELDS
    const segments = l.segments
    const value = cache.select(
      buf,
      l.nameStart,
      l.nameEnd,
      segments[at + SEG_TAGS_START] ?? 0,
      segments[at + SEG_TAGS_END] ?? 0,
      segments[at + SEG_CONTAINER_START] ?? 0,
      segments[at + SEG_CONTAINER_END] ?? 0,
    )
    if (value === undefined) return undefined
    if (value === MAPPED_OUT) {
      this.mapping?.countDropped()
      return null
    }
    if (typeof value === 'string') {
      this.aggregator.drops.add(value)
      return null
    }
    if (this.mapping !== null) this.mapping.countResolved(value)
    return value
  }
}
