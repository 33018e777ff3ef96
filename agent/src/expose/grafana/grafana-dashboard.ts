// GET /grafana-dashboard: the taskmeter Grafana dashboard over our metric names, for many apps at once. The same
// text is committed as deploy/grafana/taskmeter-dashboard.json, which compose provisions; a test
// keeps the two byte-equal (regenerate with `node deploy/grafana/export-dashboard.mjs`).
import { buildAgentRow } from './grafana-agent-row.js'
import type { GrafanaDashboard, GrafanaPanel, GrafanaRow } from './grafana-model.js'
import { buildTaskPanels } from './grafana-panels.js'
import { buildStatPanels } from './grafana-stat-panels.js'
import { templateVariables } from './grafana-variables.js'

/** The classic-model schemaVersion of current Grafana (13.2: @grafana/schema's defaultDashboard);
 * a test checks the JSON against that package's Dashboard type. */
export const GRAFANA_SCHEMA_VERSION = 42
export const GRAFANA_DASHBOARD_UID = 'taskmeter'

/** Top to bottom: the stats of each app, the per-task panels, the agent row (collapsed). */
function buildPanels(): Array<GrafanaPanel | GrafanaRow> {
  const stats = buildStatPanels(0)
  const tasks = buildTaskPanels(stats.bottom)
  return [...stats.panels, ...tasks.panels, buildAgentRow(tasks.bottom)]
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
      "taskmeter: per-app req/s, error ratio and p99 against the SLO; per-task latency percentiles, throughput, active tasks, error rate and latency distribution; the agents' own health.",
    editable: true,
    fiscalYearStartMonth: 0,
    graphTooltip: 1,
    id: null,
    links: [],
    panels: buildPanels(),
    refresh: '5s',
    schemaVersion: GRAFANA_SCHEMA_VERSION,
    tags: ['taskmeter'],
    templating: { list: templateVariables },
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
