// What every route shares: unknown routes and methods answer 404 JSON, errors
// never carry a stack trace to the client, and with --metrics-auth every route but the probes
// (/healthz, /ready) needs the bearer token or basic credentials.
import { timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { MetricsAuth } from '../../config/metrics-auth.js'

const OPEN_ROUTES = new Set(['/healthz', '/ready'])

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

// The scheme is case-insensitive (RFC 9110 §11.1): `bearer x` and `BEARER x` are `Bearer x`.
function authorized(header: string | undefined, auth: MetricsAuth): boolean {
  if (header === undefined) return false
  const space = header.indexOf(' ')
  if (space < 0) return false
  const scheme = header.slice(0, space).toLowerCase()
  const credentials = header.slice(space + 1).trim()
  if (auth.kind === 'bearer') return scheme === 'bearer' && sameSecret(credentials, auth.token)
  if (scheme !== 'basic') return false
  return sameSecret(Buffer.from(credentials, 'base64').toString('utf8'), `${auth.user}:${auth.password}`)
}

// Every 401 names the scheme to use, as RFC 9110 asks, so a browser or curl knows what to send.
const CHALLENGE: Record<MetricsAuth['kind'], string> = {
  bearer: 'Bearer realm="taskmeter"',
  basic: 'Basic realm="taskmeter"',
}

export function applyHardening(app: FastifyInstance, auth: MetricsAuth | null): void {
  // Task names are sender-chosen text: no browser may sniff /report or /dashboard into HTML.
  app.addHook('onSend', async (_request: FastifyRequest, reply: FastifyReply) => {
    void reply.header('x-content-type-options', 'nosniff')
  })

  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    void reply.code(404).send({ error: 'not found', method: request.method, url: request.url.split('?')[0] })
  })

  app.setErrorHandler((error: Error & { statusCode?: number }, request: FastifyRequest, reply: FastifyReply) => {
    const status =
      typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500
    if (status >= 500) request.log.error({ err: error, url: request.url }, 'request failed')
    // Client errors say what was wrong; server errors say nothing about our internals.
    void reply.code(status).send({ error: status >= 500 ? 'internal error' : error.message })
  })

  if (auth === null) return
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (OPEN_ROUTES.has(request.url.split('?')[0] ?? '')) return
    if (authorized(request.headers.authorization, auth)) return
    void reply.header('www-authenticate', CHALLENGE[auth.kind])
    return reply.code(401).send({ error: 'unauthorized' })
  })
}
