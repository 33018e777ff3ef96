// Reads the PromQL of every panel of the Grafana dashboard (those inside rows too) and substitutes
// the template variables the way Grafana does, so tests can run each expression against a real
// Prometheus.
import type { GrafanaDashboard, GrafanaPanel } from '../agent/src/expose/grafana/grafana-model.js'

export interface PanelExpression {
  panel: string
  /** The title of the row the panel sits in, or null at the top level. */
  row: string | null
  refId: string
  expr: string
  exemplar: boolean
}

/** Every panel, a collapsed row's own panels included, with the row it sits in. */
export function allPanels(dashboard: GrafanaDashboard): Array<{ panel: GrafanaPanel; row: string | null }> {
  const out: Array<{ panel: GrafanaPanel; row: string | null }> = []
  for (const item of dashboard.panels) {
    if (item.type === 'row') for (const panel of item.panels) out.push({ panel, row: item.title })
    else out.push({ panel: item, row: null })
  }
  return out
}

export function panelExpressions(dashboard: GrafanaDashboard): PanelExpression[] {
  const out: PanelExpression[] = []
  for (const { panel, row } of allPanels(dashboard))
    for (const target of panel.targets)
      out.push({ panel: panel.title, row, refId: target.refId, expr: target.expr, exemplar: target.exemplar === true })
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

export interface VariableValues {
  job: string
  namespace: string
  pod: string
  task: string
  rateInterval: string
}

export function substitute(expr: string, vars: VariableValues): string {
  return expr
    .replaceAll('$__rate_interval', () => vars.rateInterval)
    .replaceAll('$namespace', () => vars.namespace)
    .replaceAll('$job', () => vars.job)
    .replaceAll('$pod', () => vars.pod)
    .replaceAll('$task', () => vars.task)
}

const NATIVE = /task_duration_seconds\{/
const CLASSIC = /_bucket\{/

/** A query over native histograms only (task_duration_seconds itself, not its _bucket series). */
export function isNativeHistogramExpression(expr: string): boolean {
  return NATIVE.test(expr) && !CLASSIC.test(expr)
}

/** A query over classic histogram buckets only, which Prometheus 2.x drops while it takes native ones. */
export function isClassicBucketExpression(expr: string): boolean {
  return CLASSIC.test(expr) && !NATIVE.test(expr)
}
