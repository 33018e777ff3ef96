// StatsD end to end: the real, unmodified hot-shots client sends StatsD / DogStatsD over UDP to a
// real agent process on the protocol v1 port, and /metrics and /dashboard show exactly what was
// sent — timings as requests of their task, counters, gauges and deltas, sets, histograms and
// distributions, tags and container ids as labels, a timestamped gauge. Sampling: hot-shots sends
// about r of the calls, each tagged @r, so a sampled counter is checked against binomial bounds,
// and raw @0.5 lines sent by the test check the weights exactly.
import StatsD, { type StatsD as StatsDClient } from 'hot-shots'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AgentProcess, startAgentProcess } from './harness/agent-process.js'
import { getJson, getText, metricsWhen } from './harness/poll.js'
import { expectSamples } from './harness/expect-samples.js'
import { sampleSum, sampleValue } from './harness/prometheus-text.js'
import { sendUdpDatagrams } from './harness/statsd-text.js'

interface Dashboard {
  tasks: Record<
    string,
    {
      completed: number
      failed: number
      labels: Record<string, string>
      latency_ms: { p50: number; p99: number; max: number }
    }
  >
  counters: Record<string, number>
  gauges: Record<string, number>
  histograms: Record<string, { count: number; sum: number }>
}

type Send = (done: (err?: Error) => void) => void

/** Runs one hot-shots call and waits for its send callback (paced: loopback never drops). */
function sent(call: Send): Promise<void> {
  return new Promise((resolve, reject) => call((err) => (err ? reject(err) : resolve())))
}

function closeClient(client: StatsDClient): Promise<void> {
  return new Promise((resolve) => client.close(() => resolve()))
}

