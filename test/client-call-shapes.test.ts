// hot-shots' call shapes end to end: the same calls, made through the real hot-shots (StatsD text)
// and through our client (protocol v1), reach a real agent over UDP as the same task and metric
// figures: positional sample rates (both clients draw from the same stubbed sequence, so sampling
// is exact), tags as arrays and objects, a Date as a timing's start, multi-stat names, timer() and
// asyncTimer(). Then the shapes only our client takes (Map tags, callbacks with the drop error)
// and the two places where the clients differ on purpose: a bare tag, a failing timed call.
import { createClient } from '@taskmeter/client'
import StatsD, { type StatsD as StatsDClient } from 'hot-shots'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { type AgentProcess, startAgentProcess } from './harness/agent-process.js'
import { getJson, getText, waitFor } from './harness/poll.js'

type Done = (error?: Error) => void
type Call = (done: Done) => void
type Loose = Record<string, (...args: unknown[]) => unknown>

const NOW = Date.UTC(2026, 0, 1)

/** Runs one call and waits for its callback: hot-shots' after the send, ours once buffered. */
function sent(call: Call): Promise<void> {
  return new Promise((resolve, reject) => call((error) => (error ? reject(error) : resolve())))
}

/** 0.2, 0.7, 0.2, …: at rate 0.5 every other call is kept, in either client. */
function alternating(): () => number {
  let draw = 0
  return () => (draw++ % 2 === 0 ? 0.2 : 0.7)
}

