// --workers N, the primary process: N cluster workers (shard-worker.ts) share the UDP
// port and aggregate a shard each; this process serves HTTP from one Aggregator into which every
// read (/metrics, /dashboard, /report, remote write) first merges the shards' deltas
// (shard-merge.ts). It opens no ingest socket itself; cluster's primary holds the shared one.
import cluster, { type Worker } from 'node:cluster'
import type { FastifyInstance } from 'fastify'
import { listenOrExplain } from '../ingest/listen-or-explain.js'
import { pino } from 'pino'
import { Aggregator } from '../aggregate/aggregator.js'
import type { Config } from '../config/load-config.js'
import { DecodeStats } from '../decode/decode-stats.js'
import { StatsdStats } from '../decode/statsd-stats.js'
import { createHttpServer } from '../expose/http-server.js'
import { MetricsRenderer } from '../expose/metrics-renderer.js'
import { defaultNativeSchema } from '../expose/native-histogram.js'
import { sumKernelDrops } from '../ingest/kernel-socket-stats.js'
import { TcpStats } from '../ingest/tcp-listener.js'
import { RemoteWriter } from '../push/remote-writer.js'
import { agentSelfMetrics } from '../self-metrics/agent-self-metrics.js'
import { SelfMetrics } from '../self-metrics/self-registry.js'
import { AGENT_VERSION } from '../version.js'
import { ShardMerger } from './shard-merge.js'
import { ShardStatsMerger } from './shard-stats.js'
import type { DeltaMessage, PrimaryMessage, WorkerMessage } from './worker-messages.js'

/** A worker that does not answer a collect within this is skipped for that read (and logged). */
const COLLECT_TIMEOUT_MS = 5_000
/** Workers that die are replaced, this many times at most over the agent's life. */
const MAX_RESTARTS = 20

export interface ClusterAgent {
  readonly udpPort: number
  readonly httpPort: number
  readonly http: FastifyInstance
  close(): Promise<{ datagrams_received: number; events_accepted: number; kernel_drops: number }>
}

