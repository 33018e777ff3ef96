// An Aggregator's state for the state file (state/state-format.ts frames it): its clock, then
// every task and custom series with its key and figures. Unlike a --workers delta, writing it
// resets nothing: a snapshot every --state-interval leaves the aggregator as it was. Read back, the
// series go through task() and series() again, so the caps and name rules of this run apply.
import type { Aggregator } from './aggregator.js'
import { type CustomKind, CustomSeries } from './custom-series.js'
import type { DeltaSink, DeltaSource } from './delta-bytes.js'
import type { LabelPairs } from './labels.js'
import { readSettings, writeSettings } from './series-settings.js'
import { SLOT_COUNT } from './sliding-window.js'
import { TaskStats } from './task-stats.js'

const KINDS: readonly CustomKind[] = ['counter', 'gauge', 'histogram', 'set']

export interface RestoredCounts {
  tasks: number
  series: number
  /** Series the caps or name rules of this run refused (their figures were read past). */
  refused: number
}

/**
 * The tags as the app sent them: label values with the raw keys of a respelled series
 * (KeySpellings), so that its next event, spelled the same way, finds the restored series.
 */
function writeTags(sink: DeltaSink, labels: LabelPairs, spelling: string | null): void {
  const keys = spelling === null ? null : (JSON.parse(spelling) as readonly string[])
  sink.u32(labels.length)
  for (let i = 0; i < labels.length; i++) {
    const pair = labels[i] as readonly [string, string]
    sink.str(keys?.[i] ?? pair[0])
    sink.str(pair[1])
  }
}

function readTags(source: DeltaSource): Array<[string, string]> {
  const count = source.u32()
  const tags: Array<[string, string]> = []
  for (let i = 0; i < count; i++) tags.push([source.str(), source.str()])
  return tags
}

export function writeAggregatorState(aggregator: Aggregator, sink: DeltaSink): void {
  const nowMs = aggregator.now()
  sink.f64(nowMs)
  sink.f64(aggregator.startedMs)
  sink.u32(aggregator.tasks.size)
  for (const task of aggregator.tasks.values()) {
    sink.str(task.name)
    writeTags(sink, task.labels, aggregator.taskKeys.spelling(task.id))
    writeSettings(sink, task.settings)
    task.writeState(sink, nowMs)
  }
  const setEpoch = Math.floor(nowMs / ((aggregator.windowSeconds * 1000) / SLOT_COUNT))
  sink.u32(aggregator.custom.size)
  for (const series of aggregator.custom.values()) {
    sink.u8(KINDS.indexOf(series.kind))
    sink.str(series.name)
    writeTags(sink, series.labels, aggregator.seriesKeys.spelling(series.id))
    writeSettings(sink, series.settings)
    series.writeState(sink, setEpoch)
  }
}

/**
 * Restores writeAggregatorState() into an aggregator that holds no series yet. Its clock goes on
 * from the saved one plus `elapsedMs` (the wall-clock time since the save), so window slots and
 * set members keep their epochs and those still inside the window line up. Throws on bytes that
 * are no state. `check`: only read them through (into scratch series, the aggregator untouched),
 * so that a file that throws halfway leaves nothing behind: the caller checks, then restores.
 */
export function readAggregatorState(
  aggregator: Aggregator,
  source: DeltaSource,
  elapsedMs: number,
  check = false,
): RestoredCounts {
  if (aggregator.seriesCount > 0 && !check) throw new Error('state restored into an aggregator that holds series')
  const clockMs = source.f64()
  const startedMs = source.f64()
  if (!Number.isFinite(clockMs) || !Number.isFinite(startedMs) || startedMs > clockMs)
    throw new RangeError('state clock out of range')
  if (!check) aggregator.continueClock(clockMs + Math.max(0, elapsedMs), startedMs)
  const nowMs = check ? clockMs + Math.max(0, elapsedMs) : aggregator.now()
  const counts: RestoredCounts = { tasks: 0, series: 0, refused: 0 }
  const scratch = new Scratch(aggregator, nowMs)
  const tasks = source.u32()
  for (let t = 0; t < tasks; t++) {
    const name = source.str()
    const tags = readTags(source)
    const settings = readSettings(source)
    const task = check ? scratch.task() : aggregator.task(name, tags, settings)
    if (task === null) counts.refused++
    else counts.tasks++
    ;(task ?? scratch.task()).readState(source, nowMs)
  }
  const series = source.u32()
  for (let s = 0; s < series; s++) {
    const kind = KINDS[source.u8()]
    if (kind === undefined) throw new RangeError('unknown series kind')
    const name = source.str()
    const tags = readTags(source)
    const settings = readSettings(source)
    const found = check ? scratch.series(kind) : aggregator.series(kind, name, tags, 0, settings)
    if (found === null) counts.refused++
    else counts.series++
    ;(found ?? scratch.series(kind)).readState(source)
  }
  return counts
}

/** Where the figures of a series not restored are read to (a new one each: it restores into an empty one). */
class Scratch {
  private readonly aggregator: Aggregator
  private readonly nowMs: number

  constructor(aggregator: Aggregator, nowMs: number) {
    this.aggregator = aggregator
    this.nowMs = nowMs
  }

  task(): TaskStats {
    return new TaskStats('', [], '', this.aggregator.layout, this.aggregator.windowSeconds, this.nowMs)
  }

  series(kind: CustomKind): CustomSeries {
    return new CustomSeries(kind, '', '', [], '', '', this.aggregator.layout, this.nowMs)
  }
}
