// Exemplars from the TypeScript client (SPEC.md §3.4), end to end over a real UDP socket decoded
// by the protocol decoder: the real OpenTelemetry API with the async-hooks context manager and
// the SDK's tracer, so trackAsync inside startActiveSpan sends that span's ids; no span, an
// unsampled one, exemplars off: no exemplar; withTrace()'s explicit ids, and bad ones counted.
import { type Socket, createSocket } from 'node:dgram'
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { context, trace } from '@opentelemetry/api'
import { AsyncHooksContextManager } from '@opentelemetry/context-async-hooks'
import { AlwaysOffSampler, AlwaysOnSampler, BasicTracerProvider } from '@opentelemetry/sdk-trace-base'
import { type ClientOptions, type TaskmeterClient, createClient } from '@taskmeter/client'
import { type DecodedItem, collectDatagram } from '@taskmeter/protocol'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { runProcess } from './harness/run-process.js'

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url))
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736'
const SPAN = '00f067aa0ba902b7'

let socket: Socket
let port = 0
const datagrams: Buffer[] = []
const contextManager = new AsyncHooksContextManager()
const sampled = new BasicTracerProvider({ sampler: new AlwaysOnSampler() }).getTracer('exemplar-test')
const unsampled = new BasicTracerProvider({ sampler: new AlwaysOffSampler() }).getTracer('exemplar-test')
let clients: TaskmeterClient[] = []

beforeAll(async () => {
  context.setGlobalContextManager(contextManager.enable())
  socket = createSocket('udp4')
  socket.on('message', (datagram) => datagrams.push(datagram))
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()))
  port = socket.address().port
})

afterAll(async () => {
  context.disable()
  await new Promise<void>((resolve) => socket.close(() => resolve()))
})

afterEach(async () => {
  await Promise.all(clients.map((client) => client.close()))
  clients = []
  datagrams.length = 0
})

function connect(options: ClientOptions = {}): TaskmeterClient {
  const client = createClient({ host: '127.0.0.1', port, errorHandler: () => {}, sequence: false, ...options })
  clients.push(client)
  return client
}