describe('hot-shots → agent over UDP', () => {
  let agent: AgentProcess
  const errors: Error[] = []

  beforeAll(async () => {
    agent = await startAgentProcess()
  })

  afterAll(async () => {
    await agent?.stop()
  })

  it('shows exactly what hot-shots sent, in /metrics and /dashboard', async () => {
    const client = new StatsD({
      host: '127.0.0.1',
      port: agent.udpPort,
      protocol: 'udp',
      datadog: false,
      maxBufferSize: 0,
      errorHandler: (err) => errors.push(err),
    })
    const container = new StatsD({
      host: '127.0.0.1',
      port: agent.udpPort,
      datadog: true,
      containerID: 'abc123',
      includeDatadogTelemetry: false,
      errorHandler: (err) => errors.push(err),
    })
    let lines = 0
    const send = async (call: Send): Promise<void> => {
      lines++
      await sent(call)
    }
    const durationsMs: number[] = []
    for (let i = 0; i < 1000; i++) {
      const ms = 1 + ((i * 37) % 1000) / 10 // 1 … 100.9 ms, each value once
      durationsMs.push(ms)
      await send((cb) => client.timing('checkout', ms, cb))
      if (i % 5 === 0) await send((cb) => client.timing('checkout', ms, { region: 'eu' }, cb))
    }
    for (let i = 0; i < 30; i++) await send((cb) => client.increment('orders', 1, { payment: 'card' }, cb))
    for (let i = 0; i < 4; i++) await send((cb) => client.increment('orders', 5, { payment: 'paypal' }, cb))
    await send((cb) => client.gauge('queue.depth', 17, { queue: 'emails' }, cb))
    await send((cb) => client.gaugeDelta('queue.depth', -2, { queue: 'emails' }, cb))
    await send((cb) => client.gaugeDelta('queue.depth', 5, { queue: 'emails' }, cb))
    for (const member of ['alice', 'bob', 'alice', 42, 'bob']) await send((cb) => client.set('users', member, cb))
    await send((cb) => client.unique('users', 'carol', cb))
    for (let i = 0; i < 50; i++) await send((cb) => client.histogram('payload.bytes', 100 + i * 10, cb))
    for (let i = 0; i < 3; i++) await send((cb) => client.distribution('batch.size', 64, cb))
    await send((cb) => client.gauge('ts.gauge', 3, { timestamp: new Date() }, cb))
    await send((cb) => container.timing('containerized', 5, { env: 'prod' }, cb))
    await closeClient(client)
    await closeClient(container)

    const text = await metricsWhen(
      agent,
      `${lines} lines`,
      (body) => sampleValue(body, 'taskmeter_lines_received_total') === lines,
    )
    expect(errors).toEqual([])
    expect(sampleValue(text, 'taskmeter_lines_invalid_total', { reason: 'bad_value' })).toBe(0)
    expect(sampleSum(text, 'taskmeter_lines_invalid_total')).toBe(0)

    // Timers are requests of the task: every task family works for StatsD users.
    expectSamples(text, [
      ['requests_total', { task: 'checkout', status: 'success' }, 1000],
      ['requests_total', { task: 'checkout', status: 'error' }, 0],
      ['tasks_completed_total', { task: 'checkout' }, 1000],
      ['task_duration_seconds_count', { task: 'checkout' }, 1000],
    ])
    const sumSeconds = durationsMs.reduce((a, b) => a + b, 0) / 1000
    expect(
      Math.abs((sampleValue(text, 'task_duration_seconds_sum', { task: 'checkout' }) ?? 0) - sumSeconds) / sumSeconds,
    ).toBeLessThan(1e-9)
    expect(sampleValue(text, 'requests_per_second', { task: 'checkout' })).toBeGreaterThan(0)
    expect(text).toMatch(/^# TYPE users gauge$/m)
    expectSamples(text, [
      ['task_duration_seconds_bucket', { task: 'checkout', le: '0.01' }, 91], // 1.0 … 10.0 ms
      ['requests_total', { task: 'checkout', region: 'eu', status: 'success' }, 200],
      ['requests_total', { task: 'containerized', env: 'prod', container_id: 'abc123', status: 'success' }, 1],
      ['orders_total', { payment: 'card' }, 30],
      ['orders_total', { payment: 'paypal' }, 20],
      ['queue_depth', { queue: 'emails' }, 20],
      ['users', {}, 4], // alice, bob, 42, carol
      ['payload_bytes_count', {}, 50],
      ['payload_bytes_sum', {}, 50 * 100 + 10 * ((49 * 50) / 2)],
      ['batch_size_count', {}, 3],
      ['batch_size_sum', {}, 192],
      ['ts_gauge', {}, 3],
      ['taskmeter_events_total', { kind: 'timing' }, 1201],
      ['taskmeter_events_total', { kind: 'set' }, 6],
      ['taskmeter_events_total', { kind: 'gauge_delta' }, 2],
    ])

    const dashboard = await getJson<Dashboard>(`${agent.baseUrl}/dashboard`)
    const checkout = dashboard.tasks.checkout
    expect(checkout?.completed).toBe(1000)
    expect(checkout?.failed).toBe(0)
    // Precision 2: HDR buckets are within 1 % of the value.
    expect(Math.abs((checkout?.latency_ms.p50 ?? 0) - 50.9) / 50.9).toBeLessThan(0.01)
    expect(Math.abs((checkout?.latency_ms.max ?? 0) - 100.9) / 100.9).toBeLessThan(0.01)
    expect(dashboard.tasks['checkout{region="eu"}']?.completed).toBe(200)
    expect(dashboard.tasks['containerized{container_id="abc123",env="prod"}']?.labels).toEqual({
      container_id: 'abc123',
      env: 'prod',
    })
    expect(dashboard.counters['orders{payment="card"}']).toBe(30)
    expect(dashboard.gauges['queue.depth{queue="emails"}']).toBe(20)
    expect(dashboard.gauges.users).toBe(4)
    expect(dashboard.histograms['payload.bytes']).toMatchObject({ count: 50, sum: 17_250 })
  })

  it('weighs raw @0.5 lines exactly: a counter adds 2×, a timer and a histogram count 2 each', async () => {
    const datagrams: string[] = []
    for (let i = 0; i < 10; i++)
      datagrams.push('raw.timer:10|ms|@0.5', 'raw.hits:3|c|@0.5', 'raw.size:7|h|@0.5\nraw.level:9|g|@0.5')
    await sendUdpDatagrams(agent.udpPort, datagrams)
    const text = await metricsWhen(agent, 'the raw lines', (body) => sampleValue(body, 'raw_size_count') === 20)
    expect(sampleValue(text, 'requests_total', { task: 'raw.timer', status: 'success' })).toBe(20)
    expect(sampleValue(text, 'task_duration_seconds_count', { task: 'raw.timer' })).toBe(20)
    expect(sampleValue(text, 'task_duration_seconds_sum', { task: 'raw.timer' })).toBeCloseTo(0.2, 12)
    expect(sampleValue(text, 'raw_hits_total')).toBe(60)
    expect(sampleValue(text, 'raw_size_sum')).toBe(140)
    expect(sampleValue(text, 'raw_level')).toBe(9) // gauges ignore the rate
  })

  it('keeps a hot-shots counter sampled at 0.25 within binomial bounds, each sent call weighing 4', async () => {
    const client = new StatsD({
      host: '127.0.0.1',
      port: agent.udpPort,
      datadog: false,
      errorHandler: (err) => errors.push(err),
    })
    const before = sampleValue(await getText(`${agent.baseUrl}/metrics`), 'taskmeter_lines_received_total') ?? 0
    const CALLS = 4000
    const RATE = 0.25
    for (let i = 0; i < CALLS; i++) await sent((cb) => client.increment('sampled.hits', 1, RATE, cb))
    await sent((cb) => client.increment('sampled.sentinel', 1, cb)) // after every sampled line on this socket
    await closeClient(client)
    const text = await metricsWhen(agent, 'the sentinel', (body) => sampleValue(body, 'sampled_sentinel_total') === 1)
    const delivered = (sampleValue(text, 'taskmeter_lines_received_total') ?? 0) - before - 1
    const total = sampleValue(text, 'sampled_hits_total') ?? 0
    expect(total).toBe(delivered / RATE)
    // Each call adds 4 with probability 0.25: mean 4000, sd = sqrt(CALLS × 16 × 0.25 × 0.75) ≈ 110.
    const sd = Math.sqrt(CALLS * (1 / RATE) ** 2 * RATE * (1 - RATE))
    expect(Math.abs(total - CALLS)).toBeLessThan(6 * sd)
    expect(errors).toEqual([])
  })
})
