// The client's call shapes on the in-process monitor: hot-shots' positional sampleRate?, tags?,
// callback?, tag arrays and Maps, a Date timing, arrays of names, distribution, set/unique and
// timer()/asyncTimer(). Sampling is pinned with the random hook, so weights are exact.
import { describe, expect, it } from 'vitest'
import { type Monitor, createMonitor } from './monitor.js'

class FakeClock {
  ms = 1_000
  readonly now = (): number => this.ms
}

function monitorWith(options: Parameters<typeof createMonitor>[0] = {}): Monitor {
  return createMonitor({ processMetrics: false, ...options })
}

describe('positional sample rate', () => {
  it('a kept sampled timing weighs round(1/rate), a histogram too, and a counter counts value/rate', () => {
    const monitor = monitorWith({ random: () => 0.1 })
    monitor.timing('predict', 4, 0.5)
    monitor.histogram('batch', 8, 0.25, { shard: 'a' })
    monitor.increment('bytes', 10, 0.5)
    monitor.decrement('credits', 1, 0.2)
    const snapshot = monitor.snapshot()
    expect(snapshot.tasks.predict).toMatchObject({ completed: 2, sum_ms: 8 })
    expect(snapshot.histograms['batch{shard="a"}']).toMatchObject({ count: 4, sum: 32 })
    expect(snapshot.counters).toEqual({ bytes: 20, credits: -5 })
  })

  it('drops a sampled-out call without counting it as invalid', () => {
    const monitor = monitorWith({ random: () => 0.9 })
    let calls = 0
    monitor.timing('predict', 4, 0.5, () => calls++)
    monitor.gauge('depth', 3, 0.5)
    monitor.set('users', 'alice', 0.5)
    const snapshot = monitor.snapshot()
    expect(Object.keys(snapshot.tasks)).toEqual([])
    expect(snapshot.gauges).toEqual({})
    expect(calls).toBe(1)
    expect(monitor.stats().dropped).toEqual({})
  })

  it('a rate outside (0, 1] is bad_sample_rate; arguments out of order are bad_argument', () => {
    const monitor = monitorWith()
    const errors: unknown[] = []
    monitor.timing('predict', 4, 2, (error) => errors.push(error))
    monitor.gauge('depth', 1, { a: 'b' }, 0.5 as unknown as Record<string, string>)
    expect(monitor.stats().dropped).toEqual({ bad_sample_rate: 1, bad_argument: 1 })
    expect(errors).toHaveLength(1)
    expect(String(errors[0])).toMatch(/timing "predict" dropped: bad_sample_rate/)
    expect(Object.keys(monitor.snapshot().tasks)).toEqual([])
  })
})

describe('callback', () => {
  it('is called once: no argument when kept, the drop error when dropped; its throw stays inside', () => {
    const monitor = monitorWith()
    const seen: unknown[] = []
    monitor.timing('predict', 5, { region: 'eu' }, (error) => seen.push(error ?? 'ok'))
    monitor.increment('work', (error) => seen.push(error ?? 'ok'))
    monitor.histogram('size', Number.NaN, (error) => seen.push(error ?? 'ok'))
    expect(() =>
      monitor.gauge('depth', 1, () => {
        throw new Error('app bug')
      }),
    ).not.toThrow()
    expect(seen.slice(0, 2)).toEqual(['ok', 'ok'])
    expect(seen[2]).toBeInstanceOf(Error)
    expect(String(seen[2])).toMatch(/non_finite_value/)
    expect(monitor.snapshot().counters).toEqual({ work: 1 })
    expect(monitor.snapshot().gauges).toEqual({ depth: 1 })
  })
})

