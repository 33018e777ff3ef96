// The ingest half: UDP (and with --unix-socket a unix datagram socket, with --tcp-port StatsD over
// TCP) → datagram router → aggregator. One process runs it beside its HTTP; each --workers shard
// runs it alone and ships what it aggregated to the primary.
import type { Aggregator } from '../aggregate/aggregator.js'
import type { Config } from '../config/load-config.js'
import { DatagramRouter } from '../decode/datagram-router.js'
import { ExemplarRecorder } from '../aggregate/exemplar-recorder.js'
import { TurnBatch } from '../decode/turn-batch.js'
import { type ReaderChoice, type UdpReader, chooseUdpReader } from '../ingest/choose-reader.js'
import type { DatagramListener } from '../ingest/datagram-listener.js'
import { listenOrExplain } from '../ingest/listen-or-explain.js'
import { NativeDatagramListener } from '../ingest/native-datagram-listener.js'
import { TCP_LISTENER_DEFAULTS, TcpListener } from '../ingest/tcp-listener.js'
import { UdpListener } from '../ingest/udp-listener.js'
import type { Logger } from '../logger.js'
import { MetricMapper } from '../mapping/metric-mapper.js'
import type { PipelineParts } from '../self-metrics/agent-self-metrics.js'
import type { Endpoint } from './topology.js'

export interface Ingest {
  readonly router: DatagramRouter
  readonly reader: UdpReader
  /** Why the native reader is not used, when it is not. */
  readonly readerNote: string | null
  readonly udp: DatagramListener
  readonly tcp: TcpListener | null
  readonly udpBound: Endpoint
  readonly tcpBound: Endpoint | null
  /** The --unix-socket path bound, or null. */
  readonly unixBound: string | null
  /** What this half counts, for the self-metric registry (pipelineSelfMetrics, agentSelfMetrics). */
  readonly parts: PipelineParts
  /** Datagrams the kernel dropped on this half's sockets since they were bound. */
  kernelDrops(): number
  isBound(): boolean
  /**
   * Reads what the kernel already queued for us, then closes the sockets. Resolves with the
   * kernel's drop count, read while the sockets still exist.
   */
  close(): Promise<number>
}

export interface IngestPlacement {
  /** --workers N with the native reader: each shard binds its own SO_REUSEPORT socket. */
  readonly reusePort: boolean
  /** The UDP port to bind, when the primary already knows it (the first shard picked it). */
  readonly udpPort: number
  /** Whether this half opens --unix-socket (one socket file: one shard holds it). */
  readonly unixSocket: boolean
}

function udpListener(
  config: Config,
  choice: ReaderChoice,
  router: DatagramRouter,
  place: IngestPlacement,
  logger: Logger,
): DatagramListener {
  if (choice.addon === null) {
    const options = { host: config.udpHost, port: place.udpPort, recvBufferBytes: config.recvBufferBytes }
    return new UdpListener(options, new TurnBatch(router), logger)
  }
  const target = { kind: 'udp', host: config.udpHost, port: place.udpPort, reusePort: place.reusePort } as const
  return new NativeDatagramListener(choice.addon, target, config.recvBufferBytes, router)
}

/** Binds UDP, the unix socket, then TCP; one that will not open rejects with one line naming its flag. */
export async function startIngest(
  config: Config,
  aggregator: Aggregator,
  logger: Logger,
  placement: IngestPlacement = { reusePort: false, udpPort: config.udpPort, unixSocket: true },
): Promise<Ingest> {
  const choice = chooseUdpReader(config)
  const mapper = config.mapping === null ? null : new MetricMapper(config.mapping)
  const router = new DatagramRouter(aggregator, logger, {
    mapper,
    mapProtocol: config.mapProtocol,
    tagFormats: config.statsdTagFormats,
    maxClients: config.maxClients,
    // --workers on one shared dgram socket: each shard reads a share of every sender's datagrams.
    trackSenders: config.workers === 1 || placement.reusePort,
    exemplars: new ExemplarRecorder(config.buckets),
    exemplarTags: config.exemplarTags,
  })
  const tcp =
    config.tcpPort === null
      ? null
      : new TcpListener({ host: config.udpHost, port: config.tcpPort, ...TCP_LISTENER_DEFAULTS }, router, logger)
  const udp = udpListener(config, choice, router, placement, logger)
  const unixPath = placement.unixSocket ? config.unixSocket : null
  const unix =
    unixPath === null || choice.addon === null
      ? null
      : new NativeDatagramListener(
          choice.addon,
          { kind: 'unix', path: unixPath, mode: config.unixSocketMode },
          config.recvBufferBytes,
          router,
        )
  const listeners = unix === null ? [udp] : [udp, unix]
  const udpBound = await listenOrExplain('--udp-port', config.udpHost, placement.udpPort, () => udp.bind())
  if (unix !== null) {
    try {
      await unix.bind()
    } catch (err) {
      await udp.close()
      throw new Error(`--unix-socket: ${err instanceof Error ? err.message : String(err)}`)
    }
  }
  const tcpBound =
    tcp === null ? null : await listenOrExplain('--tcp-port', config.udpHost, config.tcpPort ?? 0, () => tcp.listen())
  const kernelDrops = (): number => listeners.reduce((sum, listener) => sum + listener.kernelDrops(), 0)
  return {
    router,
    reader: choice.reader,
    readerNote: choice.addon === null ? choice.reason : null,
    udp,
    tcp,
    udpBound,
    tcpBound,
    unixBound: unix === null ? null : unixPath,
    parts: {
      decode: router.stats,
      statsd: router.statsdStats,
      aggregator,
      tcp: tcp?.stats ?? null,
      senders: router.senders,
      exemplars: router.exemplars,
    },
    kernelDrops,
    isBound: () => listeners.every((listener) => listener.isBound),
    async close() {
      await Promise.all(listeners.map((listener) => listener.drain(1000)))
      const drops = kernelDrops()
      for (const listener of listeners) await listener.close()
      await tcp?.close()
      return drops
    },
  }
}
