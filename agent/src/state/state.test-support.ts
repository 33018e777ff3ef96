// Shared by the state tests: aggregators on clocks the test moves, the same events fed to each,
// and what two aggregators are compared by (their /metrics families and /dashboard figures).
import { Aggregator } from '../aggregate/aggregator.js'
import { DeltaWriter } from '../aggregate/delta-bytes.js'
import { hashSetMember } from '../aggregate/set-members.js'
import { DEFAULT_BUCKETS } from '../config/load-config.js'
import { MetricsRenderer } from '../expose/prometheus/metrics-renderer.js'
import { buildDashboard } from '../expose/ui/dashboard-snapshot.js'
import { SelfMetrics } from '../self-metrics/self-registry.js'
import { type StateFlags, encodeState } from './state-format.js'

export const BUCKETS = DEFAULT_BUCKETS.split(',').map(Number)
export const FLAGS: StateFlags = { precision: 2, windowSeconds: 60, buckets: BUCKETS }

/** An aggregator whose clock reads clock.ms (+ what continueClock adds). */
export function clocked(clock: { ms: number }, flags: StateFlags = FLAGS, maxSeries = 1000): Aggregator {
  return new Aggregator({
    windowSeconds: flags.windowSeconds,
    precision: flags.precision,
    maxSeries,
    taskBuckets: flags.buckets.length,
    now: () => clock.ms,
  })
}

/** A deterministic lognormal-ish latency in ms (mostly 5–200 ms, a tail to seconds). */
export function latencyMs(i: number): number {
  const u = ((i * 2654435761) % 4294967296) / 4294967296
  const v = ((i * 40503 + 12345) % 65536) / 65536
  const normal = Math.sqrt(-2 * Math.log(u + 1e-9)) * Math.cos(2 * Math.PI * v)
  return Math.exp(3.5 + 1.1 * normal)
}

const member = new TextEncoder()

/** Event `i` of a mixed stream: tasks (one with respelled tag keys), starts, every custom kind. */
export function feed(agg: Aggregator, i: number): void {
  agg.beginBatch()
  const route = agg.task('checkout', [['region.name', i % 2 === 0 ? 'eu' : 'us']])
  const plain = agg.task('render', null)
  if (route === null || plain === null) throw new Error('refused')
  agg.recordRequest(route, latencyMs(i), i % 7 === 0, 1)
  if (i % 3 === 0) agg.recordRequest(plain, latencyMs(i + 1000), false, 2)
  if (i % 5 === 0) agg.taskStarted(plain)
  if (i % 10 === 0) agg.taskEnded(plain)
  const hits = agg.series('counter', 'cache.hits', [['tier', 'l1']])
  const queue = agg.series('gauge', 'queue_depth', null)
  const batch = agg.series('histogram', 'batch_size', null)
  const users = agg.series('set', 'users', null)
  if (hits === null || queue === null || batch === null || users === null) throw new Error('refused')
  agg.addCounter(hits, 1 + (i % 3))
  if (i % 4 === 0) agg.setGauge(queue, i % 17)
  else agg.addGauge(queue, 1)
  agg.observe(batch, (i % 50) + 0.5, 1)
  const bytes = member.encode(`user-${i % 40}`)
  agg.addSetMember(users, hashSetMember(bytes, 0, bytes.length))
  agg.endBatch()
}

export function encode(agg: Aggregator, wallMs: number, flags: StateFlags = FLAGS): Uint8Array {
  return encodeState(agg, flags, wallMs, new DeltaWriter())
}

/** The task and custom families of /metrics (no self or process families). */
export function families(agg: Aggregator): Promise<string> {
  return new MetricsRenderer(agg, BUCKETS, new SelfMetrics(), false).renderOwn()
}

export function dashboard(agg: Aggregator): ReturnType<typeof buildDashboard> {
  return buildDashboard(agg, {})
}

/**
 * `tasks` busy tasks as the benchmarks hold them (bench/busy-tasks.mjs): 40 lognormal requests
 * (median 20 ms) in each of the 12 slots of a 60 s window, 2 % errors.
 */
export function busy(tasks: number, precision: number): Aggregator {
  const clock = { ms: 0 }
  const agg = clocked(clock, { ...FLAGS, precision }, tasks)
  let i = 0
  for (let slot = 0; slot < 12; slot++) {
    clock.ms = slot * 5000 + 1
    for (let t = 0; t < tasks; t++) {
      const task = agg.task(`task_${t}`, null)
      if (task === null) throw new Error('refused')
      for (let r = 0; r < 40; r++, i++) agg.recordRequest(task, latencyMs(i), i % 50 === 0, 1)
    }
  }
  clock.ms = 12 * 5000 - 1
  return agg
}
