// Wires the pipeline for one running agent: UDP listener → datagram router → aggregator ←
// HTTP routes. Used by cli.ts and by tests that start an agent in-process.
import type { FastifyInstance } from 'fastify'
import { pino } from 'pino'
import { Aggregator } from './aggregate/aggregator.js'
import type { Config } from './config/load-config.js'
import { DatagramRouter } from './decode/datagram-router.js'
import { TurnBatch } from './decode/turn-batch.js'
import { createHttpServer } from './expose/http-server.js'
import { MetricsRenderer } from './expose/metrics-renderer.js'
import { type NativeSettings, defaultNativeSchema } from './expose/native-histogram.js'
import { listenOrExplain } from './ingest/listen-or-explain.js'
import { TCP_LISTENER_DEFAULTS, TcpListener } from './ingest/tcp-listener.js'
import { UdpListener } from './ingest/udp-listener.js'
import { RemoteWriter } from './push/remote-writer.js'
import { agentSelfMetrics } from './self-metrics/agent-self-metrics.js'
import { SelfMetrics } from './self-metrics/self-registry.js'
import { AGENT_VERSION } from './version.js'

export interface RunningAgent {
  readonly udpPort: number
  readonly httpPort: number
  /** The StatsD TCP port, or null without --tcp-port. */
  readonly tcpPort: number | null
  readonly aggregator: Aggregator
  readonly router: DatagramRouter
  readonly http: FastifyInstance
  /** Stops reading UDP, lets queued datagrams drain, closes HTTP; resolves with the last counts. */
  close(): Promise<FinalCounts>
}

export interface FinalCounts {
  datagrams_received: number
  events_accepted: number
  kernel_drops: number
}

// Linux caps SO_RCVBUF at net.core.rmem_max (and reports twice the value set): say how to raise it.
function warnIfRecvBufferCapped(
  udp: UdpListener,
  requestedBytes: number,
  logger: { warn(obj: object, msg: string): void },
): void {
  if (requestedBytes === 0) return
  const actualBytes = udp.recvBufferBytes()
  if (actualBytes < requestedBytes) {
    logger.warn(
      {
        requested_bytes: requestedBytes,
        actual_bytes: actualBytes,
        fix: `sysctl -w net.core.rmem_max=${requestedBytes}`,
      },
      'the kernel capped --recv-buffer; bursts may be dropped (see taskmeter_udp_kernel_drops_total)',
    )
  }
}

/** Native histograms for protobuf scrapes and remote write; null = classic only. */
function nativeSettings(config: Config, aggregator: Aggregator): NativeSettings | null {
  const native = config.nativeHistograms
  return native.enabled
    ? { schema: native.schema ?? defaultNativeSchema(aggregator.layout), maxBuckets: native.maxBuckets }
    : null
}

