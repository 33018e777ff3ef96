// The agent's own health, prefixed taskmeter_ (house style §3). Every reason is listed, at 0 until
// seen, so that rate() and alerts work from the first scrape.
import { DATAGRAM_REASONS, EVENT_KIND_NAMES, EVENT_REASONS } from '@taskmeter/protocol'
import type { Aggregator } from '../aggregate/aggregator.js'
import { AGENT_DROP_REASONS } from '../aggregate/drop-counters.js'
import type { DecodeStats } from '../decode/decode-stats.js'
import { familyHeader, formatNumber } from './prometheus-format.js'

export interface SelfStatsSource {
  readonly aggregator: Aggregator
  readonly decode: DecodeStats
  /** Datagrams the kernel dropped on our socket (the reliability issue reads /proc). */
  kernelDrops(): number
  /** Seconds the previous /metrics render took. */
  lastRenderSeconds(): number
  readonly version: string
}

function single(name: string, type: string, help: string, value: number): string {
  return familyHeader(name, type, help) + name + ' ' + formatNumber(value) + '\n'
}

function labelled(name: string, type: string, help: string, label: string, keys: readonly string[], values: ArrayLike<number>): string {
  let text = familyHeader(name, type, help)
  for (let i = 0; i < keys.length; i++) text += name + '{' + label + '="' + keys[i] + '"} ' + formatNumber(values[i] as number) + '\n'
  return text
}

export function renderSelfFamilies(source: SelfStatsSource, out: string[]): void {
  const { aggregator, decode } = source
  const drops = AGENT_DROP_REASONS.map((reason) => aggregator.dropReasonCount(reason))
  out.push(
    single('taskmeter_datagrams_received_total', 'counter', 'UDP datagrams received (all formats)', decode.datagramsReceived),
    single('taskmeter_received_bytes_total', 'counter', 'UDP payload bytes received', decode.bytesReceived),
    labelled('taskmeter_events_total', 'counter', 'Events accepted, by kind (all decoders)', 'kind', EVENT_KIND_NAMES, decode.eventsByKind),
    labelled('taskmeter_datagrams_invalid_total', 'counter', 'Datagrams rejected or cut short, by reason', 'reason', DATAGRAM_REASONS, decode.datagramsInvalid),
    labelled('taskmeter_events_invalid_total', 'counter', 'Events rejected by the decoder, by reason', 'reason', EVENT_REASONS, decode.eventsInvalid),
    labelled('taskmeter_events_dropped_total', 'counter', 'Valid events the aggregator refused, by reason', 'reason', AGENT_DROP_REASONS, drops),
    single('taskmeter_series', 'gauge', 'User series (tasks and custom metrics) held now', aggregator.seriesCount),
    single('taskmeter_series_max', 'gauge', 'Series cap (--max-series)', aggregator.maxSeries),
    single('taskmeter_series_evicted_total', 'counter', 'Series evicted after --ttl without updates', aggregator.seriesEvicted),
    single('taskmeter_series_dropped_total', 'counter', 'Events dropped because they would create a series past --max-series', aggregator.seriesDropped),
    single('taskmeter_inflight_clients', 'gauge', 'Clients whose in-flight reports are live', aggregator.inflight.clientCount),
    single('taskmeter_udp_kernel_drops_total', 'counter', 'Datagrams the kernel dropped on the agent socket (receive queue full)', source.kernelDrops()),
    single('taskmeter_scrape_render_seconds', 'gauge', 'Time the previous /metrics render took', source.lastRenderSeconds()),
    familyHeader('taskmeter_build_info', 'gauge', 'Agent version') + 'taskmeter_build_info{version="' + source.version + '"} 1\n',
  )
}
