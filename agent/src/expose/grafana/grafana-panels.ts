// The five panels of the taskmeter Grafana dashboard, over the agent's metric names:
// 1 latency percentiles, 2 throughput, 3 active tasks, 4 error rate, 5 latency distribution.
// `$task` is the multi-select task variable (a regex: `(a|b)` or `.+` for All) and
// `$__rate_interval` is Grafana's rate window (≥ 4 scrape intervals, so rate() always has points).
import {
  DATASOURCE_REF,
  type FieldOverride,
  type GrafanaPanel,
  type GridPos,
  type PromTarget,
} from './grafana-model.js'

const TASKS = 'task=~"$task"'
const RATE_WINDOW = '[$__rate_interval]'

/** The quantiles the agent reports, as histogram_quantile() arguments and legend names. */
const PERCENTILES: ReadonlyArray<readonly [number, string]> = [
  [0.5, 'p50'],
  [0.95, 'p95'],
  [0.99, 'p99'],
  [0.999, 'p99.9'],
]

function target(refId: string, expr: string, legendFormat: string, format?: 'heatmap'): PromTarget {
  const base: PromTarget = {
    refId,
    datasource: DATASOURCE_REF,
    editorMode: 'code',
    expr,
    legendFormat,
    range: true,
    instant: false,
  }
  return format === undefined ? base : { ...base, format }
}

function timeseriesDefaults(unit: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    unit,
    min: 0,
    color: { mode: 'palette-classic' },
    custom: {
      drawStyle: 'line',
      lineWidth: 1,
      fillOpacity: 0,
      showPoints: 'never',
      spanNulls: false,
      axisSoftMin: 0,
      ...extra,
    },
  }
}

const LEGEND = { displayMode: 'table', placement: 'bottom', showLegend: true, calcs: ['lastNotNull', 'max'] }
const TOOLTIP = { mode: 'multi', sort: 'desc' }

/** Draws the series of query `refId` dashed. */
function dashed(refId: string, dash: [number, number]): FieldOverride {
  return {
    matcher: { id: 'byFrameRefID', options: refId },
    properties: [{ id: 'custom.lineStyle', value: { fill: 'dash', dash } }],
  }
}

