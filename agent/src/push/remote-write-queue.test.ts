// The bounded queue: order, retries with doubling backoff, 4xx counted as failed, overflow drops
// the oldest queued requests (never the one in flight) and counts their samples.
import { describe, expect, it } from 'vitest'
import { RemoteWriteQueue, type SendOutcome } from './remote-write-queue.js'

function request(id: number, samples: number) {
  return { body: Buffer.from([id]), samples }
}

function harness(outcomes: SendOutcome[], capacity = 100) {
  const sent: number[] = []
  const sleeps: number[] = []
  let release: (() => void) | null = null
  const queue = new RemoteWriteQueue(
    capacity,
    async (body) => {
      sent.push(body[0] ?? 0)
      return outcomes.shift() ?? 'sent'
    },
    {
      minBackoffMs: 100,
      maxBackoffMs: 400,
      timers: {
        sleep: (ms) => {
          sleeps.push(ms)
          return new Promise<void>((resolve) => {
            release = resolve
          })
        },
      },
    },
  )
  const wake = (): void => {
    const r = release
    release = null
    r?.()
  }
  return { queue, sent, sleeps, wake }
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

describe('RemoteWriteQueue', () => {
  it('sends in order and counts samples sent and 4xx-refused', async () => {
    const { queue, sent } = harness(['sent', 'rejected', 'sent'])
    queue.enqueue([request(1, 10), request(2, 20), request(3, 30)])
    await settle()
    expect(sent).toEqual([1, 2, 3])
    expect(queue.stats).toMatchObject({
      samplesSent: 40,
      samplesFailed: 20,
      samplesDropped: 0,
      samplesPending: 0,
      retries: 0,
    })
  })

  it('retries the head with doubling backoff, capped, and keeps the order', async () => {
    const { queue, sent, sleeps, wake } = harness(['retry', 'retry', 'retry', 'retry', 'sent'])
    queue.enqueue([request(1, 10), request(2, 10)])
    for (let i = 0; i < 4; i++) {
      await settle()
      wake()
    }
    await settle()
    expect(sleeps).toEqual([100, 200, 400, 400])
    expect(sent).toEqual([1, 1, 1, 1, 1, 2])
    expect(queue.stats).toMatchObject({ samplesSent: 20, retries: 4, samplesPending: 0 })
  })

  it('drops the oldest queued requests when full, never the one being sent, and counts them', async () => {
    const sent: number[] = []
    let finishSend: ((outcome: SendOutcome) => void) | null = null
    const queue = new RemoteWriteQueue(
      100,
      (body) => {
        sent.push(body[0] ?? 0)
        return new Promise<SendOutcome>((resolve) => {
          finishSend = resolve
        })
      },
      { timers: { sleep: () => Promise.resolve() } },
    )
    queue.enqueue([request(1, 40), request(2, 40)])
    await settle()
    expect(sent).toEqual([1]) // 1 is on the wire
    queue.enqueue([request(3, 40)]) // 120 > 100: request 2 goes, the one being sent stays
    expect(queue.stats).toMatchObject({ samplesDropped: 40, samplesPending: 80 })
    queue.enqueue([request(4, 500)]) // larger than the whole queue: dropped on arrival
    expect(queue.stats.samplesDropped).toBe(540)
    for (let i = 0; i < 2; i++) {
      const finish = finishSend as ((outcome: SendOutcome) => void) | null
      finish?.('sent')
      await settle()
    }
    expect(sent).toEqual([1, 3])
    expect(queue.stats).toMatchObject({ samplesSent: 80, samplesDropped: 540, samplesPending: 0 })
  })

  it('drops a head that waits for its retry like any oldest request', async () => {
    const { queue, sent, wake } = harness(['retry'], 100)
    queue.enqueue([request(1, 60)])
    await settle()
    queue.enqueue([request(2, 60)])
    expect(queue.stats).toMatchObject({ samplesDropped: 60, samplesPending: 60 })
    wake()
    await settle()
    expect(sent).toEqual([1, 2])
    expect(queue.stats).toMatchObject({ samplesSent: 60, samplesDropped: 60, samplesPending: 0, retries: 1 })
  })
})
