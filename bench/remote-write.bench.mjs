// Remote write cost per push: one snapshot of 1 000 and 10 000 busy tasks encoded as a snappy
// WriteRequest (TimeSeriesEncoder, as the agent pushes every --remote-write-interval), and the
// snappy step alone on those same bodies, beside snappyjs, the library that compresses them.
// Run: npm run bench:remote-write
import snappyjs from 'snappyjs'
import { benchRenderer } from './bench-renderer.mjs'
import { TimeSeriesEncoder } from '../agent/dist/push/time-series-encoder.js'
import { fill, median } from './busy-tasks.mjs'
import { writeResult } from './ingest-load.mjs'

const RUNS = Number(process.env.BENCH_RUNS ?? 9)
const BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
const NATIVE = { schema: 7, maxBuckets: 160 }

function renderer(aggregator) {
  return benchRenderer(aggregator, BUCKETS, NATIVE)
}

async function push(source, encoder) {
  encoder.begin(Date.now())
  await source.emitFamilies(encoder)
  return encoder.finish()
}

async function pushTimes(source) {
  const encoder = new TimeSeriesEncoder([['instance', 'bench']])
  let requests = await push(source, encoder) // warm-up
  const times = []
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now()
    requests = await push(source, encoder)
    times.push(performance.now() - started)
  }
  return { ms: median(times), requests }
}

function compressMBps(bodies) {
  const bytes = bodies.reduce((sum, b) => sum + b.length, 0)
  for (const b of bodies) snappyjs.compress(b) // warm-up
  const rates = []
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now()
    for (const b of bodies) snappyjs.compress(b)
    rates.push(bytes / ((performance.now() - started) / 1000) / 1e6)
  }
  return median(rates)
}

const rows = []
const result = { bench: 'remote-write', node: process.version }
for (const tasks of [1000, 10_000]) {
  const clock = { ms: 0 }
  const source = renderer(fill(tasks, 40, clock))
  const { ms, requests } = await pushTimes(source)
  const raw = requests.map((r) => Buffer.from(snappyjs.uncompress(r.body)))
  const rawBytes = raw.reduce((sum, b) => sum + b.length, 0)
  const sentBytes = requests.reduce((sum, r) => sum + r.body.length, 0)
  const mbps = compressMBps(raw)
  rows.push([
    `${tasks} tasks`,
    ms.toFixed(1),
    (rawBytes / 1e6).toFixed(2),
    (rawBytes / sentBytes).toFixed(2),
    mbps.toFixed(0),
  ])
  Object.assign(result, {
    [`push_ms_${tasks}`]: Number(ms.toFixed(2)),
    [`raw_mb_${tasks}`]: Number((rawBytes / 1e6).toFixed(3)),
    [`ratio_${tasks}`]: Number((rawBytes / sentBytes).toFixed(2)),
    [`snappyjs_mb_per_s_${tasks}`]: Number(mbps.toFixed(1)),
  })
}

console.log(`remote write push, precision 2, window 60 s, median of ${RUNS}, node ${process.version}`)
const header = ['snapshot', 'encode+snappy ms', 'raw MB', 'ratio', 'snappyjs MB/s']
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
for (const row of [header, ...rows])
  console.log(row.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '))
writeResult('remote-write', result)
console.log(JSON.stringify(result))
