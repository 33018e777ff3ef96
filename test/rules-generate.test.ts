// `npm run rules` (deploy/prometheus/generate-rules.mjs): the committed rules file and
// PrometheusRule are exactly its default output, its flags change what they say they change, bad
// flags exit 2 with one line, every alert links to its own section of docs/runbook.md (and every
// section to an alert), and the output lints clean for other options too, not only the defaults.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1'
import { afterAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { DEFAULT_BUCKETS } from '../agent/src/config/load-config.js'
import { REPO_ROOT } from './harness/agent-process.js'
import { requireTool } from './harness/system-tool.js'
import { GENERATOR, PROMETHEUS_RULE_FILE, RULES_FILE, RUNBOOK, runCommand, runGenerator } from './rules-commands.js'

interface Rule {
  record?: string
  alert?: string
  expr: string
  for?: string
  labels?: Record<string, string>
  annotations?: Record<string, string>
}
interface RulesFile {
  groups: Array<{ name: string; rules: Rule[] }>
}

const REGENERATE =
  'run `npm run rules` and commit deploy/prometheus/rules/taskmeter.rules.yml and deploy/k8s/overlays/prometheus-operator/prometheus-rule.yaml'
const dir = mkdtempSync(path.join(os.tmpdir(), 'taskmeter-rules-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function generate(args: string[]): Promise<{ text: string; rules: Rule[] }> {
  const out = path.join(dir, `rules-${Math.random().toString(36).slice(2)}.yml`)
  const result = await runGenerator([...args, '--out', out])
  expect(result.code, result.stderr).toBe(0)
  const text = readFileSync(out, 'utf8')
  return { text, rules: (parse(text) as RulesFile).groups.flatMap((g) => g.rules) }
}

/** The id GitHub gives a Markdown heading: lower case, punctuation but - and _ removed, spaces to -. */
function githubAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-')
}

const committed = parse(readFileSync(RULES_FILE, 'utf8')) as RulesFile
const alerts = committed.groups.flatMap((g) => g.rules).filter((r) => r.alert !== undefined)

describe('the committed rules', () => {
  it('are byte for byte what `npm run rules` writes with no flags', async () => {
    const out = path.join(dir, 'default.rules.yml')
    const k8sOut = path.join(dir, 'prometheus-rule.yaml')
    const result = await runGenerator(['--out', out, '--k8s-out', k8sOut])
    expect(result.code, result.stderr).toBe(0)
    expect(
      readFileSync(out, 'utf8') === readFileSync(RULES_FILE, 'utf8'),
      `${RULES_FILE} is stale: ${REGENERATE}`,
    ).toBe(true)
    expect(
      readFileSync(k8sOut, 'utf8') === readFileSync(PROMETHEUS_RULE_FILE, 'utf8'),
      `${PROMETHEUS_RULE_FILE} is stale: ${REGENERATE}`,
    ).toBe(true)
  })

  it('hold the recording rules, the four burn-rate alerts and the five agent-health alerts', () => {
    const records = new Set(
      committed.groups.flatMap((g) => g.rules).flatMap((r) => (r.record === undefined ? [] : [r.record])),
    )
    expect([...records].filter((r) => !r.includes('_ratio_') && !r.includes(':ratio_'))).toEqual([
      'job_task:requests:rate5m',
      'job_task_quantile:task_duration_seconds:histogram_quantile',
    ])
    for (const w of ['5m', '30m', '1h', '2h', '6h', '1d', '3d']) {
      expect(records).toContain(`job_task:requests_errors:ratio_rate${w}`)
      expect(records).toContain(`job_task:requests_slow:ratio_rate${w}`)
    }
    expect(alerts.map((a) => `${a.alert} ${a.labels?.severity}`).sort()).toEqual([
      'TaskmeterErrorBudgetFastBurn critical',
      'TaskmeterErrorBudgetSlowBurn warning',
      'TaskmeterInvalidDatagrams warning',
      'TaskmeterLatencyBudgetFastBurn critical',
      'TaskmeterLatencyBudgetSlowBurn warning',
      'TaskmeterScrapeSlow warning',
      'TaskmeterSeriesCapReached warning',
      'TaskmeterTargetDown warning',
      'TaskmeterUDPKernelDrops warning',
    ])
  })

  it('give every alert a summary, a description and an absolute runbook_url into its own section of docs/runbook.md', () => {
    const runbook = readFileSync(RUNBOOK, 'utf8')
    const sections = [...runbook.matchAll(/^## (\S+)$/gm)].map((m) => m[1] as string)
    const anchors = new Set([...runbook.matchAll(/^#{1,6} (.+)$/gm)].map((m) => githubAnchor(m[1] as string)))
    const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
      repository: { url: string }
    }
    for (const a of alerts) {
      expect(Object.keys(a.annotations ?? {}).sort(), a.alert).toEqual(['description', 'runbook_url', 'summary'])
      // Absolute: the link is read in Alertmanager, a chat or a pager, far from any checkout.
      const url = new URL(a.annotations?.runbook_url ?? '')
      expect(`${url.origin}${url.pathname}`, a.alert).toBe(`${manifest.repository.url}/blob/main/docs/runbook.md`)
      expect(anchors.has(url.hash.slice(1)), `${a.alert}: ${url.hash} is no heading of docs/runbook.md`).toBe(true)
      expect(url.hash, a.alert).toBe(`#${githubAnchor(a.alert ?? '')}`)
    }
    expect(sections.sort(), 'one runbook section per alert, no more').toEqual(alerts.map((a) => a.alert).sort())
    for (const name of sections) {
      const body = runbook.split(`## ${name}\n`)[1]?.split(/^## /m)[0] ?? ''
      for (const part of ['**Meaning.**', '**Confirm.**', '**Fix.**']) expect(body, `${name}: ${part}`).toContain(part)
    }
  })

  it('as a PrometheusRule: the same groups, valid against the prometheus-operator schema', () => {
    const manifest = parse(readFileSync(PROMETHEUS_RULE_FILE, 'utf8')) as { kind: string; spec: RulesFile }
    expect(manifest.kind).toBe('PrometheusRule')
    expect(manifest.spec).toEqual(committed)
    expect(() =>
      new PrometheusRule(manifest as ConstructorParameters<typeof PrometheusRule>[0]).validate(),
    ).not.toThrow()
    const broken = structuredClone(manifest)
    ;(broken.spec.groups[0]?.rules[0] as Rule).for = '2 minutes'
    expect(() => new PrometheusRule(broken as ConstructorParameters<typeof PrometheusRule>[0]).validate()).toThrow(
      /for must match pattern/,
    )
  })

  it("assume the agent's default --buckets", () => {
    expect(readFileSync(path.join(path.dirname(GENERATOR), 'generator', 'options.mjs'), 'utf8')).toContain(
      `AGENT_DEFAULT_BUCKETS = '${DEFAULT_BUCKETS}'`,
    )
  })
})

describe('the generator flags', () => {
  it('--slo and --latency-slo set the budgets the burn rates multiply', async () => {
    const { rules } = await generate(['--slo', '99.5', '--latency-slo', '95'])
    const fast = (name: string): string => rules.find((r) => r.alert === name)?.expr ?? ''
    expect(fast('TaskmeterErrorBudgetFastBurn')).toContain('job_task:requests_errors:ratio_rate1h > (14.4 * 0.005)')
    expect(fast('TaskmeterLatencyBudgetFastBurn')).toContain('job_task:requests_slow:ratio_rate6h > (6 * 0.05)')
    expect(rules.find((r) => r.alert === 'TaskmeterErrorBudgetSlowBurn')?.annotations?.description).toContain(
      'the 99.5% SLO allows 0.5%',
    )
  })

  it('--latency-threshold picks the le bucket, matching Prometheus 3 spellings of whole numbers', async () => {
    const half = await generate(['--latency-threshold', '0.5'])
    expect(half.rules.find((r) => r.record === 'job_task:requests_slow:ratio_rate5m')?.expr).toContain('le="0.5"')
    const one = await generate(['--latency-threshold', '1'])
    expect(one.rules.find((r) => r.record === 'job_task:requests_slow:ratio_rate5m')?.expr).toContain('le=~"1|1.0"')
    const custom = await generate(['--buckets', '0.1,0.3,0.9', '--latency-threshold', '0.3'])
    expect(custom.text).toContain('le="0.3"')
    expect(custom.text).toContain('#   npm run rules -- --latency-threshold 0.3 --buckets 0.1,0.3,0.9')
  })

  it('--selector, --max-scrape-seconds and --runbook-url go where they say', async () => {
    const { rules } = await generate([
      '--selector',
      'job="sidecars",env="prod"',
      '--max-scrape-seconds',
      '2',
      '--runbook-url',
      'https://wiki.example/taskmeter',
    ])
    expect(rules.find((r) => r.alert === 'TaskmeterTargetDown')?.expr).toBe('up{job="sidecars",env="prod"} == 0')
    expect(rules.find((r) => r.alert === 'TaskmeterScrapeSlow')?.expr).toContain(
      'avg_over_time(scrape_duration_seconds{job="sidecars",env="prod"}[5m]) > 2',
    )
    expect(rules.find((r) => r.alert === 'TaskmeterSeriesCapReached')?.annotations?.runbook_url).toBe(
      'https://wiki.example/taskmeter#taskmeterseriescapreached',
    )
  })

  it('--test-windows divides every window and `for` by 60 and names the records after the real window', async () => {
    const { text, rules } = await generate(['--test-windows'])
    expect(text).toContain('TEST WINDOWS')
    expect(rules.find((r) => r.record === 'job_task:requests:rate5s')?.expr).toContain('[5s]')
    expect(rules.find((r) => r.record === 'job_task:requests_errors:ratio_rate72m')?.expr).toContain('[72m]')
    const fast = rules.find((r) => r.alert === 'TaskmeterErrorBudgetFastBurn')
    expect(fast?.for).toBe('2s')
    expect(fast?.expr).toContain('job_task:requests_errors:ratio_rate1m > (14.4 * 0.001)')
    expect(rules.find((r) => r.alert === 'TaskmeterTargetDown')?.for).toBe('5s')
  })

  it('rejects a bad value with exit code 2 and one line naming the flag, and writes nothing', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--slo', '100'], /--slo must be a percentage strictly between 0 and 100/],
      [['--slo', 'abc'], /--slo must be a percentage/],
      [['--latency-threshold', '0.3'], /--latency-threshold must be one of the --buckets bounds/],
      [['--max-scrape-seconds', '0'], /--max-scrape-seconds must be a positive number/],
      [['--selector', 'taskmeter'], /--selector must be PromQL label matchers/],
      [['--runbook-url', 'docs/runbook.md'], /--runbook-url must be an absolute http\(s\) URL/],
      [['--runbook-url', 'https://wiki.example/runbook#top'], /--runbook-url must be .* without a #fragment/],
      [['--test-windows'], /--test-windows needs --out/],
      [['--bogus'], /Unknown option '--bogus'/],
    ]
    for (const [args, message] of cases) {
      const out = path.join(dir, 'must-not-exist.yml')
      const result = await runGenerator([...args, ...(args.includes('--test-windows') ? [] : ['--out', out])])
      expect(result.code, args.join(' ')).toBe(2)
      expect(result.stderr, args.join(' ')).toMatch(message)
      expect(result.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1)
      expect(existsSync(out), args.join(' ')).toBe(false)
    }
    const help = await runGenerator(['--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('Usage: npm run rules -- [flags]')
  })

  it('writes YAML that yamllint --strict accepts with the deploy/ rules, for non-default options too', async () => {
    const yamllint = requireTool('yamllint', 'apt-get install yamllint')
    const files = [path.join(dir, 'lint-test.yml'), path.join(dir, 'lint-custom.yml'), path.join(dir, 'lint-k8s.yml')]
    expect((await runGenerator(['--test-windows', '--out', files[0] as string])).code).toBe(0)
    expect(
      (
        await runGenerator([
          '--slo',
          '99.95',
          '--latency-threshold',
          '1',
          '--out',
          files[1] as string,
          '--k8s-out',
          files[2] as string,
        ])
      ).code,
    ).toBe(0)
    const result = await runCommand(yamllint, ['--strict', '-c', 'deploy/.yamllint.yml', ...files])
    expect({ code: result.code, output: result.stdout + result.stderr }).toEqual({ code: 0, output: '' })
  })
})
