// BatchEncoder.appendExemplar (SPEC.md §3.4): the staged ids and the event after them go into one
// datagram or neither, and a staged exemplar never lands on an event it was not meant for.
import { describe, expect, it } from 'vitest'
import { collectDatagram } from './collect.js'
import { BatchEncoder, encodeClientId, encodeName, exemplarReason } from './encode.js'
import { EVENT_KIND, EXEMPLAR_EVENT_BYTES } from './spec.js'

const trace = Buffer.from('4bf92f3577b34da6a3ce929d0e0e4736', 'hex')
const span = Buffer.from('00f067aa0ba902b7', 'hex')
const exemplar = { traceId: trace.toString('hex'), spanId: span.toString('hex') }
const job = encodeName('job') as Uint8Array

function items(encoder: BatchEncoder): unknown[] {
  return collectDatagram(Buffer.from(encoder.datagram())).items
}

describe('BatchEncoder.appendExemplar', () => {
  it('refuses ids of the wrong length or all zero, staging nothing', () => {
    const encoder = new BatchEncoder(256)
    expect(encoder.appendExemplar(trace.subarray(1), span)).toBe(false)
    expect(encoder.appendExemplar(trace, Buffer.alloc(8))).toBe(false)
    expect(exemplarReason(trace, 'span')).toBe('bad_exemplar')
    expect(exemplarReason(trace, span)).toBeNull()
    expect(encoder.append(EVENT_KIND.timing, job, 5, 1, null)).toBe(true)
    expect(items(encoder)).toEqual([{ kind: 'timing', name: 'job', value: 5, sampleRate: 1, tags: null }])
  })

  it('writes nothing when the pair does not fit, and the retry on an empty datagram carries both', () => {
    const encoder = new BatchEncoder(64)
    const filler = encodeName('f'.repeat(40)) as Uint8Array
    expect(encoder.append(EVENT_KIND.count, filler, 1, 1, null)).toBe(true)
    const before = encoder.length
    // The timing alone (7 bytes) fits in what is left; with its exemplar it does not.
    expect(64 - before).toBeGreaterThanOrEqual(7)
    expect(64 - before).toBeLessThan(7 + EXEMPLAR_EVENT_BYTES)
    expect(encoder.appendExemplar(trace, span)).toBe(true)
    expect(encoder.append(EVENT_KIND.timing, job, 5, 1, null)).toBe(false)
    expect(encoder.length).toBe(before)
    encoder.reset()
    expect(encoder.append(EVENT_KIND.timing, job, 5, 1, null)).toBe(true)
    expect(items(encoder)).toEqual([{ kind: 'timing', name: 'job', value: 5, sampleRate: 1, tags: null, exemplar }])
  })

  it('attaches to one event only', () => {
    const encoder = new BatchEncoder(256)
    encoder.appendExemplar(trace, span)
    encoder.append(EVENT_KIND.task_end_error, job, 7, 1, null)
    encoder.append(EVENT_KIND.timing, job, 5, 1, null)
    expect(items(encoder)).toEqual([
      { kind: 'task_end_error', name: 'job', value: 7, sampleRate: 1, tags: null, exemplar },
      { kind: 'timing', name: 'job', value: 5, sampleRate: 1, tags: null },
    ])
  })

  it('is discarded, not written, by a kind that cannot carry it, a set, a report or clearExemplar', () => {
    const encoder = new BatchEncoder(256)
    const id = encodeClientId('c') as Uint8Array
    encoder.appendExemplar(trace, span)
    encoder.append(EVENT_KIND.count, job, 1, 1, null)
    encoder.appendExemplar(trace, span)
    encoder.appendSet(job, 'x', 1, null)
    encoder.appendExemplar(trace, span)
    encoder.appendInflightReport(id, 0, 100, [], [], 0)
    encoder.appendExemplar(trace, span)
    encoder.clearExemplar()
    encoder.append(EVENT_KIND.timing, job, 5, 1, null)
    const decoded = collectDatagram(Buffer.from(encoder.datagram())).items
    expect(decoded.map((item) => item.kind)).toEqual(['count', 'set', 'inflight_report', 'timing'])
    expect(decoded.some((item) => 'exemplar' in item)).toBe(false)
  })

  it('keeps the staged ids across a reset with a header, which stays first', () => {
    const encoder = new BatchEncoder(256, encodeClientId('app') as Uint8Array)
    encoder.appendExemplar(trace, span)
    encoder.reset(9)
    encoder.append(EVENT_KIND.histogram, job, 2.5, 1, null)
    expect(items(encoder)).toEqual([
      { kind: 'header', clientId: 'app', sequence: 9 },
      { kind: 'histogram', name: 'job', value: 2.5, sampleRate: 1, tags: null, exemplar },
    ])
  })
})
