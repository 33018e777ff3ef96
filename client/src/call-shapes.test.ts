// hot-shots' call shapes through the real client (mock: true decodes the real datagrams): the
// positional sample rate, tags and callback of every metric call, tags as arrays, a Date as a
// timing's start, multi-stat names, and timer()/asyncTimer(). The older shapes keep working.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { type ClientOptions, type TaskmeterDropError, createClient } from './index.js'
import type { TaskmeterClient } from './index.js'
import { ManualClock, receiverPerTest } from './udp-receiver.test-support.js'

const clients: TaskmeterClient[] = []

function mockClient(options: ClientOptions = {}): TaskmeterClient {
  const client = createClient({ mock: true, errorHandler: () => {}, ...options })
  clients.push(client)
  return client
}

afterEach(async () => {
  vi.restoreAllMocks()
  for (const client of clients.splice(0)) await client.close()
})

async function eventsOf(client: TaskmeterClient): Promise<unknown[]> {
  await client.flush()
  return client.mockEvents.map((e) => [e.kind, e.name, e.value, e.sampleRate, e.tags])
}

describe('positional sample rate, tags and callback', () => {
  it('sends every metric call with its rate and tags, sampling with the client random source', async () => {
    // 0.2 < 0.5: kept; the second draw 0.7 ≥ 0.5 would sample out.
    const draws = [0.2, 0.7]
    let draw = 0
    const client = mockClient({ random: () => draws[draw++ % 2] ?? 0 })
    client.timing('t', 12, 0.5) // kept
    client.timing('t', 13, 0.5) // sampled out
    client.timing('t', 14, 1, { region: 'eu' })
    client.timing('t', 15, { region: 'us' }) // tags third, as before
    client.increment('c', 2, 0.5, ['k:v']) // kept
    client.decrement('c', 3, 0.5, new Map([['k', 'w']])) // sampled out
    client.gauge('g', 7, 0.5, { q: 'a' }) // kept
    client.gaugeDelta('g', -1, 1, ['q:a'])
    client.histogram('h', 64, 0.5) // sampled out
    client.distribution('d', 9, 0.5, ['unit:ms']) // kept
    expect(await eventsOf(client)).toEqual([
      ['timing', 't', 12, 0.5, null],
      ['timing', 't', 14, 1, { region: 'eu' }],
      ['timing', 't', 15, 1, { region: 'us' }],
      ['count', 'c', 2, 0.5, { k: 'v' }],
      ['gauge', 'g', 7, 0.5, { q: 'a' }],
      ['gauge_delta', 'g', -1, 1, { q: 'a' }],
      ['histogram', 'd', 9, 0.5, { unit: 'ms' }],
    ])
    expect(client.stats()).toMatchObject({ sent: 7, sampledOut: 3, dropped: {} })
  })

  it('lets increment and decrement leave the value out before tags or a callback (it is 1)', async () => {
    const client = mockClient()
    const done: unknown[] = []
    client.increment('c')
    client.increment('c', ['a:b'])
    client.increment('c', (error) => done.push(error))
    client.decrement('c', { a: 'b' }, (error) => done.push(error))
    client.increment('c', undefined, 1, ['a:c'])
    client.decrement('c', 4)
    expect(await eventsOf(client)).toEqual([
      ['count', 'c', 1, 1, null],
      ['count', 'c', 1, 1, { a: 'b' }],
      ['count', 'c', 1, 1, null],
      ['count', 'c', -1, 1, { a: 'b' }],
      ['count', 'c', 1, 1, { a: 'c' }],
      ['count', 'c', -4, 1, null],
    ])
    expect(done).toEqual([undefined, undefined])
  })

  it('calls back once buffered, with no argument; with the drop error when dropped; never throws', async () => {
    const client = mockClient({ random: () => 0.9 })
    const seen: Array<string | undefined> = []
    const record = (error?: TaskmeterDropError): void => {
      seen.push(error === undefined ? undefined : error.reason)
    }
    client.timing('ok', 1, record)
    client.timing('ok', 1, 0.5, record) // sampled out: not an error
    client.timing('ok', -1, record)
    client.gauge('g', 1, 0, record)
    client.timing('ok', 1, { a: 'b' }, 0.5 as never, record) // a rate after the tags
    client.timing('ok', 1, [':no_key'], record)
    expect(seen).toEqual([undefined, undefined, 'negative_duration', 'bad_sample_rate', 'bad_argument', 'bad_tags'])
    // The callback runs before the call returns, inside try/catch.
    expect(() =>
      client.timing('ok', 2, () => {
        throw new Error('app callback')
      }),
    ).not.toThrow()
    client.timing('ok', 3, async () => Promise.reject(new Error('async app callback')))
    await new Promise((resolve) => setTimeout(resolve, 5))
    expect(client.stats()).toMatchObject({
      sent: 3,
      sampledOut: 1,
      dropped: { negative_duration: 1, bad_sample_rate: 1, bad_argument: 1, bad_tags: 1 },
    })
  })

  it('drops arguments out of order as bad_argument, naming the order', async () => {
    const errors: TaskmeterDropError[] = []
    const client = mockClient({ errorHandler: (e) => errors.push(e as TaskmeterDropError) })
    const loose = client as unknown as Record<string, (...args: unknown[]) => void>
    loose.timing?.('t', 1, () => {}, { a: 'b' })
    loose.histogram?.('h', 1, 0.5, 0.5)
    loose.increment?.('c', 1, { a: 'b' }, ['c:d'])
    expect(client.stats().dropped).toEqual({ bad_argument: 3 })
    expect(errors[0]?.message).toMatch(/the order is name, value, sampleRate\?, tags\?, callback\?/)
    expect(await eventsOf(client)).toEqual([])
  })
})

