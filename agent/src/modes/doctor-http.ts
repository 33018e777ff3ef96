// doctor's HTTP: one GET with a timeout, a network failure read as a string saying what happened
// (never an exception), and the --metrics-auth header the agent wants.
import http from 'node:http'
import https from 'node:https'
import type { MetricsAuth } from '../config/metrics-auth.js'

const REQUEST_TIMEOUT_MS = 3_000

export interface HttpAnswer {
  status: number
  body: string
  ms: number
}

/**
 * GET with a timeout; a network failure is a string saying what happened. node:http rather than
 * fetch: fetch refuses "bad ports" (6000, 6665…), which an agent may well listen on.
 */
export function get(url: string, headers: Record<string, string> = {}): Promise<HttpAnswer | string> {
  const started = performance.now()
  return new Promise((resolve) => {
    let settled = false
    const settle = (answer: HttpAnswer | string): void => {
      if (settled) return
      settled = true
      resolve(answer)
    }
    let request: http.ClientRequest
    try {
      request = (url.startsWith('https:') ? https : http).get(
        url,
        { headers, timeout: REQUEST_TIMEOUT_MS },
        (response) => {
          let body = ''
          response.setEncoding('utf8')
          response.on('data', (chunk: string) => (body += chunk))
          response.on('end', () =>
            settle({ status: response.statusCode ?? 0, body, ms: Math.round(performance.now() - started) }),
          )
          response.on('error', (err: NodeJS.ErrnoException) => settle(err.code ?? err.message))
        },
      )
    } catch (err) {
      settle(err instanceof Error ? err.message : String(err))
      return
    }
    request.on('timeout', () => {
      settle(`no answer within ${REQUEST_TIMEOUT_MS / 1000} s`)
      request.destroy()
    })
    request.on('error', (err: NodeJS.ErrnoException) => settle(err.code ?? err.message))
  })
}

export function authHeaders(auth: MetricsAuth | null): Record<string, string> {
  if (auth === null) return {}
  if (auth.kind === 'bearer') return { authorization: `Bearer ${auth.token}` }
  return { authorization: `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}` }
}
