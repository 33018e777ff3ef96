// Doctor's Prometheus rows: reachable, a target scraping this agent (/api/v1/targets),
// that target up, and its last scrape's time and error, each ✗ with what to change.
import { type CheckRow, fail, ok, skip } from './doctor-checks.js'
import { get } from './doctor-http.js'
import {
  type DroppedTarget,
  type HostPort,
  type PromTarget,
  agentAddresses,
  droppedOfAgent,
  targetsOfAgent,
} from './doctor-targets.js'

interface TargetsResponse {
  status: string
  data?: { activeTargets?: PromTarget[]; droppedTargets?: DroppedTarget[] }
}

const NEVER = '0001-01-01T00:00:00Z'
const PROMETHEUS_CHECKS = ['prometheus reachable', 'scrape target', 'target up', 'last scrape']

function scrapeConfig(agent: HostPort): string {
  const address = agent.host.includes(':') ? `[${agent.host}]:${agent.port}` : `${agent.host}:${agent.port}`
  return `add to prometheus.yml: scrape_configs: [{ job_name: taskmeter, static_configs: [{ targets: ['${address}'] }] }] (the address Prometheus reaches the agent at), then reload Prometheus (SIGHUP)`
}

/** The fix for a target that is down, from the error Prometheus saw. */
function downFix(target: PromTarget): string {
  const error = target.lastError
  if (/401|403/.test(error))
    return 'the agent wants --metrics-auth credentials: set authorization (bearer) or basic_auth in this scrape config'
  if (/404/.test(error))
    return 'the agent serves /metrics: set metrics_path: /metrics (the default) in this scrape config'
  if (/refused|no such host|no route|unreachable/i.test(error))
    return `Prometheus cannot connect to ${target.scrapeUrl}: check the address and port it uses, the agent's --host (bind 0.0.0.0 to be reached from outside) and network policies`
  if (/deadline|timeout/i.test(error))
    return 'the scrape timed out: raise scrape_timeout, or look at taskmeter_scrape_render_seconds and the number of series'
  return `Prometheus cannot scrape ${target.scrapeUrl}: ${error === '' ? 'see its /targets page' : 'fix the error above'}`
}

function secondsSince(iso: string): number {
  return (Date.now() - Date.parse(iso)) / 1000
}

function intervalSeconds(target: PromTarget): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(target.scrapeInterval ?? '')
  if (match === null) return 60
  const value = Number(match[1])
  return match[2] === 'ms' ? value / 1000 : match[2] === 's' ? value : match[2] === 'm' ? value * 60 : value * 3600
}

function lastScrapeRow(targets: readonly PromTarget[]): CheckRow {
  const details: string[] = []
  let oldest = 0
  for (let i = 0; i < targets.length; i++) {
    const target = targets[i] as PromTarget
    if (target.lastScrape === NEVER || target.lastScrape === '')
      return fail(
        'last scrape',
        `${target.scrapeUrl} was never scraped yet`,
        'wait one scrape_interval and run doctor again; if it stays so, Prometheus cannot reach the agent',
        { scrape_url: target.scrapeUrl, age_seconds: null },
      )
    const age = secondsSince(target.lastScrape)
    const every = intervalSeconds(target)
    const figures = { scrape_url: target.scrapeUrl, age_seconds: age, interval_seconds: every, error: target.lastError }
    if (target.lastError !== '')
      return fail('last scrape', `${age.toFixed(1)} s ago, error: ${target.lastError}`, downFix(target), figures)
    if (age > 3 * every)
      return fail(
        'last scrape',
        `${age.toFixed(0)} s ago, more than 3 scrape intervals (${every} s)`,
        'Prometheus has stopped scraping this target: check that Prometheus is healthy (its log, /-/ready) and not overloaded',
        figures,
      )
    const took =
      typeof target.lastScrapeDuration === 'number' ? `, took ${(target.lastScrapeDuration * 1000).toFixed(0)} ms` : ''
    details.push(`${age.toFixed(1)} s ago${took}, no error`)
    oldest = Math.max(oldest, age)
  }
  return ok('last scrape', details.join('; '), { targets: targets.length, oldest_age_seconds: oldest })
}

