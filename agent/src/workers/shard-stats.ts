// The self-metric counters of a --workers shard as one flat vector of totals: decode
// stats, StatsD line stats, aggregator drops and series counters, TCP listener stats. The primary
// adds each worker's increase since its previous vector into its own counters, so every counter
// stays monotonic; the TCP connections gauge is the sum of the workers' latest values.
import { DATAGRAM_REASONS, EVENT_KIND_NAMES, EVENT_REASONS } from '@taskmeter/protocol'
import type { Aggregator } from '../aggregate/aggregator.js'
import { AGENT_DROP_REASONS } from '../aggregate/drop-counters.js'
import type { DecodeStats } from '../decode/decode-stats.js'
import { LINE_REASONS } from '../decode/statsd-reasons.js'
import type { StatsdStats } from '../decode/statsd-stats.js'
import type { TcpSelfStats } from '../expose/self-families.js'

const KINDS = EVENT_KIND_NAMES.length
const OFFSET_KINDS = 2
const OFFSET_DATAGRAM_REASONS = OFFSET_KINDS + KINDS
const OFFSET_EVENT_REASONS = OFFSET_DATAGRAM_REASONS + DATAGRAM_REASONS.length
const OFFSET_LINES = OFFSET_EVENT_REASONS + EVENT_REASONS.length // linesReceived, setEvents
const OFFSET_LINE_REASONS = OFFSET_LINES + 2
const OFFSET_DROPS = OFFSET_LINE_REASONS + LINE_REASONS.length
const OFFSET_SERIES = OFFSET_DROPS + AGENT_DROP_REASONS.length // seriesDropped, seriesEvicted
const OFFSET_TCP = OFFSET_SERIES + 2 // open (a gauge), accepted, rejected, idleTimeouts, bytes
export const SHARD_STATS_LENGTH = OFFSET_TCP + 5

export function readShardStats(
  decode: DecodeStats,
  statsd: StatsdStats,
  aggregator: Aggregator,
  tcp: TcpSelfStats | null,
): Float64Array {
  const out = new Float64Array(SHARD_STATS_LENGTH)
  out[0] = decode.datagramsReceived
  out[1] = decode.bytesReceived
  out.set(decode.eventsByKind, OFFSET_KINDS)
  out.set(decode.datagramsInvalid, OFFSET_DATAGRAM_REASONS)
  out.set(decode.eventsInvalid, OFFSET_EVENT_REASONS)
  out[OFFSET_LINES] = statsd.linesReceived
  out[OFFSET_LINES + 1] = statsd.setEvents
  out.set(statsd.linesInvalid, OFFSET_LINE_REASONS)
  for (let i = 0; i < AGENT_DROP_REASONS.length; i++)
    out[OFFSET_DROPS + i] = aggregator.dropReasonCount(AGENT_DROP_REASONS[i] as (typeof AGENT_DROP_REASONS)[number])
  out[OFFSET_SERIES] = aggregator.seriesDropped
  out[OFFSET_SERIES + 1] = aggregator.seriesEvicted
  if (tcp !== null) {
    out[OFFSET_TCP] = tcp.connectionsOpen
    out[OFFSET_TCP + 1] = tcp.connectionsAccepted
    out[OFFSET_TCP + 2] = tcp.connectionsRejected
    out[OFFSET_TCP + 3] = tcp.idleTimeouts
    out[OFFSET_TCP + 4] = tcp.bytesReceived
  }
  return out
}

function addRange(target: Float64Array, from: Float64Array, previous: Float64Array, offset: number): void {
  for (let i = 0; i < target.length; i++)
    target[i] = (target[i] ?? 0) + (from[offset + i] ?? 0) - (previous[offset + i] ?? 0)
}

/** The primary's side: its own counters, fed by every worker's vectors. */
export class ShardStatsMerger implements TcpSelfStats {
  private readonly previous: Float64Array[] = []
  connectionsOpen = 0
  connectionsAccepted = 0
  connectionsRejected = 0
  idleTimeouts = 0
  bytesReceived = 0

  constructor(
    private readonly decode: DecodeStats,
    private readonly statsd: StatsdStats,
    private readonly aggregator: Aggregator,
  ) {}

  /** Datagrams each worker received (which worker reads a datagram is the kernel's choice). */
  datagramsByWorker(): number[] {
    return this.previous.map((totals) => totals[0] ?? 0)
  }

  add(worker: number, totals: Float64Array): void {
    const previous = this.previous[worker] ?? new Float64Array(SHARD_STATS_LENGTH)
    const d = (i: number): number => (totals[i] ?? 0) - (previous[i] ?? 0)
    this.decode.datagramsReceived += d(0)
    this.decode.bytesReceived += d(1)
    addRange(this.decode.eventsByKind, totals, previous, OFFSET_KINDS)
    addRange(this.decode.datagramsInvalid, totals, previous, OFFSET_DATAGRAM_REASONS)
    addRange(this.decode.eventsInvalid, totals, previous, OFFSET_EVENT_REASONS)
    this.statsd.linesReceived += d(OFFSET_LINES)
    this.statsd.setEvents += d(OFFSET_LINES + 1)
    addRange(this.statsd.linesInvalid, totals, previous, OFFSET_LINE_REASONS)
    for (let i = 0; i < AGENT_DROP_REASONS.length; i++) this.aggregator.drops.addAt(i, d(OFFSET_DROPS + i))
    this.aggregator.seriesDropped += d(OFFSET_SERIES)
    this.aggregator.seriesEvicted += d(OFFSET_SERIES + 1)
    this.connectionsOpen += d(OFFSET_TCP)
    this.connectionsAccepted += d(OFFSET_TCP + 1)
    this.connectionsRejected += d(OFFSET_TCP + 2)
    this.idleTimeouts += d(OFFSET_TCP + 3)
    this.bytesReceived += d(OFFSET_TCP + 4)
    this.previous[worker] = totals
  }
}
