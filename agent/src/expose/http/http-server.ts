// The agent's HTTP routes (fastify): /metrics, /dashboard, /report, /healthz, /ready.
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify'
import type { Aggregator } from '../../aggregate/aggregator.js'
import { buildDashboard } from '../ui/dashboard-snapshot.js'
import { renderGrafanaDashboard } from '../grafana/grafana-dashboard.js'
import type { MetricsAuth } from '../../config/metrics-auth.js'
import { applyHardening } from './http-hardening.js'
import { type MetricsRenderer, PROMETHEUS_CONTENT_TYPE } from '../prometheus/metrics-renderer.js'
import { PROTOBUF_CONTENT_TYPE, prefersProtobuf } from '../prometheus/protobuf-exposition.js'
import { renderReport } from './report-text.js'
import { acceptsGzip, gzipBody } from './scrape-compression.js'
import { drainResponsesOnClose } from './response-drain.js'
import { registerUiRoutes } from './ui-routes.js'

export interface HttpServerOptions {
  aggregator: Aggregator
  renderer: MetricsRenderer
  /** Extra fields for /dashboard's `agent` object. */
  agentInfo: () => Record<string, unknown>
  /** /ready answers 200 only when this says so (UDP bound and HTTP listening). */
  isReady: () => boolean
  logger: FastifyBaseLogger
  /** --metrics-auth: required on every route but /healthz and /ready; null = open. */
  auth?: MetricsAuth | null
  /** Brings the aggregator up to date before a read (--workers: merge the shards). */
  refresh?: (() => Promise<void>) | null
  /** POST /-/reload (Prometheus' route for it): re-reads the config files; absent = 404. */
  reload?: () => { readonly ok: boolean; readonly message: string }
}

// `?task=a,b` and `?task=a&task=b` both mean "a and b", each once; no task (or empty) means all.
function reportFilter(query: string | string[] | undefined): string[] | null {
  const given = query === undefined ? [] : typeof query === 'string' ? [query] : query
  const names = new Set<string>()
  for (const value of given) for (const name of value.split(',')) if (name !== '') names.add(name)
  return names.size === 0 ? null : [...names]
}

export function createHttpServer(options: HttpServerOptions): FastifyInstance {
  const app = Fastify({
    loggerInstance: options.logger,
    // Scrapes and dashboard polls every second would flood the log; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    // A scrape or a dashboard poll never needs a large body; refuse big uploads early.
    bodyLimit: 16 * 1024,
    connectionTimeout: 10_000,
    requestTimeout: 10_000,
  })
  applyHardening(app, options.auth ?? null)
  drainResponsesOnClose(app)

  app.get('/metrics', async (request, reply) => {
    // Protobuf (with native histograms) when the scraper asks for it first.
    const protobuf = prefersProtobuf(request.headers.accept)
    const body = protobuf ? await options.renderer.renderProtobuf() : await options.renderer.renderBody()
    reply.type(protobuf ? PROTOBUF_CONTENT_TYPE : PROMETHEUS_CONTENT_TYPE).header('vary', 'Accept-Encoding')
    if (!acceptsGzip(request.headers['accept-encoding'])) return reply.send(body)
    return reply.header('content-encoding', 'gzip').send(await gzipBody(body))
  })

  const refresh = options.refresh ?? null
  app.get('/dashboard', async () => {
    if (refresh !== null) await refresh()
    return buildDashboard(options.aggregator, options.agentInfo())
  })

  app.get<{ Querystring: { task?: string | string[] } }>('/report', async (request, reply) => {
    if (refresh !== null) await refresh()
    const filter = reportFilter(request.query.task)
    const text = renderReport(buildDashboard(options.aggregator, options.agentInfo()), filter)
    return reply.type('text/plain; charset=utf-8').send(text)
  })

  // The committed deploy/grafana/taskmeter-dashboard.json, byte for byte (curl it to import by hand).
  const grafanaDashboard = renderGrafanaDashboard()
  app.get('/grafana-dashboard', async (_request, reply) =>
    reply.type('application/json; charset=utf-8').send(grafanaDashboard),
  )

  // The live page: GET / and /ui, its assets, and /dashboard/distribution.
  registerUiRoutes(app, options.aggregator, refresh)

  const reload = options.reload
  if (reload !== undefined)
    app.route({
      method: ['POST', 'PUT'],
      url: '/-/reload',
      handler: async (_request, reply) => {
        const result = reload()
        return reply
          .code(result.ok ? 200 : 500)
          .type('text/plain; charset=utf-8')
          .send(result.message + '\n')
      },
    })

  app.get('/healthz', async () => ({ status: 'ok' }))

  app.get('/ready', async (_request, reply) => {
    const ready = options.isReady()
    return reply.code(ready ? 200 : 503).send({ ready })
  })

  return app
}
