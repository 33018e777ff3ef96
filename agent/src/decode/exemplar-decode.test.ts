// Exemplars through the decode stage: protocol type 11 before a request (SPEC.md §3.4) and, with
// --exemplar-tags, the trace and span tags of a StatsD timer line. The ids land in the task's
// store on the request's bucket; a bad exemplar is counted as bad_exemplar, and never costs the
// request nor makes a label.
import { BatchEncoder, EVENT_KIND, EVENT_REASONS, encodeName, encodeTags } from '@taskmeter/protocol'
import { describe, expect, it } from 'vitest'
import { Aggregator } from '../aggregate/aggregator.js'
import { ExemplarRecorder } from '../aggregate/exemplar-recorder.js'
import { DatagramRouter } from './datagram-router.js'
import { StatsdExemplarTags, EXEMPLAR_BAD, EXEMPLAR_OK, NO_EXEMPLAR } from './statsd-exemplar-tags.js'

const BOUNDS = [0.001, 0.01, 0.1, 1]
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736'
const SPAN = '00f067aa0ba902b7'

function setup(exemplarTags: readonly [string, string] | null = null) {
  const aggregator = new Aggregator({ windowSeconds: 60, precision: 2, maxSeries: 100, now: () => 1000 })
  const recorder = new ExemplarRecorder(BOUNDS, () => 1_733_550_000_000)
  const router = new DatagramRouter(aggregator, null, { exemplars: recorder, exemplarTags })
  const send = (bytes: Uint8Array | string): void => {
    const buf = typeof bytes === 'string' ? Buffer.from(bytes) : Buffer.from(bytes)
    router.handleDatagram(buf, buf.length)
  }
  const badExemplars = (): number => router.stats.eventsInvalid[EVENT_REASONS.indexOf('bad_exemplar')] ?? 0
  return { aggregator, recorder, router, send, badExemplars }
}

describe('protocol exemplars', () => {
  it('keep the ids on the bucket of the request they came with', () => {
    const { aggregator, send, recorder } = setup()
    const encoder = new BatchEncoder(1432)
    const name = encodeName('checkout') as Uint8Array
    encoder.append(EVENT_KIND.timing, name, 3, 1, null)
    expect(encoder.appendExemplar(Buffer.from(TRACE, 'hex'), Buffer.from(SPAN, 'hex'))).toBe(true)
    encoder.append(EVENT_KIND.task_end_error, name, 67, 1, null)
    send(encoder.datagram())
    const task = aggregator.tasks.get('checkout')
    const store = task?.exemplars
    expect(task?.completed).toBe(2)
    expect(store?.has(2)).toBe(true)
    expect([0, 1, 3, 4].map((slot) => store?.has(slot))).toEqual([false, false, false, false])
    expect(store?.traceIdHex(2)).toBe(TRACE)
    expect(store?.spanIdHex(2)).toBe(SPAN)
    expect(store?.valuesMs[2]).toBe(67)
    expect(recorder.recorded).toBe(1)
  })

  it('count a bad one, and keep the request after it', () => {
    const { aggregator, send, badExemplars } = setup()
    // [11, bin 16 of zeros, bin 8], then timing "checkout" 5.
    send(
      Buffer.from(`fe544d01930bc410${'00'.repeat(16)}c408${SPAN}93 01 a8 636865636b6f7574 05`.replace(/ /g, ''), 'hex'),
    )
    expect(badExemplars()).toBe(1)
    expect(aggregator.tasks.get('checkout')?.completed).toBe(1)
    expect(aggregator.tasks.get('checkout')?.exemplars).toBeNull()
  })

  it('leave a task that never had one without a store', () => {
    const { aggregator, send } = setup()
    const encoder = new BatchEncoder(1432)
    encoder.append(EVENT_KIND.timing, encodeName('plain') as Uint8Array, 5, 1, encodeTags({ a: 'b' }) as Uint8Array)
    send(encoder.datagram())
    expect(aggregator.tasks.size).toBe(1)
    for (const task of aggregator.tasks.values()) expect(task.exemplars).toBeNull()
  })
})

