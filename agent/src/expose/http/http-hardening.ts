// What every route shares: unknown routes and methods answer 404 JSON, errors never carry a stack
// trace to the client, and with --metrics-auth every route but the probes (/healthz, /ready and
// their Prometheus spellings /-/healthy, /-/ready) needs the bearer token or basic credentials.
import { timingSafeEqual } from 'node:crypto'
import type { MetricsAuth } from '../../config/metrics-auth.js'
import { type HttpAnswer, jsonAnswer } from './http-answer.js'

/** Liveness probe paths: ours, then the one a Prometheus server answers. */
export const HEALTH_PATHS = ['/healthz', '/-/healthy'] as const
/** Readiness probe paths: ours, then the one a Prometheus server answers. */
export const READY_PATHS = ['/ready', '/-/ready'] as const

const OPEN_ROUTES = new Set<string>([...HEALTH_PATHS, ...READY_PATHS])

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

/** The 401 for a request to a guarded route without the right credentials; null = let it through. */
export function refuseUnauthorized(
  path: string,
  authorization: string | undefined,
  auth: MetricsAuth | null,
): HttpAnswer | null {
  if (auth === null || OPEN_ROUTES.has(path) || authorized(authorization, auth)) return null
  return jsonAnswer(401, { error: 'unauthorized' }, { 'www-authenticate': CHALLENGE[auth.kind] })
}

export function notFound(method: string, path: string): HttpAnswer {
  return jsonAnswer(404, { error: 'not found', method, url: path })
}

/** A route that threw: client errors (a status below 500 on the error) say what was wrong. */
export function failedAnswer(error: unknown): HttpAnswer {
  const given = (error as { statusCode?: unknown } | null)?.statusCode
  const status = typeof given === 'number' && given >= 400 && given < 500 ? given : 500
  // Server errors say nothing about our internals.
  return jsonAnswer(status, { error: status >= 500 ? 'internal error' : String((error as Error).message) })
}
