// GET /grafana-dashboard: the taskmeter Grafana dashboard (grafana-panels.ts) over our metric names. The same
// text is committed as deploy/grafana/taskmeter-dashboard.json, which compose provisions; a test
// keeps the two byte-equal (regenerate with `node deploy/grafana/export-dashboard.mjs`).
import type { DatasourceVariable, GrafanaDashboard, QueryVariable } from './grafana-model.js'
import { DATASOURCE_REF } from './grafana-model.js'
import { buildPanels } from './grafana-panels.js'

/** The classic-model schemaVersion of current Grafana (13.2: @grafana/schema's defaultDashboard);
 * a test checks the JSON against that package's Dashboard type. */
export const GRAFANA_SCHEMA_VERSION = 42
export const GRAFANA_DASHBOARD_UID = 'taskmeter'

const datasourceVariable: DatasourceVariable = {
  type: 'datasource',
  name: 'datasource',
  label: 'Data source',
  query: 'prometheus',
  // No `current`: Grafana then picks the default Prometheus datasource of wherever it is loaded.
  hide: 0,
  includeAll: false,
  multi: false,
  options: [],
  refresh: 1,
  regex: '',
}

const TASK_VALUES = 'label_values(requests_total, task)'

const taskVariable: QueryVariable = {
  type: 'query',
  name: 'task',
  label: 'Task',
  datasource: DATASOURCE_REF,
  // qryType 1 = "label values" in the Prometheus variable query editor.
  query: { qryType: 1, query: TASK_VALUES, refId: 'PrometheusVariableQueryEditor-VariableQuery' },
  current: { text: ['All'], value: ['$__all'] },
  hide: 0,
  includeAll: true,
  // "All" as a regex rather than the list of every value keeps the queries short with many tasks.
  allValue: '.+',
  multi: true,
  options: [],
  refresh: 2,
  regex: '',
  sort: 1,
}

export function buildGrafanaDashboard(): GrafanaDashboard {
  return {
    annotations: {
      list: [
        {
          builtIn: 1,
          datasource: { type: 'grafana', uid: '-- Grafana --' },
          enable: true,
          hide: true,
          iconColor: 'rgba(0, 211, 255, 1)',
          name: 'Annotations & Alerts',
          type: 'dashboard',
        },
      ],
    },
    description:
      'taskmeter: per-task latency percentiles, throughput, active tasks, error rate and latency distribution.',
    editable: true,
    fiscalYearStartMonth: 0,
    graphTooltip: 1,
    id: null,
    links: [],
    panels: buildPanels(),
    refresh: '5s',
    schemaVersion: GRAFANA_SCHEMA_VERSION,
    tags: ['taskmeter'],
    templating: { list: [datasourceVariable, taskVariable] },
    time: { from: 'now-15m', to: 'now' },
    timepicker: {},
    timezone: 'browser',
    title: 'taskmeter',
    uid: GRAFANA_DASHBOARD_UID,
    version: 1,
  }
}

/** The exact bytes served and committed: two-space JSON and a final newline. */
export function renderGrafanaDashboard(): string {
  return JSON.stringify(buildGrafanaDashboard(), null, 2) + '\n'
}
