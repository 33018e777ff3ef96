// Recording rules per task (summed over instances) and the multi-window, multi-burn-rate SLO
// alerts of the Google SRE Workbook, ch. 5 "Alerting on SLOs", table 5-8: a 30-day budget, paged
// at 14.4× over 1h (confirmed over 5m) or 6× over 6h (30m), ticketed at 3× over 1d (2h) or 1× over
// 3d (6h). The short window makes an alert stop soon after the burn stops.
import { budgetOf } from './options.mjs'
import { formatDuration, windowScaler } from './prom-duration.mjs'

const MINUTE = 60
const HOUR = 3_600
const DAY = 86_400

export const BURN_ALERTS = [
  {
    suffix: 'FastBurn',
    severity: 'critical',
    forSeconds: 2 * MINUTE,
    pairs: [
      { factor: 14.4, longSeconds: HOUR, shortSeconds: 5 * MINUTE },
      { factor: 6, longSeconds: 6 * HOUR, shortSeconds: 30 * MINUTE },
    ],
  },
  {
    suffix: 'SlowBurn',
    severity: 'warning',
    forSeconds: 15 * MINUTE,
    pairs: [
      { factor: 3, longSeconds: DAY, shortSeconds: 2 * HOUR },
      { factor: 1, longSeconds: 3 * DAY, shortSeconds: 6 * HOUR },
    ],
  },
]

// Request rate and quantiles are recorded over this window (what a dashboard graphs).
const BASE_WINDOW_SECONDS = 5 * MINUTE
const QUANTILES = ['0.5', '0.95', '0.99']

/** Every window an SLO alert reads, shortest first. */
function sloWindows() {
  const all = new Set([BASE_WINDOW_SECONDS])
  for (const alert of BURN_ALERTS) for (const pair of alert.pairs) all.add(pair.longSeconds).add(pair.shortSeconds)
  return [...all].sort((a, b) => a - b)
}

export function matchers(options, extra = '') {
  return `{${options.selector}${extra === '' ? '' : ',' + extra}}`
}

/**
 * The `le` matcher of the threshold bucket. Prometheus 3 normalises integer bounds of classic
 * histograms to "1.0" while 2.x keeps the exposed "1", so an integer bound matches both spellings.
 */
function leMatcher(thresholdSeconds) {
  const text = String(thresholdSeconds)
  return Number.isInteger(thresholdSeconds) ? `le=~"${text}|${text}.0"` : `le="${text}"`
}

export function sloRecordNames(options) {
  const scale = windowScaler(options.testWindows)
  const name = (seconds) => formatDuration(scale(seconds))
  return {
    requestRate: `job_task:requests:rate${name(BASE_WINDOW_SECONDS)}`,
    quantile: 'job_task_quantile:task_duration_seconds:histogram_quantile',
    errorRatio: (seconds) => `job_task:requests_errors:ratio_rate${name(seconds)}`,
    slowRatio: (seconds) => `job_task:requests_slow:ratio_rate${name(seconds)}`,
  }
}