/** Flushes, then the decoded items once `count` events (not reports) arrived; none rejected. */
async function received(client: TaskmeterClient, count: number): Promise<DecodedItem[]> {
  await client.flush()
  const deadline = Date.now() + 5000
  for (;;) {
    const decoded = datagrams.map((datagram) => collectDatagram(datagram))
    for (const one of decoded) expect(one.reason).toBeNull()
    const items = decoded
      .flatMap((one) => one.items)
      .filter((item) => item.kind !== 'inflight_report' && item.kind !== 'header')
    expect(items.filter((item) => item.kind === 'invalid')).toEqual([])
    if (items.length >= count) return items
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${count} events (have ${items.length})`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

function exemplarOf(item: DecodedItem | undefined): unknown {
  return item !== undefined && 'exemplar' in item ? item.exemplar : undefined
}

describe('the active OpenTelemetry span', () => {
  it('goes with trackAsync, startTimer and timing inside startActiveSpan', async () => {
    const client = connect()
    const ids = await sampled.startActiveSpan('request', async (span) => {
      await client.trackAsync('job', async () => {
        await new Promise((resolve) => setTimeout(resolve, 2))
      })
      const end = client.startTimer('db')
      await Promise.resolve()
      end({ status: 'error' })
      client.timing('render', 4)
      client.timing('render', 5, 1, { page: 'home' }, () => {})
      span.end()
      return span.spanContext()
    })
    expect(ids.traceFlags & 1).toBe(1)
    const items = await received(client, 4)
    const want = { traceId: ids.traceId, spanId: ids.spanId }
    expect(items.map((item) => [item.kind, exemplarOf(item)])).toEqual([
      ['task_end_success', want],
      ['task_end_error', want],
      ['timing', want],
      ['timing', want],
    ])
  })

  it('sends no exemplar with no active span, nor for a span that is not sampled', async () => {
    const client = connect()
    client.timing('outside', 3)
    await client.trackAsync('outside', () => 1)
    unsampled.startActiveSpan('not sampled', (span) => {
      expect(span.spanContext().traceFlags & 1).toBe(0)
      expect(trace.isSpanContextValid(span.spanContext())).toBe(true)
      client.timing('unsampled', 3)
      span.end()
    })
    const items = await received(client, 3)
    expect(items.map((item) => [item.kind, exemplarOf(item)])).toEqual([
      ['timing', undefined],
      ['task_end_success', undefined],
      ['timing', undefined],
    ])
  })

  it('never goes with counters, gauges or sets, only with what the agent attaches it to', async () => {
    const client = connect()
    sampled.startActiveSpan('request', (span) => {
      client.increment('c')
      client.gauge('g', 1)
      client.set('s', 'member')
      client.histogram('h', 2)
      span.end()
    })
    const items = await received(client, 4)
    expect(items.map(exemplarOf)).toEqual([undefined, undefined, undefined, undefined])
  })

  it('keeps each exemplar in its timing\u2019s datagram when the batch fills up', async () => {
    const client = connect({ maxBufferSize: 64 })
    const ids = sampled.startActiveSpan('request', (span) => {
      for (let i = 0; i < 40; i++) client.timing('a.task.with.a.longer.name', i, { shard: String(i) })
      span.end()
      return span.spanContext()
    })
    const items = await received(client, 40)
    expect(datagrams.length).toBeGreaterThan(10)
    expect(items.map(exemplarOf)).toEqual(Array(40).fill({ traceId: ids.traceId, spanId: ids.spanId }))
  })

  it('is left out with exemplars: false, or TASKMETER_EXEMPLARS=0', async () => {
    const off = connect({ exemplars: false })
    const offByEnv = connect({ env: { TASKMETER_EXEMPLARS: '0' } })
    sampled.startActiveSpan('request', (span) => {
      off.timing('x', 1)
      off.withTrace({ traceId: TRACE, spanId: SPAN }).timing('x', 2)
      offByEnv.timing('x', 3)
      span.end()
    })
    await offByEnv.flush()
    const items = await received(off, 3)
    expect(items.map(exemplarOf)).toEqual([undefined, undefined, undefined])
    expect(() => connect({ env: { TASKMETER_EXEMPLARS: 'yes' } })).toThrow(/TASKMETER_EXEMPLARS must be 0 or 1/)
  })
})

describe('withTrace()', () => {
  it('sends the given ids with timing, task ends and histograms, over the active span', async () => {
    const client = connect()
    const traced = client.withTrace({ traceId: TRACE, spanId: SPAN })
    await sampled.startActiveSpan('request', async (span) => {
      traced.timing('x', 12)
      traced.timing('x', 13, 0.999999, ['a:b'])
      traced.histogram('size', 64.25)
      await traced.trackAsync('job', () => 'done')
      traced.increment('not.traced')
      client.child({ prefix: 'kid.' }).timing('y', 1)
      span.end()
    })
    const want = { traceId: TRACE, spanId: SPAN }
    const items = await received(client, 5)
    const shown = items.map((item) => [item.kind, 'name' in item ? item.name : '', exemplarOf(item)])
    expect(shown.slice(0, 5)).toEqual([
      ['timing', 'x', want],
      ['timing', 'x', want],
      ['histogram', 'size', want],
      ['task_end_success', 'job', want],
      ['count', 'not.traced', undefined],
    ])
    expect(shown[5]?.[1]).toBe('kid.y')
    expect(shown[5]?.[2]).not.toEqual(want) // the child of the client, not of the view: the span's ids
    expect(client.stats().dropped).toEqual({})
  })

  it('counts bad ids as bad_exemplar and sends the events without, never throwing', async () => {
    const errors: string[] = []
    const client = connect({ errorHandler: (error) => errors.push(error.message) })
    const bad: unknown[] = [
      { traceId: TRACE.toUpperCase(), spanId: SPAN },
      { traceId: TRACE, spanId: `${SPAN}0` },
      { traceId: '0'.repeat(32), spanId: SPAN },
      { traceId: TRACE, spanId: '0'.repeat(16) },
      { traceId: `${TRACE.slice(0, 31)}g`, spanId: SPAN },
      { traceId: 42, spanId: SPAN },
      null,
      'not an object',
      {
        get traceId(): string {
          throw new Error('getter')
        },
        spanId: SPAN,
      },
    ]
    for (const ids of bad) client.withTrace(ids as { traceId: string; spanId: string }).timing('x', 1)
    const items = await received(client, bad.length)
    expect(items.map(exemplarOf)).toEqual(Array(bad.length).fill(undefined))
    expect(client.stats().dropped).toEqual({ bad_exemplar: bad.length })
    expect(errors[0]).toMatch(/withTrace\(\) takes/)
  })
})

describe('an app without @opentelemetry/api', () => {
  // The client's packages linked into an empty folder (fixed values, and no task, whose in-flight
  // reports carry a random id), run with --preserve-symlinks: nothing
  // above that folder holds the OpenTelemetry API, so the client's guarded require finds none.
  it('loads and sends, without error or exemplar, the bytes a client with the API and no span sends', async () => {
    const app = await mkdtemp(join(tmpdir(), 'taskmeter-no-otel-'))
    try {
      await mkdir(join(app, 'node_modules', '@taskmeter'), { recursive: true })
      for (const name of ['client', 'protocol', 'instrument'])
        await symlink(join(REPO_ROOT, name), join(app, 'node_modules', '@taskmeter', name))
      const calls = `client.timing('x', 12); client.histogram('h', 3); client.timing('job', 7, 1, ['a:b'])`
      await writeFile(
        join(app, 'app.mjs'),
        `import { createClient } from '@taskmeter/client'
        const otel = await import('@opentelemetry/api').then(() => 'found', () => 'absent')
        const client = createClient({ host: '127.0.0.1', port: ${port}, clientId: 'same' })
        ${calls}
        await client.close()
        console.log(JSON.stringify({ otel, stats: client.stats() }))`,
      )
      const run = await runProcess(process.execPath, ['--preserve-symlinks', '--preserve-symlinks-main', 'app.mjs'], {
        cwd: app,
        timeoutMs: 20_000,
      })
      expect(run.code, run.output).toBe(0)
      expect(run.stderr).toBe('')
      const result = JSON.parse(run.stdout) as { otel: string; stats: { sent: number; dropped: object } }
      expect(result).toMatchObject({ otel: 'absent', stats: { sent: 3, dropped: {} } })
      const without = await received(connect(), 3)
      expect(without.map(exemplarOf)).toEqual([undefined, undefined, undefined])
      const fromApp = Buffer.concat(datagrams)
      datagrams.length = 0
      const client = connect({ clientId: 'same', sequence: true })
      client.timing('x', 12)
      client.histogram('h', 3)
      client.timing('job', 7, 1, ['a:b'])
      await client.close()
      await received(client, 3)
      expect(Buffer.concat(datagrams).toString('hex')).toBe(fromApp.toString('hex'))
    } finally {
      await rm(app, { recursive: true, force: true })
    }
  })
})
