// The v1.1 datagram header (SPEC.md §3.3) the client writes: one sequence number per datagram
// handed to the transport, kept or not, oversize ones included; `sequence: false` writes v1.
import { MAX_DATAGRAM_BYTES, collectDatagram, encodeName, encodeSenderId } from '@taskmeter/protocol'
import { describe, expect, it } from 'vitest'
import { BatchBuffer } from './batch-buffer.js'
import { TaskmeterError } from './errors.js'
import { createClient } from './index.js'
import { resolveOptions } from './options.js'
import { receiverPerTest } from './udp-receiver.test-support.js'

const io = receiverPerTest()

function recording(keep: () => boolean): { sent: Buffer[]; transport: ConstructorParameters<typeof BatchBuffer>[1] } {
  const sent: Buffer[] = []
  return {
    sent,
    transport: {
      send(datagram: Buffer): boolean {
        sent.push(Buffer.from(datagram))
        return !keep()
      },
      pendingEvents: () => 0,
      idle: () => Promise.resolve(),
      close: () => Promise.resolve(),
    },
  }
}

const sequences = (sent: Buffer[]): number[] =>
  sent.map((d) => {
    const first = collectDatagram(d).items[0]
    return first?.kind === 'header' ? first.sequence : -1
  })

describe('datagram header', () => {
  it('numbers every datagram from 0, kept or fresh buffer, oversize ones too', () => {
    let keep = false
    const { sent, transport } = recording(() => keep)
    const batch = new BatchBuffer(128, transport, false, encodeSenderId('app:1:abcd') as Uint8Array)
    const name = encodeName('job') as Uint8Array
    for (let i = 0; i < 30; i++) batch.append(1, name, i + 0.5, 1, null)
    keep = true // the transport holds the next buffers: they are written elsewhere, numbered on
    for (let i = 0; i < 30; i++) batch.append(1, name, i + 0.5, 1, null)
    const bigTag = new Uint8Array(300).fill(0x61)
    bigTag.set([0x81, 0xa1, 0x6b, 0xda, 0x01, 0x00]) // {k: 256 x "a"}: larger than 128 bytes
    batch.append(2, name, 1, 1, bigTag.subarray(0, 6 + 256))
    batch.append(2, name, 1, 1, null)
    batch.send()
    expect(sent.length).toBeGreaterThan(10)
    expect(sequences(sent)).toEqual(sent.map((_d, i) => i))
    expect(sent.some((d) => d.length > 128)).toBe(true)
  })

  it('wraps at 2^32', () => {
    const { sent, transport } = recording(() => false)
    const batch = new BatchBuffer(MAX_DATAGRAM_BYTES, transport, false, encodeSenderId('w') as Uint8Array, 0xffffffff)
    const name = encodeName('job') as Uint8Array
    batch.append(1, name, 1, 1, null)
    batch.send()
    batch.append(1, name, 1, 1, null)
    batch.send()
    expect(sequences(sent)).toEqual([0xffffffff, 0])
  })

  it('goes on the wire by default, with the clientId option, and not with sequence: false', async () => {
    const client = io.connect({ clientId: 'svc-a' })
    client.increment('hits')
    await client.flush()
    client.increment('hits')
    await io.flushed(2)
    expect(io.receiver.headers()).toEqual([
      { kind: 'header', clientId: 'svc-a', sequence: 0 },
      { kind: 'header', clientId: 'svc-a', sequence: 1 },
    ])
    const plain = createClient({ port: io.receiver.port, sequence: false })
    plain.increment('hits')
    await plain.flush()
    await io.receiver.waitForEvents(3)
    expect(io.receiver.headers()[2]).toBeNull()
    expect(io.receiver.rejections()).toEqual([])
    await plain.close()
  })

  it('rejects a bad clientId or sequence option, and a buffer too small for the header', () => {
    const bad = (options: Parameters<typeof resolveOptions>[0]) => () => resolveOptions(options)
    expect(bad({ clientId: '' })).toThrow(TaskmeterError)
    expect(bad({ clientId: 'é'.repeat(33) })).toThrow(/clientId must be a string of 1..64 bytes/)
    expect(bad({ env: { TASKMETER_CLIENT_ID: 'x'.repeat(65) } })).toThrow(/TASKMETER_CLIENT_ID/)
    expect(bad({ sequence: 'yes' as unknown as boolean })).toThrow(/sequence must be a boolean/)
    expect(bad({ clientId: 'c'.repeat(64), maxBufferSize: 64 })).toThrow(/maxBufferSize/)
    expect(resolveOptions({ clientId: 'c'.repeat(64), maxBufferSize: 64, sequence: false }).sequence).toBe(false)
  })
})