describe('StatsD --exemplar-tags', () => {
  it('takes the trace and span tags out of the labels and makes them the exemplar', () => {
    const { aggregator, send } = setup(['trace_id', 'span_id'])
    send(`checkout:67|ms|#region:eu,trace_id:${TRACE},span_id:${SPAN.toUpperCase()}`)
    send(`checkout:5|ms|#trace_id:${TRACE},region:eu,span_id:${SPAN}`)
    expect([...aggregator.tasks.keys()]).toEqual(['checkout{region="eu"}'])
    const store = aggregator.tasks.get('checkout{region="eu"}')?.exemplars
    expect(store?.valuesMs[2]).toBe(67)
    expect(store?.spanIdHex(2)).toBe(SPAN)
    expect(store?.valuesMs[1]).toBe(5)
  })

  it('keeps a line with malformed ids, without exemplar and without the id labels, and counts it', () => {
    const { aggregator, send, badExemplars } = setup(['trace_id', 'span_id'])
    send(`checkout:5|ms|#trace_id:xyz,span_id:${SPAN},region:eu`)
    send(`checkout:5|ms|#trace_id:${TRACE}`)
    send(`checkout:5|ms|#trace_id:${TRACE},span_id:${'0'.repeat(16)}`)
    expect(badExemplars()).toBe(3)
    expect([...aggregator.tasks.keys()].sort()).toEqual(['checkout', 'checkout{region="eu"}'])
    for (const task of aggregator.tasks.values()) expect(task.exemplars).toBeNull()
    expect(aggregator.tasks.get('checkout')?.completed).toBe(2)
  })

  it('leaves those tags as labels when the flag is off, and on counters', () => {
    const off = setup()
    off.send(`checkout:5|ms|#trace_id:${TRACE}`)
    expect([...off.aggregator.tasks.keys()]).toEqual([`checkout{trace_id="${TRACE}"}`])
    const on = setup(['trace_id', 'span_id'])
    on.send(`hits:1|c|#trace_id:${TRACE}`)
    expect([...on.aggregator.custom.keys()]).toEqual([`hits_total{trace_id="${TRACE}"}`])
  })

  it('drops the ids of a user histogram line from its labels (user histograms keep no exemplar)', () => {
    const { aggregator, send } = setup(['trace_id', 'span_id'])
    send(`size:5|h|#trace_id:${TRACE},span_id:${SPAN}`)
    expect([...aggregator.custom.keys()]).toEqual(['size'])
  })
})

describe('StatsdExemplarTags.take', () => {
  const tags = new StatsdExemplarTags('trace_id', 'span_id')
  const take = (text: string): [number, string] => {
    const buf = Buffer.from(text)
    const found = tags.take(buf, 0, buf.length)
    return [found, buf.subarray(0, tags.tagsEnd).toString()]
  }
  it.each([
    ['a:1,b', [NO_EXEMPLAR, 'a:1,b']],
    [`trace_id:${TRACE},span_id:${SPAN}`, [EXEMPLAR_OK, '']],
    [`a:1,trace_id:${TRACE},b:2,span_id:${SPAN},c`, [EXEMPLAR_OK, 'a:1,b:2,c']],
    [`span_id:${SPAN},a:1,trace_id:${TRACE}`, [EXEMPLAR_OK, 'a:1']],
    [`trace_id:${TRACE},trace_id:${TRACE},span_id:${SPAN}`, [EXEMPLAR_BAD, '']],
    [`trace_id,span_id:${SPAN}`, [EXEMPLAR_BAD, '']],
    [`trace_id:${TRACE}0,span_id:${SPAN},k:v`, [EXEMPLAR_BAD, 'k:v']],
    [`trace_idx:${TRACE}`, [NO_EXEMPLAR, `trace_idx:${TRACE}`]],
  ] as const)('%s', (text, expected) => {
    expect(take(text)).toEqual(expected)
  })
})
