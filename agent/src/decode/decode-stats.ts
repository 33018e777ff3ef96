// Counters of the decode stage, read by /metrics: datagrams seen, events accepted per kind, and
// every rejection under its reason (protocol/src/reasons.ts).
import {
  DATAGRAM_REASONS,
  type DatagramReason,
  EVENT_KIND_NAMES,
  EVENT_REASONS,
  type EventReason,
} from '@taskmeter/protocol'

export class DecodeStats {
  datagramsReceived: number
  bytesReceived: number
  /** Indexed by protocol event kind − 1 (timing … inflight_report). */
  readonly eventsByKind: Float64Array
  readonly datagramsInvalid: Float64Array
  readonly eventsInvalid: Float64Array

  constructor() {
    this.datagramsReceived = 0
    this.bytesReceived = 0
    this.eventsByKind = new Float64Array(EVENT_KIND_NAMES.length)
    this.datagramsInvalid = new Float64Array(DATAGRAM_REASONS.length)
    this.eventsInvalid = new Float64Array(EVENT_REASONS.length)
  }

  /** One more accepted event of the kind at `index` (protocol event kind − 1). */
  eventAccepted(index: number): void {
    this.eventsByKind[index] = (this.eventsByKind[index] ?? 0) + 1
  }

  datagramInvalid(reason: DatagramReason): void {
    const i = DATAGRAM_REASONS.indexOf(reason)
    this.datagramsInvalid[i] = (this.datagramsInvalid[i] ?? 0) + 1
  }

  eventInvalid(reason: EventReason): void {
    const i = EVENT_REASONS.indexOf(reason)
    this.eventsInvalid[i] = (this.eventsInvalid[i] ?? 0) + 1
  }
}
