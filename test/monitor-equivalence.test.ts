// One interface, two transports: the same sequence of Recorder calls (timings with a known
// distribution, tracked successes and failures, counters, gauges, histograms, sets, hot-shots'
// positional shapes) goes once through the client → real UDP → an agent process, and once through
// the in-process monitor. Both must show identical /dashboard figures (counts, sums, percentiles,
// error counts) and the same /metrics series. Durations come from a fake clock on both sides and
// every value is a multiple of 1/8 ms, so sums are exact whatever the order of addition.
import { type DashboardSnapshot, createMonitor, wrap as monitorWrap } from '@taskmeter/agent'
import { createClient, wrap as clientWrap } from '@taskmeter/client'
import type { Recorder } from '@taskmeter/protocol'
import { afterAll, describe, expect, it } from 'vitest'
import { random } from '../bench/seeded-random.mjs'
import { type AgentProcess, startAgentProcess } from './harness/agent-process.js'
import { getJson, getText, waitFor } from './harness/poll.js'

interface Clock {
  ms: number
}
type Wrap = typeof monitorWrap

const PREFIX = 'app.'
const TAGS = { service: 'shop' }

// xorshift32 with a fixed seed: a log-uniform spread over 0.125 ms … 1 s, in steps of 1/8 ms.
function latencies(count: number, seed: number): number[] {
  const rand = random(seed)
  const out: number[] = []
  for (let i = 0; i < count; i++) out.push(Math.max(1, Math.round(10 ** (rand() * 3.9))) / 8)
  return out
}
const TIMINGS = latencies(3000, 0x5eed)

/** The sequence both recorders get. `clock` is the recorder's own fake clock. */
async function drive(recorder: Recorder, clock: Clock, wrap: Wrap): Promise<void> {
  for (let i = 0; i < TIMINGS.length; i++) recorder.timing('predict', TIMINGS[i] ?? 0)
  for (let i = 0; i < 400; i++) recorder.timing('predict', TIMINGS[i] ?? 0, { region: i % 3 === 0 ? 'eu' : 'us' })
  for (let i = 0; i < 300; i++) {
    const fails = i % 10 === 3
    await recorder
      .trackAsync('infer', async () => {
        await Promise.resolve()
        clock.ms += 0.125 * (1 + ((i * 37) % 400))
        if (fails) throw new Error('model unavailable')
        return i
      })
      .catch(() => undefined)
  }
  for (let i = 0; i < 120; i++) {
    const end = recorder.startTimer('render', { page: i % 2 === 0 ? 'home' : 'cart' })
    clock.ms += 0.5 * (1 + (i % 60))
    end({ status: i % 3 === 0 ? 'error' : 'success' })
  }
  const parse = wrap(recorder, 'parse', (text: string): number => {
    clock.ms += 1.25
    if (text === '') throw new SyntaxError('empty')
    return text.length
  })
  for (let i = 0; i < 50; i++) {
    try {
      parse(i % 5 === 0 ? '' : 'payload')
    } catch {
      // counted as an error by wrap()
    }
  }
  for (let i = 0; i < 250; i++) recorder.increment('work_completed')
  for (let i = 0; i < 40; i++) recorder.increment('bytes_sent', 512, { route: i % 2 === 0 ? '/api' : '/static' })
  recorder.decrement('credits', 3)
  recorder.gauge('queue_depth', 17)
  recorder.gaugeDelta('queue_depth', -2)
  recorder.gauge('temperature_celsius', -4.5, { room: 'server' })
  for (let i = 1; i <= 64; i++) recorder.histogram('batch_size', i * 4)
  // hot-shots' shapes, written the same way on both: a rate of 1, 'key:value' arrays (a bare key
  // is "true") and Maps, arrays of names, a callback, distribution, set/unique and timer().
  // (A Date timing is left out: both take it against the wall clock, not the fake one.)
  recorder.timing('predict', 2.5, 1, ['region:ap', 'canary'])
  recorder.timing(['lookup', 'cache'], 0.75, new Map([['tier', 'hot']]))
  recorder.increment('work_completed', 2, 1, ['route:/api'], () => undefined)
  recorder.histogram('batch_size', 12, 1, ['shard:a'])
  recorder.distribution('payload_bytes', 1024, ['route:/api'])
  for (let i = 0; i < 20; i++) recorder.set('visitors', `user-${i % 7}`)
  recorder.unique('visitors', 3, ['page:home'])
  const score = recorder.timer(
    (n: number): number => {
      clock.ms += 0.5
      if (n % 5 === 0) throw new RangeError('no score')
      return n
    },
    'score',
    ['model:v2'],
  )
  for (let i = 0; i < 10; i++) {
    try {
      score(i)
    } catch {
      // a failed request on both
    }
  }
  await recorder.flush()
}

