// Protocol v1 sets (type 10, SPEC.md §3.2) against StatsD sets: the same members give the same
// set, a member sent both ways is one member, and taskmeter_events_total{kind="set"} counts both.
import { EVENT_KIND, EVENT_KIND_NAMES, EVENT_REASONS } from '@taskmeter/protocol'
import { describe, expect, it } from 'vitest'
import type { Aggregator } from '../aggregate/aggregator.js'
import type { CustomSeries } from '../aggregate/custom-series.js'
import type { DatagramRouter } from './datagram-router.js'
import { datagram, feed, setEvent, setup, wireName } from './protocol-sink.test-support.js'

const MEMBERS = ['42', 'alice', '42', 'bob', 'é', 'alice', 'x'.repeat(200)]

function setSeries(aggregator: Aggregator, name: string, tags: Record<string, string> = {}): CustomSeries {
  for (const series of aggregator.custom.values()) {
    if (
      series.kind === 'set' &&
      series.name === name &&
      JSON.stringify(series.labels) === JSON.stringify(Object.entries(tags))
    )
      return series
  }
  throw new Error(`no set ${name} ${JSON.stringify(tags)}`)
}

function statsd(router: DatagramRouter, text: string): void {
  feed(router, Buffer.from(text))
}

function eventsTotal(router: DatagramRouter): Record<string, number> {
  const family = router.stats.selfMetrics(router.statsdStats).find((m) => m.name === 'taskmeter_events_total')
  if (family?.label === undefined) throw new Error('no taskmeter_events_total')
  const out: Record<string, number> = {}
  family.label.values.forEach((kind, i) => {
    out[kind] = (out[kind] ?? 0) + family.read(i)
  })
  return out
}

describe('protocol v1 set events', () => {
  it('give the same set size as the same members in StatsD text', () => {
    const protocol = setup()
    const text = setup()
    feed(
      protocol.router,
      datagram((encoder) => {
        for (const member of MEMBERS) expect(encoder.appendSet(wireName('users'), member, 1, null)).toBe(true)
      }),
    )
    statsd(text.router, MEMBERS.map((member) => `users:${member}|s`).join('\n'))
    const size = protocol.aggregator.setSize(setSeries(protocol.aggregator, 'users'))
    expect(size).toBe(new Set(MEMBERS).size)
    expect(text.aggregator.setSize(setSeries(text.aggregator, 'users'))).toBe(size)
  })

  it('hash a member as StatsD does: "42" sent both ways is one member of one set', () => {
    const { aggregator, router } = setup()
    feed(router, setEvent('users', '42'))
    statsd(router, 'users:42|s')
    feed(router, setEvent('users', '43'))
    expect(aggregator.seriesCount).toBe(1)
    expect(aggregator.setSize(setSeries(aggregator, 'users'))).toBe(2)
  })

  it('ignore the sample rate and keep tagged sets apart', () => {
    const { aggregator, router } = setup()
    feed(router, setEvent('users', 'a', 0.01))
    feed(router, setEvent('users', 'a', 0.5, { region: 'eu' }))
    feed(router, setEvent('users', 'b', 1, { region: 'eu' }))
    expect(aggregator.setSize(setSeries(aggregator, 'users'))).toBe(1)
    expect(aggregator.setSize(setSeries(aggregator, 'users', { region: 'eu' }))).toBe(2)
  })

  it('still reach their set after the caches are cleared', () => {
    const { aggregator, router } = setup()
    feed(router, setEvent('users', 'a'))
    router.clearCaches()
    feed(router, setEvent('users', 'b'))
    expect(aggregator.setSize(setSeries(aggregator, 'users'))).toBe(2)
  })

  it('count once per event, in the one kind="set" series that StatsD sets count in too', () => {
    const { router } = setup()
    feed(router, setEvent('users', 'a'))
    feed(router, setEvent('users', 'a'))
    statsd(router, 'users:a|s\nusers:b|s\nusers:c|s')
    expect(router.stats.eventsByKind[EVENT_KIND.set - 1]).toBe(2)
    expect(router.statsdStats.setEvents).toBe(3)
    const family = router.stats.selfMetrics(router.statsdStats).find((m) => m.name === 'taskmeter_events_total')
    expect(family?.label?.values.filter((kind) => kind === 'set')).toEqual(['set'])
    expect(family?.label?.values).toEqual(EVENT_KIND_NAMES)
    expect(eventsTotal(router)).toEqual({ ...Object.fromEntries(EVENT_KIND_NAMES.map((k) => [k, 0])), set: 5 })
  })

  it('add a --workers shard increase into the set cell, StatsD sets included', () => {
    const { router } = setup()
    statsd(router, 'users:a|s')
    const family = router.stats.selfMetrics(router.statsdStats).find((m) => m.name === 'taskmeter_events_total')
    family?.add?.(EVENT_KIND.set - 1, 4)
    expect(eventsTotal(router).set).toBe(5)
  })

  it('reject a bad member as bad_value, adding no series', () => {
    const { aggregator, router } = setup()
    feed(router, Buffer.from('fe544d01930aa17300930aa173a0', 'hex'))
    expect(router.stats.eventsInvalid[EVENT_REASONS.indexOf('bad_value')]).toBe(2)
    expect(aggregator.seriesCount).toBe(0)
    expect(router.stats.eventsByKind[EVENT_KIND.set - 1]).toBe(0)
  })
})
