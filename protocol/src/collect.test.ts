// collectDatagram turns wire keys into object keys: a hostile name must not reach the prototype.
import { describe, expect, it } from 'vitest'
import { type DecodedEvent, collectDatagram } from './collect.js'
import { BatchEncoder, encodeClientId, encodeName, encodeTags } from './encode.js'

function encoded<T>(value: T | string): T {
  if (typeof value === 'string') throw new Error(`encoding failed: ${value}`)
  return value
}

// A datagram of one gauge with one tag, collected back.
function collectGauge(name: string, tag: [string, string]): DecodedEvent {
  const tags = encodeTags(new Map([tag]))
  if (!(tags instanceof Uint8Array)) throw new Error('tags did not encode')
  const encoder = new BatchEncoder()
  encoder.append(3, encoded(encodeName(name)), 1, 1, tags)
  const event = collectDatagram(encoder.datagram()).items[0]
  if (event?.kind !== 'gauge') throw new Error('expected a gauge')
  return event
}

describe('collectDatagram', () => {
  it('keeps an in-flight entry named __proto__ as an own property', () => {
    const encoder = new BatchEncoder()
    encoder.appendInflightReport(encoded(encodeClientId('c1')), 1, 1000, [encoded(encodeName('__proto__'))], [3], 0)
    const report = collectDatagram(encoder.datagram()).items[0]
    expect(report?.kind).toBe('inflight_report')
    if (report?.kind !== 'inflight_report') return
    expect(Object.keys(report.inflight)).toEqual(['__proto__'])
    expect(Object.getPrototypeOf(report.inflight)).toBe(Object.prototype)
  })

  it('keeps a leading U+FEFF in a name and a tag value: it is text the app sent, not a byte-order mark', () => {
    const event = collectGauge('\uFEFFg', ['k', '\uFEFFv'])
    expect(event.name).toBe('\uFEFFg')
    expect(event.tags).toEqual({ k: '\uFEFFv' })
  })

  it('keeps a tag named __proto__ as an own property', () => {
    const event = collectGauge('g', ['__proto__', 'x'])
    expect(Object.keys(event.tags ?? {})).toEqual(['__proto__'])
  })

  it('reports a cut-off prefix as truncated and a foreign one as bad_magic (SPEC §5)', () => {
    const reasons = ['', 'fe', 'fe54', 'fe544d', 'fe55', 'fe544e01', '7465'].map(
      (hex) => collectDatagram(Buffer.from(hex, 'hex')).reason,
    )
    expect(reasons).toEqual(['bad_magic', 'truncated', 'truncated', 'truncated', 'bad_magic', 'bad_magic', 'bad_magic'])
  })
})
