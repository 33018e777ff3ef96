// What the in-process monitor shows: the agent's own /dashboard object, /report text and /metrics
// text, built by the same code, and serve(), which answers the agent's routes (createHttpServer:
// whatever the agent registers, the monitor serves) from the host process. The renderer, and with
// it the process metrics' event-loop sampler, is created on first use: createMonitor() alone
// starts nothing.
import { pino } from 'pino'
import type { Aggregator } from '../aggregate/aggregator.js'
import { type DashboardSnapshot, buildDashboard } from '../expose/ui/dashboard-snapshot.js'
import type { DecodeStats } from '../decode/decode-stats.js'
import type { MetricsAuth } from '../config/metrics-auth.js'
import type { HttpListener } from '../expose/http/http-listener.js'
import { createHttpServer } from '../expose/http/http-server.js'
import type { Logger } from '../logger.js'
import { MetricsRenderer } from '../expose/prometheus/metrics-renderer.js'
import { renderReport } from '../expose/http/report-text.js'
import { agentSelfMetrics } from '../self-metrics/agent-self-metrics.js'
import { SelfMetrics } from '../self-metrics/self-registry.js'
import { AGENT_VERSION } from '../version.js'

export interface ServeOptions {
  /** Default 3000, as the agent; 0 picks a free port (see the handle's `port`). */
  port?: number
  /** Default 127.0.0.1: the host app decides whether its metrics leave the machine. */
  host?: string
  /** A pino logger (or any with its methods); default: errors only, to stderr. */
  logger?: Logger
  /** As the agent's --metrics-auth: required on every route but /healthz and /ready. */
  auth?: MetricsAuth
}

export interface MonitorServer {
  readonly port: number
  readonly host: string
  /** http://host:port */
  readonly url: string
  close(): Promise<void>
}

export class MonitorExposure {
  private readonly aggregator: Aggregator
  private readonly stats: DecodeStats
  private readonly buckets: readonly number[]
  private readonly processMetrics: boolean
  private renderer: MetricsRenderer | null
  private readonly servers = new Set<HttpListener>()

  constructor(aggregator: Aggregator, stats: DecodeStats, buckets: readonly number[], processMetrics: boolean) {
    this.aggregator = aggregator
    this.stats = stats
    this.buckets = buckets
    this.processMetrics = processMetrics
    this.renderer = null
  }

  /** The /dashboard `agent` object: what an in-process monitor has of the agent's fields. */
  agentInfo(): Record<string, unknown> {
    const aggregator = this.aggregator
    return {
      version: AGENT_VERSION,
      transport: 'in-process',
      series: aggregator.seriesCount,
      max_series: aggregator.maxSeries,
      series_dropped: aggregator.seriesDropped,
    }
  }

  snapshot(): DashboardSnapshot {
    return buildDashboard(this.aggregator, this.agentInfo())
  }

  report(): string {
    return renderReport(this.snapshot(), null)
  }

  metrics(): Promise<string> {
    return this.metricsRenderer().render()
  }

  async serve(options: ServeOptions | undefined): Promise<MonitorServer> {
    const given: ServeOptions = options ?? {}
    const port = given.port ?? 3000
    const host = given.host ?? '127.0.0.1'
    let listening = false
    const http = createHttpServer({
      aggregator: this.aggregator,
      renderer: this.metricsRenderer(),
      agentInfo: () => this.agentInfo(),
      isReady: () => listening,
      logger: given.logger ?? pino({ level: 'error' }, pino.destination({ dest: 2, sync: true })),
      auth: given.auth ?? null,
    })
    const boundPort = await http.listen(port, host)
    listening = true
    this.servers.add(http)
    const urlHost = host.includes(':') ? `[${host}]` : host
    return {
      port: boundPort,
      host,
      url: `http://${urlHost}:${boundPort}`,
      close: async () => {
        if (!this.servers.delete(http)) return
        listening = false
        await http.close()
      },
    }
  }

  /** Closes every server serve() started. */
  async close(): Promise<void> {
    const open = [...this.servers]
    this.servers.clear()
    for (let i = 0; i < open.length; i++) await (open[i] as HttpListener).close()
    this.renderer?.close()
  }

  private metricsRenderer(): MetricsRenderer {
    if (this.renderer === null) {
      const self = new SelfMetrics()
      const renderer = new MetricsRenderer(this.aggregator, this.buckets, self, this.processMetrics)
      self.register(
        ...agentSelfMetrics({
          aggregator: this.aggregator,
          decode: this.stats,
          kernelDrops: () => 0, // no socket
          renderSeconds: renderer.renderSeconds,
          version: AGENT_VERSION,
        }),
      )
      this.renderer = renderer
    }
    return this.renderer
  }
}
