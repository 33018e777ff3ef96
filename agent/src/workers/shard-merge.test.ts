// --workers: the same events split over two shard aggregators and merged at each
// "scrape" must read exactly like one aggregator that saw them all: /dashboard and /metrics text.
import { describe, expect, it } from 'vitest'
import { Aggregator } from '../aggregate/aggregator.js'
import { buildDashboard } from '../expose/ui/dashboard-snapshot.js'
import { hashSetMember } from '../aggregate/set-members.js'
import type { MetricsRenderer } from '../expose/prometheus/metrics-renderer.js'
import { testRenderer } from '../expose/prometheus/metrics-renderer.test-support.js'
import { random } from '../../../test/harness/seeded-random.js'
import { DeltaWriter } from '../aggregate/delta-bytes.js'
import { ShardDeltaWriter } from './shard-delta.js'
import { ShardMerger } from './shard-merge.js'
import { roundFloats } from '../../../test/harness/round-floats.js'

const BUCKETS = [0.001, 0.01, 0.1, 1]

/** Applies event i to an aggregator, the same way whichever process receives it. */
function apply(aggregator: Aggregator, i: number, rand: () => number): void {
  const task = aggregator.task(`task_${i % 7}`, i % 3 === 0 ? [['region', 'eu']] : null)
  if (task === null) return
  aggregator.recordRequest(task, Math.exp(Math.log(20) + rand() - 0.5), i % 11 === 0, i % 13 === 0 ? 4 : 1)
  // A tracked task: each start is followed by its end (from the same client, any worker).
  const tracked = aggregator.task('tracked', null)
  if (tracked !== null && i % 17 === 0) aggregator.taskStarted(tracked)
  if (tracked !== null && i % 17 === 5) aggregator.taskEnded(tracked)
  const counter = aggregator.series('counter', 'jobs', [['kind', String(i % 2)]])
  if (counter !== null) aggregator.addCounter(counter, 1 + (i % 3))
  const absolute = aggregator.series('gauge', 'queue_depth', null)
  if (absolute !== null && i % 5 === 0) aggregator.setGauge(absolute, i)
  const relative = aggregator.series('gauge', 'workers_busy', null)
  if (relative !== null) aggregator.addGauge(relative, i % 2 === 0 ? 1 : -0.5)
  const histogram = aggregator.series('histogram', 'batch_size', null)
  if (histogram !== null) aggregator.observe(histogram, (i * 7) % 300, 1)
  const set = aggregator.series('set', 'users', null)
  if (set !== null)
    aggregator.addSetMember(set, hashSetMember(Buffer.from(`user-${i % 97}`), 0, `user-${i % 97}`.length))
  if (i % 50 === 0) {
    const report = aggregator.beginInflightReport('client-a', i, 1000)
    const busy = aggregator.task('task_1', null)
    if (report !== null && busy !== null) aggregator.inflightEntry(report, busy, i % 4)
  }
}

function renderer(aggregator: Aggregator): MetricsRenderer {
  return testRenderer(aggregator, BUCKETS, 0)
}

// Series order inside a family is not meaning (the primary learns of tasks in another order).
const roundText = (text: string): string[] =>
  text
    .replace(/ (-?\d+\.\d+(e[-+]\d+)?)$/gm, (_m, n: string) => ' ' + Number(Number(n).toPrecision(12)))
    .split('\n')
    .sort()

/** Two shards and a primary at one fixed time; collect() merges one round. */
function twoShards(): { shards: [Aggregator, Aggregator]; master: Aggregator; collect: () => void } {
  const options = { windowSeconds: 60, precision: 2, maxSeries: 1000, now: () => 1000 }
  const shards: [Aggregator, Aggregator] = [
    new Aggregator({ ...options, shard: true }),
    new Aggregator({ ...options, shard: true }),
  ]
  const master = new Aggregator(options)
  const merger = new ShardMerger(master)
  const bytes = new DeltaWriter(1024)
  const collect = (): void => {
    for (const shard of shards) {
      new ShardDeltaWriter(shard).write(bytes)
      merger.add(bytes.finish())
    }
    merger.endRound()
  }
  return { shards, master, collect }
}