/** The figures both sides must share: everything but the rates (requests ÷ each side's uptime). */
function comparable(dashboard: DashboardSnapshot): unknown {
  const tasks: Record<string, unknown> = {}
  for (const [id, task] of Object.entries(dashboard.tasks)) {
    const { window, ...rest } = task
    tasks[id] = { ...rest, rps: undefined, window: { ...window, rps: undefined } }
  }
  return { tasks, counters: dashboard.counters, gauges: dashboard.gauges, histograms: dashboard.histograms }
}

// Sample lines keyed by series (name + labels). Rates depend on uptime; taskmeter_* self-metrics
// count the transport (datagrams, in-flight reports); process_*/nodejs_* describe each process.
const PER_PROCESS = /^(requests_per_second|taskmeter_|process_|nodejs_)/
function samples(text: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const at = line.lastIndexOf(' ')
    out.set(line.slice(0, at), line.slice(at + 1))
  }
  return out
}
const families = (text: string): string[] => [...text.matchAll(/^# TYPE (\S+)/gm)].map((m) => m[1] as string).sort()

const agents: AgentProcess[] = []
afterAll(async () => {
  for (const agent of agents) await agent.stop()
})

describe('client → UDP → agent and the in-process monitor', () => {
  it('give identical /dashboard figures and the same /metrics series for the same calls', async () => {
    const agent = await startAgentProcess()
    agents.push(agent)
    const clientClock: Clock = { ms: 1_000 }
    const client = createClient({
      host: '127.0.0.1',
      port: agent.udpPort,
      prefix: PREFIX,
      tags: TAGS,
      now: () => clientClock.ms,
    })
    const monitorClock: Clock = { ms: 1_000 }
    const monitor = createMonitor({ prefix: PREFIX, tags: TAGS, now: () => monitorClock.ms })
    try {
      await drive(client, clientClock, clientWrap)
      await drive(monitor, monitorClock, monitorWrap)
      expect(client.stats()).toMatchObject({ dropped: {} })

      const expected = monitor.snapshot()
      const completed = (d: DashboardSnapshot): number =>
        Object.values(d.tasks).reduce((sum, t) => sum + t.completed, 0)
      expect(completed(expected)).toBe(3000 + 400 + 300 + 120 + 50 + 3 + 10)
      // Every request has reached the agent, and the last in-flight report says nothing is active.
      const received = await waitFor(
        'the agent to count every request the monitor counted',
        async () => {
          const d = await getJson<DashboardSnapshot>(`${agent.baseUrl}/dashboard`)
          const active = Object.values(d.tasks).reduce((sum, t) => sum + t.active, 0)
          return completed(d) === completed(expected) &&
            active === 0 &&
            d.counters[`${PREFIX}work_completed{service="shop"}`] === 250
            ? d
            : undefined
        },
        15_000,
      )
      expect(comparable(received)).toEqual(comparable(expected))
      // The figures are not trivially equal: errors, tags and percentiles are all there.
      expect(expected.tasks['app.infer{service="shop"}']).toMatchObject({ completed: 300, failed: 30 })
      expect(expected.tasks['app.render{page="home",service="shop"}']).toMatchObject({ completed: 60, failed: 20 })
      expect(expected.tasks['app.parse{service="shop"}']).toMatchObject({ completed: 50, failed: 10, sum_ms: 62.5 })
      expect(expected.tasks['app.score{model="v2",service="shop"}']).toMatchObject({ completed: 10, failed: 2 })
      expect(expected.tasks['app.predict{canary="true",region="ap",service="shop"}']).toMatchObject({ completed: 1 })
      expect(expected.gauges).toMatchObject({ 'app.visitors{service="shop"}': 7 })
      expect(expected.histograms['app.payload_bytes{route="/api",service="shop"}']).toMatchObject({ count: 1 })
      expect(expected.tasks['app.predict{service="shop"}']?.latency_ms.p99).toBeGreaterThan(
        expected.tasks['app.predict{service="shop"}']?.latency_ms.p50 ?? Infinity,
      )

      // The config reload families belong to the served agent (SIGHUP, /-/reload): a monitor has no
      // files. Nor does it read a socket, so it names no UDP reader, nor check a memory budget.
      const agentText = (await getText(`${agent.baseUrl}/metrics`))
        .split('\n')
        .filter((line) => !/^(# (HELP|TYPE) )?taskmeter_(config_|udp_reader_info|memory_)/.test(line))
        .join('\n')
      const monitorText = await monitor.metrics()
      const fromAgent = samples(agentText)
      const fromMonitor = samples(monitorText)
      const own = (all: Map<string, string>): Array<[string, string]> =>
        [...all].filter(([key]) => !PER_PROCESS.test(key)).sort()
      expect(own(fromAgent)).toEqual(own(fromMonitor))
      expect(own(fromMonitor).length).toBeGreaterThan(100)
      const keys = (all: Map<string, string>): string[] =>
        [...all.keys()].filter((key) => /^(requests_per_second|taskmeter_)/.test(key)).sort()
      expect(keys(fromAgent)).toEqual(keys(fromMonitor))
      expect(families(agentText)).toEqual(families(monitorText))
    } finally {
      await client.close()
      await monitor.close()
    }
  })
})
