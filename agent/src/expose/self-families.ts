// The agent's own health, prefixed taskmeter_ so that it never mixes with the task or user
// families. Every reason is listed, at 0 until seen, so that rate() and alerts work from the first
// scrape.
import { DATAGRAM_REASONS, EVENT_KIND_NAMES, EVENT_REASONS } from '@taskmeter/protocol'
import type { Aggregator } from '../aggregate/aggregator.js'
import { AGENT_DROP_REASONS } from '../aggregate/drop-counters.js'
import type { DecodeStats } from '../decode/decode-stats.js'
import { LINE_REASONS } from '../decode/statsd-reasons.js'
import { SET_EVENT_KIND, StatsdStats } from '../decode/statsd-stats.js'
import { familyHeader, formatNumber } from './prometheus-format.js'

export interface SelfStatsSource {
  readonly aggregator: Aggregator
  readonly decode: DecodeStats
  /** StatsD text decoder counters (absent in benchmarks: rendered as 0). */
  readonly statsd?: StatsdStats
  /** The optional StatsD TCP listener; null or absent when --tcp-port is not given. */
  readonly tcp?: TcpSelfStats | null
  /** Datagrams the kernel dropped on our socket (read from /proc/net/udp: kernel-socket-stats.ts). */
  kernelDrops(): number
  /** Seconds the previous /metrics render took. */
  lastRenderSeconds(): number
  readonly version: string
}

export interface TcpSelfStats {
  readonly connectionsOpen: number
  readonly connectionsAccepted: number
  readonly connectionsRejected: number
  readonly idleTimeouts: number
  readonly bytesReceived: number
}

const NO_STATSD = new StatsdStats()
const NO_TCP: TcpSelfStats = {
  connectionsOpen: 0,
  connectionsAccepted: 0,
  connectionsRejected: 0,
  idleTimeouts: 0,
  bytesReceived: 0,
}
// protocol v1's kinds, then the StatsD kind it has no event for.
const EVENT_KIND_LABELS: readonly string[] = [...EVENT_KIND_NAMES, SET_EVENT_KIND]

function single(name: string, type: string, help: string, value: number): string {
  return familyHeader(name, type, help) + name + ' ' + formatNumber(value) + '\n'
}

function labelled(
  name: string,
  type: string,
  help: string,
  label: string,
  keys: readonly string[],
  values: ArrayLike<number>,
): string {
  let text = familyHeader(name, type, help)
  for (let i = 0; i < keys.length; i++)
    text += name + '{' + label + '="' + keys[i] + '"} ' + formatNumber(values[i] ?? 0) + '\n'
  return text
}

export function renderSelfFamilies(source: SelfStatsSource, out: string[]): void {
  const { aggregator, decode } = source
  const drops = AGENT_DROP_REASONS.map((reason) => aggregator.dropReasonCount(reason))
  const statsd = source.statsd ?? NO_STATSD
  const tcp = source.tcp ?? NO_TCP
  const eventsByKind = [...decode.eventsByKind, statsd.setEvents]
  out.push(
    single(
      'taskmeter_datagrams_received_total',
      'counter',
      'UDP datagrams received (all formats)',
      decode.datagramsReceived,
    ),
    single('taskmeter_received_bytes_total', 'counter', 'UDP payload bytes received', decode.bytesReceived),
    labelled(
      'taskmeter_events_total',
      'counter',
      'Events accepted, by kind (all decoders)',
      'kind',
      EVENT_KIND_LABELS,
      eventsByKind,
    ),
    labelled(
      'taskmeter_datagrams_invalid_total',
      'counter',
      'Datagrams rejected or cut short, by reason',
      'reason',
      DATAGRAM_REASONS,
      decode.datagramsInvalid,
    ),
    labelled(
      'taskmeter_events_invalid_total',
      'counter',
      'Events rejected by the decoder, by reason',
      'reason',
      EVENT_REASONS,
      decode.eventsInvalid,
    ),
    single(
      'taskmeter_lines_received_total',
      'counter',
      'StatsD text lines received (UDP and TCP, empty lines not counted)',
      statsd.linesReceived,
    ),
    labelled(
      'taskmeter_lines_invalid_total',
      'counter',
      'StatsD text lines rejected, by reason',
      'reason',
      LINE_REASONS,
      statsd.linesInvalid,
    ),
    labelled(
      'taskmeter_events_dropped_total',
      'counter',
      'Valid events the aggregator refused, by reason',
      'reason',
      AGENT_DROP_REASONS,
      drops,
    ),
    single('taskmeter_series', 'gauge', 'User series (tasks and custom metrics) held now', aggregator.seriesCount),
    single('taskmeter_series_max', 'gauge', 'Series cap (--max-series)', aggregator.maxSeries),
    single(
      'taskmeter_series_evicted_total',
      'counter',
      'Series evicted after --ttl without updates',
      aggregator.seriesEvicted,
    ),
    single(
      'taskmeter_series_dropped_total',
      'counter',
      'Events dropped because they would create a series past --max-series',
      aggregator.seriesDropped,
    ),
    single(
      'taskmeter_inflight_clients',
      'gauge',
      'Clients whose in-flight reports are live',
      aggregator.inflight.clientCount,
    ),
    single('taskmeter_tcp_connections', 'gauge', 'StatsD TCP connections open now', tcp.connectionsOpen),
    single(
      'taskmeter_tcp_connections_accepted_total',
      'counter',
      'StatsD TCP connections accepted',
      tcp.connectionsAccepted,
    ),
    single(
      'taskmeter_tcp_connections_rejected_total',
      'counter',
      'StatsD TCP connections closed at once: the connection limit was reached',
      tcp.connectionsRejected,
    ),
    single(
      'taskmeter_tcp_idle_timeouts_total',
      'counter',
      'StatsD TCP connections closed after the idle timeout',
      tcp.idleTimeouts,
    ),
    single('taskmeter_tcp_received_bytes_total', 'counter', 'StatsD TCP payload bytes received', tcp.bytesReceived),
    single(
      'taskmeter_udp_kernel_drops_total',
      'counter',
      'Datagrams the kernel dropped on the agent socket (receive queue full)',
      source.kernelDrops(),
    ),
    single(
      'taskmeter_scrape_render_seconds',
      'gauge',
      'Time the previous /metrics render took',
      source.lastRenderSeconds(),
    ),
    familyHeader('taskmeter_build_info', 'gauge', 'Agent version') +
      'taskmeter_build_info{version="' +
      source.version +
      '"} 1\n',
  )
}
