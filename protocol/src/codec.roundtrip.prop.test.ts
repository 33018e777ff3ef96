// Round-trip property of the codec: whatever the application sends within the limits comes back
// exactly, exemplars included.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { RUNS, type Input, batchInput, encodeBatch, reportInput } from './codec.arbitraries.fixture.js'
import { type DecodedItem, collectDatagram } from './collect.js'
import { EVENT_KIND_NAMES, carriesExemplar } from './spec.js'

function expectedItem(input: Input): DecodedItem {
  if (input.op === 'inflight') {
    const { clientId, sequence, flushIntervalMs } = input
    return { kind: 'inflight_report', clientId, sequence, flushIntervalMs, inflight: Object.fromEntries(input.entries) }
  }
  const tags = input.tags.length > 0 ? Object.fromEntries(input.tags) : null
  if (input.op === 'set')
    return { kind: 'set', name: input.name, value: input.member, sampleRate: input.sampleRate, tags }
  const kind = EVENT_KIND_NAMES[input.kind - 1]
  if (kind === undefined || kind === 'inflight_report' || kind === 'set') throw new Error(`bad kind ${input.kind}`)
  // −0 is written as the int 0 (SPEC §4); every other value must come back bit for bit.
  const value = input.value === 0 ? 0 : input.value
  const item: DecodedItem = { kind, name: input.name, value, sampleRate: input.sampleRate, tags }
  // The encoder writes a staged exemplar only before a kind that carries one, and drops it otherwise.
  if (input.exemplar !== null && carriesExemplar(input.kind)) item.exemplar = input.exemplar
  return item
}

describe('encode → decode round trip', () => {
  it('gives back every event and report exactly', () => {
    fc.assert(
      fc.property(batchInput, (inputs) => {
        expect(collectDatagram(encodeBatch(inputs))).toEqual({ items: inputs.map(expectedItem), reason: null })
      }),
      { numRuns: RUNS },
    )
  })

  it('gives back in-flight reports exactly', () => {
    fc.assert(
      fc.property(fc.array(reportInput, { minLength: 1, maxLength: 3 }), (inputs) => {
        expect(collectDatagram(encodeBatch(inputs))).toEqual({ items: inputs.map(expectedItem), reason: null })
      }),
      { numRuns: RUNS },
    )
  })
})