export async function startAgent(config: Config): Promise<RunningAgent> {
  const aggregator = new Aggregator({
    windowSeconds: config.windowSeconds,
    precision: config.precision,
    maxSeries: config.maxSeries,
    maxScrapeBytes: config.maxScrapeBytes,
    taskBuckets: config.buckets.length,
  })
  const logger = pino({ level: config.logLevel })
  let udpPort = 0
  const router = new DatagramRouter(aggregator, logger)
  let udp: UdpListener | null = null
  const tcp =
    config.tcpPort === null
      ? null
      : new TcpListener({ host: config.udpHost, port: config.tcpPort, ...TCP_LISTENER_DEFAULTS }, router, logger)
  let tcpPort: number | null = null
  let httpListening = false
  const self = new SelfMetrics()
  const renderer = new MetricsRenderer(aggregator, config.buckets, self, true, nativeSettings(config, aggregator))
  self.register(
    ...agentSelfMetrics({
      aggregator,
      decode: router.stats,
      statsd: router.statsdStats,
      tcp: tcp?.stats ?? null,
      kernelDrops: () => udp?.kernelDrops() ?? 0,
      renderSeconds: renderer.renderSeconds,
      version: AGENT_VERSION,
    }),
  )
  // --remote-write: its queue health joins the self families of /metrics.
  const remoteWriter =
    config.remoteWrite.urls.length === 0 ? null : new RemoteWriter(config.remoteWrite, renderer, logger)
  if (remoteWriter !== null) self.register(...remoteWriter.selfMetrics)
  const agentInfo = (): Record<string, unknown> => ({
    version: AGENT_VERSION,
    datagrams_received: router.stats.datagramsReceived,
    series: aggregator.seriesCount,
    max_series: aggregator.maxSeries,
    series_dropped: aggregator.seriesDropped,
    udp_port: udpPort,
    tcp_port: tcpPort,
    prometheus_url: config.prometheusUrl,
    recv_buffer_bytes: udp?.recvBufferBytes() ?? 0,
  })
  const http = createHttpServer({
    aggregator,
    renderer,
    agentInfo,
    isReady: () => httpListening && udp?.isBound === true && (tcp === null || tcp.isListening),
    logger,
    auth: config.metricsAuth,
  })

  const listenerOptions = { host: config.udpHost, port: config.udpPort, recvBufferBytes: config.recvBufferBytes }
  udp = new UdpListener(listenerOptions, new TurnBatch(router), logger)
  const udpSocket = udp
  const bound = await listenOrExplain('--udp-port', config.udpHost, config.udpPort, () =>
    udpSocket.bind(listenerOptions),
  )
  warnIfRecvBufferCapped(udp, config.recvBufferBytes, logger)
  udpPort = bound.port
  const tcpBound =
    tcp === null ? null : await listenOrExplain('--tcp-port', config.udpHost, config.tcpPort ?? 0, () => tcp.listen())
  tcpPort = tcpBound === null ? null : tcpBound.port
  await listenOrExplain('--port', config.host, config.port, () => http.listen({ port: config.port, host: config.host }))
  httpListening = true
  const address = http.server.address()
  const httpPort = typeof address === 'object' && address !== null ? address.port : config.port
  logger.info(
    {
      udp: `${bound.address}:${udpPort}`,
      http: `${config.host}:${httpPort}`,
      ...(tcpBound === null ? {} : { tcp: `${tcpBound.address}:${tcpPort}` }),
      window_s: config.windowSeconds,
      precision: config.precision,
      max_series: config.maxSeries,
      worst_case_mib: Math.round(config.worstCaseBytes / 1048576),
    },
    'taskmeter agent listening',
  )
  remoteWriter?.start()

  // --ttl: sweep every tenth of the TTL (at most every 30 s); the timer never keeps the process alive.
  const sweepTimer =
    config.ttlSeconds > 0
      ? setInterval(
          () => {
            if (aggregator.evictIdle(config.ttlSeconds * 1000) > 0) router.clearCaches()
          },
          Math.min(30_000, Math.max(100, (config.ttlSeconds * 1000) / 10)),
        ).unref()
      : null

  return {
    udpPort,
    httpPort,
    tcpPort,
    aggregator,
    router,
    http,
    async close() {
      // SIGTERM: read what the kernel already queued for us, then stop; HTTP answers in-flight
      // scrapes while closing (fastify waits for them).
      if (sweepTimer !== null) clearInterval(sweepTimer)
      await udp?.drain(1000)
      const kernelDrops = udp?.kernelDrops() ?? 0
      await udp?.close()
      await tcp?.close()
      // A last snapshot with everything received, then a bounded wait for the queues.
      const pushed = await remoteWriter?.close()
      if (pushed !== undefined) logger.info({ remote_write: pushed }, 'remote write stopped')
      httpListening = false
      await http.close()
      let events = 0
      for (let i = 0; i < router.stats.eventsByKind.length; i++) events += router.stats.eventsByKind[i] ?? 0
      return { datagrams_received: router.stats.datagramsReceived, events_accepted: events, kernel_drops: kernelDrops }
    },
  }
}
