// StatsdSink rules beyond single lines: type conflicts (counted on every line, resolved once),
// the series cap, sets sliding with the window, container ids as keys, reused receive buffers,
// and random StatsD-shaped bytes that must never throw.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Aggregator } from '../aggregate/aggregator.js'
import { MAX_SET_MEMBERS } from '../aggregate/set-members.js'
import { DatagramRouter } from './datagram-router.js'

class ManualClock {
  ms = 0
  readonly now = (): number => this.ms
}

function setup(maxSeries = 100): {
  clock: ManualClock
  aggregator: Aggregator
  router: DatagramRouter
  send: (text: string) => void
} {
  const clock = new ManualClock()
  const aggregator = new Aggregator({ windowSeconds: 60, precision: 2, maxSeries, now: clock.now })
  const router = new DatagramRouter(aggregator, null)
  const send = (text: string): void => {
    const bytes = Buffer.from(text)
    router.handleDatagram(bytes, bytes.length)
  }
  return { clock, aggregator, router, send }
}

describe('StatsdSink type conflicts', () => {
  it('refuses a name sent as a counter and then as a gauge, on every line', () => {
    const { aggregator, send } = setup()
    send('x:1|c')
    for (let i = 0; i < 5; i++) send('x:3|g')
    expect(aggregator.drops.get('type_conflict')).toBe(5)
    expect(aggregator.custom.get('x_total')?.value).toBe(1)
    expect(aggregator.seriesCount).toBe(1)
    send('x:2|c')
    expect(aggregator.custom.get('x_total')?.value).toBe(3)
  })

  it('refuses the families the agent exposes itself', () => {
    const { aggregator, send } = setup()
    send('requests_total:1|g\ntaskmeter_series:1|g\ntasks_active:1|s\ntask_duration_seconds_bucket:1|g')
    // The second time comes from the series cache, which remembers the reason.
    send('requests_total:1|g')
    expect(aggregator.drops.get('reserved_name')).toBe(5)
    expect(aggregator.drops.get('type_conflict')).toBe(0)
    expect(aggregator.seriesCount).toBe(0)
  })

  it('keeps a set and a gauge of one name apart', () => {
    const { aggregator, send } = setup()
    send('users:a|s\nusers:3|g')
    expect(aggregator.drops.get('type_conflict')).toBe(1)
  })
})

describe('StatsdSink series cap', () => {
  it('drops new series past --max-series, asks again for each line, and keeps existing ones', () => {
    const { aggregator, send } = setup(2)
    send('a:1|ms\nb:1|c\nc:1|g\nc:2|g')
    expect(aggregator.seriesCount).toBe(2)
    expect(aggregator.seriesDropped).toBe(2)
    send('a:2|ms\nb:1|c')
    expect(aggregator.tasks.get('a')?.completed).toBe(2)
    expect(aggregator.custom.get('b_total')?.value).toBe(2)
  })
})

describe('StatsdSink sets', () => {
  it('counts unique members over the window and forgets them as it slides', () => {
    const { clock, aggregator, send } = setup()
    send('users:a|s\nusers:b|s')
    clock.ms = 30_000
    send('users:b|s\nusers:c|s')
    const series = aggregator.custom.get('users')
    if (series === undefined) throw new Error('no set')
    expect(aggregator.setSize(series)).toBe(3)
    clock.ms = 60_000 // the 0–5 s sub-window has left the 60 s window: 'a' is gone
    expect(aggregator.setSize(series)).toBe(2)
    clock.ms = 95_000
    expect(aggregator.setSize(series)).toBe(0)
  })

  it('counts members past the cap as set_members_cap drops', () => {
    const { aggregator, send } = setup()
    let text = ''
    for (let i = 0; i < MAX_SET_MEMBERS + 10; i++) text += `users:u${i}|s\n`
    send(text)
    const series = aggregator.custom.get('users')
    if (series === undefined) throw new Error('no set')
    expect(aggregator.setSize(series)).toBe(MAX_SET_MEMBERS)
    expect(aggregator.drops.get('set_members_cap')).toBe(10)
  })
})

