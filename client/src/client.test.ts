// Every API call, sent over a real UDP socket and decoded with the protocol's decoder, arrives as
// exactly the events SPEC.md §3 defines.
import { hostname } from 'node:os'
import { describe, expect, it } from 'vitest'
import { createClient } from './index.js'
import { ManualClock, receiverPerTest } from './udp-receiver.test-support.js'

const io = receiverPerTest()

describe('metric calls', () => {
  it('encodes timing byte for byte as the SPEC.md §4 example', async () => {
    const client = io.connect({ sequence: false })
    client.timing('prediction', 12.3)
    await client.flush()
    await io.receiver.waitForEvents(1)
    expect(io.receiver.datagrams[0]?.bytes.toString('hex')).toBe(
      'fe544d01' + '93' + '01' + 'aa70726564696374696f6e' + 'cb402899999999999a',
    )
  })

  it('sends timing, counters, gauges and histograms as their protocol types', async () => {
    const client = io.connect()
    client.timing('prediction', 12.3)
    client.timing('prediction', 0)
    client.increment('work_completed')
    client.increment('work_completed', 5)
    client.decrement('work_completed')
    client.decrement('work_completed', 2)
    client.gauge('queue_depth', 17)
    client.gaugeDelta('queue_depth', -3)
    client.histogram('batch_size', 64)
    client.histogram('batch_size', -1.5)
    const events = await io.flushed(10)
    expect(events).toEqual([
      { kind: 'timing', name: 'prediction', value: 12.3, sampleRate: 1, tags: null },
      { kind: 'timing', name: 'prediction', value: 0, sampleRate: 1, tags: null },
      { kind: 'count', name: 'work_completed', value: 1, sampleRate: 1, tags: null },
      { kind: 'count', name: 'work_completed', value: 5, sampleRate: 1, tags: null },
      { kind: 'count', name: 'work_completed', value: -1, sampleRate: 1, tags: null },
      { kind: 'count', name: 'work_completed', value: -2, sampleRate: 1, tags: null },
      { kind: 'gauge', name: 'queue_depth', value: 17, sampleRate: 1, tags: null },
      { kind: 'gauge_delta', name: 'queue_depth', value: -3, sampleRate: 1, tags: null },
      { kind: 'histogram', name: 'batch_size', value: 64, sampleRate: 1, tags: null },
      { kind: 'histogram', name: 'batch_size', value: -1.5, sampleRate: 1, tags: null },
    ])
    expect(io.receiver.rejections()).toEqual([])
    // One socket.send per datagram: ten events, one datagram.
    expect(io.receiver.datagrams).toHaveLength(1)
    expect(client.stats()).toMatchObject({ sent: 10, datagrams: 1, pending: 0, dropped: {} })
  })

  it('samples counters: sends only the sampled subset, with the rate, and counts the rest', async () => {
    let draw = 0
    const draws = [0.05, 0.5, 0.09, 0.95]
    const client = io.connect({ random: () => draws[draw++ % draws.length] ?? 0 })
    for (let i = 0; i < 4; i++) client.increment('sampled', 1, 0.1)
    client.increment('tagged', 2, 0.1, { a: 'b' }) // draw 0.05: sent
    const events = await io.flushed(3)
    expect(events).toEqual([
      { kind: 'count', name: 'sampled', value: 1, sampleRate: 0.1, tags: null },
      { kind: 'count', name: 'sampled', value: 1, sampleRate: 0.1, tags: null },
      { kind: 'count', name: 'tagged', value: 2, sampleRate: 0.1, tags: { a: 'b' } },
    ])
    expect(client.stats().sampledOut).toBe(2)
  })

  it('applies the client-wide sampleRate to counters only', async () => {
    const client = io.connect({ sampleRate: 0.5, random: () => 0.25 })
    client.increment('hits')
    client.timing('task', 1)
    const events = await io.flushed(2)
    expect(events.map((e) => [e.kind, e.sampleRate])).toEqual([
      ['count', 0.5],
      ['timing', 1],
    ])
  })
})

describe('prefixes and tags', () => {
  it('prefixes names, concatenates child prefixes and merges global, child and call tags', async () => {
    const client = io.connect({ prefix: 'myapp.', tags: { region: 'eu', tier: 'web' } })
    const child = client.child({ prefix: 'db.', tags: { shard: '3' } })
    const grandchild = child.child({ prefix: 'read.', tags: { tier: 'db' } })
    client.timing('prediction', 1)
    child.timing('query', 2, { table: 'users' })
    grandchild.increment('rows', 10, { shard: '4' })
    client.gauge('g', 1, new Map([['k', 'v']]))
    const events = await io.flushed(4)
    expect(events).toEqual([
      { kind: 'timing', name: 'myapp.prediction', value: 1, sampleRate: 1, tags: { region: 'eu', tier: 'web' } },
      {
        kind: 'timing',
        name: 'myapp.db.query',
        value: 2,
        sampleRate: 1,
        tags: { region: 'eu', tier: 'web', shard: '3', table: 'users' },
      },
      {
        kind: 'count',
        name: 'myapp.db.read.rows',
        value: 10,
        sampleRate: 1,
        tags: { region: 'eu', tier: 'db', shard: '4' },
      },
      { kind: 'gauge', name: 'myapp.g', value: 1, sampleRate: 1, tags: { region: 'eu', tier: 'web', k: 'v' } },
    ])
    // Later tags win but keep their first position (SPEC.md §4: the application's order).
    expect(Object.keys(events[2]?.tags ?? {})).toEqual(['region', 'tier', 'shard'])
  })

  it('accepts globalTags (the hot-shots name) and reuses cached tag sets', async () => {
    const client = io.connect({ globalTags: { env: 'test' } })
    const callTags = { route: '/a' }
    for (let i = 0; i < 3; i++) client.timing('t', i, callTags)
    client.timing('t', 3, { route: '/a' })
    const events = await io.flushed(4)
    for (const event of events) expect(event.tags).toEqual({ env: 'test', route: '/a' })
  })
})

