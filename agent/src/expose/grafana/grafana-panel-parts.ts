// What the dashboard's panels share: the label filters of the template variables, the target and
// time-series builders, and thresholds.
// The variables are regexes: one value, `(a|b)` for several, and for All `.+` (job, task, always
// present) or `.*` (namespace, pod: only the Prometheus Operator attaches them, and `=~".*"` also
// matches a series without the label, so a compose or static scrape still shows up).
// `$__rate_interval` is Grafana's rate window (≥ 4 scrape intervals, so rate() always has points).
import { DATASOURCE_REF, type FieldOverride, type GrafanaPanel, type PromTarget } from './grafana-model.js'

/** The scrape target an agent is: every query filters by these. */
export const TARGET_FILTER = 'job=~"$job", namespace=~"$namespace", pod=~"$pod"'
/** Per-task series also by the task variable. */
export const TASK_FILTER = `${TARGET_FILTER}, task=~"$task"`
export const RATE_WINDOW = '[$__rate_interval]'

/** One app: a job (the compose job, or the Operator's Service name) in one namespace. */
export const APP = 'namespace, job'
/** One agent: an app's pod, or the scrape target where there are no pods. */
export const AGENT = 'namespace, job, pod, instance'
/** Legend suffixes; a label the series lacks prints as nothing. */
export const APP_LEGEND = '{{job}} {{namespace}}'
export const AGENT_LEGEND = '{{job}} {{pod}} {{instance}}'

/**
 * Families that other exporters have too (process_*, Prometheus' own scrape_duration_seconds):
 * kept only where the same target is a taskmeter agent, so $job = All does not pull in the rest.
 */
export function ofAgents(selector: string): string {
  return `(${selector} and on (job, instance) taskmeter_build_info{${TARGET_FILTER}})`
}

export interface TargetOptions {
  format?: 'heatmap'
  exemplar?: boolean
}

export function target(refId: string, expr: string, legendFormat: string, options: TargetOptions = {}): PromTarget {
  const base: PromTarget = {
    refId,
    datasource: DATASOURCE_REF,
    editorMode: 'code',
    expr,
    legendFormat,
    range: true,
    instant: false,
  }
  if (options.format !== undefined) base.format = options.format
  if (options.exemplar === true) base.exemplar = true
  return base
}

export interface Threshold {
  color: string
  value: number | null
}

/** Absolute thresholds: `base` below the first step, each step's colour from its value up. */
export function thresholds(base: string, steps: Threshold[] = []): Record<string, unknown> {
  return { mode: 'absolute', steps: [{ color: base, value: null }, ...steps] }
}

/**
 * Time-series field defaults. With `sloLine` set, the panel's thresholds are drawn as a dashed
 * line (the SLO bound) rather than only colouring the legend.
 */
export function timeseriesDefaults(
  unit: string,
  extra: Record<string, unknown> = {},
  sloLine?: Record<string, unknown>,
): Record<string, unknown> {
  const custom: Record<string, unknown> = {
    drawStyle: 'line',
    lineWidth: 1,
    fillOpacity: 0,
    showPoints: 'never',
    spanNulls: false,
    axisSoftMin: 0,
    ...extra,
  }
  const defaults: Record<string, unknown> = { unit, min: 0, color: { mode: 'palette-classic' }, custom }
  if (sloLine !== undefined) {
    custom.thresholdsStyle = { mode: 'dashed' }
    defaults.thresholds = sloLine
  }
  return defaults
}

const LEGEND = { displayMode: 'table', placement: 'bottom', showLegend: true, calcs: ['lastNotNull', 'max'] }
const TOOLTIP = { mode: 'multi', sort: 'desc' }

/** Draws the series of query `refId` dashed. */
export function dashed(refId: string, dash: [number, number]): FieldOverride {
  return {
    matcher: { id: 'byFrameRefID', options: refId },
    properties: [{ id: 'custom.lineStyle', value: { fill: 'dash', dash } }],
  }
}

export type PanelHead = Pick<GrafanaPanel, 'id' | 'title' | 'description' | 'gridPos'>

/** A time series with the dashboard's legend (a table of last and max) and a shared tooltip. */
export function timeseriesPanel(
  head: PanelHead,
  targets: PromTarget[],
  defaults: Record<string, unknown>,
  overrides: FieldOverride[] = [],
): GrafanaPanel {
  return {
    id: head.id,
    type: 'timeseries',
    title: head.title,
    description: head.description,
    gridPos: head.gridPos,
    datasource: DATASOURCE_REF,
    targets,
    fieldConfig: { defaults, overrides },
    options: { legend: LEGEND, tooltip: TOOLTIP },
  }
}