export async function startClusterAgent(config: Config): Promise<ClusterAgent> {
  const logger = pino({ level: config.logLevel })
  const aggregator = new Aggregator({
    windowSeconds: config.windowSeconds,
    precision: config.precision,
    maxSeries: config.maxSeries,
    maxScrapeBytes: config.maxScrapeBytes,
    taskBuckets: config.buckets.length,
  })
  const decode = new DecodeStats()
  const statsd = new StatsdStats()
  const self = new SelfMetrics()
  const stats = new ShardStatsMerger(self)
  const merger = new ShardMerger(aggregator)
  const ipv6 = config.udpHost.includes(':')
  let udpPort = 0
  let dropsAtStart = 0
  let stopping = false

  cluster.setupPrimary({ serialization: 'advanced' })
  const workers: Worker[] = []
  const waiting = new Map<string, (delta: DeltaMessage | null) => void>()
  let restarts = 0
  const fork = (index: number): Promise<WorkerMessage> => {
    const worker = cluster.fork()
    workers[index] = worker
    let ready = false
    const started = new Promise<WorkerMessage>((resolve, reject) => {
      worker.on('message', (message: WorkerMessage) => {
        if (message.t === 'delta') waiting.get(`${index}:${message.id}`)?.(message)
        else if (message.t === 'hello')
          worker.send({ t: 'origin', timeOrigin: performance.timeOrigin } satisfies PrimaryMessage)
        else if (message.t === 'failed') reject(new Error(message.message))
        else {
          ready = true
          resolve(message)
        }
      })
      worker.on('exit', (code) => {
        for (const [key, resolveWait] of waiting) if (key.startsWith(`${index}:`)) resolveWait(null)
        stats.forget(index)
        if (!ready) return reject(new Error(`shard worker ${index} exited with ${code} before it listened`))
        if (stopping) return
        if (restarts++ >= MAX_RESTARTS)
          return logger.error(
            { worker: index, code },
            'shard worker exited; restart limit reached, its share of the port is read by the others',
          )
        logger.error(
          { worker: index, code },
          'shard worker exited; starting another (its data since the last read is lost)',
        )
        fork(index).catch((err: unknown) => logger.error({ err, worker: index }, 'replacement shard worker failed'))
      })
    })
    return started
  }
  let ready: WorkerMessage[]
  try {
    ready = await Promise.all(Array.from({ length: config.workers }, (_, i) => fork(i)))
  } catch (err) {
    stopping = true
    for (const worker of workers) worker?.kill()
    throw err
  }
  const first = ready[0]
  if (first === undefined || first.t !== 'ready') throw new Error('shard worker did not start')
  udpPort = first.udpPort
  dropsAtStart = sumKernelDrops(udpPort, ipv6)

  let nextId = 0
  const ask = (index: number, message: PrimaryMessage & { id: number }): Promise<DeltaMessage | null> =>
    new Promise((resolve) => {
      const key = `${index}:${message.id}`
      const timer = setTimeout(() => {
        waiting.delete(key)
        logger.warn({ worker: index }, 'shard worker did not answer in time: its data waits for the next read')
        resolve(null)
      }, COLLECT_TIMEOUT_MS)
      waiting.set(key, (delta) => {
        clearTimeout(timer)
        waiting.delete(key)
        resolve(delta)
      })
      workers[index]?.send(message)
    })
  // Every read merges first; concurrent reads share one round.
  let round: Promise<void> | null = null
  const mergeRound = async (kind: 'collect' | 'stop'): Promise<void> => {
    const id = nextId++
    const deltas = await Promise.all(workers.map((_, i) => ask(i, { t: kind, id })))
    for (let i = 0; i < deltas.length; i++) {
      const delta = deltas[i]
      if (delta === null || delta === undefined) continue
      if (merger.add(delta.bytes) !== null) stats.add(i, delta.stats)
    }
    merger.endRound()
  }
  const refresh = (): Promise<void> => {
    if (round === null) round = mergeRound('collect').finally(() => (round = null))
    return round
  }

  const renderer = new MetricsRenderer(
    aggregator,
    config.buckets,
    self,
    true,
    config.nativeHistograms.enabled
      ? {
          schema: config.nativeHistograms.schema ?? defaultNativeSchema(aggregator.layout),
          maxBuckets: config.nativeHistograms.maxBuckets,
        }
      : null,
  )
  renderer.refresh = refresh
  // The shards' counters merge into these (shard-stats.ts); kernel drops are read here, on the port.
  self.register(
    ...agentSelfMetrics({
      aggregator,
      decode,
      statsd,
      tcp: new TcpStats(),
      kernelDrops: () => Math.max(0, sumKernelDrops(udpPort, ipv6) - dropsAtStart),
      renderSeconds: renderer.renderSeconds,
      version: AGENT_VERSION,
    }),
  )
  const remoteWriter =
    config.remoteWrite.urls.length === 0 ? null : new RemoteWriter(config.remoteWrite, renderer, logger)
  if (remoteWriter !== null) self.register(...remoteWriter.selfMetrics)
  let httpListening = false
  const http = createHttpServer({
    aggregator,
    renderer,
    refresh,
    agentInfo: () => ({
      version: AGENT_VERSION,
      workers: config.workers,
      datagrams_by_worker: stats.datagramsByWorker(config.workers),
      datagrams_received: decode.datagramsReceived,
      series: aggregator.seriesCount,
      max_series: aggregator.maxSeries,
      series_dropped: aggregator.seriesDropped,
      udp_port: udpPort,
      tcp_port: first.tcpPort,
      prometheus_url: config.prometheusUrl,
    }),
    isReady: () => httpListening && !stopping,
    logger,
    auth: config.metricsAuth,
  })
  await listenOrExplain('--port', config.host, config.port, () => http.listen({ port: config.port, host: config.host }))
  httpListening = true
  const address = http.server.address()
  const httpPort = typeof address === 'object' && address !== null ? address.port : config.port
  logger.info(
    {
      udp: `${first.udpAddress}:${udpPort}`,
      http: `${config.host}:${httpPort}`,
      ...(first.tcpPort === null ? {} : { tcp: `${first.tcpAddress}:${first.tcpPort}` }),
      workers: config.workers,
      window_s: config.windowSeconds,
      precision: config.precision,
      max_series: config.maxSeries,
    },
    'taskmeter agent listening',
  )
  remoteWriter?.start()
  const sweepTimer =
    config.ttlSeconds > 0
      ? setInterval(
          () => aggregator.evictIdle(config.ttlSeconds * 1000),
          Math.min(30_000, Math.max(100, (config.ttlSeconds * 1000) / 10)),
        ).unref()
      : null

  return {
    udpPort,
    httpPort,
    http,
    async close() {
      stopping = true
      if (sweepTimer !== null) clearInterval(sweepTimer)
      if (round !== null) await round
      const kernelDrops = Math.max(0, sumKernelDrops(udpPort, ipv6) - dropsAtStart)
      await mergeRound('stop') // each worker drains its socket share and sends its last delta
      const pushed = await remoteWriter?.close()
      if (pushed !== undefined) logger.info({ remote_write: pushed }, 'remote write stopped')
      httpListening = false
      await http.close()
      let events = 0
      for (let i = 0; i < decode.eventsByKind.length; i++) events += decode.eventsByKind[i] ?? 0
      return { datagrams_received: decode.datagramsReceived, events_accepted: events, kernel_drops: kernelDrops }
    },
  }
}
