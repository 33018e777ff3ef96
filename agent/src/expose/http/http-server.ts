// The agent's HTTP routes: /metrics, /dashboard, /report, /grafana-dashboard, /healthz and /ready
// (also as /-/healthy and /-/ready), POST /-/reload and the live page's (ui-routes.ts).
import type { Aggregator } from '../../aggregate/aggregator.js'
import type { MetricsAuth } from '../../config/metrics-auth.js'
import type { Logger } from '../../logger.js'
import { type MetricsRenderer, PROMETHEUS_CONTENT_TYPE } from '../prometheus/metrics-renderer.js'
import { OPENMETRICS_CONTENT_TYPE } from '../prometheus/openmetrics-format.js'
import { PROTOBUF_CONTENT_TYPE } from '../prometheus/protobuf-exposition.js'
import { negotiateScrapeFormat } from '../prometheus/scrape-format.js'
import { buildDashboard } from '../ui/dashboard-snapshot.js'
import { bytesAnswer, jsonAnswer, textAnswer } from './http-answer.js'
import { HEALTH_PATHS, READY_PATHS } from './http-hardening.js'
import { HttpListener } from './http-listener.js'
import { renderReport } from './report-text.js'
import { RouteTable } from './route-table.js'
import { acceptsGzip, gzipBody } from './scrape-compression.js'
import { registerUiRoutes } from './ui-routes.js'

export interface HttpServerOptions {
  aggregator: Aggregator
  renderer: MetricsRenderer
  /** Extra fields for /dashboard's `agent` object. */
  agentInfo: () => Record<string, unknown>
  /** /ready answers 200 only when this says so (UDP bound and HTTP listening). */
  isReady: () => boolean
  logger: Logger
  /** --metrics-auth: required on every route but the health and readiness probes; null = open. */
  auth?: MetricsAuth | null
  /** Brings the aggregator up to date before a read (--workers: merge the shards). */
  refresh?: (() => Promise<void>) | null
  /** POST /-/reload (Prometheus' route for it): re-reads the config files; absent = 404. */
  reload?: () => { readonly ok: boolean; readonly message: string }
  /** --trace-url-template: the link of each task's exemplar in /dashboard; absent or null = no link. */
  traceUrlTemplate?: string | null
}

// `?task=a,b` and `?task=a&task=b` both mean "a and b", each once; no task (or empty) means all.
function reportFilter(given: readonly string[]): string[] | null {
  const names = new Set<string>()
  for (const value of given) for (const name of value.split(',')) if (name !== '') names.add(name)
  return names.size === 0 ? null : [...names]
}

export function createHttpServer(options: HttpServerOptions): HttpListener {
  const routes = new RouteTable()
  const refresh = options.refresh ?? null

  routes.get('/metrics', async (request) => {
    // Protobuf (with native histograms) or OpenMetrics (with exemplars) when the scraper ranks it first.
    const format = negotiateScrapeFormat(request.headers.accept)
    const renderer = options.renderer
    const body =
      format === 'protobuf'
        ? await renderer.renderProtobuf()
        : format === 'openmetrics'
          ? await renderer.renderOpenMetricsBody()
          : await renderer.renderBody()
    const type =
      format === 'protobuf'
        ? PROTOBUF_CONTENT_TYPE
        : format === 'openmetrics'
          ? OPENMETRICS_CONTENT_TYPE
          : PROMETHEUS_CONTENT_TYPE
    if (!acceptsGzip(request.headers['accept-encoding']))
      return bytesAnswer(200, body, type, { vary: 'Accept-Encoding' })
    return bytesAnswer(200, await gzipBody(body), type, { vary: 'Accept-Encoding', 'content-encoding': 'gzip' })
  })

  routes.get('/dashboard', async () => {
    if (refresh !== null) await refresh()
    return jsonAnswer(200, buildDashboard(options.aggregator, options.agentInfo(), options.traceUrlTemplate ?? null))
  })

  routes.get('/report', async (request) => {
    if (refresh !== null) await refresh()
    const filter = reportFilter(request.query.getAll('task'))
    return textAnswer(200, renderReport(buildDashboard(options.aggregator, options.agentInfo()), filter))
  })

  // The committed deploy/grafana/taskmeter-dashboard.json, byte for byte (curl it to import by
  // hand); generated on the first request, as few fetch it.
  let grafanaDashboard: string | null = null
  routes.get('/grafana-dashboard', async () => {
    grafanaDashboard ??= (await import('../grafana/grafana-dashboard.js')).renderGrafanaDashboard()
    return bytesAnswer(200, grafanaDashboard, 'application/json; charset=utf-8')
  })

  // The live page: GET / and /ui, its assets, /dashboard/distribution and /dashboard/history.
  registerUiRoutes(routes, options.aggregator, refresh, options.logger)

  const reload = options.reload
  if (reload !== undefined)
    routes.add(['POST', 'PUT'], '/-/reload', () => {
      const result = reload()
      return textAnswer(result.ok ? 200 : 500, result.message + '\n')
    })

  // Each probe answers under our spelling and under Prometheus' own (/-/healthy, /-/ready), so a
  // probe or a blackbox check written for a Prometheus server works against the agent unchanged.
  const healthy = () => jsonAnswer(200, { status: 'ok' })
  const ready = () => {
    const isReady = options.isReady()
    return jsonAnswer(isReady ? 200 : 503, { ready: isReady })
  }
  for (const path of HEALTH_PATHS) routes.get(path, healthy)
  for (const path of READY_PATHS) routes.get(path, ready)

  return new HttpListener(routes, options.logger, options.auth ?? null)
}