/** Panels 1 to 4: time series with the same legend (a table of last and max) and a shared tooltip. */
function timeseriesPanel(
  head: Pick<GrafanaPanel, 'id' | 'title' | 'description' | 'gridPos'>,
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

function latencyPanel(gridPos: GridPos): GrafanaPanel {
  const cumulative = PERCENTILES.map(([q, name], i) =>
    target(
      String.fromCharCode(65 + i),
      `histogram_quantile(${q}, sum by (task, le) (rate(task_duration_seconds_bucket{${TASKS}}${RATE_WINDOW})))`,
      `{{task}} ${name}`,
    ),
  )
  // The same percentiles from the native histograms: Prometheus 2.x with
  // --enable-feature=native-histograms (or 3.x with scrape_native_histograms) stores only those,
  // a classic Prometheus only the _bucket series; the panel has data either way.
  const native = PERCENTILES.map(([q, name], i) =>
    target(
      String.fromCharCode(70 + i),
      `histogram_quantile(${q}, sum by (task) (rate(task_duration_seconds{${TASKS}}${RATE_WINDOW})))`,
      `{{task}} ${name} (native)`,
    ),
  )
  return timeseriesPanel(
    {
      id: 1,
      title: 'Latency percentiles',
      description:
        "p50/p95/p99/p99.9 from the task_duration_seconds buckets (solid; classic buckets at the resolution of the --buckets bounds, or native histograms within a few % when Prometheus scrapes them) and the agent's exact HdrHistogram percentiles over its sliding window, task_duration_window_seconds (dashed).",
      gridPos,
    },
    [...cumulative, target('E', `task_duration_window_seconds{${TASKS}}`, '{{task}} window q{{quantile}}'), ...native],
    timeseriesDefaults('s', { scaleDistribution: { type: 'log', log: 10 } }),
    [dashed('E', [10, 10])],
  )
}

function throughputPanel(gridPos: GridPos): GrafanaPanel {
  return timeseriesPanel(
    {
      id: 2,
      title: 'Throughput',
      description:
        "requests_per_second is the agent's own sliding-window rate; rate(requests_total) is Prometheus' rate over the scrapes.",
      gridPos,
    },
    [
      target('A', `sum by (task) (requests_per_second{${TASKS}})`, '{{task}} req/s (agent window)'),
      target('B', `sum by (task) (rate(requests_total{${TASKS}}${RATE_WINDOW}))`, '{{task}} rate(requests_total)'),
    ],
    timeseriesDefaults('reqps'),
  )
}

function activePanel(gridPos: GridPos): GrafanaPanel {
  return timeseriesPanel(
    {
      id: 3,
      title: 'Active tasks',
      description: "Tasks in flight: live clients' in-flight reports plus start − end events (tasks_active).",
      gridPos,
    },
    [target('A', `sum by (task) (tasks_active{${TASKS}})`, '{{task}}')],
    timeseriesDefaults('short', { drawStyle: 'line', lineInterpolation: 'stepAfter', fillOpacity: 10 }),
  )
}

function errorRatePanel(gridPos: GridPos): GrafanaPanel {
  const ratio = (status: string): string =>
    `sum by (task) (rate(requests_total{${TASKS}, status="${status}"}${RATE_WINDOW})) / sum by (task) (rate(requests_total{${TASKS}}${RATE_WINDOW}))`
  return timeseriesPanel(
    {
      id: 4,
      title: 'Error rate',
      description: 'Share of requests that failed (status="error") and that succeeded, per task.',
      gridPos,
    },
    [target('A', ratio('error'), '{{task}} error'), target('B', ratio('success'), '{{task}} success')],
    { ...timeseriesDefaults('percentunit'), max: 1 },
    [dashed('B', [4, 6])],
  )
}

function distributionPanel(gridPos: GridPos): GrafanaPanel {
  return {
    id: 5,
    type: 'heatmap',
    title: 'Latency distribution',
    description:
      'Requests per task_duration_seconds bucket over time (the selected tasks together): classic le buckets, or native histogram buckets when Prometheus stores those.',
    gridPos,
    datasource: DATASOURCE_REF,
    targets: [
      target('A', `sum by (le) (increase(task_duration_seconds_bucket{${TASKS}}${RATE_WINDOW}))`, '{{le}}', 'heatmap'),
      // Native histograms: Grafana draws their buckets as heatmap rows.
      target('B', `sum(increase(task_duration_seconds{${TASKS}}${RATE_WINDOW}))`, 'native', 'heatmap'),
    ],
    fieldConfig: {
      defaults: {
        custom: { hideFrom: { legend: false, tooltip: false, viz: false }, scaleDistribution: { type: 'linear' } },
      },
      overrides: [],
    },
    options: {
      calculate: false,
      cellGap: 1,
      color: {
        mode: 'scheme',
        scheme: 'Oranges',
        steps: 64,
        exponent: 0.5,
        fill: 'dark-orange',
        reverse: false,
        scale: 'exponential',
      },
      filterValues: { le: 1e-9 },
      legend: { show: true },
      rowsFrame: { layout: 'auto' },
      tooltip: { mode: 'single', yHistogram: true, showColorScale: false },
      yAxis: { axisPlacement: 'left', unit: 's', reverse: false },
      cellValues: { unit: 'short' },
    },
  }
}

export function buildPanels(): GrafanaPanel[] {
  return [
    latencyPanel({ x: 0, y: 0, w: 24, h: 9 }),
    throughputPanel({ x: 0, y: 9, w: 12, h: 8 }),
    activePanel({ x: 12, y: 9, w: 12, h: 8 }),
    errorRatePanel({ x: 0, y: 17, w: 12, h: 8 }),
    distributionPanel({ x: 12, y: 17, w: 12, h: 8 }),
  ]
}
