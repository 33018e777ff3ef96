// The agent's self families in /metrics order: the ingest pipeline's (what a --workers shard
// counts and ships to its primary), then the UDP socket's kernel drops, the renderer's figure and the
// build info. Each stage declares its own families where it counts them; this only puts the stages
// in order, so that adding a counter stays one declaration in its stage's file.
import type { Aggregator } from '../aggregate/aggregator.js'
import { aggregatorFigures } from '../aggregate/self-figures.js'
import { type ExemplarRecorder, exemplarFigures } from '../aggregate/exemplar-recorder.js'
import type { DecodeStats } from '../decode/decode-stats.js'
import { SenderSequences } from '../decode/sender-sequences.js'
import { StatsdStats } from '../decode/statsd-stats.js'
import { type UdpReader, udpReaderInfoMetric } from '../ingest/choose-reader.js'
import { kernelDropsMetric } from '../ingest/kernel-socket-stats.js'
import { TcpStats } from '../ingest/tcp-listener.js'
import { STATE_RESTORE_RESULTS, type StateRestores } from '../state/state-restores.js'
import { type SelfMetric, infoMetric } from './self-metric.js'

export interface PipelineParts {
  readonly decode: DecodeStats
  /** StatsD text decoder counters; absent (benchmarks, the in-process monitor): listed at 0. */
  readonly statsd?: StatsdStats
  readonly aggregator: Aggregator
  /** The StatsD TCP listener's; null or absent without --tcp-port: listed at 0. */
  readonly tcp?: TcpStats | null
  /** Loss per sender (protocol v1.1 headers); absent (the in-process monitor): listed at 0. */
  readonly senders?: SenderSequences
  /** Exemplars kept by the decode stage; absent or null (the in-process monitor): counted 0. */
  readonly exemplars?: ExemplarRecorder | null
}

export interface AgentParts extends PipelineParts {
  /** Datagrams the kernel dropped on our sockets (SO_RXQ_OVFL, or /proc/net/udp for dgram). */
  kernelDrops(): number
  /** The renderer's own figure (MetricsRenderer.renderSeconds). */
  readonly renderSeconds: SelfMetric
  readonly version: string
  /** Absent where no socket is read (the in-process monitor): no taskmeter_udp_reader_info. */
  readonly udpReader?: UdpReader
  /** The served agent's --max-memory budget and the worst case of its flags; absent in the monitor. */
  readonly memory?: { readonly budgetBytes: number; readonly worstCaseBytes: number }
}

function memoryFigures(memory: NonNullable<AgentParts['memory']>): SelfMetric[] {
  return [
    {
      name: 'taskmeter_memory_budget_bytes',
      help: 'The memory budget the flags are checked against: --max-memory, or a fraction of the cgroup limit',
      type: 'gauge',
      read: () => memory.budgetBytes,
    },
    {
      name: 'taskmeter_memory_worst_case_bytes',
      help: 'The most memory the flags let the series, labels and scrapes take (checked at start)',
      type: 'gauge',
      read: () => memory.worstCaseBytes,
    },
  ]
}

export function pipelineSelfMetrics(parts: PipelineParts): SelfMetric[] {
  const statsd = parts.statsd ?? new StatsdStats()
  return [
    ...parts.decode.selfMetrics(statsd),
    ...(parts.senders ?? new SenderSequences(1)).selfMetrics,
    ...statsd.selfMetrics,
    ...aggregatorFigures(parts.aggregator),
    ...exemplarFigures(parts.exemplars ?? null, parts.aggregator.tasks),
    ...(parts.tcp ?? new TcpStats()).selfMetrics,
  ]
}

/** With --state-file: how each start went with it (state/state-restores.ts lists the results). */
export function stateRestoreMetric(restores: StateRestores): SelfMetric {
  return {
    name: 'taskmeter_state_restore_total',
    help: 'Starts with --state-file, by what became of the file: restored, absent, corrupt, incompatible, discarded',
    type: 'counter',
    label: { name: 'result', values: STATE_RESTORE_RESULTS },
    read: (index) => restores.read(index),
  }
}

function buildInfo(version: string): SelfMetric {
  return infoMetric('taskmeter_build_info', 'Agent version', 'version', version)
}

export function agentSelfMetrics(parts: AgentParts): SelfMetric[] {
  return [
    ...pipelineSelfMetrics(parts),
    kernelDropsMetric(parts.kernelDrops),
    ...(parts.udpReader === undefined ? [] : [udpReaderInfoMetric(parts.udpReader)]),
    ...(parts.memory === undefined ? [] : memoryFigures(parts.memory)),
    parts.renderSeconds,
    buildInfo(parts.version),
  ]
}
