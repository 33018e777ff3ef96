// The Prometheus config of the Grafana dashboard tests: deploy/prometheus/prometheus.yml with its
// targets pointed at the test agent (scrape interval, rule files and the compose service's flags
// kept), plus a second job that scrapes the same agent with the labels the Prometheus Operator's
// ServiceMonitor attaches (namespace, pod, service, endpoint, container), so that both kinds of
// series are in one Prometheus: with and without namespace and pod.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { parse, stringify } from 'yaml'
import { REPO_ROOT } from './harness/agent-process.js'

/** The compose job of deploy/prometheus/prometheus.yml. */
export const COMPOSE_JOB = 'taskmeter'
/** The Operator's job is the Service's name (deploy/k8s/servicemonitor.yaml scrapes it). */
export const OPERATOR_TARGET = {
  job: 'demo-app-taskmeter',
  namespace: 'shop',
  pod: 'demo-app-7c9d5b8f4-x2kqp',
} as const

interface PromConfig {
  global: { scrape_interval: string }
  rule_files?: string[]
  scrape_configs: Array<{
    job_name: string
    static_configs: Array<{ targets: string[]; labels?: Record<string, string> }>
  }>
}

/** deploy/prometheus/prometheus.yml with every target pointed at the test agent, and the Operator's job. */
export function derivedConfig(httpPort: number): { yaml: string; scrapeSeconds: number } {
  const config = parse(
    readFileSync(path.join(REPO_ROOT, 'deploy', 'prometheus', 'prometheus.yml'), 'utf8'),
  ) as PromConfig
  // The derived file lives in a temp dir: point rule files at the committed files that compose
  // mounts at their container paths.
  if (config.rule_files !== undefined) config.rule_files = config.rule_files.map(hostPathOf)
  for (const job of config.scrape_configs)
    for (const group of job.static_configs) group.targets = group.targets.map(() => `127.0.0.1:${httpPort}`)
  if (!config.scrape_configs.some((job) => job.job_name === COMPOSE_JOB))
    throw new Error(`deploy/prometheus/prometheus.yml has no job "${COMPOSE_JOB}"`)
  const { job, ...labels } = OPERATOR_TARGET
  config.scrape_configs.push({
    job_name: job,
    static_configs: [
      {
        targets: [`127.0.0.1:${httpPort}`],
        labels: { ...labels, service: job, endpoint: 'metrics', container: 'taskmeter' },
      },
    ],
  })
  const match = /^(\d+)s$/.exec(config.global.scrape_interval)
  if (match === null) throw new Error(`expected a scrape interval in seconds, got ${config.global.scrape_interval}`)
  return { yaml: stringify(config), scrapeSeconds: Number(match[1]) }
}

/** Maps a path in the compose prometheus container (relative ones from its config's folder) to the repository file mounted there. */
function hostPathOf(containerPath: string): string {
  const compose = parse(readFileSync(path.join(REPO_ROOT, 'deploy', 'docker-compose.yml'), 'utf8')) as {
    services: { prometheus: { volumes: string[] } }
  }
  const absolute = path.posix.resolve('/etc/prometheus', containerPath)
  let best: { target: string; source: string } | null = null
  for (const volume of compose.services.prometheus.volumes) {
    const [source, target] = volume.split(':') as [string, string]
    const covers = absolute === target || absolute.startsWith(target.endsWith('/') ? target : `${target}/`)
    if (source.startsWith('.') && covers && (best === null || target.length > best.target.length))
      best = { target, source }
  }
  if (best === null) throw new Error(`rule file ${containerPath} is not mounted into the compose prometheus service`)
  return path.join(REPO_ROOT, 'deploy', best.source, path.posix.relative(best.target, absolute))
}

/** The compose prometheus service's flags other than the paths the test must own. */
export function composeFlags(): string[] {
  const compose = parse(readFileSync(path.join(REPO_ROOT, 'deploy', 'docker-compose.yml'), 'utf8')) as {
    services: { prometheus: { command: string[] } }
  }
  return compose.services.prometheus.command.filter(
    (flag) => !flag.startsWith('--config.file=') && !flag.startsWith('--storage.tsdb.path='),
  )
}
