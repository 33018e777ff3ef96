// Decodes a datagram into plain objects. Allocates per event: for tests, vectors and tools,
// never for the agent's hot path (which implements EventSink itself).
import type { DatagramReason, EventReason } from './reasons.js'
import {
  type EventSink,
  type EventView,
  type InflightReportView,
  decodeDatagram,
  decodeTags,
  decodeText,
} from './decode.js'
import { EVENT_KIND, type EventKindName, SPAN_ID_BYTES, TRACE_ID_BYTES, kindName } from './spec.js'

/** The ids of an exemplar (SPEC.md §3.4) as lowercase hex, as W3C traceparent writes them. */
export interface DecodedExemplar {
  traceId: string
  spanId: string
}

/** An event whose value is a number: every kind but `set` and the in-flight report. */
export interface DecodedValueEvent {
  kind: Exclude<EventKindName, 'inflight_report' | 'set'>
  name: string
  value: number
  sampleRate: number
  tags: Record<string, string> | null
  /** Present only when an exemplar came right before the event. */
  exemplar?: DecodedExemplar
}

/** A `set` event: its value is the member, a string (decoded as UTF-8 like names). */
export interface DecodedSetEvent {
  kind: 'set'
  name: string
  value: string
  sampleRate: number
  tags: Record<string, string> | null
}

export type DecodedEvent = DecodedValueEvent | DecodedSetEvent

export interface DecodedInflightReport {
  kind: 'inflight_report'
  clientId: string
  sequence: number
  flushIntervalMs: number
  inflight: Record<string, number>
}

/** A v1.1 datagram header (SPEC.md §3.3): who sent the datagram, and its number. */
export interface DecodedHeader {
  kind: 'header'
  clientId: string
  sequence: number
}

export type DecodedItem =
  | DecodedEvent
  | DecodedInflightReport
  | DecodedHeader
  | { kind: 'invalid'; reason: EventReason }

export interface DecodedDatagram {
  /** Events, reports and rejected events in datagram order. */
  items: DecodedItem[]
  /** Null when the datagram as a whole was well-formed. */
  reason: DatagramReason | null
}

class CollectingSink implements EventSink {
  readonly items: DecodedItem[] = []
  private report: DecodedInflightReport | null = null

  onEvent(buf: Uint8Array, event: Readonly<EventView>): void {
    const name = decodeText(buf, event.nameStart, event.nameEnd)
    const sampleRate = event.sampleRate
    const tags = event.tagCount > 0 ? Object.fromEntries(decodeTags(buf, event.tagsStart, event.tagCount)) : null
    if (event.kind === EVENT_KIND.set) {
      const value = decodeText(buf, event.memberStart, event.memberEnd)
      this.items.push({ kind: 'set', name, value, sampleRate, tags })
    } else {
      const kind = kindName(event.kind) as DecodedValueEvent['kind']
      const item: DecodedValueEvent = { kind, name, value: event.value, sampleRate, tags }
      if (event.hasExemplar) {
        const ids = Buffer.from(event.exemplarIds)
        item.exemplar = {
          traceId: ids.toString('hex', 0, TRACE_ID_BYTES),
          spanId: ids.toString('hex', TRACE_ID_BYTES, TRACE_ID_BYTES + SPAN_ID_BYTES),
        }
      }
      this.items.push(item)
    }
  }

  onInflightReport(buf: Uint8Array, report: Readonly<InflightReportView>): void {
    this.report = {
      kind: 'inflight_report',
      clientId: decodeText(buf, report.clientIdStart, report.clientIdEnd),
      sequence: report.sequence,
      flushIntervalMs: report.flushIntervalMs,
      inflight: {},
    }
    this.items.push(this.report)
  }

  onInflightEntry(buf: Uint8Array, nameStart: number, nameEnd: number, count: number): void {
    // Names come from the wire: a plain assignment of "__proto__" would set the prototype and
    // lose the entry, so define an own property (tags use Object.fromEntries, which does too).
    if (this.report !== null) {
      Object.defineProperty(this.report.inflight, decodeText(buf, nameStart, nameEnd), {
        value: count,
        enumerable: true,
        writable: true,
        configurable: true,
      })
    }
  }

  onEventInvalid(reason: EventReason): void {
    this.items.push({ kind: 'invalid', reason })
  }

  onHeader(buf: Uint8Array, clientIdStart: number, clientIdEnd: number, sequence: number): void {
    this.items.push({ kind: 'header', clientId: decodeText(buf, clientIdStart, clientIdEnd), sequence })
  }
}

export function collectDatagram(datagram: Uint8Array): DecodedDatagram {
  const sink = new CollectingSink()
  const reason = decodeDatagram(datagram, datagram.length, sink)
  return { items: sink.items, reason }
}