describe('over a real socket', () => {
  const io = receiverPerTest()

  it('carries the rate of every sampled kind on the wire, and the tags of an array', async () => {
    const client = io.connect({ random: () => 0 })
    client.timing('t', 3, 0.25, ['k:v'])
    client.increment('c', 1, 0.25)
    client.gauge('g', 4, 0.5)
    client.gaugeDelta('g', 1, 0.5)
    client.histogram('h', 8, 0.125, ['bare'])
    client.distribution('d', 9, 0.75)
    const events = await io.flushed(6)
    expect(events.map((e) => [e.kind, e.sampleRate, e.tags])).toEqual([
      ['timing', 0.25, { k: 'v' }],
      ['count', 0.25, null],
      ['gauge', 0.5, null],
      ['gauge_delta', 0.5, null],
      ['histogram', 0.125, { bare: 'true' }],
      ['histogram', 0.75, null],
    ])
    expect(io.receiver.rejections()).toEqual([])
  })
})

describe('tags as arrays', () => {
  it('splits \'key:value\' at the first colon and gives a bare tag the value "true"', async () => {
    const client = mockClient()
    client.timing('t', 1, ['url:http://x:80/a', 'canary', 'empty:'])
    expect(await eventsOf(client)).toEqual([['timing', 't', 1, 1, { url: 'http://x:80/a', canary: 'true', empty: '' }]])
  })

  it('takes arrays as createClient tags, globalTags, child tags, timer tags and end() tags', async () => {
    const client = mockClient({ globalTags: ['env:prod', 'canary'] })
    const child = client.child({ tags: ['shard:3'] })
    const grand = child.child({ globalTags: ['env:test'] })
    grand.timing('q', 1, ['table:users'])
    const end = child.startTimer('job', ['kind:batch'])
    end({ status: 'error', tags: ['retry:1'] })
    await child.trackAsync('tracked', async () => 1, ['via:track'])
    expect(await eventsOf(client)).toEqual([
      ['timing', 'q', 1, 1, { env: 'test', canary: 'true', shard: '3', table: 'users' }],
      [
        'task_end_error',
        'job',
        expect.any(Number),
        1,
        { env: 'prod', canary: 'true', shard: '3', kind: 'batch', retry: '1' },
      ],
      ['task_end_success', 'tracked', expect.any(Number), 1, { env: 'prod', canary: 'true', shard: '3', via: 'track' }],
    ])
    expect(
      mockClient({ tags: ['k:v'] })
        .child({ tags: [7 as never] })
        .stats().dropped,
    ).toEqual({})
  })

  it('drops an array with a non-string entry as bad_tags, in any place', async () => {
    const client = mockClient()
    client.child({ tags: ['a:b', 7 as never] }).timing('t', 1)
    client.timing('t', 1, ['a:b', null as never])
    client.increment('c', 1, 1, [{} as never])
    expect(client.stats().dropped).toEqual({ bad_tags: 3 })
    expect(() => createClient({ mock: true, tags: [':v'] })).toThrow(/tags must be/)
  })
})

