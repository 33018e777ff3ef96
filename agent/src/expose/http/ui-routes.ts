// The live dashboard page: GET / and /ui serve the page, /ui/assets/* its files,
// /dashboard/distribution one task's latency histogram and /dashboard/history its window slot by
// slot (read once when a task is first shown). The page polls /dashboard itself.
import type { Aggregator } from '../../aggregate/aggregator.js'
import type { Logger } from '../../logger.js'
import { buildTaskHistory } from '../ui/dashboard-history.js'
import type { UiAsset, UiAssets } from '../ui/ui-assets.js'
import { type HttpAnswer, bytesAnswer, emptyAnswer, jsonAnswer, textAnswer } from './http-answer.js'
import { type DistributionScope, latencyDistribution } from './latency-distribution.js'
import type { RouteRequest, RouteTable } from './route-table.js'

// Only the agent's own origin: no inline script or style, nothing fetched from elsewhere.
const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// Revalidate every load (cheap 304s): a restarted agent may serve a newer page.
function send(request: RouteRequest, asset: UiAsset, headers: Record<string, string> = {}): HttpAnswer {
  const caching = { etag: asset.etag, 'cache-control': 'no-cache', ...headers }
  if (request.headers['if-none-match'] === asset.etag) return emptyAnswer(304, caching)
  return bytesAnswer(200, asset.body, asset.contentType, caching)
}

export function registerUiRoutes(
  routes: RouteTable,
  aggregator: Aggregator,
  refresh: (() => Promise<void>) | null,
  logger: Logger,
): void {
  // Read on the first visit, not at start: most sidecars are never opened in a browser.
  let assets: UiAssets | null = null
  let missing: string | null = null
  const loaded = async (): Promise<UiAssets | null> => {
    if (assets !== null || missing !== null) return assets
    try {
      assets = (await import('../ui/ui-assets.js')).loadUiAssets()
    } catch (err) {
      // The sidecar's real job (metrics) goes on without its page; say why the page is absent.
      missing = err instanceof Error ? err.message : String(err)
      logger.error({ err }, 'live dashboard page unavailable')
    }
    return assets
  }

  const page = async (request: RouteRequest): Promise<HttpAnswer> => {
    const files = await loaded()
    if (files === null) return textAnswer(503, `taskmeter: the live page is unavailable: ${missing}\n`)
    return send(request, files.page, { 'content-security-policy': PAGE_CSP, 'referrer-policy': 'no-referrer' })
  }
  routes.get('/', page)
  routes.get('/ui', page)

  routes.getPrefix('/ui/assets/', async (request) => {
    const asset = (await loaded())?.files.get(request.rest)
    if (asset === undefined) return jsonAnswer(404, { error: 'not found' })
    return send(request, asset)
  })

  routes.get('/dashboard/distribution', async (request) => {
    const task = request.query.get('task')
    if (task === null || task === '') return jsonAnswer(400, { error: 'task is required' })
    const scopeParam = request.query.get('scope') ?? 'window'
    if (scopeParam !== 'window' && scopeParam !== 'cumulative')
      return jsonAnswer(400, { error: 'scope must be window or cumulative' })
    const scope: DistributionScope = scopeParam
    if (refresh !== null) await refresh()
    const distribution = latencyDistribution(aggregator, task, scope)
    if (distribution === null) return jsonAnswer(404, { error: 'unknown task' })
    return jsonAnswer(200, distribution)
  })

  routes.get('/dashboard/history', async (request) => {
    const task = request.query.get('task')
    if (task === null || task === '') return jsonAnswer(400, { error: 'task is required' })
    if (refresh !== null) await refresh()
    const history = buildTaskHistory(aggregator, task)
    if (history === null) return jsonAnswer(404, { error: 'unknown task' })
    return jsonAnswer(200, history)
  })
}
