// The checks of `taskmeter-agent doctor`, the troubleshooting checks in order:
// the agent reachable and ready, what it counted (kernel drops, invalid input, series dropped),
// Prometheus reachable, a target for this agent, up, and its last scrape. Each check gives a row;
// a failed one says how to fix it. Network errors become rows, never exceptions.
import http from 'node:http'
import https from 'node:https'
import type { MetricsAuth } from '../config/metrics-auth.js'

export type CheckStatus = 'ok' | 'fail' | 'skip'

export interface CheckRow {
  readonly check: string
  readonly status: CheckStatus
  readonly detail: string
  /** What to do about a failed check (null when it passed or was skipped). */
  readonly fix: string | null
}

export const ok = (check: string, detail: string): CheckRow => ({ check, status: 'ok', detail, fix: null })
export const fail = (check: string, detail: string, fix: string): CheckRow => ({ check, status: 'fail', detail, fix })
export const skip = (check: string, why: string): CheckRow => ({
  check,
  status: 'skip',
  detail: `not checked: ${why}`,
  fix: null,
})

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

/** label value (or '' without labels) → value, for every sample of one family in a text scrape. */
export function familySamples(text: string, family: string, label: string): Map<string, number> {
  const out = new Map<string, number>()
  const prefix = family + ' '
  const labelled = family + '{'
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string
    if (!line.startsWith(prefix) && !line.startsWith(labelled)) continue
    const value = Number(line.slice(line.lastIndexOf(' ') + 1))
    const match = new RegExp(`[{,]${label}="([^"]*)"`).exec(line)
    out.set(match === null ? '' : (match[1] as string), value)
  }
  return out
}

export function total(samples: ReadonlyMap<string, number>): number {
  let sum = 0
  for (const value of samples.values()) sum += value
  return sum
}

/** "truncated 3, bad_magic 1" for the non-zero entries, largest first. */
export function nonZero(samples: ReadonlyMap<string, number>): string {
  return [...samples]
    .filter(([, value]) => value > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([reason, value]) => `${reason} ${value}`)
    .join(', ')
}

/** What the agent counted, from one /metrics scrape. */
export function countedRows(metrics: string, recvBufferBytes: unknown): CheckRow[] {
  const rows: CheckRow[] = []
  const kernelDrops = total(familySamples(metrics, 'taskmeter_udp_kernel_drops_total', ''))
  const buffer =
    typeof recvBufferBytes === 'number' && recvBufferBytes > 0
      ? ` (receive buffer now ${Math.round(recvBufferBytes / 1024)} KiB)`
      : ''
  rows.push(
    kernelDrops === 0
      ? ok('kernel drops', 'the kernel dropped no datagram on the agent socket')
      : fail(
          'kernel drops',
          `the kernel dropped ${kernelDrops} datagrams: the receive queue was full${buffer}`,
          'raise --recv-buffer (e.g. 16MiB) and the kernel cap to match: sysctl -w net.core.rmem_max=16777216; or run more agents',
        ),
  )
  const datagrams = familySamples(metrics, 'taskmeter_datagrams_invalid_total', 'reason')
  const events = familySamples(metrics, 'taskmeter_events_invalid_total', 'reason')
  const lines = familySamples(metrics, 'taskmeter_lines_invalid_total', 'reason')
  const invalid = total(datagrams) + total(events) + total(lines)
  const parts = [
    total(datagrams) > 0 ? `datagrams: ${nonZero(datagrams)}` : '',
    total(events) > 0 ? `events: ${nonZero(events)}` : '',
    total(lines) > 0 ? `StatsD lines: ${nonZero(lines)}` : '',
  ].filter((part) => part !== '')
  rows.push(
    invalid === 0
      ? ok('invalid datagrams', 'no datagram, event or StatsD line rejected')
      : fail(
          'invalid datagrams',
          `rejected ${parts.join('; ')}`,
          'a sender speaks neither protocol v1 nor StatsD correctly: compare its version with protocol/SPEC.md §5 (reasons); --log-level debug logs each rejection',
        ),
  )
  const seriesDropped = total(familySamples(metrics, 'taskmeter_series_dropped_total', ''))
  const maxSeries = total(familySamples(metrics, 'taskmeter_series_max', ''))
  rows.push(
    seriesDropped === 0
      ? ok('series cap', `no event dropped at --max-series ${maxSeries}`)
      : fail(
          'series cap',
          `${seriesDropped} events dropped: they would create a series past --max-series ${maxSeries}`,
          'raise --max-series (and --max-memory), or drop a high-cardinality tag (a user id, a URL with ids)',
        ),
  )
  return rows
}
