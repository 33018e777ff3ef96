// The delta round trip: random events dealt over one or two shards, whose deltas are applied into
// a primary at random collects (the first into an empty aggregator, later ones into what earlier
// rounds left), read at each collect exactly like one aggregator that took every event itself:
// histogram buckets, counts and range, sums, window slots and their percentiles, start balance
// and in-flight counts, counters, gauges, set sizes. Values are integers or multiples of 1/1024,
// so every sum is exact whatever order it is added in.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Aggregator } from '../aggregate/aggregator.js'
import { DeltaWriter } from '../aggregate/delta-bytes.js'
import type { LatencyHistogram } from '../aggregate/latency-histogram.js'
import { hashSetMember } from '../aggregate/set-members.js'
import { QUANTILES, TaskFigures } from '../aggregate/task-figures.js'
import { ShardDeltaWriter } from './shard-delta.js'
import { ShardMerger } from './shard-merge.js'

const TASKS: ReadonlyArray<[string, Array<[string, string]> | null]> = [
  ['checkout', null],
  ['search', null],
  ['export', [['region', 'eu']]],
  ['export', [['region', 'us']]],
]
// A client with flush interval FLUSH_MS is never expired within a run (≤ 150 steps of ≤ 20 s).
const FLUSH_MS = 10_000_000

type Op =
  | { t: 'request'; task: number; k: number; weight: number; failed: boolean }
  | { t: 'start'; task: number }
  | { t: 'end'; task: number }
  | { t: 'counter'; series: number; delta: number }
  | { t: 'set'; series: number; value: number }
  | { t: 'move'; series: number; delta: number }
  | { t: 'observe'; series: number; k: number; weight: number }
  | { t: 'member'; series: number; member: number }
  | { t: 'report'; client: number; entries: Array<[number, number]> }

interface Step {
  op: Op
  dtMs: number
  shard: number
  collect: boolean
}

const taskArb = fc.integer({ min: 0, max: TASKS.length - 1 })
const seriesArb = fc.integer({ min: 0, max: 1 })
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    t: fc.constant('request' as const),
    task: taskArb,
    // Duration in 1/1024 ms: sub-millisecond buckets and hours.
    k: fc.oneof(fc.integer({ min: 0, max: 2 ** 16 }), fc.integer({ min: 0, max: 2 ** 32 })),
    weight: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 100 })),
    failed: fc.boolean(),
  }),
  fc.record({ t: fc.constantFrom('start' as const, 'end' as const), task: taskArb }),
  fc.record({ t: fc.constant('counter' as const), series: seriesArb, delta: fc.integer({ min: -5, max: 100 }) }),
  fc.record({ t: fc.constant('set' as const), series: seriesArb, value: fc.integer({ min: -1000, max: 1000 }) }),
  fc.record({ t: fc.constant('move' as const), series: seriesArb, delta: fc.integer({ min: -50, max: 50 }) }),
  fc.record({
    t: fc.constant('observe' as const),
    series: seriesArb,
    k: fc.integer({ min: 0, max: 2 ** 30 }),
    weight: fc.integer({ min: 1, max: 10 }),
  }),
  fc.record({ t: fc.constant('member' as const), series: seriesArb, member: fc.integer({ min: 0, max: 40 }) }),
  fc.record({
    t: fc.constant('report' as const),
    client: fc.integer({ min: 0, max: 2 }),
    entries: fc.array(fc.tuple(taskArb, fc.integer({ min: 0, max: 5 })), { maxLength: 3 }),
  }),
)
const stepArb: fc.Arbitrary<Step> = fc.record({
  op: opArb,
  // Steps past a sub-window (5 s) too, so that slots and members leave the window mid-run.
  dtMs: fc.oneof(
    fc.integer({ min: 0, max: 50 }),
    fc.integer({ min: 0, max: 4000 }),
    fc.integer({ min: 0, max: 20_000 }),
  ),
  shard: fc.integer({ min: 0, max: 1 }),
  collect: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
})

/**
 * The shard an event goes to. A gauge's events keep to one shard: two shards' changes that
 * straddle the winning set are added whole, the documented inexact case (merge-round.ts).
 */
function shardOf(step: Step, shards: number): number {
  if (step.op.t === 'set' || step.op.t === 'move') return step.op.series % shards
  return step.shard % shards
}

