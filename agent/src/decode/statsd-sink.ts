// Applies StatsD / DogStatsD text (newline-separated lines, from a UDP datagram or a TCP chunk) to
// the aggregator (issue 15). Timers are requests of the task named by the metric (ms, like protocol
// v1 timings); c/g/h/d/s feed custom series. Sample rates are weights, never duplicated events: a
// counter adds value/rate, a timer or histogram value counts round(1/rate) times, gauges and sets
// ignore the rate. Series are found by raw bytes (statsd-series-cache.ts); strings are built only
// for a new series. A name refused for its type is remembered, so a flood of conflicting lines is
// counted without re-resolving each one.
import { EVENT_KIND, decodeText } from '@taskmeter/protocol'
import type { Aggregator } from '../aggregate/aggregator.js'
import type { CustomKind, CustomSeries } from '../aggregate/custom-series.js'
import { hashSetMember } from '../aggregate/set-members.js'
import type { TaskStats } from '../aggregate/task-stats.js'
import type { RejectLog } from './debug-log.js'
import type { DecodeStats } from './decode-stats.js'
import { MIN_SAMPLE_RATE } from './protocol-sink.js'
import { STATSD_TYPE, StatsdLine } from './statsd-line.js'
import { StatsdSeriesCache } from './statsd-series-cache.js'
import type { StatsdStats } from './statsd-stats.js'
import { decodeTagPairs } from './statsd-tags.js'

const NEWLINE = 0x0a
const CR = 0x0d
const TIMING = EVENT_KIND.timing - 1
const COUNT = EVENT_KIND.count - 1
const GAUGE = EVENT_KIND.gauge - 1
const GAUGE_DELTA = EVENT_KIND.gauge_delta - 1
const HISTOGRAM = EVENT_KIND.histogram - 1

export class StatsdSink {
  private readonly aggregator: Aggregator
  private readonly events: Float64Array
  private readonly stats: StatsdStats
  private readonly rejects: RejectLog
  private readonly line = new StatsdLine()
  private readonly tasks: StatsdSeriesCache<TaskStats>
  // null = refused for its type (cached: the refusal is permanent while the series exists).
  private readonly counters: StatsdSeriesCache<CustomSeries | null>
  private readonly gauges: StatsdSeriesCache<CustomSeries | null>
  private readonly histograms: StatsdSeriesCache<CustomSeries | null>
  private readonly sets: StatsdSeriesCache<CustomSeries | null>

  constructor(aggregator: Aggregator, decodeStats: DecodeStats, stats: StatsdStats, rejects: RejectLog) {
    this.aggregator = aggregator
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
      let lineEnd = buf.indexOf(NEWLINE, p)
      if (lineEnd < 0 || lineEnd > end) lineEnd = end
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

  private applySegment(buf: Uint8Array, s: number): void {
    const line = this.line
    const events = this.events
    const first = line.firstValues[s] as number
    const last = first + (line.valueCounts[s] as number)
    const values = line.values
    const sampleRate = line.rates[s] as number
    const rate = sampleRate < MIN_SAMPLE_RATE ? MIN_SAMPLE_RATE : sampleRate
    const weight = rate === 1 ? 1 : Math.max(1, Math.round(1 / rate))
    switch (line.types[s]) {
      case STATSD_TYPE.timer: {
        events[TIMING] = (events[TIMING] as number) + (last - first)
        const task = this.resolveTask(buf, s)
        if (task !== null) for (let v = first; v < last; v++) this.aggregator.recordRequest(task, values[v] as number, false, weight)
        return
      }
      case STATSD_TYPE.counter: {
        events[COUNT] = (events[COUNT] as number) + (last - first)
        const series = this.resolveCustom('counter', this.counters, buf, s)
        if (series !== null) for (let v = first; v < last; v++) this.aggregator.addCounter(series, (values[v] as number) / rate)
        return
      }
      case STATSD_TYPE.gauge: {
        const series = this.resolveCustom('gauge', this.gauges, buf, s)
        for (let v = first; v < last; v++) {
          // "+3|g" / "-3|g" move the gauge; an unsigned value sets it (etsy StatsD).
          if (line.valueSigned[v] === 1) {
            events[GAUGE_DELTA] = (events[GAUGE_DELTA] as number) + 1
            if (series !== null) this.aggregator.addGauge(series, values[v] as number)
          } else {
            events[GAUGE] = (events[GAUGE] as number) + 1
            if (series !== null) this.aggregator.setGauge(series, values[v] as number)
          }
        }
        return
      }
      case STATSD_TYPE.histogram:
      case STATSD_TYPE.distribution: {
        events[HISTOGRAM] = (events[HISTOGRAM] as number) + (last - first)
        const series = this.resolveCustom('histogram', this.histograms, buf, s)
        if (series !== null) for (let v = first; v < last; v++) this.aggregator.observe(series, values[v] as number, weight)
        return
      }
      case STATSD_TYPE.set: {
        this.stats.setEvents++
        const series = this.resolveCustom('set', this.sets, buf, s)
        if (series !== null) this.aggregator.addSetMember(series, hashSetMember(buf, line.valueStarts[first] as number, line.valueEnds[last - 1] as number))
        return
      }
    }
  }

  private tagPairs(buf: Uint8Array, s: number): Array<[string, string]> | null {
    const line = this.line
    const tagsStart = line.tagsStarts[s] as number
    const tagsEnd = line.tagsEnds[s] as number
    const containerStart = line.containerStarts[s] as number
    const containerEnd = line.containerEnds[s] as number
    if (tagsStart === tagsEnd && containerStart === containerEnd) return null
    return decodeTagPairs(buf, tagsStart, tagsEnd, containerStart, containerEnd)
  }

  private resolveTask(buf: Uint8Array, s: number): TaskStats | null {
    const l = this.line
    const ts = l.tagsStarts[s] as number
    const te = l.tagsEnds[s] as number
    const cs = l.containerStarts[s] as number
    const ce = l.containerEnds[s] as number
    const cached = this.tasks.get(buf, l.nameStart, l.nameEnd, ts, te, cs, ce)
    if (cached !== undefined) return cached
    const task = this.aggregator.task(decodeText(buf, l.nameStart, l.nameEnd), this.tagPairs(buf, s))
    if (task !== null) this.tasks.set(buf, l.nameStart, l.nameEnd, ts, te, cs, ce, task)
    return task
  }

  private resolveCustom(kind: CustomKind, cache: StatsdSeriesCache<CustomSeries | null>, buf: Uint8Array, s: number): CustomSeries | null {
    const l = this.line
    const ts = l.tagsStarts[s] as number
    const te = l.tagsEnds[s] as number
    const cs = l.containerStarts[s] as number
    const ce = l.containerEnds[s] as number
    const cached = cache.get(buf, l.nameStart, l.nameEnd, ts, te, cs, ce)
    if (cached === null) {
      this.aggregator.drops.add('type_conflict')
      return null
    }
    if (cached !== undefined) return cached
    const conflictsBefore = this.aggregator.dropReasonCount('type_conflict')
    const series = this.aggregator.series(kind, decodeText(buf, l.nameStart, l.nameEnd), this.tagPairs(buf, s))
    // Remember a refusal for the type only; past --max-series the next line must ask again.
    if (series !== null || this.aggregator.dropReasonCount('type_conflict') !== conflictsBefore) cache.set(buf, l.nameStart, l.nameEnd, ts, te, cs, ce, series)
    return series
  }
}
