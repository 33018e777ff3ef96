// Applies decoded protocol v1 events to the aggregator. Series are looked up by the raw bytes of
// name (+ tags) in a ByteKeyTable, so the hot path builds no string per event; UTF-8 decoding, tag
// parsing and label sanitizing happen only on a cache miss.
import {
  EVENT_KIND,
  type EventReason,
  type EventSink,
  type EventView,
  type InflightReportView,
  createEventView,
  decodeTags,
  decodeText,
} from '@taskmeter/protocol'
import type { Aggregator } from '../aggregate/aggregator.js'
import type { CustomKind, CustomSeries } from '../aggregate/custom-series.js'
import type { ExemplarRecorder } from '../aggregate/exemplar-recorder.js'
import { hashSetMember } from '../aggregate/set-members.js'
import type { ClientReport } from '../aggregate/inflight-registry.js'
import type { TaskStats } from '../aggregate/task-stats.js'
import type { DecodeStats } from './decode-stats.js'
import { MAPPED_OUT, type MappedOut, type SeriesMapping } from './series-mapping.js'
import type { RejectLog } from './reject-log.js'

import { ByteKeyTable } from './byte-key-table.js'
import type { SenderSequences } from './sender-sequences.js'

/** Smallest sample rate the agent honours: one event stands for at most a million. */
export const MIN_SAMPLE_RATE = 1e-6

/** What names a series: the name and tag bytes of an event. */
type SeriesKey = Pick<EventView, 'nameStart' | 'nameEnd' | 'tagsStart' | 'tagsEnd' | 'tagCount'>

function keyName(buf: Uint8Array, key: SeriesKey): string {
  return decodeText(buf, key.nameStart, key.nameEnd)
}

function keyTags(buf: Uint8Array, key: SeriesKey): Array<[string, string]> | null {
  return key.tagCount === 0 ? null : decodeTags(buf, key.tagsStart, key.tagCount)
}

export class ProtocolSink implements EventSink {
  private readonly aggregator: Aggregator
  private readonly stats: DecodeStats
  private readonly rejects: RejectLog
  // Raw-bytes key → series. Bounded: cleared when it outgrows twice the series cap (the
  // aggregator still holds every series, so a clear only costs re-resolving).
  private readonly taskCache = new ByteKeyTable<TaskStats | MappedOut>()
  /** --map-protocol: task names go through the mapping rules as StatsD timers do; null = as sent. */
  private taskMapping: SeriesMapping | null = null
  private readonly counterCache = new ByteKeyTable<CustomSeries>()
  private readonly gaugeCache = new ByteKeyTable<CustomSeries>()
  private readonly histogramCache = new ByteKeyTable<CustomSeries>()
  private readonly setCache = new ByteKeyTable<CustomSeries>()
  private readonly cacheLimit: number
  private report: ClientReport | null
  // The key of an in-flight entry: a task name without tags, in an EventView's shape (so that
  // resolveTask sees one kind of object).
  private readonly entryKey: EventView = createEventView()
  /** Loss per sender from v1.1 headers; null: headers are read and not tracked. */
  private readonly senders: SenderSequences | null
  /** Where a request's exemplar (SPEC.md §3.4) goes; null: exemplars are read and not kept. */
  private readonly exemplars: ExemplarRecorder | null

  constructor(
    aggregator: Aggregator,
    stats: DecodeStats,
    rejects: RejectLog,
    senders: SenderSequences | null = null,
    exemplars: ExemplarRecorder | null = null,
  ) {
    this.aggregator = aggregator
    this.stats = stats
    this.rejects = rejects
    this.senders = senders
    this.exemplars = exemplars
    this.cacheLimit = Math.max(1024, aggregator.maxSeries * 2)
    this.report = null
  }

  /** Forget cached lookups (after series were evicted). */
  clearCaches(): void {
    this.taskCache.clear()
    this.counterCache.clear()
    this.gaugeCache.clear()
    this.histogramCache.clear()
    this.setCache.clear()
  }

  private resolveTask(buf: Uint8Array, key: SeriesKey): TaskStats | null {
    const mapping = this.taskMapping
    const cached = this.taskCache.get(buf, key.nameStart, key.nameEnd, key.tagsStart, key.tagsEnd)
    // Without rules the cache holds only tasks (setTaskMapping clears it when rules come or go).
    if (mapping === null && cached !== undefined) return cached as TaskStats
    if (cached === MAPPED_OUT) {
      mapping?.countDropped()
      return null
    }
    if (cached !== undefined) {
      mapping?.countResolved(cached)
      return cached
    }
    const resolved =
      mapping === null
        ? this.aggregator.task(keyName(buf, key), keyTags(buf, key))
        : mapping.task(this.aggregator, keyName(buf, key), keyTags(buf, key))
    const task = this.remember(this.taskCache, buf, key, resolved)
    return task === MAPPED_OUT ? null : task
  }

