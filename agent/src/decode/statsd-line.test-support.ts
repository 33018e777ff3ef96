// The table runner of the StatsD line tests (statsd-line.test.ts, statsd-tag-formats.test.ts): a
// row is one datagram into a real Aggregator, with the effect it must have — the series it
// touches and their figures, the events by kind, and the reasons of rejected lines. A row without
// `formats` goes through the real DatagramRouter (every tag format on); a row with them through a
// StatsdSink built with those formats, as the agent builds it for --statsd-tag-formats.
import { EVENT_KIND_NAMES } from '@taskmeter/protocol'
import { expect, it } from 'vitest'
import { Aggregator } from '../aggregate/aggregator.js'
import type { AgentDropReason } from '../aggregate/drop-counters.js'
import { DatagramRouter } from './datagram-router.js'
import { DecodeStats } from './decode-stats.js'
import { RejectLog } from './reject-log.js'
import { LINE_REASONS, type LineReason } from './statsd-reasons.js'
import { StatsdSink } from './statsd-sink.js'
import { StatsdStats } from './statsd-stats.js'
import type { StatsdTagFormat } from './statsd-tag-formats.js'

export type Labels = Record<string, string>
export type Effect =
  | { task: string; labels?: Labels; count: number; sumMs: number }
  | { counter: string; labels?: Labels; value: number }
  | { gauge: string; labels?: Labels; value: number }
  | { histogram: string; labels?: Labels; count: number; sum: number }
  | { set: string; labels?: Labels; size: number }

export interface Row {
  text: string
  /** Series the datagram must leave, exactly (no other series exist). */
  effects?: Effect[]
  /** Rejected lines, in any order. */
  reasons?: LineReason[]
  /** Accepted events by taskmeter_events_total kind (the rest must be 0). */
  kinds?: Record<string, number>
  /** The tag formats the parser reads; every one when absent. */
  formats?: readonly StatsdTagFormat[]
  /** Events dropped downstream, by taskmeter_events_dropped_total reason. */
  drops?: Partial<Record<AgentDropReason, number>>
}

const KIND_LABELS = [...EVENT_KIND_NAMES, 'set']

function sameLabels(actual: ReadonlyArray<readonly [string, string]>, expected: Labels | undefined): boolean {
  const want = Object.entries(expected ?? {}).sort((a, b) => (a[0] < b[0] ? -1 : 1))
  return JSON.stringify(actual) === JSON.stringify(want)
}

function observed(aggregator: Aggregator, effect: Effect): Effect | undefined {
  if ('task' in effect) {
    for (const task of aggregator.tasks.values()) {
      if (task.name === effect.task && sameLabels(task.labels, effect.labels))
        return { ...effect, count: task.completed, sumMs: task.sumMs }
    }
    return undefined
  }
  const [kind, family] =
    'counter' in effect
      ? ['counter', effect.counter]
      : 'gauge' in effect
        ? ['gauge', effect.gauge]
        : 'histogram' in effect
          ? ['histogram', effect.histogram]
          : ['set', effect.set]
  for (const series of aggregator.custom.values()) {
    if (series.kind !== kind || series.family !== family || !sameLabels(series.labels, effect.labels)) continue
    if ('counter' in effect || 'gauge' in effect) return { ...effect, value: series.value }
    if ('histogram' in effect) return { ...effect, count: series.histogram?.totalCount ?? -1, sum: series.sum }
    return { ...effect, size: aggregator.setSize(series) }
  }
  return undefined
}

interface Ingested {
  aggregator: Aggregator
  decode: DecodeStats
  statsd: StatsdStats
}

function ingest(row: Row): Ingested {
  const aggregator = new Aggregator({ windowSeconds: 60, precision: 2, maxSeries: 100, now: () => 1_000 })
  const bytes = Buffer.from(row.text)
  if (row.formats === undefined) {
    const router = new DatagramRouter(aggregator, null)
    router.handleDatagram(bytes, bytes.length)
    expect(router.stats.datagramsInvalid.every((n) => n === 0)).toBe(true)
    return { aggregator, decode: router.stats, statsd: router.statsdStats }
  }
  const decode = new DecodeStats()
  const statsd = new StatsdStats()
  const sink = new StatsdSink(aggregator, decode, statsd, new RejectLog(null), null, new Set(row.formats))
  aggregator.beginBatch()
  sink.decodeText(bytes, 0, bytes.length)
  aggregator.endBatch()
  return { aggregator, decode, statsd }
}

export function expectRow(row: Row): void {
  const { aggregator, decode, statsd } = ingest(row)
  const reasons = LINE_REASONS.flatMap((reason, i) => Array<LineReason>(statsd.linesInvalid[i] ?? 0).fill(reason))
  expect(reasons.sort()).toEqual([...(row.reasons ?? [])].sort())
  const kinds: Record<string, number> = {}
  KIND_LABELS.forEach((kind, i) => {
    const count = i < EVENT_KIND_NAMES.length ? (decode.eventsByKind[i] ?? 0) : statsd.setEvents
    if (count !== 0) kinds[kind] = count
  })
  expect(kinds).toEqual(row.kinds ?? {})
  const effects = row.effects ?? []
  for (const effect of effects) expect(observed(aggregator, effect)).toEqual(effect)
  expect(aggregator.seriesCount).toBe(effects.length)
  for (const [reason, count] of Object.entries(row.drops ?? {}))
    expect(aggregator.drops.get(reason as AgentDropReason), reason).toBe(count)
}

/** One test per row, titled by its text and outcome. */
export function itRows(rows: readonly Row[]): void {
  for (const row of rows) {
    const text = JSON.stringify(row.text.length > 60 ? row.text.slice(0, 57) + '…' : row.text)
    const formats = row.formats === undefined ? '' : ` [${row.formats.join(',') || 'no tag formats'}]`
    it(`${text}${formats} → ${row.reasons?.join(',') ?? 'ok'}`, () => expectRow(row))
  }
}
