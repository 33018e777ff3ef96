// Reads the PromQL of every panel of the Grafana dashboard and substitutes the template variables
// the way Grafana does, so tests can run each expression against a real Prometheus.
import type { GrafanaDashboard } from '../agent/src/expose/grafana/grafana-model.js'

export interface PanelExpression {
  panel: string
  refId: string
  expr: string
}

export function panelExpressions(dashboard: GrafanaDashboard): PanelExpression[] {
  const out: PanelExpression[] = []
  for (const panel of dashboard.panels)
    for (const target of panel.targets) out.push({ panel: panel.title, refId: target.refId, expr: target.expr })
  return out
}

/**
 * Grafana's Prometheus formatting of a multi-value variable inside `=~"…"`: each value
 * regex-escaped with the backslash doubled (the PromQL string literal eats one), joined `(a|b)`.
 */
export function multiValueRegex(values: readonly string[]): string {
  const escaped = values.map((v) => v.replace(/\\/g, '\\\\\\\\').replace(/[$^*{}[\]'+?.()|]/g, '\\\\$&'))
  return escaped.length === 1 ? (escaped[0] as string) : `(${escaped.join('|')})`
}

export function substitute(expr: string, vars: { task: string; rateInterval: string }): string {
  return expr.replaceAll('$__rate_interval', () => vars.rateInterval).replaceAll('$task', () => vars.task)
}

/** A query over native histograms: task_duration_seconds itself, not its _bucket series. */
export function isNativeHistogramExpression(expr: string): boolean {
  return /task_duration_seconds\{/.test(expr)
}

/** A query over classic histogram buckets, which Prometheus 2.x drops while it takes native ones. */
export function isClassicBucketExpression(expr: string): boolean {
  return /_bucket\{/.test(expr)
}
