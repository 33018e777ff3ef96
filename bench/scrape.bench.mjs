// /metrics render time at 1 000 and 10 000 tasks, and memory per task (busy and idle) at
// precision 2 with a 60 s window. In-process on the built agent: the renderer and aggregator are
// what a scrape costs; HTTP adds a constant. Run: npm run bench:scrape
// Between renders the clock moves one Prometheus scrape interval (15 s, three window slots) and
// 1 %, 10 % or 100 % of the tasks, a new random draw each time, get 40 requests: a scrape encodes
// those, re-reads only the window of the tasks whose window lost data (busy four scrapes ago), and
// copies the rest from its previous body (task-series-cache.ts). Targets at 10 000 tasks: text ≤ 100 ms and ≥ 3× faster
// than prom-client's Registry holding the same series (PromClientMirror, timed in the same run);
// protobuf with native histograms (schema 7, 160-bucket cap) ≤ 150 ms, beside protobufjs encoding
// the same families built as objects (the baseline our writer was chosen over).
import { benchRenderer } from './bench-renderer.mjs'
import { PromClientMirror, fill, median } from './busy-tasks.mjs'
import { random } from './seeded-random.mjs'
import { writeResult } from './ingest-load.mjs'
import { protobufjsRender } from './scrape-protobufjs.mjs'

const RUNS = Number(process.env.BENCH_RUNS ?? 9)
// Scrapes before the timed ones: a request's window slot expires four scrapes later, so the share
// of tasks to encode is steady from the fifth scrape on.
const WARM = 4
const BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
const NATIVE = { schema: 7, maxBuckets: 160 }
const FRACTIONS = [0.01, 0.1, 1]

const MODES = {
  text: (renderer) => renderer.renderBody(), // what GET /metrics sends (bytes; no process metrics here)
  protobuf: (renderer) => renderer.renderProtobuf(),
  protobufjs: (renderer) => protobufjsRender(renderer),
  promclient: (_renderer, mirror) => mirror.registry.metrics(),
}

/** One render's ms and bytes. */
async function timed(render) {
  const started = performance.now()
  const bytes = (await render()).length
  return { ms: performance.now() - started, bytes }
}

/** `count` distinct tasks at random (a partial shuffle of the list). */
function draw(list, count, rand) {
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(rand() * (list.length - i))
    const t = list[i]
    list[i] = list[j]
    list[j] = t
  }
  return list.slice(0, count)
}