describe('shard merge', () => {
  it('two shards merged at each scrape read like one aggregator', async () => {
    const clock = { ms: 1000 }
    const options = { windowSeconds: 60, precision: 2, maxSeries: 1000, now: () => clock.ms }
    const single = new Aggregator(options)
    const shards = [new Aggregator({ ...options, shard: true }), new Aggregator({ ...options, shard: true })]
    const master = new Aggregator(options)
    const writers = shards.map((shard) => new ShardDeltaWriter(shard))
    const merger = new ShardMerger(master)
    const bytes = new DeltaWriter(1024)
    const randSingle = random(7)
    const randShards = random(7)
    const pick = random(99)
    let i = 0
    // 9 scrapes 9 s apart: more than a window slot (5 s) between them, and past the 60 s window.
    for (let scrape = 0; scrape < 9; scrape++) {
      for (let n = 0; n < 400; n++, i++) {
        clock.ms += 22
        apply(single, i, randSingle)
        apply(shards[pick() < 0.5 ? 0 : 1] as Aggregator, i, randShards)
      }
      for (const writer of writers) {
        writer.write(bytes)
        expect(merger.add(bytes.finish())).toBe(true)
      }
      merger.endRound()
      const one = buildDashboard(single, {})
      const merged = buildDashboard(master, {})
      // Sums of floats add in another order: equal up to rounding, everything else exactly.
      expect(roundFloats(merged)).toEqual(roundFloats(one))
      expect(roundText(await renderer(master).renderOwn())).toEqual(roundText(await renderer(single).renderOwn()))
    }
    expect(i).toBe(3600)
  })

  it('counts the events of a name two workers saw as two kinds as type_conflict', () => {
    const options = { windowSeconds: 60, precision: 2, maxSeries: 1000, now: () => 1000 }
    const shards = [new Aggregator({ ...options, shard: true }), new Aggregator({ ...options, shard: true })]
    const master = new Aggregator(options)
    const writers = shards.map((shard) => new ShardDeltaWriter(shard))
    const merger = new ShardMerger(master)
    const bytes = new DeltaWriter(1024)
    const gauge = shards[0]?.series('gauge', 'depth', null)
    const counter = shards[1]?.series('counter', 'depth', null)
    if (gauge == null || counter == null) throw new Error('each shard takes its own kind')
    const round = (gauges: number, counts: number): void => {
      for (let n = 0; n < gauges; n++) shards[0]?.setGauge(gauge, n)
      for (let n = 0; n < counts; n++) shards[1]?.addCounter(counter, 1)
      for (const writer of writers) {
        writer.write(bytes)
        merger.add(bytes.finish())
      }
      merger.endRound()
    }
    round(3, 5)
    expect(master.drops.get('type_conflict')).toBe(5)
    round(1, 2)
    expect(master.drops.get('type_conflict')).toBe(7)
    expect(master.custom.size).toBe(1)
  })
  it("settles a round's starts and ends together: an end merged before its start from the other shard", () => {
    const { shards, master, collect } = twoShards()
    const started = shards[1].task('job', null)
    const ended = shards[0].task('job', null)
    if (started === null || ended === null) throw new Error('each shard takes the task')
    shards[1].taskStarted(started)
    shards[0].taskEnded(ended)
    collect()
    expect(master.tasks.get('job')?.active).toBe(0)
  })

  it("lets a client's newer zero win over another shard's older count merged after it", () => {
    const { shards, master, collect } = twoShards()
    const report = (shard: Aggregator, sequence: number, count: number): void => {
      const client = shard.beginInflightReport('client-a', sequence, 1000)
      const task = shard.task('job', null)
      if (client === null || task === null) throw new Error('the shard takes the report')
      shard.inflightEntry(client, task, count)
    }
    report(shards[1], 1, 3)
    report(shards[0], 2, 0)
    collect()
    master.refreshActive()
    expect(master.tasks.get('job')?.active).toBe(0)
  })
})
