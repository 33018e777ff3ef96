// The ingest half: UDP (and with --tcp-port, StatsD over TCP) → datagram router → aggregator.
// One process runs it beside its HTTP; each --workers shard runs it alone and ships what it
// aggregated to the primary.
import type { Aggregator } from '../aggregate/aggregator.js'
import type { Config } from '../config/load-config.js'
import { DatagramRouter } from '../decode/datagram-router.js'
import { TurnBatch } from '../decode/turn-batch.js'
import { listenOrExplain } from '../ingest/listen-or-explain.js'
import { TCP_LISTENER_DEFAULTS, TcpListener } from '../ingest/tcp-listener.js'
import { UdpListener } from '../ingest/udp-listener.js'
import type { Logger } from '../logger.js'
import { MetricMapper } from '../mapping/metric-mapper.js'
import type { PipelineParts } from '../self-metrics/agent-self-metrics.js'
import type { Endpoint } from './topology.js'

export interface Ingest {
  readonly router: DatagramRouter
  readonly udp: UdpListener
  readonly tcp: TcpListener | null
  readonly udpBound: Endpoint
  readonly tcpBound: Endpoint | null
  /** What this half counts, for the self-metric registry (pipelineSelfMetrics, agentSelfMetrics). */
  readonly parts: PipelineParts
  /**
   * Reads what the kernel already queued for us, then closes UDP and TCP. Resolves with the
   * kernel's drop count, read while the socket still exists.
   */
  close(): Promise<number>
}

/** Binds UDP, then TCP; a port that will not open rejects with one line naming its flag. */
export async function startIngest(config: Config, aggregator: Aggregator, logger: Logger): Promise<Ingest> {
  const mapper = config.mapping === null ? null : new MetricMapper(config.mapping)
  const router = new DatagramRouter(aggregator, logger, {
    mapper,
    mapProtocol: config.mapProtocol,
    tagFormats: config.statsdTagFormats,
  })
  const tcp =
    config.tcpPort === null
      ? null
      : new TcpListener({ host: config.udpHost, port: config.tcpPort, ...TCP_LISTENER_DEFAULTS }, router, logger)
  const listenerOptions = { host: config.udpHost, port: config.udpPort, recvBufferBytes: config.recvBufferBytes }
  const udp = new UdpListener(listenerOptions, new TurnBatch(router), logger)
  const udpBound = await listenOrExplain('--udp-port', config.udpHost, config.udpPort, () => udp.bind(listenerOptions))
  const tcpBound =
    tcp === null ? null : await listenOrExplain('--tcp-port', config.udpHost, config.tcpPort ?? 0, () => tcp.listen())
  return {
    router,
    udp,
    tcp,
    udpBound,
    tcpBound,
    parts: { decode: router.stats, statsd: router.statsdStats, aggregator, tcp: tcp?.stats ?? null },
    async close() {
      await udp.drain(1000)
      const kernelDrops = udp.kernelDrops()
      await udp.close()
      await tcp?.close()
      return kernelDrops
    },
  }
}
