// --workers delta cost: how long the primary takes to apply two shards' deltas for one scrape
// (`merge`), at 1 000 and 10 000 busy tasks, precision 2, 60 s window. Between scrapes the clock
// moves one Prometheus scrape interval (15 s, three window slots) and each task gets 40 lognormal
// requests per slot, dealt at random over the two shards, as the kernel deals datagrams.
// Run: npm run bench:delta
import { Aggregator } from '../agent/dist/aggregate/aggregator.js'
import { DeltaWriter } from '../agent/dist/aggregate/delta-bytes.js'
import { ShardDeltaWriter } from '../agent/dist/workers/shard-delta.js'
import { ShardMerger } from '../agent/dist/workers/shard-merge.js'
import { median } from './busy-tasks.mjs'
import { writeResult } from './ingest-load.mjs'
import { random } from './seeded-random.mjs'

const RUNS = Number(process.env.BENCH_RUNS ?? 7)
const SCRAPE_MS = 15_000
const PER_SLOT = 40

function aggregatorOn(clock, shard) {
  return new Aggregator({ windowSeconds: 60, precision: 2, maxSeries: 1_000_000, now: () => clock.ms, shard })
}

/** One scrape interval of traffic, every task busy in each of its three slots. */
function traffic(shards, tasks, clock, rand) {
  const start = clock.ms
  for (let slot = 0; slot < 3; slot++) {
    clock.ms = start + slot * 5000 + 1
    for (let t = 0; t < tasks; t++) {
      for (let i = 0; i < PER_SLOT; i++) {
        const shard = shards[rand() < 0.5 ? 0 : 1]
        const task = shard.task(`task_${t}`, null)
        const normal = Math.sqrt(-2 * Math.log(rand())) * Math.cos(2 * Math.PI * rand())
        shard.recordRequest(task, Math.exp(Math.log(20) + 0.8 * normal), rand() < 0.02, 1)
      }
    }
  }
  clock.ms = start + SCRAPE_MS
}

function mergeTimes(tasks) {
  const clock = { ms: 1 }
  const rand = random(42)
  const shards = [aggregatorOn(clock, true), aggregatorOn(clock, true)]
  const writers = shards.map((shard) => new ShardDeltaWriter(shard))
  const merger = new ShardMerger(aggregatorOn(clock, false))
  const bytes = new DeltaWriter()
  const times = []
  let deltaBytes = 0
  // The first round is the warm-up: it also creates every task in the primary, once.
  for (let run = 0; run <= RUNS; run++) {
    traffic(shards, tasks, clock, rand)
    const deltas = writers.map((writer) => {
      writer.write(bytes, new Float64Array(0))
      return bytes.finish()
    })
    deltaBytes = deltas.reduce((sum, d) => sum + d.length, 0)
    const started = performance.now()
    for (const delta of deltas) merger.add(delta)
    merger.endRound()
    if (run > 0) times.push(performance.now() - started)
  }
  return { ms: median(times), min: Math.min(...times), deltaBytes }
}

const rows = []
const result = { bench: 'delta', node: process.version }
for (const tasks of [1000, 10_000]) {
  const merge = mergeTimes(tasks)
  rows.push([`${tasks} tasks`, merge.ms.toFixed(2), merge.min.toFixed(2), (merge.deltaBytes / 1e6).toFixed(2)])
  Object.assign(result, {
    [`merge_ms_${tasks}`]: Number(merge.ms.toFixed(2)),
    [`merge_min_ms_${tasks}`]: Number(merge.min.toFixed(2)),
    [`merge_delta_mb_${tasks}`]: Number((merge.deltaBytes / 1e6).toFixed(3)),
  })
}

console.log(`--workers 2 merge per scrape (15 s of traffic), median of ${RUNS}, node ${process.version}`)
const header = ['busy tasks', 'merge ms', 'min ms', 'two deltas MB']
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
for (const row of [header, ...rows])
  console.log(row.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '))
writeResult('delta', result)
console.log(JSON.stringify(result))