describe('values and names', () => {
  it('takes a Date as the start of a timing: the ms since then', async () => {
    const client = mockClient()
    vi.spyOn(Date, 'now').mockReturnValue(1_700_000_000_250)
    client.timing('since', new Date(1_700_000_000_000))
    client.timing('since', new Date(1_700_000_000_000), 1, ['k:v'])
    client.timing('since', new Date(1_700_000_001_000)) // in the future: negative
    client.timing('since', new Date(Number.NaN))
    client.gauge('g', new Date() as never)
    expect(await eventsOf(client)).toEqual([
      ['timing', 'since', 250, 1, null],
      ['timing', 'since', 250, 1, { k: 'v' }],
    ])
    expect(client.stats().dropped).toEqual({ negative_duration: 1, non_finite_value: 1, bad_value: 1 })
  })

  it('sends a multi-stat once per name, sampled per name, and calls back once', async () => {
    const draws = [0.1, 0.9, 0.1]
    let draw = 0
    const client = mockClient({ random: () => draws[draw++] ?? 0 })
    const calls: unknown[] = []
    client.increment(['a', 'b'], 2, ['k:v'], (error) => calls.push(error))
    client.timing(['x', 'y', 'z'], 5, 0.5)
    client.timing(['ok', ''], 1, (error) => calls.push(error?.reason))
    client.histogram([], 1, (error) => calls.push(error?.reason))
    expect(await eventsOf(client)).toEqual([
      ['count', 'a', 2, 1, { k: 'v' }],
      ['count', 'b', 2, 1, { k: 'v' }],
      ['timing', 'x', 5, 0.5, null],
      ['timing', 'z', 5, 0.5, null],
      ['timing', 'ok', 1, 1, null],
    ])
    expect(calls).toEqual([undefined, 'bad_name', 'bad_name'])
    expect(client.stats()).toMatchObject({ sampledOut: 1, dropped: { bad_name: 2 } })
  })
})

describe('timer and asyncTimer', () => {
  it('times each call of the wrapped function, passing this, arguments and value through', async () => {
    const clock = new ManualClock()
    const client = mockClient({ now: clock.now })
    const calls: unknown[] = []
    const add = client.timer(
      function (this: { base: number }, a: number, b: number) {
        clock.advance(7)
        return this.base + a + b
      },
      'add',
      1,
      ['op:sum'],
      (error) => calls.push(error),
    )
    expect(add.call({ base: 10 }, 1, 2)).toBe(13)
    const fail = client.timer(() => {
      clock.advance(3)
      throw new Error('app error')
    }, 'fail')
    expect(() => fail()).toThrow('app error')
    expect(await eventsOf(client)).toEqual([
      ['timing', 'add', 7, 1, { op: 'sum' }],
      ['task_end_error', 'fail', 3, 1, null],
    ])
    expect(calls).toEqual([undefined])
  })

  it('asyncTimer times until the promise settles; a rejection is a failed request, rethrown', async () => {
    const clock = new ManualClock()
    const client = mockClient({ now: clock.now, random: () => 0.1 })
    const fetchIt = client.asyncTimer(
      async (id: string) => {
        await Promise.resolve()
        clock.advance(20)
        return `got ${id}`
      },
      ['fetch', 'io'],
      0.5,
    )
    await expect(fetchIt('a')).resolves.toBe('got a')
    const boom = client.asyncTimer((): Promise<never> => {
      throw new Error('sync throw')
    }, 'boom')
    await expect(boom()).rejects.toThrow('sync throw')
    expect(await eventsOf(client)).toEqual([
      ['timing', 'fetch', 20, 0.5, null],
      ['timing', 'io', 20, 0.5, null],
      ['task_end_error', 'boom', 0, 1, null],
    ])
  })

  it('counts a timer given no function as bad_argument; its wrapper does nothing', async () => {
    const client = mockClient()
    const loose = client as unknown as Record<string, (...args: unknown[]) => (...a: unknown[]) => unknown>
    expect(loose.timer?.('not a function', 't')?.()).toBeUndefined()
    await expect(loose.asyncTimer?.(42, 't')?.()).resolves.toBeUndefined()
    expect(client.stats().dropped).toEqual({ bad_argument: 2 })
    expect(await eventsOf(client)).toEqual([])
  })
})
