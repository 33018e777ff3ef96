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
import { type EventKindName, kindName } from './spec.js'

export interface DecodedEvent {
  kind: Exclude<EventKindName, 'inflight_report'>
  name: string
  value: number
  sampleRate: number
  tags: Record<string, string> | null
}

export interface DecodedInflightReport {
  kind: 'inflight_report'
  clientId: string
  sequence: number
  flushIntervalMs: number
  inflight: Record<string, number>
}

export type DecodedItem = DecodedEvent | DecodedInflightReport | { kind: 'invalid'; reason: EventReason }

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
    this.items.push({
      kind: kindName(event.kind) as DecodedEvent['kind'],
      name: decodeText(buf, event.nameStart, event.nameEnd),
      value: event.value,
      sampleRate: event.sampleRate,
      tags: event.tagCount > 0 ? Object.fromEntries(decodeTags(buf, event.tagsStart, event.tagCount)) : null,
    })
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
}

export function collectDatagram(datagram: Uint8Array): DecodedDatagram {
  const sink = new CollectingSink()
  const reason = decodeDatagram(datagram, datagram.length, sink)
  return { items: sink.items, reason }
}