/** Median render times of each mode over RUNS scrapes with `fraction` of the tasks busy between them. */
async function busyRun(aggregator, clock, mirror, fraction, modes) {
  const renderer = benchRenderer(aggregator, BUCKETS, NATIVE)
  const list = [...aggregator.tasks.values()]
  const rand = random(7)
  const times = Object.fromEntries(modes.map((m) => [m, []]))
  const bytes = {}
  const encoded = []
  const windowOnly = []
  for (let run = 0; run < WARM + RUNS; run++) {
    clock.ms += 15_000
    for (const task of draw(list, Math.round(list.length * fraction), rand)) {
      for (let r = 0; r < 40; r++) {
        const ms = Math.exp(Math.log(20) + 0.8 * (rand() * 2 - 1))
        aggregator.recordRequest(task, ms, false, 1)
        mirror?.request(task, ms)
      }
    }
    mirror?.sync()
    // The garbage of the requests and the mirror's sync is collected before the scrapes, and the
    // collector's sweeping given time to finish, so that no render is charged for it.
    globalThis.gc?.()
    await new Promise((resolve) => setTimeout(resolve, 50))
    for (const mode of modes) {
      const t = await timed(() => MODES[mode](renderer, mirror))
      if (run < WARM) continue
      times[mode].push(t.ms)
      bytes[mode] = t.bytes
    }
    // A renderer without the cache (an earlier build, to compare) encodes every task.
    const stats = renderer.cacheStats?.().text ?? { reused: 0, windowReused: 0, tasks: 1 }
    if (run >= WARM) {
      encoded.push(1 - stats.reused / stats.tasks)
      windowOnly.push(stats.windowReused / stats.tasks)
    }
  }
  const none = { bytes: 0, tasks: 0, reused: 0 }
  const out = {
    encoded: median(encoded),
    windowOnly: median(windowOnly),
    cache: renderer.cacheStats?.() ?? { text: none, protobuf: none },
  }
  for (const mode of modes) out[mode] = { ms: median(times[mode]), min: Math.min(...times[mode]), bytes: bytes[mode] }
  return out
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
const fmt = (r) => `min ${r.min.toFixed(2)} ms, ${(r.bytes / 1e6).toFixed(1)} MB`
// BENCH_SCRAPE_TASKS=10000 runs one size only (a quicker look). BENCH_SCRAPE_PROMCLIENT=0 leaves the
// prom-client mirror out (its requests, syncs and heap): our renderer alone in its process.
const WITH_PROMCLIENT = process.env.BENCH_SCRAPE_PROMCLIENT !== '0'
const SIZES = process.env.BENCH_SCRAPE_TASKS ? [Number(process.env.BENCH_SCRAPE_TASKS)] : [1000, 10000]
for (const tasks of SIZES) {
  const clock = { ms: 0 }
  const mirror = WITH_PROMCLIENT ? new PromClientMirror(BUCKETS) : null
  const aggregator = fill(tasks, 40, clock, mirror === null ? null : (task, ms) => mirror.request(task, ms))
  mirror?.attach(aggregator)
  for (const fraction of FRACTIONS) {
    const modes = [
      'text',
      'protobuf',
      ...(mirror === null ? [] : ['promclient']),
      ...(fraction === 1 ? ['protobufjs'] : []),
    ]
    const r = await busyRun(aggregator, clock, mirror, fraction, modes)
    const busyPct = fraction * 100
    const key = `${tasks}_busy${busyPct}`
    const ratio = mirror === null ? Number.NaN : r.promclient.ms / r.text.ms
    results[`text_ms_${key}`] = Number(r.text.ms.toFixed(2))
    results[`protobuf_ms_${key}`] = Number(r.protobuf.ms.toFixed(2))
    if (mirror !== null) {
      results[`promclient_ms_${key}`] = Number(r.promclient.ms.toFixed(2))
      results[`promclient_over_text_${key}`] = Number(ratio.toFixed(2))
    }
    results[`encoded_share_${key}`] = Number(r.encoded.toFixed(3))
    results[`window_only_share_${key}`] = Number(r.windowOnly.toFixed(3))
    const label = `${tasks} tasks, ${busyPct} % busy`
    rows.push([
      `/metrics text, ${label}`,
      r.text.ms.toFixed(2) + ' ms',
      `${fmt(r.text)}, ${(r.encoded * 100).toFixed(1)} % of tasks encoded (${(r.windowOnly * 100).toFixed(1)} % window only)`,
    ])
    rows.push([`  protobuf + native (ours)`, r.protobuf.ms.toFixed(2) + ' ms', fmt(r.protobuf)])
    if (mirror !== null)
      rows.push([
        `  prom-client registry.metrics()`,
        r.promclient.ms.toFixed(2) + ' ms',
        `${fmt(r.promclient)}, ${ratio.toFixed(1)}× our text`,
      ])
    if (fraction === 1) {
      // The names the earlier reports used: every task busy between scrapes.
      results[`render_ms_${tasks}`] = results[`text_ms_${key}`]
      results[`protobuf_ms_${tasks}`] = results[`protobuf_ms_${key}`]
      results[`protobufjs_ms_${tasks}`] = Number(r.protobufjs.ms.toFixed(2))
      rows.push([`  same protobuf via protobufjs`, r.protobufjs.ms.toFixed(2) + ' ms', fmt(r.protobufjs)])
    }
    if (tasks === SIZES[SIZES.length - 1] && fraction === 1) {
      // Every figure of the cache, over the tasks it holds: the last body and per-task state.
      results.cache_bytes_per_task_text = Math.round(r.cache.text.bytes / tasks)
      results.cache_bytes_per_task_protobuf = Math.round(r.cache.protobuf.bytes / tasks)
    }
  }
}
results.busy_task_bytes = Math.round(busy.measured)
results.busy_task_footprint_bytes = Math.round(busy.footprint)
results.idle_task_bytes = Math.round(idle.measured)
rows.push([
  `scrape cache per task (${SIZES[SIZES.length - 1]} tasks)`,
  `${(results.cache_bytes_per_task_text / 1024).toFixed(2)} KB`,
  `text; protobuf ${(results.cache_bytes_per_task_protobuf / 1024).toFixed(2)} KB (last body + figures and offsets)`,
])
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
  `scrape and memory, precision 2, window 60 s, median of ${RUNS} renders after ${WARM}, node ${process.version}${globalThis.gc ? '' : ' (run with --expose-gc for exact heap deltas)'}`,
)
console.log('measure'.padEnd(40) + 'value'.padStart(12) + '   note')
for (const [name, value, note] of rows) console.log(name.padEnd(40) + value.padStart(12) + '   ' + note)
writeResult('scrape', { bench: 'scrape', ...results, node: process.version })
console.log(JSON.stringify({ bench: 'scrape', ...results, node: process.version }))