/** The value of the sample with exactly these labels (sampleValue matches any superset). */
function exact(text: string, metric: string, labels: Record<string, string> = {}): number | undefined {
  const want = Object.entries(labels)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}="${v}"`)
    .join(',')
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line)
    if (match === null || match[1] !== metric) continue
    const got = [...(match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)]
      .map((m) => `${m[1]}="${m[2]}"`)
      .sort()
      .join(',')
    if (got === want) return Number(match[3])
  }
  return undefined
}

// The same calls for either client; each gets a callback as its last argument.
async function sendShapes(client: Loose): Promise<void> {
  const call = (method: string, ...args: unknown[]): Promise<void> => sent((done) => client[method]?.(...args, done))
  await call('timing', 'checkout', 12)
  await call('timing', 'checkout', 20, 1, { region: 'eu' })
  await call('timing', 'checkout', 30, ['region:us'])
  for (let i = 0; i < 4; i++) await call('timing', 'checkout', 40, 0.5) // 2 kept, each weighs 2
  vi.useFakeTimers({ toFake: ['Date'], now: NOW })
  await call('timing', 'since', new Date(NOW - 250))
  vi.useRealTimers()
  await call('increment', 'orders')
  await call('increment', 'orders', 5, ['payment:card'])
  for (let i = 0; i < 4; i++) await call('increment', 'orders', 2, 0.5, { payment: 'card' }) // 2 kept, 4 each
  await call('decrement', 'orders', 1, ['payment:card'])
  await call('increment', ['multi.a', 'multi.b'], 3)
  await call('gauge', 'depth', 17, ['queue:emails'])
  await call('gaugeDelta', 'depth', -2, 1, ['queue:emails'])
  await call('histogram', 'bytes', 100)
  for (let i = 0; i < 2; i++) await call('histogram', 'bytes', 300, 0.5) // 1 kept, weighs 2
  await call('distribution', 'size', 64, ['unit:b'])
  const work = (x: number): number => x * 2
  for (let i = 0; i < 3; i++)
    await sent((done) => (client.timer?.(work, 'wrapped', 1, ['via:timer'], done) as Loose[''])?.(i))
  await sent((done) => (client.asyncTimer?.(async () => 1, 'wrapped.async', done) as Loose[''])?.())
}

// Every figure the shapes above give, for the clients' prefix ('hs.' or 'tm.').
function figures(text: string, p: string): Record<string, number | undefined> {
  const n = p.replace('.', '_')
  const task = (name: string, labels: Record<string, string> = {}) =>
    exact(text, 'requests_total', { task: `${p}${name}`, status: 'success', ...labels })
  return {
    checkout: task('checkout'),
    checkoutEu: task('checkout', { region: 'eu' }),
    checkoutUs: task('checkout', { region: 'us' }),
    checkoutSeconds: exact(text, 'task_duration_seconds_sum', { task: `${p}checkout` }),
    sinceSeconds: exact(text, 'task_duration_seconds_sum', { task: `${p}since` }),
    orders: exact(text, `${n}orders_total`),
    ordersCard: exact(text, `${n}orders_total`, { payment: 'card' }),
    multiA: exact(text, `${n}multi_a_total`),
    multiB: exact(text, `${n}multi_b_total`),
    depth: exact(text, `${n}depth`, { queue: 'emails' }),
    bytesCount: exact(text, `${n}bytes_count`),
    bytesSum: exact(text, `${n}bytes_sum`),
    sizeSum: exact(text, `${n}size_sum`, { unit: 'b' }),
    wrapped: task('wrapped', { via: 'timer' }),
    wrappedAsync: task('wrapped.async'),
  }
}

function metricsWhen(agent: AgentProcess, what: string, ready: (text: string) => boolean): Promise<string> {
  return waitFor(what, async () => {
    const text = await getText(`${agent.baseUrl}/metrics`)
    return ready(text) ? text : undefined
  })
}

// A counter sent last through both clients: once the agent shows it for each, everything the
// clients sent before it on their sockets has been read.
async function afterSentinel(
  agent: AgentProcess,
  hotShots: StatsDClient,
  ours: { increment(name: string): void; flush(): Promise<void> },
  name: string,
): Promise<string> {
  await sent((done) => hotShots.increment(name, 1, done))
  ours.increment(name)
  await ours.flush()
  return metricsWhen(
    agent,
    `the ${name} of both clients`,
    (body) => exact(body, `hs_${name}_total`) === 1 && exact(body, `tm_${name}_total`) === 1,
  )
}

describe('hot-shots call shapes → agent, through hot-shots and through our client', () => {
  let agent: AgentProcess
  let hotShots: StatsDClient

  beforeAll(async () => {
    agent = await startAgentProcess()
    hotShots = new StatsD({ host: '127.0.0.1', port: agent.udpPort, prefix: 'hs.', maxBufferSize: 0 })
  })

  afterAll(async () => {
    await new Promise<void>((resolve) => hotShots?.close(() => resolve()))
    await agent?.stop()
  })

  it('gives the same figures for the same calls, and the exact ones', async () => {
    const ours = createClient({ host: '127.0.0.1', port: agent.udpPort, prefix: 'tm.', random: alternating() })
    const draws = alternating()
    const random = vi.spyOn(Math, 'random').mockImplementation(draws)
    await sendShapes(hotShots as unknown as Loose)
    random.mockRestore()
    await sendShapes(ours as unknown as Loose)
    const text = await afterSentinel(agent, hotShots, ours, 'sentinel')
    const expected = {
      checkout: 1 + 2 * 2,
      checkoutEu: 1,
      checkoutUs: 1,
      checkoutSeconds: 0.012 + 2 * 2 * 0.04,
      sinceSeconds: 0.25,
      orders: 1,
      ordersCard: 5 + 2 * (2 / 0.5) - 1,
      multiA: 3,
      multiB: 3,
      depth: 15,
      bytesCount: 1 + 2,
      bytesSum: 100 + 2 * 300,
      sizeSum: 64,
      wrapped: 3,
      wrappedAsync: 1,
    }
    const hs = figures(text, 'hs.')
    const tm = figures(text, 'tm.')
    for (const [figure, value] of Object.entries(expected)) {
      expect([figure, hs[figure]]).toEqual([figure, expect.closeTo(value, 9)])
      expect([figure, tm[figure]]).toEqual([figure, expect.closeTo(value, 9)])
    }
    expect(exact(text, 'taskmeter_lines_invalid_total', { reason: 'bad_tags' }) ?? 0).toBe(0)
    expect(ours.stats()).toMatchObject({ sampledOut: 2 + 2 + 1, dropped: {} })
    await ours.close()
  })

  it('takes Map tags, times with its own clock, and calls back with the drop error', async () => {
    let clockMs = 0
    const ours = createClient({
      host: '127.0.0.1',
      port: agent.udpPort,
      prefix: 'only.',
      now: () => clockMs,
      errorHandler: () => {},
    })
    const errors: unknown[] = []
    ours.timing('mapped', 5, new Map([['shard', '3']]))
    const slow = ours.timer(() => (clockMs += 7), 'clocked', ['via:clock'])
    for (let i = 0; i < 3; i++) slow()
    ours.timing('mapped', -1, (error) => errors.push(error?.reason))
    ours.increment('done')
    await ours.flush()
    const text = await metricsWhen(agent, 'only.done', (body) => exact(body, 'only_done_total') === 1)
    expect(exact(text, 'requests_total', { task: 'only.mapped', shard: '3', status: 'success' })).toBe(1)
    expect(exact(text, 'requests_total', { task: 'only.clocked', via: 'clock', status: 'success' })).toBe(3)
    expect(exact(text, 'task_duration_seconds_sum', { task: 'only.clocked', via: 'clock' })).toBeCloseTo(0.021, 12)
    expect(errors).toEqual(['negative_duration'])
    expect(ours.stats().dropped).toEqual({ negative_duration: 1 })
    const dashboard = await getJson<{ tasks: Record<string, { completed: number; labels: Record<string, string> }> }>(
      `${agent.baseUrl}/dashboard`,
    )
    expect(dashboard.tasks['only.mapped{shard="3"}']).toMatchObject({ completed: 1, labels: { shard: '3' } })
    await ours.close()
  })

  it('reads a bare tag as "true" from both; differs on purpose: a failing timed call is a failed request', async () => {
    const ours = createClient({ host: '127.0.0.1', port: agent.udpPort, prefix: 'tm.' })
    const before = exact(await getText(`${agent.baseUrl}/metrics`), 'taskmeter_lines_invalid_total', {
      reason: 'bad_tags',
    })
    const fails = (): never => {
      throw new Error('app error')
    }
    for (const client of [hotShots as unknown as Loose, ours as unknown as Loose]) {
      await sent((done) => client.timing?.('bare', 1, ['canary'], done))
      const wrapped = client.timer?.(fails, 'failing') as () => void
      expect(() => wrapped()).toThrow('app error')
    }
    const text = await afterSentinel(agent, hotShots, ours, 'sentinel2')
    // The agent reads a bare StatsD tag as DogStatsD users mean it, the same rule as our client's.
    expect(exact(text, 'taskmeter_lines_invalid_total', { reason: 'bad_tags' })).toBe(before ?? 0)
    expect(exact(text, 'requests_total', { task: 'hs.bare', canary: 'true', status: 'success' })).toBe(1)
    expect(exact(text, 'requests_total', { task: 'tm.bare', canary: 'true', status: 'success' })).toBe(1)
    expect(exact(text, 'requests_total', { task: 'hs.failing', status: 'success' })).toBe(1)
    expect(exact(text, 'requests_total', { task: 'tm.failing', status: 'error' })).toBe(1)
    expect(exact(text, 'requests_total', { task: 'tm.failing', status: 'success' })).toBe(0)
    await ours.close()
  })

  it("counts set members alike: hot-shots' StatsD text and our client's protocol v1 set events", async () => {
    const ours = createClient({ host: '127.0.0.1', port: agent.udpPort, prefix: 'tm.' })
    for (const member of ['u1', 'u2', 'u1', '42']) await sent((done) => hotShots.set('visitors', member, done))
    for (const member of ['u1', 'u2', 'u1', 42]) ours.unique('visitors', member)
    const text = await afterSentinel(agent, hotShots, ours, 'sentinel3')
    expect(exact(text, 'hs_visitors')).toBe(3)
    expect(exact(text, 'tm_visitors')).toBe(3)
    await ours.close()
  })
})
