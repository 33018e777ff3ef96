// ns per HDR record (target: ≤ 25 ns): our LatencyHistogram.record (the cumulative histogram
// alone), Aggregator.recordRequest (what one request costs the agent: the histogram, its window
// slot, sums and counts), and, as the baseline in the same run, hdr-histogram-js (JS Int32 and
// WebAssembly) recordValue. Precision 2, lognormal latencies (median 20 ms) in µs, fixed seed,
// warmed up, median of BENCH_RUNS interleaved runs.
// Run: npm run bench:hdr
import * as hdr from 'hdr-histogram-js'
import { Aggregator } from '../agent/dist/aggregate/aggregator.js'
import { BucketLayout } from '../agent/dist/aggregate/bucket-layout.js'
import { LatencyHistogram } from '../agent/dist/aggregate/latency-histogram.js'
import { writeResult } from './ingest-load.mjs'

const RECORDS = Number(process.env.BENCH_RECORDS ?? 5_000_000)
const RUNS = Number(process.env.BENCH_RUNS ?? 7)
const TARGET_NS = 25

let x = 0x5eed
const rand = () => {
  x ^= x << 13
  x >>>= 0
  x ^= x >>> 17
  x ^= x << 5
  x >>>= 0
  return (x + 0.5) / 0x100000000
}
const VALUES_US = new Float64Array(4096)
const VALUES_MS = new Float64Array(4096)
for (let i = 0; i < VALUES_US.length; i++) {
  const normal = Math.sqrt(-2 * Math.log(rand())) * Math.cos(2 * Math.PI * rand())
  VALUES_MS[i] = Math.round(Math.exp(Math.log(20) + 0.8 * normal) * 1000) / 1000
  VALUES_US[i] = Math.round(VALUES_MS[i] * 1000)
}
const MASK = VALUES_US.length - 1

const ours = new LatencyHistogram(new BucketLayout(2))
const clock = { ms: 1 }
const aggregator = new Aggregator({ windowSeconds: 60, precision: 2, maxSeries: 10, now: () => clock.ms })
const task = aggregator.task('bench', null)
await hdr.initWebAssembly()
const hdrJs = hdr.build({
  bitBucketSize: 32,
  numberOfSignificantValueDigits: 2,
  lowestDiscernibleValue: 1,
  highestTrackableValue: 3_600_000_000,
  autoResize: false,
})
const hdrWasm = hdr.build({
  bitBucketSize: 32,
  numberOfSignificantValueDigits: 2,
  lowestDiscernibleValue: 1,
  highestTrackableValue: 3_600_000_000,
  useWebAssembly: true,
})

const ops = [
  [
    'taskmeter LatencyHistogram.record',
    (n) => {
      for (let i = 0; i < n; i++) ours.record(VALUES_US[i & MASK])
    },
  ],
  [
    'taskmeter Aggregator.recordRequest',
    (n) => {
      aggregator.beginBatch()
      for (let i = 0; i < n; i++) aggregator.recordRequest(task, VALUES_MS[i & MASK], false, 1)
      aggregator.endBatch()
      clock.ms += 1000 // a new window slot now and then, as in life
    },
  ],
  [
    'hdr-histogram-js JS recordValue',
    (n) => {
      for (let i = 0; i < n; i++) hdrJs.recordValue(VALUES_US[i & MASK])
    },
  ],
  [
    'hdr-histogram-js WASM recordValue',
    (n) => {
      for (let i = 0; i < n; i++) hdrWasm.recordValue(VALUES_US[i & MASK])
    },
  ],
]

for (const [, fn] of ops) fn(RECORDS / 5)
const samples = ops.map(() => [])
for (let r = 0; r < RUNS; r++) {
  ops.forEach(([, fn], i) => {
    const started = process.hrtime.bigint()
    fn(RECORDS)
    samples[i].push(Number(process.hrtime.bigint() - started) / RECORDS)
  })
}
hdrWasm.destroy()
const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]
console.log(
  `HDR record, precision 2, ${RECORDS.toLocaleString('en')} records a run, median of ${RUNS}, node ${process.version}`,
)
console.log('operation'.padEnd(38) + 'ns/record'.padStart(10) + 'min'.padStart(8) + 'max'.padStart(8))
const result = {}
ops.forEach(([label], i) => {
  console.log(
    label.padEnd(38) +
      median(samples[i]).toFixed(1).padStart(10) +
      Math.min(...samples[i])
        .toFixed(1)
        .padStart(8) +
      Math.max(...samples[i])
        .toFixed(1)
        .padStart(8),
  )
})
result.record_ns = Number(median(samples[0]).toFixed(1))
result.record_request_ns = Number(median(samples[1]).toFixed(1))
result.hdr_js_ns = Number(median(samples[2]).toFixed(1))
result.hdr_wasm_ns = Number(median(samples[3]).toFixed(1))
result.target_ns = TARGET_NS
result.target_met = result.record_ns <= TARGET_NS
writeResult('hdr', { bench: 'hdr', ...result, node: process.version })
console.log(JSON.stringify({ bench: 'hdr', ...result, node: process.version }))
