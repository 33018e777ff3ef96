// /metrics render time at 1 000 and 10 000 tasks, and memory per task (busy and idle) at
// precision 2 with a 60 s window. In-process on the built agent: the renderer and aggregator are
// what a scrape costs; HTTP adds a constant. Targets: ≤ 20 ms at 1 k, ≤ 200 ms at 10 k,
// ≤ 16 KB per busy task. Run: npm run bench:scrape
// Protobuf mode (target ≤ 200 ms at 10 k tasks): the same scrape as delimited MetricFamily
// messages with native histograms (schema 7, 160-bucket cap), from our writer and, as the baseline
// it was chosen over, from protobufjs encoding the same families built as objects.
import { benchRenderer } from './bench-renderer.mjs'
import { fill, median } from './busy-tasks.mjs'
import { random } from './seeded-random.mjs'
import { writeResult } from './ingest-load.mjs'
import { protobufjsRender } from './scrape-protobufjs.mjs'

const RUNS = Number(process.env.BENCH_RUNS ?? 9)
const BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

// Between renders the clock moves one Prometheus scrape interval (15 s, three window slots) and
// every task gets new requests, so each render pays for fresh data like a real scrape does.
const NATIVE = { schema: 7, maxBuckets: 160 }
const MODES = {
  text: (renderer) => renderer.renderBody(), // what GET /metrics sends (bytes; no process metrics here)
  protobuf: (renderer) => renderer.renderProtobuf(),
  protobufjs: (renderer) => protobufjsRender(renderer),
}

async function renderTimes(aggregator, clock, mode = 'text') {
  const renderer = benchRenderer(aggregator, BUCKETS, NATIVE)
  const render = MODES[mode]
  await render(renderer) // warm-up
  const times = []
  let bytes = 0
  const rand = random(7)
  for (let i = 0; i < RUNS; i++) {
    clock.ms += 15_000
    for (const task of aggregator.tasks.values()) {
      for (let r = 0; r < 40; r++)
        aggregator.recordRequest(task, Math.exp(Math.log(20) + 0.8 * (rand() * 2 - 1)), false, 1)
    }
    const started = performance.now()
    bytes = (await render(renderer)).length
    times.push(performance.now() - started)
  }
  return { ms: median(times), min: Math.min(...times), bytes }
}

function heapBytes() {
  globalThis.gc?.()
  const m = process.memoryUsage()
  return m.heapUsed + m.arrayBuffers
}

function memoryPerTask(tasks, perSlot) {
  const before = heapBytes()
  const clock = { ms: 0 }
  const aggregator = fill(tasks, perSlot, clock)
  const after = heapBytes()
  let footprint = 0
  for (const task of aggregator.tasks.values()) footprint += task.footprintBytes()
  return { measured: (after - before) / tasks, footprint: footprint / tasks, keep: aggregator }
}

// Memory first, on a fresh heap: measured after the 10 k-task renders, the delta also saw those
// aggregators collected (a negative "busy task" of -11 KB once).
const busy = memoryPerTask(2000, 200)
const idle = memoryPerTask(2000, 0)
busy.keep = null
idle.keep = null
const results = {}
const rows = []
for (const tasks of [1000, 10000]) {
  const clock = { ms: 0 }
  const aggregator = fill(tasks, 40, clock)
  const r = await renderTimes(aggregator, clock)
  results[`render_ms_${tasks}`] = Number(r.ms.toFixed(2))
  rows.push([
    `/metrics render, ${tasks} busy tasks`,
    r.ms.toFixed(2) + ' ms',
    `min ${r.min.toFixed(2)} ms, ${(r.bytes / 1e6).toFixed(1)} MB`,
  ])
  for (const mode of ['protobuf', 'protobufjs']) {
    const p = await renderTimes(aggregator, clock, mode)
    results[`${mode}_ms_${tasks}`] = Number(p.ms.toFixed(2))
    rows.push([
      `  ${mode === 'protobuf' ? 'protobuf + native (ours)' : 'same via protobufjs'}, ${tasks}`,
      p.ms.toFixed(2) + ' ms',
      `min ${p.min.toFixed(2)} ms, ${(p.bytes / 1e6).toFixed(1)} MB`,
    ])
  }
}
results.busy_task_bytes = Math.round(busy.measured)
results.busy_task_footprint_bytes = Math.round(busy.footprint)
results.idle_task_bytes = Math.round(idle.measured)
rows.push([
  'memory per busy task (heap delta)',
  `${(busy.measured / 1024).toFixed(1)} KB`,
  `footprint estimate ${(busy.footprint / 1024).toFixed(1)} KB, 2400 requests over 12 slots`,
])
rows.push([
  'memory per idle task (heap delta)',
  `${(idle.measured / 1024).toFixed(1)} KB`,
  `footprint estimate ${(idle.footprint / 1024).toFixed(1)} KB`,
])

console.log(
  `scrape and memory, precision 2, window 60 s, median of ${RUNS} renders, node ${process.version}${globalThis.gc ? '' : ' (run with --expose-gc for exact heap deltas)'}`,
)
console.log('measure'.padEnd(40) + 'value'.padStart(12) + '   note')
for (const [name, value, note] of rows) console.log(name.padEnd(40) + value.padStart(12) + '   ' + note)
writeResult('scrape', { bench: 'scrape', ...results, node: process.version })
console.log(JSON.stringify({ bench: 'scrape', ...results, node: process.version }))
