// --workers delta cost at 1 000 and 10 000 busy tasks, precision 2, 60 s window. Between scrapes
// the clock moves one Prometheus scrape interval (15 s, three window slots) and each task gets 40
// lognormal requests per slot.
// - encoding: one shard's delta as our bytes (DeltaWriter → DeltaReader) beside v8.serialize /
//   v8.deserialize of the same values as a plain array (what cluster's 'advanced' IPC would do
//   with a plain object): bytes, encode ms (state → bytes) and decode ms (bytes → applied into the
//   primary). Both run the same write and apply code (ShardDeltaWriter.writeTo, ShardMerger.apply),
//   so only the encoding differs.
// - merge: how long the primary takes to apply two shards' deltas for one scrape, the requests
//   dealt at random over the shards, as the kernel deals datagrams.
// Run: npm run bench:delta
import v8 from 'node:v8'
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

/**
 * One scrape interval of traffic, every task busy in each of its three slots; each request goes
 * to one shard at random (`shards` of one: that shard).
 */
function traffic(shards, tasks, clock, rand) {
  const start = clock.ms
  for (let slot = 0; slot < 3; slot++) {
    clock.ms = start + slot * 5000 + 1
    for (let t = 0; t < tasks; t++) {
      for (let i = 0; i < PER_SLOT; i++) {
        const shard = shards[rand() < 0.5 ? 0 : shards.length - 1]
        const task = shard.task(`task_${t}`, null)
        const normal = Math.sqrt(-2 * Math.log(rand())) * Math.cos(2 * Math.PI * rand())
        shard.recordRequest(task, Math.exp(Math.log(20) + 0.8 * normal), rand() < 0.02, 1)
      }
    }
  }
  clock.ms = start + SCRAPE_MS
}

/** The delta's values in order, as a plain array: the DeltaSink v8.serialize is given. */
class ValueSink {
  values = []
  u8(value) {
    this.values.push(value)
  }
  u32(value) {
    this.values.push(value)
  }
  f64(value) {
    this.values.push(value)
  }
  str(value) {
    this.values.push(value)
  }
  bytes(value) {
    this.values.push(value)
  }
}

/** The DeltaSource over a deserialized array. */
class ValueSource {
  constructor(values) {
    this.values = values
    this.pos = 0
  }
  u8() {
    return this.values[this.pos++]
  }
  u32() {
    return this.values[this.pos++]
  }
  f64() {
    return this.values[this.pos++]
  }
  str() {
    return this.values[this.pos++]
  }
  bytesView() {
    return this.values[this.pos++]
  }
}

const ENCODINGS = {
  bytes: {
    encode(writer, scratch) {
      writer.write(scratch)
      return scratch.finish()
    },
    decode: (merger, encoded) => merger.add(encoded),
  },
  v8: {
    encode(writer) {
      const sink = new ValueSink()
      writer.writeTo(sink)
      return v8.serialize(sink.values)
    },
    decode: (merger, encoded) => merger.apply(new ValueSource(v8.deserialize(encoded))),
  },
}

/** Both encodings of one shard's delta, the same traffic into each (one seed), interleaved. */
function encodingTimes(tasks) {
  const sides = Object.entries(ENCODINGS).map(([name, encoding]) => {
    const clock = { ms: 1 }
    const shard = aggregatorOn(clock, true)
    return {
      name,
      encoding,
      clock,
      shard,
      rand: random(42),
      writer: new ShardDeltaWriter(shard),
      merger: new ShardMerger(aggregatorOn(clock, false)),
      scratch: new DeltaWriter(),
      encodeMs: [],
      decodeMs: [],
      bytes: 0,
    }
  })
  for (let run = 0; run <= RUNS; run++) {
    for (const side of sides) {
      traffic([side.shard], tasks, side.clock, side.rand)
      let started = performance.now()
      const encoded = side.encoding.encode(side.writer, side.scratch)
      const encodeMs = performance.now() - started
      started = performance.now()
      side.encoding.decode(side.merger, encoded)
      side.merger.endRound()
      const decodeMs = performance.now() - started
      side.bytes = encoded.length
      // The first round is the warm-up: it also creates every task in the primary, once.
      if (run === 0) continue
      side.encodeMs.push(encodeMs)
      side.decodeMs.push(decodeMs)
    }
  }
  return sides.map((side) => ({
    name: side.name,
    bytes: side.bytes,
    encodeMs: median(side.encodeMs),
    decodeMs: median(side.decodeMs),
  }))
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
      writer.write(bytes)
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

const result = { bench: 'delta', node: process.version }
const encodingRows = []
const mergeRows = []
for (const tasks of [1000, 10_000]) {
  for (const side of encodingTimes(tasks)) {
    encodingRows.push([
      `${tasks} tasks`,
      side.name,
      (side.bytes / 1e6).toFixed(3),
      side.encodeMs.toFixed(2),
      side.decodeMs.toFixed(2),
      (side.encodeMs + side.decodeMs).toFixed(2),
    ])
    Object.assign(result, {
      [`${side.name}_mb_${tasks}`]: Number((side.bytes / 1e6).toFixed(3)),
      [`${side.name}_encode_ms_${tasks}`]: Number(side.encodeMs.toFixed(2)),
      [`${side.name}_decode_ms_${tasks}`]: Number(side.decodeMs.toFixed(2)),
    })
  }
  const merge = mergeTimes(tasks)
  mergeRows.push([`${tasks} tasks`, merge.ms.toFixed(2), merge.min.toFixed(2), (merge.deltaBytes / 1e6).toFixed(2)])
  Object.assign(result, {
    [`merge_ms_${tasks}`]: Number(merge.ms.toFixed(2)),
    [`merge_min_ms_${tasks}`]: Number(merge.min.toFixed(2)),
    [`merge_delta_mb_${tasks}`]: Number((merge.deltaBytes / 1e6).toFixed(3)),
  })
}

function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
  for (const row of [header, ...rows])
    console.log(row.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '))
}

console.log(`one shard's delta per scrape (15 s of traffic), median of ${RUNS}, node ${process.version}`)
table(['busy tasks', 'encoding', 'MB', 'encode ms', 'decode+apply ms', 'total ms'], encodingRows)
console.log(`\n--workers 2: the primary applying both shards' deltas per scrape, median of ${RUNS}`)
table(['busy tasks', 'merge ms', 'min ms', 'two deltas MB'], mergeRows)
writeResult('delta', result)
console.log(JSON.stringify(result))
