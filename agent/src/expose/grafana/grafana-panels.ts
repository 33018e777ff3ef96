// The per-task panels of the taskmeter Grafana dashboard, over the agent's metric names:
// latency percentiles, throughput, active tasks, error rate, latency distribution. Each per-task
// series is one task of one app (summed over the app's pods, never across apps); only the heatmap
// adds the selected apps together, and says so in its title.
import { DATASOURCE_REF, type GrafanaPanel, type GridPos } from './grafana-model.js'
import {
  APP,
  APP_LEGEND,
  RATE_WINDOW,
  TASK_FILTER,
  dashed,
  target,
  thresholds,
  timeseriesDefaults,
  timeseriesPanel,
} from './grafana-panel-parts.js'
import { AVAILABILITY_SLO_PERCENT, LATENCY_THRESHOLD_SECONDS, errorBudgetOf } from './grafana-slo.js'

/** The quantiles the agent reports, as histogram_quantile() arguments and legend names. */
const PERCENTILES: ReadonlyArray<readonly [number, string]> = [
  [0.5, 'p50'],
  [0.95, 'p95'],
  [0.99, 'p99'],
  [0.999, 'p99.9'],
]

const BY_TASK = `${APP}, task`
const TASK_LEGEND = `{{task}} · ${APP_LEGEND}`

function latencyPanel(gridPos: GridPos): GrafanaPanel {
  // Exemplars on: where the agent's series carry them and Prometheus stores them, Grafana draws
  // them over the percentiles and links each to its trace.
  const exemplar = { exemplar: true }
  const cumulative = PERCENTILES.map(([q, name], i) =>
    target(
      String.fromCharCode(65 + i),
      `histogram_quantile(${q}, sum by (${BY_TASK}, le) (rate(task_duration_seconds_bucket{${TASK_FILTER}}${RATE_WINDOW})))`,
      `{{task}} ${name} · ${APP_LEGEND}`,
      exemplar,
    ),
  )
  // The same percentiles from the native histograms: Prometheus 2.x with
  // --enable-feature=native-histograms (or 3.x with scrape_native_histograms) stores only those,
  // a classic Prometheus only the _bucket series; the panel has data either way.
  const native = PERCENTILES.map(([q, name], i) =>
    target(
      String.fromCharCode(70 + i),
      `histogram_quantile(${q}, sum by (${BY_TASK}) (rate(task_duration_seconds{${TASK_FILTER}}${RATE_WINDOW})))`,
      `{{task}} ${name} (native) · ${APP_LEGEND}`,
      exemplar,
    ),
  )
  return timeseriesPanel(
    {
      id: 1,
      title: 'Latency percentiles',
      description: `p50/p95/p99/p99.9 per task and app from the task_duration_seconds buckets (solid; classic buckets at the resolution of the --buckets bounds, or native histograms within a few % when Prometheus scrapes them) and the agent's exact HdrHistogram percentiles over its sliding window, task_duration_window_seconds (dashed, per pod). The dashed red line is the latency SLO threshold (${LATENCY_THRESHOLD_SECONDS} s).`,
      gridPos,
    },
    [
      ...cumulative,
      target(
        'E',
        `task_duration_window_seconds{${TASK_FILTER}}`,
        `{{task}} window q{{quantile}} · ${APP_LEGEND} {{pod}}`,
        exemplar,
      ),
      ...native,
    ],
    timeseriesDefaults(
      's',
      { scaleDistribution: { type: 'log', log: 10 } },
      thresholds('green', [{ color: 'red', value: LATENCY_THRESHOLD_SECONDS }]),
    ),
    [dashed('E', [10, 10])],
  )
}

function throughputPanel(gridPos: GridPos): GrafanaPanel {
  return timeseriesPanel(
    {
      id: 2,
      title: 'Throughput',
      description:
        "Per task and app. requests_per_second is the agent's own sliding-window rate; rate(requests_total) is Prometheus' rate over the scrapes.",
      gridPos,
    },
    [
      target('A', `sum by (${BY_TASK}) (requests_per_second{${TASK_FILTER}})`, `${TASK_LEGEND} (agent window)`),
      target(
        'B',
        `sum by (${BY_TASK}) (rate(requests_total{${TASK_FILTER}}${RATE_WINDOW}))`,
        `${TASK_LEGEND} rate(requests_total)`,
      ),
    ],
    timeseriesDefaults('reqps'),
  )
}

function activePanel(gridPos: GridPos): GrafanaPanel {
  return timeseriesPanel(
    {
      id: 3,
      title: 'Active tasks',
      description:
        "Tasks in flight per task and app: live clients' in-flight reports plus start − end events (tasks_active).",
      gridPos,
    },
    [target('A', `sum by (${BY_TASK}) (tasks_active{${TASK_FILTER}})`, TASK_LEGEND)],
    timeseriesDefaults('short', { drawStyle: 'line', lineInterpolation: 'stepAfter', fillOpacity: 10 }),
  )
}

function errorRatePanel(gridPos: GridPos): GrafanaPanel {
  const budget = errorBudgetOf(AVAILABILITY_SLO_PERCENT)
  return timeseriesPanel(
    {
      id: 4,
      title: 'Error rate',
      description: `Share of requests that failed (status="error"), per task and app. The dashed red line is the error budget of the ${AVAILABILITY_SLO_PERCENT} % availability SLO (${budget * 100} %): above it, the budget burns faster than it lasts 30 days.`,
      gridPos,
    },
    [
      target(
        'A',
        `sum by (${BY_TASK}) (rate(requests_total{${TASK_FILTER}, status="error"}${RATE_WINDOW})) / sum by (${BY_TASK}) (rate(requests_total{${TASK_FILTER}}${RATE_WINDOW}))`,
        TASK_LEGEND,
      ),
    ],
    // The axis reaches at least twice the budget, so the SLO line shows while nothing fails.
    {
      ...timeseriesDefaults(
        'percentunit',
        { axisSoftMax: 2 * budget },
        thresholds('green', [{ color: 'red', value: budget }]),
      ),
      max: 1,
    },
  )
}

function distributionPanel(gridPos: GridPos): GrafanaPanel {
  return {
    id: 5,
    type: 'heatmap',
    title: 'Latency distribution (all apps and tasks selected)',
    description:
      'Requests per task_duration_seconds bucket over time, the selected tasks of all the selected apps together: classic le buckets, or native histogram buckets when Prometheus stores those.',
    gridPos,
    datasource: DATASOURCE_REF,
    targets: [
      target('A', `sum by (le) (increase(task_duration_seconds_bucket{${TASK_FILTER}}${RATE_WINDOW}))`, '{{le}}', {
        format: 'heatmap',
      }),
      // Native histograms: Grafana draws their buckets as heatmap rows.
      target('B', `sum(increase(task_duration_seconds{${TASK_FILTER}}${RATE_WINDOW}))`, 'native', {
        format: 'heatmap',
      }),
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

/** The per-task panels, from row `top` of the grid down; returns them and the first free row. */
export function buildTaskPanels(top: number): { panels: GrafanaPanel[]; bottom: number } {
  return {
    panels: [
      latencyPanel({ x: 0, y: top, w: 24, h: 9 }),
      throughputPanel({ x: 0, y: top + 9, w: 12, h: 8 }),
      activePanel({ x: 12, y: top + 9, w: 12, h: 8 }),
      errorRatePanel({ x: 0, y: top + 17, w: 12, h: 8 }),
      distributionPanel({ x: 12, y: top + 17, w: 12, h: 8 }),
    ],
    bottom: top + 25,
  }
}