describe('tags', () => {
  it('takes \'key:value\' arrays (a bare key is "true") and Maps, for metrics and timers', () => {
    const clock = new FakeClock()
    const monitor = monitorWith({ now: clock.now, tags: { service: 'shop' } })
    monitor.timing('predict', 3, ['route:/api/v1', 'canary'])
    monitor.increment('hits', 1, new Map([['route', '/x:y']]))
    const end = monitor.startTimer('render', ['page:home'])
    clock.ms += 2
    end({ status: 'error', tags: ['cache:miss'] })
    const snapshot = monitor.snapshot()
    expect(snapshot.tasks['predict{canary="true",route="/api/v1",service="shop"}']).toMatchObject({ completed: 1 })
    expect(snapshot.counters).toEqual({ 'hits{route="/x:y",service="shop"}': 1 })
    expect(snapshot.tasks['render{cache="miss",page="home",service="shop"}']).toMatchObject({ failed: 1, sum_ms: 2 })
    monitor.timing('predict', 3, [42] as unknown as string[])
    expect(monitor.stats().dropped).toEqual({ bad_tags: 1 })
  })
})

describe('names, values and kinds', () => {
  it('a Date is the start of the timing; an array of names records once per name', () => {
    const monitor = monitorWith()
    monitor.timing('since', new Date(Date.now() - 50))
    monitor.timing(['a', 'b'], 7)
    monitor.increment(['c', 'd'], 2)
    monitor.timing([], 1)
    const snapshot = monitor.snapshot()
    expect(snapshot.tasks.since?.sum_ms).toBeGreaterThanOrEqual(50)
    expect(snapshot.tasks.since?.sum_ms).toBeLessThan(5_000)
    expect(snapshot.tasks.a).toMatchObject({ completed: 1, sum_ms: 7 })
    expect(snapshot.tasks.b).toMatchObject({ completed: 1, sum_ms: 7 })
    expect(snapshot.counters).toEqual({ c: 2, d: 2 })
    expect(monitor.stats().dropped).toEqual({ bad_name: 1 })
  })

  it('distribution is a histogram; set and unique count unique members, a number as its text', async () => {
    const monitor = monitorWith()
    monitor.distribution('latency', 3)
    monitor.histogram('latency', 5)
    monitor.set('users', 'alice')
    monitor.unique('users', 'bob')
    monitor.set('users', 'alice')
    monitor.set('users', 42)
    monitor.set('users', '42')
    monitor.set('users', 'ünï', { tier: 'gold' })
    monitor.set('users', '')
    const snapshot = monitor.snapshot()
    expect(snapshot.histograms.latency).toMatchObject({ count: 2, sum: 8 })
    expect(snapshot.gauges).toEqual({ users: 3, 'users{tier="gold"}': 1 })
    expect(monitor.stats().dropped).toEqual({ bad_value: 1 })
    expect(await monitor.metrics()).toMatch(/^users 3$/m)
  })
})

describe('timer and asyncTimer', () => {
  it('time each call; a throw or rejection is a failed request and passes through', async () => {
    const clock = new FakeClock()
    const monitor = monitorWith({ now: clock.now })
    const parse = monitor.timer((text: string) => {
      clock.ms += 2
      if (text === '') throw new SyntaxError('empty')
      return text.length
    }, 'parse')
    expect(parse('abc')).toBe(3)
    expect(() => parse('')).toThrow(SyntaxError)
    const load = monitor.asyncTimer(
      async (fail: boolean) => {
        clock.ms += 4
        if (fail) throw new Error('down')
        return 'ok'
      },
      'load',
      ['region:eu'],
    )
    expect(await load(false)).toBe('ok')
    await expect(load(true)).rejects.toThrow('down')
    const snapshot = monitor.snapshot()
    expect(snapshot.tasks.parse).toMatchObject({ completed: 2, failed: 1, active: 0, sum_ms: 4 })
    expect(snapshot.tasks['load{region="eu"}']).toMatchObject({ completed: 2, failed: 1, sum_ms: 8 })
    const notFn = monitor.timer(42 as unknown as () => void, 'x')
    expect(notFn()).toBeUndefined()
    expect(monitor.stats().dropped).toEqual({ bad_argument: 1 })
  })
})
