// The v1.1 header (SPEC.md §3.3) beyond the vectors: a sink without onHeader still gets the
// datagram's events, and the encoder numbers each datagram it starts.
import { describe, expect, it } from 'vitest'
import { collectDatagram } from './collect.js'
import { decodeDatagram } from './decode.js'
import { BatchEncoder, encodeName, encodeSenderId } from './encode.js'
import type { EventSink } from './event-sink.js'

const name = encodeName('job') as Uint8Array
const id = encodeSenderId('host:1:abcd') as Uint8Array

describe('datagram header', () => {
  it('is skipped, not rejected, by a sink that does not track senders', () => {
    const encoder = new BatchEncoder(1432, id)
    encoder.reset(41)
    encoder.append(1, name, 5, 1, null)
    const seen: number[] = []
    const invalid: string[] = []
    const sink: EventSink = {
      onEvent: (_buf, event) => seen.push(event.value),
      onInflightReport: () => {},
      onInflightEntry: () => {},
      onEventInvalid: (reason) => invalid.push(reason),
    }
    expect(decodeDatagram(encoder.datagram(), encoder.length, sink)).toBeNull()
    expect(seen).toEqual([5])
    expect(invalid).toEqual([])
  })

  it('is written by reset(sequence) and is not an event of the batch', () => {
    const encoder = new BatchEncoder(1432, id)
    expect(encoder.eventCount).toBe(0)
    expect(collectDatagram(encoder.datagram()).items).toEqual([
      { kind: 'header', clientId: 'host:1:abcd', sequence: 0 },
    ])
    encoder.append(2, name, 1, 1, null)
    encoder.reset(0xffffffff)
    encoder.append(2, name, 2, 1, null)
    expect(encoder.eventCount).toBe(1)
    expect(collectDatagram(encoder.datagram()).items).toEqual([
      { kind: 'header', clientId: 'host:1:abcd', sequence: 0xffffffff },
      { kind: 'count', name: 'job', value: 2, sampleRate: 1, tags: null },
    ])
  })

  it('refuses a datagram size that leaves no room after the header', () => {
    const long = encodeSenderId('c'.repeat(64)) as Uint8Array
    expect(() => new BatchEncoder(64, long)).toThrow(RangeError)
    expect(encodeSenderId('')).toBe('bad_header')
    expect(encodeSenderId('c'.repeat(65))).toBe('bad_header')
  })
})
