// Wires the pipeline for one running agent: UDP listener → datagram router → aggregator ←
// HTTP routes. Used by cli.ts and by tests that start an agent in-process.
import type { FastifyInstance } from 'fastify'
import { pino } from 'pino'
import { Aggregator } from './aggregate/aggregator.js'
import type { Config } from './config/load-config.js'
import { DatagramRouter } from './decode/datagram-router.js'
import { createHttpServer } from './expose/http-server.js'
import { MetricsRenderer } from './expose/metrics-renderer.js'
import { UdpListener } from './ingest/udp-listener.js'
import { AGENT_VERSION } from './version.js'

export interface RunningAgent {
  readonly udpPort: number
  readonly httpPort: number
  readonly aggregator: Aggregator
  readonly router: DatagramRouter
  readonly http: FastifyInstance
  /** Stops reading UDP, lets queued datagrams drain, closes HTTP. */
  close(): Promise<void>
}

export async function startAgent(config: Config): Promise<RunningAgent> {
  const aggregator = new Aggregator({ windowSeconds: config.windowSeconds, precision: config.precision, maxSeries: config.maxSeries })
  const logger = pino({ level: config.logLevel })
  let udpPort = 0
  const router = new DatagramRouter(aggregator, logger)
  let udp: UdpListener | null = null
  let httpListening = false
  const renderer: MetricsRenderer = new MetricsRenderer(aggregator, config.buckets, {
    aggregator,
    decode: router.stats,
    kernelDrops: () => 0,
    lastRenderSeconds: () => renderer.lastRenderSeconds,
    version: AGENT_VERSION,
  })
  const agentInfo = (): Record<string, unknown> => ({
    version: AGENT_VERSION,
    datagrams_received: router.stats.datagramsReceived,
    series: aggregator.seriesCount,
    max_series: aggregator.maxSeries,
    series_dropped: aggregator.seriesDropped,
    udp_port: udpPort,
    prometheus_url: config.prometheusUrl,
    recv_buffer_bytes: udp?.recvBufferBytes() ?? 0,
  })
  const http = createHttpServer({
    aggregator,
    renderer,
    agentInfo,
    isReady: () => httpListening && udp !== null && udp.isBound,
    logger,
  })

  const listenerOptions = { host: config.udpHost, port: config.udpPort, recvBufferBytes: config.recvBufferBytes }
  udp = new UdpListener(listenerOptions, router, logger)
  const bound = await udp.bind(listenerOptions)
  udpPort = bound.port
  await http.listen({ port: config.port, host: config.host })
  httpListening = true
  const address = http.server.address()
  const httpPort = typeof address === 'object' && address !== null ? address.port : config.port
  logger.info(
    { udp: `${bound.address}:${udpPort}`, http: `${config.host}:${httpPort}`, window_s: config.windowSeconds, precision: config.precision, max_series: config.maxSeries, worst_case_mib: Math.round(config.worstCaseBytes / 1048576) },
    'taskmeter agent listening',
  )

  return {
    udpPort,
    httpPort,
    aggregator,
    router,
    http,
    async close() {
      await udp?.close()
      httpListening = false
      await http.close()
    },
  }
}