export function sloGroups(options) {
  const scale = windowScaler(options.testWindows)
  const names = sloRecordNames(options)
  const base = formatDuration(scale(BASE_WINDOW_SECONDS))
  const all = matchers(options)
  const requests = [{ record: names.requestRate, expr: `sum by (job, task) (rate(requests_total${all}[${base}]))` }]
  for (const q of QUANTILES) {
    requests.push({
      record: names.quantile,
      // Classic buckets first; where only native histograms are scraped, the native form.
      expr: [
        `histogram_quantile(${q},`,
        `  sum by (job, task, le) (rate(task_duration_seconds_bucket${all}[${base}])))`,
        `or histogram_quantile(${q},`,
        `  sum by (job, task) (rate(task_duration_seconds${all}[${base}])))`,
      ].join('\n'),
      labels: { quantile: q },
    })
  }
  const errors = []
  const slow = []
  for (const seconds of sloWindows()) {
    const w = formatDuration(scale(seconds))
    errors.push({
      record: names.errorRatio(seconds),
      expr: [
        `sum by (job, task) (rate(requests_total${matchers(options, 'status="error"')}[${w}]))`,
        `  / sum by (job, task) (rate(requests_total${all}[${w}]))`,
      ].join('\n'),
    })
    slow.push({
      record: names.slowRatio(seconds),
      // 1 - fast / all: "/" binds tighter than "-".
      expr: [
        `1 - sum by (job, task) (rate(task_duration_seconds_bucket${matchers(options, leMatcher(options.latencyThreshold))}[${w}]))`,
        `  / sum by (job, task) (rate(task_duration_seconds_count${all}[${w}]))`,
      ].join('\n'),
    })
  }
  // Each SLO's alerts sit in the group that records their ratios, after them: rules of one group run
  // in order, so an alert reads the ratios of the same evaluation, never those of the previous one
  // (separate groups run concurrently, in no fixed order).
  const alerts = burnRateAlerts(options)
  return [
    { name: 'taskmeter.requests.rules', rules: requests },
    { name: 'taskmeter.slo-errors', rules: [...errors, ...alerts.errors] },
    { name: 'taskmeter.slo-latency', rules: [...slow, ...alerts.latency] },
  ]
}

function burnExpr(pairs, recordOf, budget) {
  return pairs
    .map((p) =>
      [
        '(',
        `  ${recordOf(p.longSeconds)} > (${p.factor} * ${budget})`,
        '  and',
        `  ${recordOf(p.shortSeconds)} > (${p.factor} * ${budget})`,
        ')',
      ].join('\n'),
    )
    .join('\nor\n')
}

function pairsText(pairs, scale) {
  return pairs
    .map(
      (p) => `${p.factor}× over ${formatDuration(scale(p.longSeconds))} and ${formatDuration(scale(p.shortSeconds))}`,
    )
    .join(', or ')
}

export function runbookUrl(options, alert) {
  return `${options.runbookUrl}#${alert.toLowerCase()}`
}

function burnRateAlerts(options) {
  const scale = windowScaler(options.testWindows)
  const names = sloRecordNames(options)
  const errorBudget = budgetOf(options.slo)
  const latencyBudget = budgetOf(options.latencySlo)
  // The error and latency alerts differ only in their name, ratio, budget and wording.
  const burnAlert = (alert, prefix, ratio, budget, summary, description) => {
    const name = `${prefix}${alert.suffix}`
    return {
      alert: name,
      expr: burnExpr(alert.pairs, ratio, budget),
      for: formatDuration(scale(alert.forSeconds)),
      labels: { severity: alert.severity },
      annotations: { summary, description, runbook_url: runbookUrl(options, name) },
    }
  }
  const errors = []
  const latency = []
  for (const alert of BURN_ALERTS) {
    const speed = alert.suffix === 'FastBurn' ? 'fast' : 'slow'
    errors.push(
      burnAlert(
        alert,
        'TaskmeterErrorBudget',
        names.errorRatio,
        errorBudget,
        `Task {{$labels.task}} is burning its ${options.slo}% availability error budget (${speed}).`,
        `{{$value|humanizePercentage}} of the requests of task {{$labels.task}} (job {{$labels.job}}) failed ` +
          `over the long window; the ${options.slo}% SLO allows ${+(errorBudget * 100).toPrecision(12)}%. ` +
          `Burn rate ${pairsText(alert.pairs, scale)} of a 30-day budget.`,
      ),
    )
    latency.push(
      burnAlert(
        alert,
        'TaskmeterLatencyBudget',
        names.slowRatio,
        latencyBudget,
        `Task {{$labels.task}} is too often slower than ${options.latencyThreshold}s (${speed} burn).`,
        `{{$value|humanizePercentage}} of the requests of task {{$labels.task}} (job {{$labels.job}}) took longer ` +
          `than ${options.latencyThreshold}s over the long window; the SLO (${options.latencySlo}% within ${options.latencyThreshold}s) ` +
          `allows ${+(latencyBudget * 100).toPrecision(12)}%. Burn rate ${pairsText(alert.pairs, scale)} of a 30-day budget.`,
      ),
    )
  }
  return { errors, latency }
}
