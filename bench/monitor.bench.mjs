// ns per monitor.timing() call beside prom-client's Histogram.observe with the same buckets (the
// agent's default le bounds) and one label, in one run. prom-client is timed both ways an app calls
// it: observe({ task }, v), and labels(task).observe(v) on a cached child (its fastest path); the
// ratio is taken against the faster one, so it is the conservative figure.
// Each call of ours records the value in an HdrHistogram and the sliding window, and so gives
// p50…p99.9 at any precision, which a bucketed histogram cannot.
//
// The monitor reads the clock on a ticker, not per call (agent/src/monitor/window-clock.ts). The
// second table puts an await between calls, as calls from request handlers come, to show the
// cost holds outside a tight loop (minus the empty loop's own cost).
// Plain JS over the BUILT packages: Node 20 cannot run .ts (npm run build first).
// Run: npm run bench:monitor. BENCH_CALLS and BENCH_RUNS shrink it for a quick look.
import { performance } from 'node:perf_hooks'
import { createMonitor } from '@taskmeter/agent'
import { Histogram, Registry } from 'prom-client'
import { logUniformLatenciesMs } from './seeded-random.mjs'

const CALLS_PER_RUN = Number(process.env.BENCH_CALLS ?? 2_000_000)
const RUNS = Number(process.env.BENCH_RUNS ?? 7)
const TICK_CALLS = Math.max(1000, Math.floor(CALLS_PER_RUN / 20))
const WARMUP_CALLS = 500_000
const TASK = 'prediction'
// The agent's --buckets default (seconds).
const BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
const TARGET_NS = 50
const TARGET_RATIO = 3

// Fixed-seed latencies (xorshift32, log-uniform 0.1..1000 ms), the same values for every contender.
const VALUES_MS = logUniformLatenciesMs(4096, 0x5eed)
const VALUES_S = VALUES_MS.map((ms) => ms / 1000)
const MASK = VALUES_MS.length - 1

// Each contender gets its own copy of each loop (new Function), so V8 sees one receiver shape per loop.
function loops(callSource) {
  const make = (body) =>
    new Function('VALUES_MS', 'VALUES_S', 'MASK', 'TASK', 'LABELS', body)(VALUES_MS, VALUES_S, MASK, TASK, {
      task: TASK,
    })
  return {
    tight: make(`return function tight(target, calls) { for (let i = 0; i < calls; i++) { ${callSource} } }`),
    perTick: make(
      `return async function perTick(target, calls) { for (let i = 0; i < calls; i++) { ${callSource}; await null } }`,
    ),
  }
}

function contenders() {
  const monitor = createMonitor()
  const register = new Registry()
  const histogram = new Histogram({
    name: 'task_duration_seconds',
    help: 'Task duration',
    labelNames: ['task'],
    buckets: BUCKETS,
    registers: [register],
  })
  return [
    {
      name: 'taskmeter monitor.timing(task, ms)',
      target: monitor,
      ...loops('target.timing(TASK, VALUES_MS[i & MASK])'),
      monitor,
    },
    {
      name: 'prom-client observe({ task }, s)',
      target: histogram,
      ...loops('target.observe(LABELS, VALUES_S[i & MASK])'),
    },
    {
      name: 'prom-client labels(task).observe(s)',
      target: histogram.labels(TASK),
      ...loops('target.observe(VALUES_S[i & MASK])'),
    },
    { name: 'empty loop (await only)', target: null, ...loops('') },
  ]
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

async function measure(list) {
  for (const c of list) {
    c.tightNs = []
    c.tickNs = []
    c.tight(c.target, WARMUP_CALLS)
    await c.perTick(c.target, TICK_CALLS)
  }
  for (let run = 0; run < RUNS; run++) {
    for (const c of list) {
      if (globalThis.gc) globalThis.gc()
      let start = performance.now()
      c.tight(c.target, CALLS_PER_RUN)
      c.tightNs.push(((performance.now() - start) * 1e6) / CALLS_PER_RUN)
      start = performance.now()
      await c.perTick(c.target, TICK_CALLS)
      c.tickNs.push(((performance.now() - start) * 1e6) / TICK_CALLS)
    }
  }
}

async function main() {
  const list = contenders()
  await measure(list)
  const [ours, promLabels, promChild, empty] = list
  const row = (c, key) => ({
    contender: c.name,
    'median ns/call': median(c[key]).toFixed(1),
    'min ns/call': Math.min(...c[key]).toFixed(1),
    'max ns/call': Math.max(...c[key]).toFixed(1),
  })
  console.log(
    `timing() vs Histogram.observe, ${CALLS_PER_RUN.toLocaleString('en')} calls a run, median of ${RUNS} runs, node ${process.version}`,
  )
  console.table([ours, promLabels, promChild].map((c) => row(c, 'tightNs')))
  console.log(
    `an await between calls, ${TICK_CALLS.toLocaleString('en')} calls a run; subtract the empty loop for the call itself`,
  )
  console.table(list.map((c) => row(c, 'tickNs')))
  const task = ours.monitor.snapshot().tasks[TASK]
  console.log(
    `taskmeter recorded ${task.count.toLocaleString('en')} timings: p50 ${task.latency_ms.p50} ms, p99 ${task.latency_ms.p99} ms, ` +
      `p99.9 ${task.latency_ms.p999} ms (HDR, 2 significant digits); prom-client knows only ${BUCKETS.length} bucket counts`,
  )
  const oursNs = median(ours.tightNs)
  const labelsNs = median(promLabels.tightNs)
  const childNs = median(promChild.tightNs)
  const ratio = Math.min(labelsNs, childNs) / oursNs
  const tickNs = median(ours.tickNs) - median(empty.tickNs)
  console.log(
    JSON.stringify({
      bench: 'monitor',
      ns_per_op: Number(oursNs.toFixed(1)),
      ops_per_s: Number((1e9 / oursNs).toPrecision(3)),
      prom_client_observe_labels_ns_per_op: Number(labelsNs.toFixed(1)),
      prom_client_child_observe_ns_per_op: Number(childNs.toFixed(1)),
      ratio_vs_prom_client: Number(ratio.toFixed(2)),
      ratio_vs_prom_client_observe_labels: Number((labelsNs / oursNs).toFixed(2)),
      ns_per_op_one_per_tick: Number(tickNs.toFixed(1)),
      target_ns: TARGET_NS,
      target_ratio: TARGET_RATIO,
      target_met: oursNs <= TARGET_NS && ratio >= TARGET_RATIO,
      calls_per_run: CALLS_PER_RUN,
      runs: RUNS,
      node: process.version,
    }),
  )
}

await main()
