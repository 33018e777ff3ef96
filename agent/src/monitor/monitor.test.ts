import { describe, expect, it } from 'vitest'
import { TaskmeterError } from '../config/taskmeter-error.js'
import { type Monitor, createMonitor } from './monitor.js'

class FakeClock {
  ms = 1_000
  readonly now = (): number => this.ms
}

function monitorWith(clock: FakeClock, options: Parameters<typeof createMonitor>[0] = {}): Monitor {
  return createMonitor({ processMetrics: false, now: clock.now, ...options })
}

function sampleLine(text: string, prefix: string): string | undefined {
  return text.split('\n').find((line) => line.startsWith(prefix))
}

describe('createMonitor options', () => {
  it.each([
    [{ window: 0 }, /window must be an integer 1\.\.3600 \(got 0\)/],
    [{ precision: 6 }, /precision must be an integer 1\.\.5/],
    [{ buckets: [0.1, 0.05] }, /buckets must be 1\.\.64 increasing positive numbers/],
    [{ maxSeries: 1.5 }, /maxSeries must be an integer/],
    [{ precision: 5 }, /precision 5 with maxSeries 10000 may need more than 512 MiB/],
    [{ tags: { a: 1 } as unknown as Record<string, string> }, /tags must be valid tags \(bad_tags/],
    [{ prefix: 'x'.repeat(200) }, /prefix must be a string under 200 characters/],
  ])('%j throws a TaskmeterError naming the option', (options, message) => {
    let caught: unknown
    try {
      createMonitor(options)
    } catch (err) {
      caught = err
    }
    expect(caught).toBeInstanceOf(TaskmeterError)
    expect((caught as TaskmeterError).code).toBe('TM_ERR_MONITOR_OPTIONS')
    expect((caught as TaskmeterError).message).toMatch(message)
  })

  it('defaults to the agent’s window, precision and buckets', () => {
    const snapshot = createMonitor({ processMetrics: false }).snapshot()
    expect(snapshot.window_seconds).toBe(60)
    expect(snapshot.precision).toBe(2)
  })
})

describe('recording', () => {
  it('timing, trackAsync and startTimer are requests of their task, with durations from the clock', async () => {
    const clock = new FakeClock()
    const monitor = monitorWith(clock, { prefix: 'app.' })
    for (let i = 1; i <= 100; i++) monitor.timing('predict', i)
    const value = await monitor.trackAsync('predict', async () => {
      clock.ms += 250
      return 'result'
    })
    expect(value).toBe('result')
    const failure = new Error('model unavailable')
    await expect(
      monitor.trackAsync('predict', () => {
        clock.ms += 4
        throw failure
      }),
    ).rejects.toBe(failure)
    const end = monitor.startTimer('predict', { region: 'eu' })
    expect(monitor.snapshot().tasks['app.predict{region="eu"}']?.active).toBe(1)
    clock.ms += 8
    expect(end({ status: 'error' })).toBe(8)

    const tasks = monitor.snapshot().tasks
    expect(tasks['app.predict']).toMatchObject({
      completed: 102,
      success: 101,
      failed: 1,
      active: 0,
      count: 102,
      sum_ms: 5050 + 250 + 4,
    })
    expect(tasks['app.predict']?.latency_ms.max).toBeCloseTo(250, 0)
    expect(tasks['app.predict{region="eu"}']).toMatchObject({
      completed: 1,
      failed: 1,
      active: 0,
      sum_ms: 8,
      labels: { region: 'eu' },
    })
  })

  it('counters, gauges and histograms land under the agent’s names, tags as labels', async () => {
    const monitor = monitorWith(new FakeClock(), { tags: { region: 'eu' }, random: () => 0.25 })
    monitor.increment('work_completed')
    monitor.increment('work_completed', 4)
    monitor.increment('bytes', 10, 0.5) // kept (0.25 < 0.5) and counted as 10 / 0.5, as the agent counts it
    monitor.decrement('credits', 3, { tier: 'free' })
    monitor.gauge('queue_depth', 17)
    monitor.gaugeDelta('queue_depth', -2)
    for (let i = 1; i <= 4; i++) monitor.histogram('batch_size', i * 16)
    const snapshot = monitor.snapshot()
    expect(snapshot.counters).toEqual({
      'work_completed{region="eu"}': 5,
      'bytes{region="eu"}': 20,
      'credits{region="eu",tier="free"}': -3,
    })
    expect(snapshot.gauges).toEqual({ 'queue_depth{region="eu"}': 15 })
    expect(snapshot.histograms['batch_size{region="eu"}']).toMatchObject({ count: 4, sum: 160, max: 64 })
    const text = await monitor.metrics()
    expect(sampleLine(text, 'work_completed_total{')).toBe('work_completed_total{region="eu"} 5')
    expect(sampleLine(text, 'queue_depth{')).toBe('queue_depth{region="eu"} 15')
    expect(text).toContain('# TYPE batch_size summary')
  })

  it('end({ tags }) records the request under the start tags merged with the end tags', () => {
    const monitor = monitorWith(new FakeClock())
    const end = monitor.startTimer('render', { page: 'home' })
    end({ tags: { cache: 'miss' } })
    const tasks = monitor.snapshot().tasks
    expect(tasks['render{cache="miss",page="home"}']).toMatchObject({ completed: 1, active: 0 })
    expect(tasks['render{page="home"}']).toMatchObject({ completed: 0, active: 0 })
  })

  it('records into the current sub-window while calls keep coming (real time, a 1 s window)', async () => {
    const monitor = createMonitor({ processMetrics: false, window: 1 })
    monitor.timing('early', 1)
    const deadline = Date.now() + 5_000
    // Keep calling (the window clock ticks every 8 ms while calls come) until 'early' slid out.
    while ((monitor.snapshot().tasks.early?.window.requests ?? 0) > 0) {
      if (Date.now() > deadline) throw new Error('the 1 s window did not slide within 5 s')
      monitor.timing('busy', 1)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    monitor.timing('late', 1)
    // Recorded with a reading at most one tick old: inside the window, not in a slot long gone.
    expect(monitor.snapshot().tasks.late?.window.requests).toBe(1)
    expect(monitor.snapshot().tasks.early?.count).toBe(1)
    await monitor.close()
  })
})

describe('bad calls never throw; they are dropped and counted', () => {
  it('counts each under the reason the wire would use', async () => {
    const monitor = monitorWith(new FakeClock())
    const loose = monitor as unknown as Record<string, (...args: unknown[]) => unknown>
    expect(() => {
      monitor.timing('', 1)
      monitor.timing('x'.repeat(201), 1)
      monitor.timing('t', -1)
      monitor.timing('t', Number.NaN)
      loose.timing?.call(monitor, 't', '12')
      monitor.increment('c', 1, 2)
      monitor.gauge('g', Number.POSITIVE_INFINITY)
      monitor.timing('t', 1, { k: 5 } as unknown as Record<string, string>)
      monitor.timing('t', 1, 'region=eu' as unknown as Record<string, string>)
      monitor.histogram('h', 1, { ['k'.repeat(65)]: 'v' })
      const hostile = new Proxy(
        {},
        {
          ownKeys: () => {
            throw new Error('trap')
          },
        },
      )
      monitor.gauge('g', 1, hostile)
    }).not.toThrow()
    await expect(monitor.trackAsync('t', 42 as unknown as () => number)).resolves.toBeUndefined()
    const end = monitor.startTimer('t')
    end()
    end() // twice
    const misused = monitor.startTimer('t')
    misused({ status: 'maybe' } as unknown as { status: 'error' })
    expect(monitor.stats().dropped).toEqual({
      bad_name: 1,
      name_too_long: 1,
      negative_duration: 1,
      non_finite_value: 2,
      bad_value: 1,
      bad_sample_rate: 1,
      bad_tags: 3,
      tag_too_long: 1,
      bad_argument: 3,
    })
    const snapshot = monitor.snapshot()
    // Dropped calls create no series; the misused timer no longer counts as active.
    expect(Object.keys(snapshot.tasks)).toEqual(['t'])
    expect(snapshot.tasks.t).toMatchObject({ completed: 1, active: 0 })
    expect(Object.keys(snapshot.gauges)).toEqual([])
    expect(await monitor.metrics()).toContain('taskmeter_events_invalid_total{reason="bad_tags"} 3')
  })

  it('past maxSeries new series are dropped and counted, existing ones keep recording', () => {
    const monitor = monitorWith(new FakeClock(), { maxSeries: 2 })
    monitor.timing('a', 1)
    monitor.increment('hits')
    monitor.timing('b', 1)
    monitor.gauge('g', 1)
    monitor.timing('a', 2)
    const snapshot = monitor.snapshot()
    expect(Object.keys(snapshot.tasks)).toEqual(['a'])
    expect(snapshot.tasks.a?.count).toBe(2)
    expect(snapshot.agent).toMatchObject({ transport: 'in-process', series: 2, max_series: 2, series_dropped: 2 })
  })

  it('a name used as a counter cannot become a gauge (type_conflict, as in the agent)', async () => {
    const monitor = monitorWith(new FakeClock())
    monitor.increment('jobs')
    monitor.gauge('jobs', 3)
    expect(monitor.snapshot().gauges).toEqual({})
    expect(await monitor.metrics()).toContain('taskmeter_events_dropped_total{reason="type_conflict"} 1')
  })
})

describe('report()', () => {
  it('is the agent’s /report text for this monitor’s figures', () => {
    const monitor = monitorWith(new FakeClock())
    for (let i = 1; i <= 10; i++) monitor.timing('prediction', i * 10)
    const report = monitor.report()
    expect(report).toMatch(/^Performance Report\n/)
    expect(report).toContain('Task: prediction\n  Total requests: 10 (success 10, error 0, error rate 0.0%)')
    expect(report).toContain('  Latency p50: 50.')
  })
})
