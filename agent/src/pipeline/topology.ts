// What differs between one process and --workers N: where the events are aggregated (a local
// ingest half, or shard workers whose deltas merge on every read) and what that adds to the
// served agent. The serving half (serving.ts) takes either.
import type { Aggregator } from '../aggregate/aggregator.js'
import type { Config } from '../config/load-config.js'
import type { DecodeStats } from '../decode/decode-stats.js'
import type { UdpReader } from '../ingest/choose-reader.js'
import type { Logger } from '../logger.js'
import type { AgentParts } from '../self-metrics/agent-self-metrics.js'
import type { SelfMetrics } from '../self-metrics/self-registry.js'

export interface Endpoint {
  readonly address: string
  readonly port: number
}

export interface FinalCounts {
  datagrams_received: number
  events_accepted: number
  kernel_drops: number
}

/** What every topology is built from: the served aggregator, the self-metric registry, the log. */
export interface TopologyParts {
  readonly aggregator: Aggregator
  readonly self: SelfMetrics
  readonly logger: Logger
}

export interface Topology {
  readonly udp: Endpoint
  readonly tcp: Endpoint | null
  /** Which reader takes the datagrams (taskmeter_udp_reader_info). */
  readonly udpReader: UdpReader
  /** The counters behind the ingest self families and the final counts. */
  readonly counters: Pick<AgentParts, 'statsd' | 'tcp' | 'kernelDrops' | 'senders'> & { readonly decode: DecodeStats }
  /** Brings the served aggregator up to date before a read; null when it is always current. */
  readonly refresh: (() => Promise<void>) | null
  /** Fields this topology adds to the "taskmeter agent listening" line. */
  readonly listeningFields: Readonly<Record<string, unknown>>
  /** Fields this topology adds to /dashboard's `agent` object. */
  agentInfo(): Record<string, unknown>
  /** Its part of /ready: its sockets listen and it is not stopping. */
  isReady(): boolean
  /** After a TTL sweep evicted series from the served aggregator. */
  onEvicted(): void
  /** A reload loaded `config`: its mapping rules go to every decoder (a shard reads the files itself). */
  applyMapping(config: Config): void
  /** Drains and stops the ingest; resolves with the kernel's drop count. */
  stop(): Promise<number>
}

export type StartTopology<T extends Topology> = (config: Config, parts: TopologyParts) => Promise<T>

export function finalCounts(decode: DecodeStats, kernelDrops: number): FinalCounts {
  let events = 0
  for (let i = 0; i < decode.eventsByKind.length; i++) events += decode.eventsByKind[i] ?? 0
  return { datagrams_received: decode.datagramsReceived, events_accepted: events, kernel_drops: kernelDrops }
}

/** The reader in the "listening" line, and why it is not the native one when it is not. */
export function readerFields(reader: UdpReader, note: string | null): Record<string, string> {
  return note === null ? { udp_reader: reader } : { udp_reader: reader, udp_reader_note: note }
}
