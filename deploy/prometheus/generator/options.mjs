// The generator's flags, parsed and validated once, before any work. A bad value is one line on
// stderr and exit code 2, like the agent's own flags.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'

// Must equal the agent's --buckets default (agent/src/config/load-config.ts DEFAULT_BUCKETS);
// test/rules-generate.test.ts compares them.
export const AGENT_DEFAULT_BUCKETS = '0.001,0.005,0.01,0.025,0.05,0.1,0.25,0.5,1,2.5,5,10'

/**
 * The runbook on the repository's web page, from the root package.json's `repository`: an alert
 * reaches Alertmanager, Slack or a pager far from any checkout, so a relative link would lead
 * nowhere.
 */
function repositoryRunbookUrl() {
  const manifest = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'))
  const url = String(manifest.repository?.url ?? '')
    .replace(/^git\+/, '')
    .replace(/\.git$/, '')
  if (!/^https:\/\//.test(url)) throw new Error(`package.json repository.url is not an https URL: "${url}"`)
  return `${url}/blob/main/docs/runbook.md`
}

export const DEFAULTS = Object.freeze({
  slo: '99.9',
  latencyThreshold: '0.25',
  latencySlo: '99',
  buckets: AGENT_DEFAULT_BUCKETS,
  // Matches the compose job ("taskmeter") and the Prometheus Operator's job, which is the Service
  // name ("demo-app-taskmeter" in deploy/k8s/).
  selector: 'job=~".*taskmeter.*"',
  maxScrapeSeconds: '0.5',
  runbookUrl: repositoryRunbookUrl(),
})

export const USAGE = `Usage: npm run rules -- [flags]

Writes deploy/prometheus/rules/taskmeter.rules.yml and
deploy/k8s/overlays/prometheus-operator/prometheus-rule.yaml (the same rules as a PrometheusRule),
or only the files named by --out / --k8s-out.

  --slo <percent>               availability SLO: successful requests (default ${DEFAULTS.slo})
  --latency-threshold <seconds> a request slower than this is "slow"; must be one of the
                                --buckets bounds (default ${DEFAULTS.latencyThreshold})
  --latency-slo <percent>       requests faster than the threshold (default ${DEFAULTS.latencySlo})
  --buckets <list>              the agent's --buckets, if you changed them (default: the agent's)
  --selector <matchers>         PromQL matchers for taskmeter targets (default ${DEFAULTS.selector})
  --max-scrape-seconds <s>      TaskmeterScrapeSlow bound (default ${DEFAULTS.maxScrapeSeconds})
  --runbook-url <url>           absolute http(s) URL of the runbook; each alert links to its
                                #anchor (default ${DEFAULTS.runbookUrl})
  --test-windows                hours become minutes, minutes seconds (for tests; needs --out)
  --out <path|->                write the rules file here (- = stdout)
  --k8s-out <path|->            write the PrometheusRule here
  -h, --help                    show this help
`

export class UsageError extends Error {}

function percent(flag, text) {
  const value = Number(text)
  if (!/^\d+(\.\d+)?$/.test(text) || !(value > 0 && value < 100)) {
    throw new UsageError(`--${flag} must be a percentage strictly between 0 and 100, e.g. 99.9 (got "${text}")`)
  }
  return value
}

function positive(flag, text) {
  const value = Number(text)
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0)
    throw new UsageError(`--${flag} must be a positive number of seconds (got "${text}")`)
  return value
}

function isAbsoluteHttpUrl(text) {
  try {
    const url = new URL(text)
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.host !== ''
  } catch {
    return false
  }
}

const outputPath = (callerDir, given) => (given === '-' ? '-' : path.resolve(callerDir, given))

/** The error budget as a fraction, without binary noise: 99.9 → 0.001, not 0.0010000000000000009. */
export function budgetOf(sloPercent) {
  return Number(((100 - sloPercent) / 100).toPrecision(12))
}

/**
 * Parses argv (without node and script). Returns null for --help; throws UsageError. Output paths
 * come back absolute, except "-" (stdout).
 */
export function readOptions(argv, repoRoot, callerDir) {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        slo: { type: 'string', default: DEFAULTS.slo },
        'latency-threshold': { type: 'string', default: DEFAULTS.latencyThreshold },
        'latency-slo': { type: 'string', default: DEFAULTS.latencySlo },
        buckets: { type: 'string', default: DEFAULTS.buckets },
        selector: { type: 'string', default: DEFAULTS.selector },
        'max-scrape-seconds': { type: 'string', default: DEFAULTS.maxScrapeSeconds },
        'runbook-url': { type: 'string', default: DEFAULTS.runbookUrl },
        'test-windows': { type: 'boolean', default: false },
        out: { type: 'string' },
        'k8s-out': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    })
  } catch (err) {
    throw new UsageError(`${err instanceof Error ? err.message.split('\n')[0] : String(err)} (see --help)`)
  }
  const v = parsed.values
  if (v.help) return null
  const buckets = v.buckets.split(',').map((s) => positive('buckets', s.trim()))
  const latencyThreshold = positive('latency-threshold', v['latency-threshold'])
  // The slow fraction reads one classic bucket exactly; between two bounds it would have to be
  // interpolated, which is as wrong as the bucket is wide (0.25 s → 0.5 s), so we refuse instead.
  if (!buckets.includes(latencyThreshold)) {
    throw new UsageError(
      `--latency-threshold must be one of the --buckets bounds (${buckets.join(', ')}) (got "${v['latency-threshold']}")`,
    )
  }
  if (!/^[a-zA-Z_][a-zA-Z0-9_]*\s*(=|!=|=~|!~)\s*"/.test(v.selector)) {
    throw new UsageError(
      `--selector must be PromQL label matchers without braces, e.g. job="taskmeter" (got "${v.selector}")`,
    )
  }
  if (!isAbsoluteHttpUrl(v['runbook-url']) || v['runbook-url'].includes('#')) {
    throw new UsageError(
      `--runbook-url must be an absolute http(s) URL without a #fragment, e.g. https://wiki.example/taskmeter (got "${v['runbook-url']}")`,
    )
  }
  if (v['test-windows'] && v.out === undefined) {
    throw new UsageError('--test-windows needs --out: the committed files hold the production windows')
  }
  const writeDefaults = v.out === undefined && v['k8s-out'] === undefined
  return Object.freeze({
    slo: percent('slo', v.slo),
    latencySlo: percent('latency-slo', v['latency-slo']),
    latencyThreshold,
    buckets: v.buckets,
    selector: v.selector,
    maxScrapeSeconds: positive('max-scrape-seconds', v['max-scrape-seconds']),
    runbookUrl: v['runbook-url'],
    testWindows: v['test-windows'],
    // The committed files are found from the repository root; paths given on the command line from
    // where the command was typed (INIT_CWD under npm run).
    out:
      v.out !== undefined
        ? outputPath(callerDir, v.out)
        : writeDefaults
          ? path.join(repoRoot, 'deploy/prometheus/rules/taskmeter.rules.yml')
          : null,
    k8sOut:
      v['k8s-out'] !== undefined
        ? outputPath(callerDir, v['k8s-out'])
        : writeDefaults
          ? path.join(repoRoot, 'deploy/k8s/overlays/prometheus-operator/prometheus-rule.yaml')
          : null,
  })
}
