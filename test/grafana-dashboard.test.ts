// GET /grafana-dashboard: the served dashboard is byte-equal to the committed
// deploy/grafana/taskmeter-dashboard.json, uses a `datasource` template variable (never
// `__inputs`, which file provisioning does not resolve), multi-select namespace, job, pod and task
// variables, and fits @grafana/schema and the grid. What the queries say: grafana-queries.test.ts.
import { readFileSync } from 'node:fs'
import { defaultDashboard } from '@grafana/schema'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildGrafanaDashboard, renderGrafanaDashboard } from '../agent/src/expose/grafana/grafana-dashboard.js'
import type { GrafanaDashboard } from '../agent/src/expose/grafana/grafana-model.js'
import { REPO_ROOT } from './harness/agent-process.js'
import { agentPerSuite } from './harness/agent-suite.js'
import { allPanels, multiValueRegex, substitute } from './grafana-expressions.js'
import { typeCheckLiterals } from './type-check-literal.js'

const COMMITTED = path.join(REPO_ROOT, 'deploy', 'grafana', 'taskmeter-dashboard.json')
const REGENERATE = 'run `npm run build && node deploy/grafana/export-dashboard.mjs` and commit the file'

const agent = agentPerSuite()

describe('GET /grafana-dashboard', () => {
  it('serves exactly the committed deploy/grafana/taskmeter-dashboard.json', async () => {
    const response = await fetch(`${agent().baseUrl}/grafana-dashboard`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^application\/json/)
    const served = await response.text()
    const committed = readFileSync(COMMITTED, 'utf8')
    expect(served === committed, `the served dashboard differs from ${COMMITTED}: ${REGENERATE}`).toBe(true)
    expect(renderGrafanaDashboard() === committed, `the generator differs from ${COMMITTED}: ${REGENERATE}`).toBe(true)
  })
})

describe('the dashboard model', () => {
  const dashboard: GrafanaDashboard = buildGrafanaDashboard()
  const raw = JSON.parse(renderGrafanaDashboard()) as Record<string, unknown>

  it('takes its datasource from a `datasource` template variable, with no __inputs', () => {
    expect(raw).not.toHaveProperty('__inputs')
    expect(JSON.stringify(raw)).not.toContain('DS_PROMETHEUS')
    const [ds] = dashboard.templating.list
    expect(ds).toMatchObject({ type: 'datasource', name: 'datasource', query: 'prometheus' })
    const panels = allPanels(dashboard)
    expect(panels.length).toBeGreaterThan(dashboard.panels.length)
    for (const { panel } of panels) {
      expect(panel.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' })
      for (const target of panel.targets)
        expect(target.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' })
    }
  })

  it('has multi-select namespace, job, pod and task variables, each narrowing the next', () => {
    const list = dashboard.templating.list
    expect(list.map((v) => v.name)).toEqual(['datasource', 'namespace', 'job', 'pod', 'task'])
    const query = (name: string): string => {
      const v = list.find((x) => x.name === name)
      return v?.type === 'query' ? v.query.query : ''
    }
    expect(query('namespace')).toBe('label_values(taskmeter_build_info, namespace)')
    expect(query('job')).toBe('label_values(taskmeter_build_info{namespace=~"$namespace"}, job)')
    expect(query('pod')).toBe('label_values(taskmeter_build_info{namespace=~"$namespace", job=~"$job"}, pod)')
    expect(query('task')).toBe('label_values(requests_total{namespace=~"$namespace", job=~"$job", pod=~"$pod"}, task)')
    for (const v of list.slice(1)) {
      expect(v, v.name).toMatchObject({ type: 'query', multi: true, includeAll: true, current: { value: ['$__all'] } })
      if (v.type !== 'query') continue
      expect(v.datasource, v.name).toEqual({ type: 'prometheus', uid: '${datasource}' })
      // All must match a series that lacks the label where only the Operator attaches it.
      const matchesAbsent = new RegExp(`^(?:${v.allValue})$`).test('')
      expect(matchesAbsent, `${v.name} All matches a missing label`).toBe(v.name === 'namespace' || v.name === 'pod')
    }
  })

  it("is a dashboard of current Grafana's classic model (@grafana/schema), with no unknown fields", () => {
    // The schemaVersion that Grafana's own schema package gives a new dashboard.
    expect(dashboard.schemaVersion).toBe(defaultDashboard.schemaVersion)
    const literal = {
      origin: 'GET /grafana-dashboard',
      typeImport: '@grafana/schema',
      typeName: 'Dashboard',
      value: raw,
    }
    expect(typeCheckLiterals([literal], 'grafana-typecheck')).toEqual([])
    // The check is not vacuous: a misspelt panel field is reported.
    const broken = structuredClone(raw) as { panels: Array<Record<string, unknown>> }
    ;(broken.panels[0] as Record<string, unknown>).gridPoz = { x: 0 }
    expect(typeCheckLiterals([{ ...literal, value: broken }], 'grafana-typecheck').join('\n')).toMatch(/gridPoz/)
  }, 30_000)

  it('has a stable uid and unique panel ids, the rows and their panels included', () => {
    expect(dashboard.uid).toBe('taskmeter')
    expect(dashboard.id).toBeNull()
    const rows = dashboard.panels.filter((p) => p.type === 'row')
    const ids = [...rows.map((r) => r.id), ...allPanels(dashboard).map(({ panel }) => panel.id)]
    expect(ids.length).toBeGreaterThanOrEqual(15)
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('lays the panels out on the 24-column grid without overlap, the collapsed agent row last', () => {
    const place = (cells: Set<string>, gridPos: { x: number; y: number; w: number; h: number }): void => {
      expect(gridPos.x + gridPos.w).toBeLessThanOrEqual(24)
      for (let x = gridPos.x; x < gridPos.x + gridPos.w; x++)
        for (let y = gridPos.y; y < gridPos.y + gridPos.h; y++) {
          expect(cells.has(`${x},${y}`), `${x},${y}`).toBe(false)
          cells.add(`${x},${y}`)
        }
    }
    const top = new Set<string>()
    for (const { gridPos } of dashboard.panels) place(top, gridPos)
    const row = dashboard.panels.at(-1)
    expect(row).toMatchObject({ type: 'row', title: 'agent', collapsed: true })
    if (row?.type !== 'row') return
    for (const other of dashboard.panels.slice(0, -1))
      expect(other.gridPos.y + other.gridPos.h).toBeLessThanOrEqual(row.gridPos.y)
    // A collapsed row keeps its panels at the places they take, below it, once it is opened.
    const inside = new Set<string>()
    for (const { gridPos } of row.panels) {
      expect(gridPos.y).toBeGreaterThan(row.gridPos.y)
      place(inside, gridPos)
    }
  })
})

describe('template variable substitution (as Grafana formats a regex multi-value)', () => {
  it('escapes and joins the selected tasks', () => {
    expect(multiValueRegex(['db.query'])).toBe(String.raw`db\\.query`)
    expect(multiValueRegex(['a', 'http.request'])).toBe(String.raw`(a|http\\.request)`)
    const vars = { job: 'shop', namespace: '.*', pod: multiValueRegex(['web.1']), task: '(a|b)', rateInterval: '20s' }
    expect(
      substitute('rate(x{job=~"$job", namespace=~"$namespace", pod=~"$pod", task=~"$task"}[$__rate_interval])', vars),
    ).toBe(String.raw`rate(x{job=~"shop", namespace=~".*", pod=~"web\\.1", task=~"(a|b)"}[20s])`)
  })
})
