// The subset of Grafana's classic dashboard JSON model that /grafana-dashboard uses. Typed so that
// a misspelt panel field does not compile; everything else Grafana fills with its defaults.

/** Every panel and the `task` variable query through the `datasource` template variable, so the
 * same file works when imported by hand and when provisioned (provisioning does not resolve
 * `__inputs`). */
export const DATASOURCE_REF = { type: 'prometheus', uid: '${datasource}' } as const

export type DatasourceRef = typeof DATASOURCE_REF | { type: 'grafana'; uid: '-- Grafana --' }

export interface GridPos {
  x: number
  y: number
  w: number
  h: number
}

export interface PromTarget {
  refId: string
  datasource: DatasourceRef
  expr: string
  legendFormat: string
  range: true
  instant: false
  format?: 'time_series' | 'heatmap'
  /** Asks Prometheus for the exemplars of the series too (Grafana draws them as points). */
  exemplar?: boolean
  editorMode: 'code'
}

export interface FieldOverride {
  matcher: { id: 'byFrameRefID' | 'byName'; options: string }
  properties: Array<{ id: string; value: unknown }>
}

export interface GrafanaPanel {
  id: number
  type: 'timeseries' | 'heatmap' | 'stat'
  title: string
  description: string
  gridPos: GridPos
  datasource: DatasourceRef
  targets: PromTarget[]
  fieldConfig: { defaults: Record<string, unknown>; overrides: FieldOverride[] }
  options: Record<string, unknown>
}

/** A row: when collapsed, its panels live in `panels` (laid out below it) until it is opened. */
export interface GrafanaRow {
  id: number
  type: 'row'
  title: string
  collapsed: boolean
  gridPos: GridPos
  panels: GrafanaPanel[]
}

export interface DatasourceVariable {
  type: 'datasource'
  name: string
  label: string
  query: 'prometheus'
  hide: 0
  includeAll: false
  multi: false
  options: []
  refresh: 1
  regex: string
}

export interface QueryVariable {
  type: 'query'
  name: string
  label: string
  datasource: DatasourceRef
  query: { qryType: number; query: string; refId: string }
  current: { text: string[]; value: string[] }
  hide: 0
  includeAll: true
  allValue: string
  multi: true
  options: []
  refresh: 2
  regex: string
  sort: 1
}

export interface GrafanaDashboard {
  annotations: { list: Array<Record<string, unknown>> }
  description: string
  editable: boolean
  fiscalYearStartMonth: 0
  graphTooltip: 0 | 1 | 2
  id: null
  links: []
  panels: Array<GrafanaPanel | GrafanaRow>
  refresh: string
  schemaVersion: number
  tags: string[]
  templating: { list: Array<DatasourceVariable | QueryVariable> }
  time: { from: string; to: string }
  timepicker: Record<string, never>
  timezone: 'browser' | 'utc'
  title: string
  uid: string
  version: number
}
