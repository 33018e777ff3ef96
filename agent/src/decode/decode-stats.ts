// Counters of the decode stage, read by /metrics: datagrams seen, events accepted per kind, and
// every rejection under its reason (protocol/src/reasons.ts). Their taskmeter_* families are
// declared here (selfMetrics), where they are counted.
import {
  DATAGRAM_REASONS,
  type DatagramReason,
  EVENT_KIND,
  EVENT_KIND_NAMES,
  EVENT_REASONS,
  type EventReason,
} from '@taskmeter/protocol'
import { type SelfMetric, cellsOf, fieldOf } from '../self-metrics/self-metric.js'
import type { StatsdStats } from './statsd-stats.js'

/** The family of the datagrams counter: --workers reports it per worker. */
export const DATAGRAMS_RECEIVED_FAMILY = 'taskmeter_datagrams_received_total'

// StatsD set members count under protocol v1's `set` kind: one label value for both decoders.
const SET_INDEX = EVENT_KIND.set - 1

export class DecodeStats {
  datagramsReceived: number
  bytesReceived: number
  /** Indexed by protocol event kind − 1 (timing … set); StatsD sets count in StatsdStats.setEvents. */
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

  /** The decode families; taskmeter_events_total covers every decoder, so StatsD's set events join protocol v1's. */
  selfMetrics(statsd: StatsdStats): SelfMetric[] {
    const kinds = this.eventsByKind
    return [
      {
        name: DATAGRAMS_RECEIVED_FAMILY,
        help: 'UDP datagrams received (all formats)',
        type: 'counter',
        ...fieldOf(this, 'datagramsReceived'),
      },
      {
        name: 'taskmeter_received_bytes_total',
        help: 'UDP payload bytes received',
        type: 'counter',
        ...fieldOf(this, 'bytesReceived'),
      },
      {
        name: 'taskmeter_events_total',
        help: 'Events accepted, by kind (all decoders)',
        type: 'counter',
        label: { name: 'kind', values: EVENT_KIND_NAMES },
        read: (index) => (kinds[index] ?? 0) + (index === SET_INDEX ? statsd.setEvents : 0),
        // A --workers primary adds a shard's increase, StatsD sets included, into the cell.
        add: cellsOf(kinds).add,
      },
      {
        name: 'taskmeter_datagrams_invalid_total',
        help: 'Datagrams rejected or cut short, by reason',
        type: 'counter',
        label: { name: 'reason', values: DATAGRAM_REASONS },
        ...cellsOf(this.datagramsInvalid),
      },
      {
        name: 'taskmeter_events_invalid_total',
        help: 'Events rejected by the decoder, by reason',
        type: 'counter',
        label: { name: 'reason', values: EVENT_REASONS },
        ...cellsOf(this.eventsInvalid),
      },
    ]
  }
}
