// The serving half: /metrics renderer, self-metric registry, --remote-write, the HTTP routes and
// the --ttl sweep over the served aggregator, in front of either topology. close() stops in the
// order a graceful shutdown needs: the ingest drains first, remote write pushes what it received,
// and HTTP closes last, letting in-flight responses finish.
import type { Aggregator } from '../aggregate/aggregator.js'
import type { Config } from '../config/load-config.js'
import type { HttpListener } from '../expose/http/http-listener.js'
import { createHttpServer } from '../expose/http/http-server.js'
import { MetricsRenderer } from '../expose/prometheus/metrics-renderer.js'
import { type NativeSettings, defaultNativeSchema } from '../expose/prometheus/native-histogram.js'
import { listenOrExplain } from '../ingest/listen-or-explain.js'
import type { AgentLogger } from '../logger.js'
import { agentSelfMetrics } from '../self-metrics/agent-self-metrics.js'
import type { SelfMetrics } from '../self-metrics/self-registry.js'
import { AGENT_VERSION } from '../version.js'
import { ConfigReloader, type ReloadResult } from './config-reload.js'
import { type FinalCounts, type Topology, finalCounts } from './topology.js'
import { TtlSweep } from './ttl-sweep.js'
import { whereLines } from './where-lines.js'

export interface ServingParts {
  readonly aggregator: Aggregator
  readonly self: SelfMetrics
  /** The pino logger: SIGHUP may change its level. */
  readonly logger: AgentLogger
}

export interface ServedAgent {
  readonly udpPort: number
  readonly httpPort: number
  /** The StatsD TCP port, or null without --tcp-port. */
  readonly tcpPort: number | null
  readonly aggregator: Aggregator
  readonly http: HttpListener
  readonly logger: AgentLogger
  /** SIGHUP and POST /-/reload: reads the config and mapping files again (config-reload.ts). */
  reload(): ReloadResult
  /** Stops the ingest (queued datagrams drain), pushes, closes HTTP; resolves with the last counts. */
  close(): Promise<FinalCounts>
}

/** Native histograms for protobuf scrapes and remote write; null = classic only. */
function nativeSettings(config: Config, aggregator: Aggregator): NativeSettings | null {
  const native = config.nativeHistograms
  return native.enabled
    ? { schema: native.schema ?? defaultNativeSchema(aggregator.layout), maxBuckets: native.maxBuckets }
    : null
}

function listeningLine(config: Config, topology: Topology, httpPort: number): Record<string, unknown> {
  const { udp, tcp } = topology
  return {
    udp: `${udp.address}:${udp.port}`,
    http: `${config.host}:${httpPort}`,
    ...(tcp === null ? {} : { tcp: `${tcp.address}:${tcp.port}` }),
    window_s: config.windowSeconds,
    precision: config.precision,
    max_series: config.maxSeries,
    // The budget the worst case was checked against, and whether the cgroup's limit set it.
    memory_budget_mib: Math.round(config.maxMemoryBytes / 1048576),
    memory_budget_from: config.memoryBudgetFrom,
    ...(config.mapping === null ? {} : { mapping_rules: config.mapping.rules.length }),
    ...topology.listeningFields,
  }
}

export async function startServing(config: Config, parts: ServingParts, topology: Topology): Promise<ServedAgent> {
  const { aggregator, self, logger } = parts
  const renderer = new MetricsRenderer(
    aggregator,
    config.buckets,
    self,
    true,
    nativeSettings(config, aggregator),
    topology.refresh,
  )
  self.register(
    ...agentSelfMetrics({
      ...topology.counters,
      aggregator,
      renderSeconds: renderer.renderSeconds,
      version: AGENT_VERSION,
      udpReader: topology.udpReader,
      memory: { budgetBytes: config.maxMemoryBytes, worstCaseBytes: config.worstCaseBytes },
    }),
  )
  const sweep = new TtlSweep(config.ttlSeconds, aggregator, () => topology.onEvicted())
  const reloader = new ConfigReloader(
    config,
    {
      applyMapping: (next) => {
        topology.applyMapping(next)
        sweep.start(next.mapping)
      },
      setLogLevel: (level) => {
        logger.level = level
      },
    },
    logger,
  )
  self.register(...reloader.selfMetrics)
  // --remote-write: its queue health joins the self families of /metrics. Its encoder and snappy
  // load only when an endpoint is configured.
  const remoteWriter =
    config.remoteWrite.urls.length === 0
      ? null
      : new (await import('../push/remote-writer.js')).RemoteWriter(config.remoteWrite, renderer, logger)
  if (remoteWriter !== null) self.register(...remoteWriter.selfMetrics)
  let httpListening = false
  const http = createHttpServer({
    aggregator,
    renderer,
    refresh: topology.refresh,
    traceUrlTemplate: config.traceUrlTemplate,
    agentInfo: () => ({
      version: AGENT_VERSION,
      datagrams_received: topology.counters.decode.datagramsReceived,
      series: aggregator.seriesCount,
      max_series: aggregator.maxSeries,
      series_dropped: aggregator.seriesDropped,
      udp_port: topology.udp.port,
      tcp_port: topology.tcp?.port ?? null,
      prometheus_url: config.prometheusUrl,
      ...topology.agentInfo(),
    }),
    isReady: () => httpListening && topology.isReady(),
    logger,
    auth: config.metricsAuth,
    reload: () => reloader.reload(),
  })
  const httpPort = await listenOrExplain('--port', config.host, config.port, () =>
    http.listen(config.port, config.host),
  )
  httpListening = true
  if (config.logFormat === 'pretty') for (const line of whereLines(config, topology, httpPort)) logger.info({}, line)
  // Keys of the mapping file that mean nothing here: said once, at start, with their line.
  for (const warning of config.mapping?.warnings ?? []) logger.warn({ mapping: warning }, 'mapping file key ignored')
  logger.info(listeningLine(config, topology, httpPort), 'taskmeter agent listening')
  remoteWriter?.start()
  sweep.start(config.mapping)

  return {
    udpPort: topology.udp.port,
    httpPort,
    tcpPort: topology.tcp?.port ?? null,
    aggregator,
    http,
    logger,
    reload: () => reloader.reload(),
    async close() {
      sweep.stop()
      const kernelDrops = await topology.stop()
      // A last snapshot with everything received, then a bounded wait for the queues.
      const pushed = await remoteWriter?.close()
      if (pushed !== undefined) logger.info({ remote_write: pushed }, 'remote write stopped')
      httpListening = false
      await http.close()
      renderer.close()
      return finalCounts(topology.counters.decode, kernelDrops)
    },
  }
}