  /** A reload's rules (when --map-protocol is on): tasks resolved by the old ones are looked up again. */
  setTaskMapping(mapping: SeriesMapping | null): void {
    this.taskMapping = mapping
    this.taskCache.clear()
  }

  private resolveCustom(kind: CustomKind, buf: Uint8Array, key: SeriesKey): CustomSeries | null {
    const cache =
      kind === 'counter'
        ? this.counterCache
        : kind === 'gauge'
          ? this.gaugeCache
          : kind === 'histogram'
            ? this.histogramCache
            : this.setCache
    return (
      cache.get(buf, key.nameStart, key.nameEnd, key.tagsStart, key.tagsEnd) ??
      this.remember(cache, buf, key, this.aggregator.series(kind, keyName(buf, key), keyTags(buf, key)))
    )
  }

  // A cache miss: keeps what the aggregator resolved (null: over the series cap, not cached).
  private remember<T>(cache: ByteKeyTable<T>, buf: Uint8Array, key: SeriesKey, series: T | null): T | null {
    if (series !== null) {
      if (cache.size >= this.cacheLimit) cache.clear()
      cache.set(buf, key.nameStart, key.nameEnd, key.tagsStart, key.tagsEnd, series)
    }
    return series
  }

  onEvent(buf: Uint8Array, event: Readonly<EventView>): void {
    const kind = event.kind
    const value = event.value
    const stats = this.stats
    stats.eventAccepted(kind - 1)
    // Sampled timings and observations weigh 1/rate whole events, as in StatsD. Rates below
    // MIN_SAMPLE_RATE are taken as MIN_SAMPLE_RATE so that 5e-324 cannot make counts infinite.
    const rate = event.sampleRate < MIN_SAMPLE_RATE ? MIN_SAMPLE_RATE : event.sampleRate
    const weight = rate === 1 ? 1 : Math.max(1, Math.round(1 / rate))
    switch (kind) {
      case EVENT_KIND.timing:
      case EVENT_KIND.task_end_success:
      case EVENT_KIND.task_end_error: {
        const task = this.resolveTask(buf, event)
        if (task === null) return
        this.aggregator.recordRequest(task, value, kind === EVENT_KIND.task_end_error, weight)
        if (event.hasExemplar) this.exemplars?.recordTask(task, value, event.exemplarIds)
        if (kind !== EVENT_KIND.timing) this.aggregator.taskEnded(task)
        return
      }
      case EVENT_KIND.task_start: {
        const task = this.resolveTask(buf, event)
        if (task !== null) this.aggregator.taskStarted(task)
        return
      }
      case EVENT_KIND.count: {
        const series = this.resolveCustom('counter', buf, event)
        if (series !== null) this.aggregator.addCounter(series, value / rate)
        return
      }
      case EVENT_KIND.gauge:
      case EVENT_KIND.gauge_delta: {
        const series = this.resolveCustom('gauge', buf, event)
        if (series === null) return
        if (kind === EVENT_KIND.gauge) this.aggregator.setGauge(series, value)
        else this.aggregator.addGauge(series, value)
        return
      }
      case EVENT_KIND.histogram: {
        const series = this.resolveCustom('histogram', buf, event)
        if (series !== null) this.aggregator.observe(series, value, weight)
        return
      }
      case EVENT_KIND.set: {
        // The member's bytes hash as a StatsD set member's do: "42" here and `x:42|s` are one member.
        // The sample rate is ignored, as for StatsD sets (one member seen is in the set).
        const series = this.resolveCustom('set', buf, event)
        if (series !== null)
          this.aggregator.addSetMember(series, hashSetMember(buf, event.memberStart, event.memberEnd))
        return
      }
    }
  }

  onInflightReport(buf: Uint8Array, report: Readonly<InflightReportView>): void {
    this.stats.eventAccepted(EVENT_KIND.inflight_report - 1)
    this.report = this.aggregator.beginInflightReport(
      decodeText(buf, report.clientIdStart, report.clientIdEnd),
      report.sequence,
      report.flushIntervalMs,
    )
  }

  onInflightEntry(buf: Uint8Array, nameStart: number, nameEnd: number, count: number): void {
    if (this.report === null) return
    // A zero entry for a task we never saw need not create a series (the cache may have been
    // cleared, so ask the aggregator before concluding that).
    if (
      count === 0 &&
      this.taskCache.get(buf, nameStart, nameEnd, 0, 0) === undefined &&
      !this.aggregator.tasks.has(decodeText(buf, nameStart, nameEnd))
    )
      return
    const key = this.entryKey
    key.nameStart = nameStart
    key.nameEnd = nameEnd
    const task = this.resolveTask(buf, key)
    if (task !== null) this.aggregator.inflightEntry(this.report, task, count)
  }

  onHeader(buf: Uint8Array, clientIdStart: number, clientIdEnd: number, sequence: number): void {
    this.senders?.onHeader(buf, clientIdStart, clientIdEnd, sequence)
  }

  onEventInvalid(reason: EventReason): void {
    this.stats.eventInvalid(reason)
    this.rejects.reject('event', reason)
  }
}