describe('tracked tasks', () => {
  it('trackAsync resolves to the value and sends task_end_success with the duration; no task_start', async () => {
    const clock = new ManualClock()
    const client = io.connect({ now: clock.now })
    const value = await client.trackAsync('prediction', async () => {
      clock.advance(25.5)
      return 42
    })
    expect(value).toBe(42)
    const events = await io.flushed(1)
    expect(events).toEqual([{ kind: 'task_end_success', name: 'prediction', value: 25.5, sampleRate: 1, tags: null }])
    expect(io.receiver.items().some((item) => item.kind === 'task_start')).toBe(false)
  })

  it('trackAsync rethrows the app error untouched and sends task_end_error', async () => {
    const clock = new ManualClock()
    const client = io.connect({ now: clock.now, tags: { svc: 'a' } })
    class AppError extends Error {}
    const thrown = new AppError('boom')
    await expect(
      client.trackAsync('prediction', async () => {
        clock.advance(7)
        throw thrown
      }),
    ).rejects.toBe(thrown)
    // A synchronous throw becomes the same rejection.
    const syncThrown = new TypeError('sync')
    await expect(
      client.trackAsync('prediction', () => {
        throw syncThrown
      }),
    ).rejects.toBe(syncThrown)
    // A non-Error rejection value is passed through as is.
    await expect(client.trackAsync('prediction', () => Promise.reject('plain string'))).rejects.toBe('plain string')
    const events = await io.flushed(3)
    expect(events[0]).toEqual({
      kind: 'task_end_error',
      name: 'prediction',
      value: 7,
      sampleRate: 1,
      tags: { svc: 'a' },
    })
    expect(events.map((e) => e.kind)).toEqual(['task_end_error', 'task_end_error', 'task_end_error'])
  })

  it('trackAsync also tracks a synchronous function', async () => {
    const client = io.connect()
    await expect(client.trackAsync('sync', () => 'done', { k: 'v' })).resolves.toBe('done')
    const events = await io.flushed(1)
    expect(events[0]).toMatchObject({ kind: 'task_end_success', name: 'sync', tags: { k: 'v' } })
  })

  it('startTimer ends with a status, end tags over start tags, and returns the duration', async () => {
    const clock = new ManualClock()
    const client = io.connect({ now: clock.now })
    const endOk = client.startTimer('db', { op: 'read' })
    const endFailed = client.startTimer('db')
    clock.advance(3)
    expect(endOk()).toBe(3)
    clock.advance(2)
    expect(endFailed({ status: 'error', tags: { code: 'E42' } })).toBe(5)
    const endTagged = client.startTimer('db', { op: 'write', shard: '1' })
    endTagged({ status: 'success', tags: { op: 'upsert' } })
    const events = await io.flushed(3)
    expect(events).toEqual([
      { kind: 'task_end_success', name: 'db', value: 3, sampleRate: 1, tags: { op: 'read' } },
      { kind: 'task_end_error', name: 'db', value: 5, sampleRate: 1, tags: { code: 'E42' } },
      { kind: 'task_end_success', name: 'db', value: 0, sampleRate: 1, tags: { op: 'upsert', shard: '1' } },
    ])
  })

  it('measures real durations with the monotonic clock', async () => {
    const client = io.connect()
    await client.trackAsync('sleepy', () => new Promise((resolve) => setTimeout(resolve, 30)))
    await client.flush()
    const [event] = await io.receiver.waitForEvents(1)
    expect(event?.value).toBeGreaterThanOrEqual(25)
    expect(event?.value).toBeLessThan(5000)
  })

  it('names itself <hostname>:<pid>:<4 hex> unless told, the same for its children', () => {
    const client = io.connect()
    expect(client.clientId).toMatch(new RegExp(`^${hostname().slice(0, 40)}.*:${process.pid}:[0-9a-f]{4}$`))
    expect(client.child({ prefix: 'x.' }).clientId).toBe(client.clientId)
    const other = createClient({ port: io.receiver.port, mock: true })
    expect(other.clientId).not.toBe(client.clientId)
    expect(createClient({ mock: true, clientId: 'worker-7' }).clientId).toBe('worker-7')
    expect(createClient({ mock: true, env: { TASKMETER_CLIENT_ID: 'from-env' } }).clientId).toBe('from-env')
  })
})
