// Batching over a real socket: datagrams never exceed maxBufferSize, hold many events each, keep
// call order, and go out on the flush interval without an explicit flush().
import { collectDatagram, encodeName } from '@taskmeter/protocol'
import { describe, expect, it } from 'vitest'
import { BatchBuffer } from './batch-buffer.js'
import { receiverPerTest, waitFor } from './udp-receiver.test-support.js'

const io = receiverPerTest()

describe('batching', () => {
  it('keeps every datagram within maxBufferSize, in order, one send per datagram', async () => {
    const client = io.connect({ maxBufferSize: 200, bufferFlushInterval: 60_000 })
    const total = 500
    for (let i = 0; i < total; i++)
      client.timing(`task_${i % 7}`, i + 0.25, i % 3 === 0 ? { shard: String(i % 5) } : undefined)
    const events = await io.flushed(total)
    expect(events.map((e) => e.value)).toEqual(Array.from({ length: total }, (_, i) => i + 0.25))
    for (const datagram of io.receiver.datagrams) expect(datagram.bytes.length).toBeLessThanOrEqual(200)
    // Many events share a datagram: a send per event would give 500 datagrams.
    expect(io.receiver.datagrams.length).toBeLessThan(total / 5)
    // Each datagram but the last was closed only because the next event would not fit.
    for (const datagram of io.receiver.datagrams.slice(0, -1)) expect(datagram.bytes.length).toBeGreaterThan(200 - 40)
    expect(io.receiver.rejections()).toEqual([])
    expect(client.stats()).toMatchObject({
      sent: total,
      datagrams: io.receiver.datagrams.length,
      pending: 0,
      dropped: {},
    })
  })

  it('defaults to 16384-byte datagrams on loopback (SPEC.md §1 allows up to 65507 there)', async () => {
    const client = io.connect({ bufferFlushInterval: 60_000 })
    for (let i = 0; i < 2000; i++) client.timing('a_fairly_long_task_name_for_size', i + 0.5)
    await client.flush()
    await io.receiver.waitForEvents(2000)
    const largest = Math.max(...io.receiver.datagrams.map((d) => d.bytes.length))
    expect(largest).toBeLessThanOrEqual(16384)
    expect(largest).toBeGreaterThan(16384 - 60)
  })

  it('sends an event larger than maxBufferSize alone rather than losing it', async () => {
    const client = io.connect({ maxBufferSize: 64, bufferFlushInterval: 60_000 })
    const tags: Record<string, string> = {}
    for (let i = 0; i < 4; i++) tags[`key_${i}`] = 'v'.repeat(40)
    client.timing('small', 1)
    client.timing('big', 2, tags)
    client.timing('small', 3)
    const events = await io.flushed(3)
    expect(events.map((e) => [e.name, e.value])).toEqual([
      ['small', 1],
      ['big', 2],
      ['small', 3],
    ])
    expect(events[1]?.tags).toEqual(tags)
    expect(io.receiver.datagrams).toHaveLength(3)
  })

  it('flushes on the interval without flush(), and the unref()ed timer stops when idle', async () => {
    const client = io.connect({ bufferFlushInterval: 20 })
    const sentAt = Date.now()
    client.timing('interval', 1)
    client.increment('interval_count')
    const events = await io.receiver.waitForEvents(2, 2000)
    expect(events.map((e) => e.kind)).toEqual(['timing', 'count'])
    expect((io.receiver.datagrams[0]?.atMs ?? 0) - sentAt).toBeLessThan(1000)
    expect(io.receiver.datagrams).toHaveLength(1)
    // A second burst after the timer went idle goes out on the interval again.
    client.gauge('later', 5)
    await io.receiver.waitForEvents(3, 2000)
    expect(io.receiver.datagrams).toHaveLength(2)
  })

  it('queues datagrams sent before the socket connected', async () => {
    const client = io.connect({ maxBufferSize: 100, bufferFlushInterval: 60_000 })
    // Synchronously, before connect() has resolved: these must not be lost.
    for (let i = 0; i < 50; i++) client.timing('early', i)
    const events = await io.flushed(50)
    expect(events).toHaveLength(50)
    expect(client.stats().dropped).toEqual({})
  })

  it('reports pending events until they are sent', async () => {
    const client = io.connect({ bufferFlushInterval: 60_000 })
    client.timing('p', 1)
    client.timing('p', 2)
    expect(client.stats().pending).toBe(2)
    await client.flush()
    await waitFor('sent', () => client.stats().sent === 2)
    expect(client.stats().pending).toBe(0)
  })
})

describe('BatchBuffer and a transport that keeps the buffer', () => {
  it('writes the next datagram into a fresh buffer when the transport still holds the last one', () => {
    const held: Buffer[] = []
    let keep = true
    const transport = {
      send(datagram: Buffer): boolean {
        held.push(datagram)
        return !keep
      },
      pendingEvents: () => 0,
      idle: () => Promise.resolve(),
      close: () => Promise.resolve(),
    }
    const batch = new BatchBuffer(64, transport, false, null)
    const name = encodeName('held') as Uint8Array
    for (let i = 0; i < 20; i++) batch.append(1, name, i + 0.5, 1, null)
    batch.send()
    keep = false
    for (let i = 20; i < 40; i++) batch.append(1, name, i + 0.5, 1, null)
    batch.send()
    // Every datagram the transport kept still holds exactly what it held when handed over.
    const values = held
      .slice(0, -1)
      .flatMap((d) => collectDatagram(d).items.map((item) => ('value' in item ? item.value : -1)))
    expect(values.slice(0, 20)).toEqual(Array.from({ length: 20 }, (_, i) => i + 0.5))
  })
})