export async function prometheusRows(prometheusUrl: string | null, agent: HostPort): Promise<CheckRow[]> {
  const rows: CheckRow[] = []
  // Without a URL the agent is checked alone: not knowing a Prometheus is no fault of the agent's.
  if (prometheusUrl === null) {
    const why = 'no --prometheus-url / PROMETHEUS_URL given'
    for (const check of PROMETHEUS_CHECKS) rows.push(skip(check, why))
    return rows
  }
  const ready = await get(`${prometheusUrl}/-/ready`)
  if (typeof ready === 'string' || ready.status !== 200) {
    const why = typeof ready === 'string' ? ready : `GET /-/ready answered ${ready.status}`
    rows.push(
      fail(
        'prometheus reachable',
        `${prometheusUrl}: ${why}`,
        'check --prometheus-url / PROMETHEUS_URL and that Prometheus is running (and finished loading its TSDB)',
        {
          url: prometheusUrl,
          error: typeof ready === 'string' ? ready : null,
          http_status: typeof ready === 'string' ? null : ready.status,
        },
      ),
    )
    for (const check of PROMETHEUS_CHECKS.slice(1)) rows.push(skip(check, 'Prometheus unreachable'))
    return rows
  }
  rows.push(
    ok('prometheus reachable', `${prometheusUrl} ready (${ready.ms} ms)`, {
      url: prometheusUrl,
      duration_ms: ready.ms,
    }),
  )

  const answer = await get(`${prometheusUrl}/api/v1/targets`)
  let parsed: TargetsResponse | null = null
  if (typeof answer !== 'string' && answer.status === 200) {
    try {
      parsed = JSON.parse(answer.body) as TargetsResponse
    } catch {
      parsed = null
    }
  }
  if (parsed === null || parsed.status !== 'success') {
    rows.push(
      fail(
        'scrape target',
        `GET /api/v1/targets failed: ${typeof answer === 'string' ? answer : `HTTP ${answer.status}`}`,
        'is --prometheus-url a Prometheus server (not Grafana or a proxy that hides its API)?',
      ),
    )
    rows.push(skip('target up', 'no target list'), skip('last scrape', 'no target list'))
    return rows
  }
  const addresses = await agentAddresses(agent)
  const active = parsed.data?.activeTargets ?? []
  const mine = await targetsOfAgent(active, agent, addresses)
  if (mine.length === 0) {
    const dropped = await droppedOfAgent(parsed.data?.droppedTargets ?? [], agent, addresses)
    const scraped = active.slice(0, 5).map((target) => target.scrapeUrl)
    const detail = `no active target scrapes this agent (port ${agent.port}); Prometheus scrapes ${scraped.length === 0 ? 'nothing' : scraped.join(', ')}${active.length > 5 ? ', …' : ''}`
    const figures = { active_targets: active.length, dropped_for_agent: dropped.length, agent_port: agent.port }
    rows.push(
      dropped.length > 0
        ? fail(
            'scrape target',
            `${detail}; a target for it was dropped by relabeling (job ${dropped[0]?.discoveredLabels.job ?? '?'})`,
            'fix the relabel_configs of that job: a keep/drop rule removes this agent',
            figures,
          )
        : fail('scrape target', detail, scrapeConfig(agent), figures),
    )
    rows.push(skip('target up', 'no target'), skip('last scrape', 'no target'))
    return rows
  }
  const names = mine.map((target) => `job ${target.labels?.job ?? target.scrapePool ?? '?'} ${target.scrapeUrl}`)
  rows.push(ok('scrape target', names.join('; '), { targets: mine.length, active_targets: active.length }))
  const down = mine.find((target) => target.health !== 'up')
  rows.push(
    down === undefined
      ? ok('target up', mine.length === 1 ? 'health up' : `all ${mine.length} up`, { targets_up: mine.length })
      : fail(
          'target up',
          `${down.scrapeUrl} is ${down.health}${down.lastError === '' ? '' : `: ${down.lastError}`}`,
          downFix(down),
          { scrape_url: down.scrapeUrl, health: down.health, error: down.lastError },
        ),
  )
  rows.push(lastScrapeRow(mine))
  return rows
}
