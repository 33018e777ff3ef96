// The decode stage with mapping rules: StatsD lines are mapped once per series and counted per
// line; protocol v1 task names are mapped only with --map-protocol; a reload's rules apply to new
// lookups while the series already made keep their figures.
import { EVENT_KIND } from '@taskmeter/protocol'
import { describe, expect, it } from 'vitest'
import { Aggregator } from '../aggregate/aggregator.js'
import { mapperFrom } from '../config/mapping-file.test-support.js'
import { DatagramRouter } from './datagram-router.js'
import { MATCH_RESULTS } from './series-mapping.js'
import { event, feed } from './protocol-sink.test-support.js'

const RULES = `
mappings:
- { match: "shop.api.*", name: api, labels: { method: "$1" } }
- { match: "shop.noise.*", action: drop }
`

function agentWith(mapProtocol: boolean, maxSeries = 100): { aggregator: Aggregator; router: DatagramRouter } {
  const aggregator = new Aggregator({ windowSeconds: 60, precision: 2, maxSeries })
  return { aggregator, router: new DatagramRouter(aggregator, null, { mapper: mapperFrom(RULES), mapProtocol }) }
}

function statsd(router: DatagramRouter, text: string): void {
  const bytes = Buffer.from(text)
  router.handleDatagram(bytes, bytes.length)
}

function matches(router: DatagramRouter): Record<string, number> {
  return Object.fromEntries(MATCH_RESULTS.map((r, i) => [r, router.statsdStats.mappingMatches[i] ?? 0]))
}

describe('decoding with mapping rules', () => {
  it('maps StatsD timers to a task with labels, drops what a drop rule names, counts every line', () => {
    const { aggregator, router } = agentWith(false)
    statsd(router, 'shop.api.get:5|ms\nshop.api.get:7|ms\nshop.noise.x:1|ms\nshop.noise.x:1|c\nother:1|ms')
    expect([...aggregator.tasks.keys()].sort()).toEqual(['api{method="get"}', 'other'])
    expect(aggregator.tasks.get('api{method="get"}')?.success).toBe(2)
    expect(aggregator.custom.size).toBe(0)
    expect(matches(router)).toEqual({ mapped: 2, unmapped: 1, dropped: 2 })
  })

  it('maps protocol v1 task names only with --map-protocol', () => {
    const off = agentWith(false)
    feed(off.router, event(EVENT_KIND.timing, 'shop.api.post', 3))
    expect([...off.aggregator.tasks.keys()]).toEqual(['shop.api.post'])
    const on = agentWith(true)
    feed(on.router, event(EVENT_KIND.timing, 'shop.api.post', 3))
    feed(on.router, event(EVENT_KIND.timing, 'shop.api.post', 4))
    feed(on.router, event(EVENT_KIND.timing, 'shop.noise.y', 4))
    expect([...on.aggregator.tasks.keys()]).toEqual(['api{method="post"}'])
    expect(on.aggregator.tasks.get('api{method="post"}')?.success).toBe(2)
    expect(matches(on.router)).toEqual({ mapped: 2, unmapped: 0, dropped: 1 })
  })

  it('applies new rules to the next lines after a reload, and keeps what the old ones made', () => {
    const { aggregator, router } = agentWith(true)
    statsd(router, 'shop.api.get:5|ms')
    router.setMapper(mapperFrom('mappings:\n- { match: "shop.api.*", name: api_v2, labels: { verb: "$1" } }\n'))
    statsd(router, 'shop.api.get:5|ms')
    feed(router, event(EVENT_KIND.timing, 'shop.api.get', 3))
    expect(aggregator.tasks.get('api{method="get"}')?.success).toBe(1)
    expect(aggregator.tasks.get('api_v2{verb="get"}')?.success).toBe(2)
    router.setMapper(null)
    statsd(router, 'shop.api.get:5|ms')
    expect(aggregator.tasks.get('shop.api.get')?.success).toBe(1)
  })

  it('counts mapped series against --max-series like any other', () => {
    const { aggregator, router } = agentWith(false, 2)
    statsd(router, 'shop.api.get:1|ms\nshop.api.put:1|ms\nshop.api.post:1|ms\nshop.api.get:2|ms')
    expect([...aggregator.tasks.keys()].sort()).toEqual(['api{method="get"}', 'api{method="put"}'])
    expect(aggregator.seriesDropped).toBe(1)
    expect(aggregator.tasks.get('api{method="get"}')?.success).toBe(2)
  })
})
