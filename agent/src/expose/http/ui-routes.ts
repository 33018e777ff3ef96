// The live dashboard page: GET / and /ui serve the page, /ui/assets/* its files, and
// /dashboard/distribution one task's latency histogram. The page polls /dashboard itself.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Aggregator } from '../../aggregate/aggregator.js'
import { type DistributionScope, latencyDistribution } from './latency-distribution.js'
import { type UiAsset, type UiAssets, loadUiAssets } from '../ui/ui-assets.js'

// Only the agent's own origin: no inline script or style, nothing fetched from elsewhere.
const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

function send(request: FastifyRequest, reply: FastifyReply, asset: UiAsset, cacheControl: string): FastifyReply {
  reply.header('etag', asset.etag).header('cache-control', cacheControl).header('x-content-type-options', 'nosniff')
  if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send()
  return reply.type(asset.contentType).send(asset.body)
}

export function registerUiRoutes(
  app: FastifyInstance,
  aggregator: Aggregator,
  refresh: (() => Promise<void>) | null = null,
): void {
  let assets: UiAssets | null = null
  let missing = ''
  try {
    assets = loadUiAssets()
  } catch (err) {
    // The sidecar's real job (metrics) goes on without its page; say why the page is absent.
    missing = err instanceof Error ? err.message : String(err)
    app.log.error({ err }, 'live dashboard page unavailable')
  }

  const page = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    if (assets === null)
      return reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .send(`taskmeter: the live page is unavailable: ${missing}\n`)
    reply.header('content-security-policy', PAGE_CSP).header('referrer-policy', 'no-referrer')
    return send(request, reply, assets.page, 'no-cache')
  }
  app.get('/', page)
  app.get('/ui', page)

  app.get<{ Params: { '*': string } }>('/ui/assets/*', async (request, reply) => {
    const asset = assets?.files.get(request.params['*'])
    if (asset === undefined) return reply.code(404).send({ error: 'not found' })
    // Revalidate every load (cheap 304s): a restarted agent may serve a newer page.
    return send(request, reply, asset, 'no-cache')
  })

  app.get<{ Querystring: { task?: string; scope?: string } }>('/dashboard/distribution', async (request, reply) => {
    const task = request.query.task
    if (typeof task !== 'string' || task === '') return reply.code(400).send({ error: 'task is required' })
    const scopeParam = request.query.scope ?? 'window'
    if (scopeParam !== 'window' && scopeParam !== 'cumulative')
      return reply.code(400).send({ error: 'scope must be window or cumulative' })
    const scope: DistributionScope = scopeParam
    if (refresh !== null) await refresh()
    const distribution = latencyDistribution(aggregator, task, scope)
    if (distribution === null) return reply.code(404).send({ error: 'unknown task' })
    return distribution
  })
}
