// The stat row at the top of the dashboard: requests/s, error ratio and p99 of each selected app
// (all its tasks and pods together), coloured by the SLO the alert rules use, so a red tile is an
// app whose alerts burn budget.
import { DATASOURCE_REF, type GrafanaPanel, type GridPos, type PromTarget } from './grafana-model.js'
import { APP, APP_LEGEND, RATE_WINDOW, TASK_FILTER, target, thresholds } from './grafana-panel-parts.js'
import {
  AVAILABILITY_SLO_PERCENT,
  LATENCY_SLO_PERCENT,
  LATENCY_SLO_QUANTILE,
  LATENCY_THRESHOLD_SECONDS,
  errorBudgetOf,
} from './grafana-slo.js'

const STAT_OPTIONS = {
  reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
  colorMode: 'background',
  graphMode: 'area',
  justifyMode: 'auto',
  orientation: 'auto',
  textMode: 'value_and_name',
  wideLayout: true,
  showPercentChange: false,
}

function statPanel(
  head: Pick<GrafanaPanel, 'id' | 'title' | 'description'>,
  gridPos: GridPos,
  targets: PromTarget[],
  unit: string,
  colours: Record<string, unknown>,
): GrafanaPanel {
  return {
    id: head.id,
    type: 'stat',
    title: head.title,
    description: head.description,
    gridPos,
    datasource: DATASOURCE_REF,
    targets,
    fieldConfig: { defaults: { unit, decimals: 2, color: { mode: 'thresholds' }, thresholds: colours }, overrides: [] },
    options: STAT_OPTIONS,
  }
}

const all = `requests_total{${TASK_FILTER}}`

function requestsStat(gridPos: GridPos): GrafanaPanel {
  return statPanel(
    { id: 11, title: 'Requests/s', description: 'Requests per second of each app, all its selected tasks.' },
    gridPos,
    [target('A', `sum by (${APP}) (rate(${all}${RATE_WINDOW}))`, APP_LEGEND)],
    'reqps',
    // Traffic has no SLO: one colour.
    thresholds('blue'),
  )
}

function errorRatioStat(gridPos: GridPos): GrafanaPanel {
  const budget = errorBudgetOf(AVAILABILITY_SLO_PERCENT)
  return statPanel(
    {
      id: 12,
      title: 'Error ratio',
      description: `Failed ÷ all requests of each app. Red from ${budget * 100} %, the error budget of the ${AVAILABILITY_SLO_PERCENT} % availability SLO.`,
    },
    gridPos,
    [
      target(
        'A',
        `sum by (${APP}) (rate(requests_total{${TASK_FILTER}, status="error"}${RATE_WINDOW})) / sum by (${APP}) (rate(${all}${RATE_WINDOW}))`,
        APP_LEGEND,
      ),
    ],
    'percentunit',
    thresholds('green', [{ color: 'red', value: budget }]),
  )
}

function latencyStat(gridPos: GridPos): GrafanaPanel {
  const name = `p${LATENCY_SLO_PERCENT}`
  const q = LATENCY_SLO_QUANTILE
  return statPanel(
    {
      id: 13,
      title: name,
      description: `${name} latency of each app, all its selected tasks. Red from ${LATENCY_THRESHOLD_SECONDS} s: the latency SLO wants ${LATENCY_SLO_PERCENT} % of requests within it, so ${name} above it breaks the SLO.`,
    },
    gridPos,
    [
      target(
        'A',
        // Classic buckets, or the native histogram where Prometheus stores only that.
        `histogram_quantile(${q}, sum by (${APP}, le) (rate(task_duration_seconds_bucket{${TASK_FILTER}}${RATE_WINDOW}))) or histogram_quantile(${q}, sum by (${APP}) (rate(task_duration_seconds{${TASK_FILTER}}${RATE_WINDOW})))`,
        APP_LEGEND,
      ),
    ],
    's',
    thresholds('green', [{ color: 'red', value: LATENCY_THRESHOLD_SECONDS }]),
  )
}

/** The three stats side by side on row `top` of the grid; returns them and the first free row. */
export function buildStatPanels(top: number): { panels: GrafanaPanel[]; bottom: number } {
  const h = 4
  return {
    panels: [
      requestsStat({ x: 0, y: top, w: 8, h }),
      errorRatioStat({ x: 8, y: top, w: 8, h }),
      latencyStat({ x: 16, y: top, w: 8, h }),
    ],
    bottom: top + h,
  }
}