describe('StatsdSink series keys', () => {
  it('keeps tags and container ids apart even when their bytes line up', () => {
    const { aggregator, send } = setup()
    send('api:1|ms|#a:bc|c:d\napi:1|ms|#a:b|c:cd\napi:1|ms|#a:bcd\napi:1|ms|#a:bc|c:d')
    const ids = [...aggregator.tasks.keys()].sort()
    expect(ids).toEqual(['api{a="b",container_id="cd"}', 'api{a="bc",container_id="d"}', 'api{a="bcd"}'])
    expect(aggregator.tasks.get('api{a="bc",container_id="d"}')?.completed).toBe(2)
  })

  it('keys lines by their raw name: one series for one set of labels, whatever the tag style', () => {
    const { aggregator, router, send } = setup()
    const styles = ['api,k=v:1|ms', 'api#k=v:1|ms', 'api[k=v]:1|ms', '[k=v]api:1|ms', 'api:1|ms|#k:v']
    send(styles.join('\n'))
    router.clearCaches()
    send(styles.join('\n'))
    send('a.[k=v]b:1|c\na.b:1|c\na.b:1|c|#k:v\na.[k=w]b:1|c')
    expect(aggregator.tasks.get('api{k="v"}')?.completed).toBe(10)
    expect(aggregator.custom.get('a_b_total{k="v"}')?.value).toBe(2)
    expect(aggregator.custom.get('a_b_total')?.value).toBe(1)
    expect(aggregator.custom.get('a_b_total{k="w"}')?.value).toBe(1)
    expect(aggregator.seriesCount).toBe(4)
  })

  it('finds the same series again after the caches are cleared', () => {
    const { aggregator, router, send } = setup()
    send('api:1|ms|#k:v\nhits:1|c')
    router.clearCaches()
    send('api:1|ms|#k:v\nhits:1|c')
    expect(aggregator.seriesCount).toBe(2)
    expect(aggregator.tasks.get('api{k="v"}')?.completed).toBe(2)
    expect(aggregator.custom.get('hits_total')?.value).toBe(2)
  })

  it('reads only the first `length` bytes of a reused receive buffer', () => {
    const { aggregator, router } = setup()
    const scratch = Buffer.alloc(64, 0x31) // '1' after the line would change its value
    const line = Buffer.from('api:2|ms')
    line.copy(scratch)
    router.handleDatagram(scratch, line.length)
    expect(aggregator.tasks.get('api')?.sumMs).toBe(2)
  })
})

describe('StatsdSink on StatsD-shaped random bytes', () => {
  const pieces = [
    'api',
    'hits',
    'u',
    ':',
    ':',
    '|',
    '|',
    '1',
    '2.5',
    '-3',
    '+4',
    'ms',
    'c',
    'g',
    'h',
    'd',
    's',
    '@0.5',
    '@0',
    '#',
    'k:v',
    ',',
    '=',
    '[',
    ']',
    'k=v',
    'c:',
    'T1',
    '\n',
    '\r',
    'e',
    '.',
    'é',
    '\u0000',
  ]
  const textArb = fc.array(fc.constantFrom(...pieces), { maxLength: 40 }).map((parts) => parts.join(''))

  it('never throws and counts every non-empty line as an event or a reason (10 000 runs)', () => {
    fc.assert(
      fc.property(fc.array(textArb, { minLength: 1, maxLength: 3 }), (texts) => {
        const { router, send } = setup(20)
        for (const text of texts) send(text)
        const lines = texts.flatMap((text) => text.split('\n')).filter((line) => line.replace(/\r$/, '') !== '').length
        const invalid = router.statsdStats.linesInvalid.reduce((a, b) => a + b, 0)
        const events = router.stats.eventsByKind.reduce((a, b) => a + b, 0) + router.statsdStats.setEvents
        expect(router.statsdStats.linesReceived).toBe(lines)
        expect(events).toBeGreaterThanOrEqual(lines - invalid)
        expect(router.stats.datagramsInvalid.every((n) => n === 0)).toBe(true)
      }),
      { numRuns: 10_000 },
    )
  })
})