/** Applies one event as the decode stage would; `sequence` numbers a client's reports. */
function apply(aggregator: Aggregator, op: Op, sequence: number): void {
  if (op.t === 'request' || op.t === 'start' || op.t === 'end') {
    const [name, tags] = TASKS[op.task] as [string, Array<[string, string]> | null]
    const task = aggregator.task(name, tags)
    if (task === null) throw new Error('series cap reached')
    if (op.t === 'request') aggregator.recordRequest(task, op.k / 1024, op.failed, op.weight)
    else if (op.t === 'start') aggregator.taskStarted(task)
    else aggregator.taskEnded(task)
  } else if (op.t === 'counter') {
    const series = aggregator.series('counter', 'jobs', [['kind', String(op.series)]])
    if (series !== null) aggregator.addCounter(series, op.delta)
  } else if (op.t === 'set' || op.t === 'move') {
    const series = aggregator.series('gauge', `depth_${op.series}`, null)
    if (series !== null && op.t === 'set') aggregator.setGauge(series, op.value)
    else if (series !== null && op.t === 'move') aggregator.addGauge(series, op.delta)
  } else if (op.t === 'observe') {
    const series = aggregator.series('histogram', `batch_${op.series}`, null)
    if (series !== null) aggregator.observe(series, op.k / 1024, op.weight)
  } else if (op.t === 'member') {
    const series = aggregator.series('set', `users_${op.series}`, null)
    const bytes = Buffer.from(`user-${op.member}`)
    if (series !== null) aggregator.addSetMember(series, hashSetMember(bytes, 0, bytes.length))
  } else {
    const report = aggregator.beginInflightReport(`client-${op.client}`, sequence, FLUSH_MS)
    if (report === null) throw new Error('client cap reached')
    for (const [index, count] of op.entries) {
      const [name, tags] = TASKS[index] as [string, Array<[string, string]> | null]
      const task = aggregator.task(name, tags)
      if (task !== null) aggregator.inflightEntry(report, task, count)
    }
  }
}

function bucketsOf(histogram: LatencyHistogram | null): Array<[number, number]> {
  const out: Array<[number, number]> = []
  histogram?.forEachBucket((flat, count) => {
    out.push([flat, count])
  })
  return out
}

/** Everything /metrics shows of an aggregator, in a comparable form. */
function figures(aggregator: Aggregator): unknown {
  aggregator.refreshActive()
  const reader = new TaskFigures(aggregator)
  const quantiles = new Float64Array(QUANTILES.length)
  const tasks = [...aggregator.tasks.values()].map((task) => {
    reader.readWindow(task, quantiles)
    const window = { ...reader.totals, buckets: [] as number[], quantiles: [...quantiles] }
    for (let i = 0; i < reader.buckets.length; i++)
      window.buckets.push(reader.buckets.flats[i] ?? 0, reader.buckets.counts[i] ?? 0)
    const histogram = task.histogram
    return {
      id: task.id,
      count: histogram.totalCount,
      range: histogram.totalCount > 0 ? [histogram.minUs, histogram.maxUs] : [],
      buckets: bucketsOf(histogram),
      sumMs: task.sumMs,
      success: task.success,
      errors: task.errors,
      active: task.active,
      window,
    }
  })
  const series = [...aggregator.custom.values()].map((s) => ({
    id: s.id,
    kind: s.kind,
    value: s.value,
    sum: s.sum,
    buckets: bucketsOf(s.histogram),
    size: aggregator.setSize(s),
  }))
  const byId = (a: { id: string }, b: { id: string }): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  return { tasks: tasks.sort(byId), series: series.sort(byId), drops: aggregator.drops.get('set_members_cap') }
}

describe('shard delta round trip', () => {
  it('deltas applied into a primary read like one aggregator that took every event', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 }),
        fc.integer({ min: 0, max: 2 ** 40 }),
        fc.array(stepArb, { minLength: 1, maxLength: 150 }),
        (shardCount, startMs, steps) => {
          const clock = { ms: startMs }
          const options = { windowSeconds: 60, precision: 2, maxSeries: 1000, now: () => clock.ms }
          const direct = new Aggregator(options)
          const shards = Array.from({ length: shardCount }, () => new Aggregator({ ...options, shard: true }))
          const writers = shards.map((shard) => new ShardDeltaWriter(shard))
          const primary = new Aggregator(options)
          const merger = new ShardMerger(primary)
          const bytes = new DeltaWriter(256)
          const sequences = [0, 0, 0]
          const balances = TASKS.map(() => 0)
          const collect = (): void => {
            for (const writer of writers) {
              writer.write(bytes)
              expect(merger.add(bytes.finish())).toBe(true)
            }
            merger.endRound()
            expect(figures(primary)).toEqual(figures(direct))
          }
          for (const step of steps) {
            clock.ms += step.dtMs
            const op = step.op
            // One process floors the balance at each end, a merge after the round: ends that
            // outrun starts are the documented inexact case, so an end comes after its start.
            if (op.t === 'end' && (balances[op.task] ?? 0) === 0) continue
            if (op.t === 'start' || op.t === 'end')
              balances[op.task] = (balances[op.task] ?? 0) + (op.t === 'start' ? 1 : -1)
            let sequence = 0
            if (op.t === 'report') {
              sequence = (sequences[op.client] ?? 0) + 1
              sequences[op.client] = sequence
            }
            apply(direct, op, sequence)
            apply(shards[shardOf(step, shardCount)] as Aggregator, op, sequence)
            if (step.collect) collect()
          }
          collect()
        },
      ),
      { numRuns: 300 },
    )
  })
})
