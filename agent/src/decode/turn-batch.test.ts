// TurnBatch: datagrams of one event-loop turn share one clock read; the next turn reads it again,
// and a direct DatagramRouter.handleDatagram still reads it per datagram.
import { describe, expect, it } from 'vitest'
import { Aggregator } from '../aggregate/aggregator.js'
import { DatagramRouter } from './datagram-router.js'
import { TurnBatch } from './turn-batch.js'

function setup(): {
  clockReads: () => number
  router: DatagramRouter
  aggregator: Aggregator
  advance: (ms: number) => void
} {
  let ms = 0
  let reads = 0
  const aggregator = new Aggregator({
    windowSeconds: 60,
    precision: 2,
    maxSeries: 100,
    now: () => {
      reads++
      return ms
    },
  })
  return {
    clockReads: () => reads,
    router: new DatagramRouter(aggregator, null),
    aggregator,
    advance: (by) => (ms += by),
  }
}

const line = (text: string): Buffer => Buffer.from(text)

describe('TurnBatch', () => {
  it('reads the clock once for all the datagrams of one turn, and again in the next turn', async () => {
    const { clockReads, router, aggregator, advance } = setup()
    const batch = new TurnBatch(router)
    const first = line('api:0|ms')
    router.handleDatagram(first, first.length) // creating the series reads the clock too
    const before = clockReads()
    for (let i = 0; i < 10; i++) {
      const bytes = line(`api:${i}|ms`)
      batch.handleDatagram(bytes, bytes.length)
    }
    expect(clockReads() - before).toBe(1)
    await new Promise((resolve) => setImmediate(resolve))
    // The turn is closed: the clock moved 6 s (a new 5 s window slot) and the next turn sees it.
    advance(6_000)
    const bytes = line('api:1|ms')
    batch.handleDatagram(bytes, bytes.length)
    expect(clockReads() - before).toBe(2)
    expect(aggregator.tasks.get('api')?.completed).toBe(12)
    expect(aggregator.tasks.get('api')?.lastUpdateMs).toBe(6_000)
  })

  it('leaves direct router calls at one clock read per datagram', () => {
    const { clockReads, router } = setup()
    const first = line('hits:1|c')
    router.handleDatagram(first, first.length)
    const before = clockReads()
    for (let i = 0; i < 3; i++) {
      const bytes = line('hits:1|c')
      router.handleDatagram(bytes, bytes.length)
    }
    expect(clockReads() - before).toBe(3)
  })
})
