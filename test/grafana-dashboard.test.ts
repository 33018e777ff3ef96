// GET /grafana-dashboard: the served dashboard is byte-equal to the committed
// deploy/grafana/taskmeter-dashboard.json, uses a `datasource` template variable (never
// `__inputs`, which file provisioning does not resolve), a multi-select `task` variable, and the
// five dashboard panels over the agent's metric names.
import { readFileSync } from 'node:fs'
import { defaultDashboard } from '@grafana/schema'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildGrafanaDashboard, renderGrafanaDashboard } from '../agent/src/expose/grafana/grafana-dashboard.js'
import type { GrafanaDashboard } from '../agent/src/expose/grafana/grafana-model.js'
import { REPO_ROOT } from './harness/agent-process.js'
import { agentPerSuite } from './harness/agent-suite.js'
import { multiValueRegex, panelExpressions, substitute } from './grafana-expressions.js'
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
    for (const panel of dashboard.panels) {
      expect(panel.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' })
      for (const target of panel.targets)
        expect(target.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' })
    }
  })

  it('has a multi-select task variable from label_values(requests_total, task)', () => {
    const task = dashboard.templating.list.find((v) => v.name === 'task')
    expect(task).toMatchObject({ type: 'query', multi: true, includeAll: true })
    expect(task?.type === 'query' ? task.query.query : '').toBe('label_values(requests_total, task)')
    expect(task?.type === 'query' ? task.datasource : null).toEqual({ type: 'prometheus', uid: '${datasource}' })
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

  it('has a stable uid and unique panel ids', () => {
    expect(dashboard.uid).toBe('taskmeter')
    expect(dashboard.id).toBeNull()
    const ids = dashboard.panels.map((p) => p.id)
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('has the five dashboard panels over the agent metric names, every query filtered by $task', () => {
    const byTitle = new Map(dashboard.panels.map((p) => [p.title, p]))
    expect([...byTitle.keys()]).toEqual([
      'Latency percentiles',
      'Throughput',
      'Active tasks',
      'Error rate',
      'Latency distribution',
    ])
    const exprs = (title: string): string[] => (byTitle.get(title)?.targets ?? []).map((t) => t.expr)

    const latency = exprs('Latency percentiles')
    for (const q of ['0.5', '0.95', '0.99', '0.999'])
      expect(latency).toContain(
        `histogram_quantile(${q}, sum by (task, le) (rate(task_duration_seconds_bucket{task=~"$task"}[$__rate_interval])))`,
      )
    expect(latency).toContain('task_duration_window_seconds{task=~"$task"}')

    const throughput = exprs('Throughput').join('\n')
    expect(throughput).toContain('requests_per_second{task=~"$task"}')
    expect(throughput).toContain('rate(requests_total{task=~"$task"}[$__rate_interval])')
    expect(exprs('Active tasks').join('\n')).toContain('tasks_active{task=~"$task"}')
    const errors = exprs('Error rate').join('\n')
    expect(errors).toContain('status="error"')
    expect(errors).toContain('status="success"')

    const heatmap = byTitle.get('Latency distribution')
    expect(heatmap?.type).toBe('heatmap')
    expect(heatmap?.targets[0]?.format).toBe('heatmap')
    expect(heatmap?.targets[0]?.expr).toContain('task_duration_seconds_bucket{task=~"$task"}')

    for (const { expr } of panelExpressions(dashboard)) expect(expr).toContain('task=~"$task"')
  })

  it('lays the panels out on the 24-column grid without overlap', () => {
    const cells = new Set<string>()
    for (const { gridPos } of dashboard.panels) {
      expect(gridPos.x + gridPos.w).toBeLessThanOrEqual(24)
      for (let x = gridPos.x; x < gridPos.x + gridPos.w; x++)
        for (let y = gridPos.y; y < gridPos.y + gridPos.h; y++) {
          expect(cells.has(`${x},${y}`)).toBe(false)
          cells.add(`${x},${y}`)
        }
    }
  })
})

describe('template variable substitution (as Grafana formats a regex multi-value)', () => {
  it('escapes and joins the selected tasks', () => {
    expect(multiValueRegex(['db.query'])).toBe(String.raw`db\\.query`)
    expect(multiValueRegex(['a', 'http.request'])).toBe(String.raw`(a|http\\.request)`)
    expect(substitute('rate(x{task=~"$task"}[$__rate_interval])', { task: '(a|b)', rateInterval: '20s' })).toBe(
      'rate(x{task=~"(a|b)"}[20s])',
    )
  })
})
