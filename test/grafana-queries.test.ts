// What the Grafana dashboard's queries say: every selector filters by the namespace, job and pod
// variables (and the task variable, where the series has a task); nothing is summed across apps
// unless the panel's title says "all apps"; the stat thresholds and SLO lines are the defaults of
// the rule generator; the latency panel asks for exemplars; and the agent row reads self-metric
// names a running agent really exposes.
import { describe, expect, it } from 'vitest'
import { buildGrafanaDashboard } from '../agent/src/expose/grafana/grafana-dashboard.js'
import type { GrafanaDashboard, GrafanaPanel } from '../agent/src/expose/grafana/grafana-model.js'
import { DEFAULTS, budgetOf } from '../deploy/prometheus/generator/options.mjs'
import { agentPerSuite } from './harness/agent-suite.js'
import { getText } from './harness/poll.js'
import { allPanels, panelExpressions } from './grafana-expressions.js'

const dashboard: GrafanaDashboard = buildGrafanaDashboard()
const expressions = panelExpressions(dashboard)
const byTitle = new Map(allPanels(dashboard).map(({ panel }) => [panel.title, panel]))

function panel(title: string): GrafanaPanel {
  const found = byTitle.get(title)
  if (found === undefined) throw new Error(`no panel "${title}": ${[...byTitle.keys()].join(', ')}`)
  return found
}

/** The label matchers of every vector selector of an expression. */
function selectors(expr: string): string[] {
  return [...expr.matchAll(/[a-z_:]+\{([^}]*)\}/g)].map((m) => m[1] as string)
}

/** The label lists of every aggregation: `sum by (a, b) (` gives "a, b"; a bare `sum(` gives "". */
function groupings(expr: string): string[] {
  return [...expr.matchAll(/\b(?:sum|avg|max|min)(?: by \(([^)]*)\))?\s*\(/g)].map((m) => m[1] ?? '')
}

/** The thresholds' step values of a panel (the first step, the base colour, has none). */
function thresholdValues(p: GrafanaPanel): number[] {
  const t = p.fieldConfig.defaults.thresholds as { steps: Array<{ value: number | null }> } | undefined
  return (t?.steps ?? []).flatMap((s) => (s.value === null ? [] : [s.value]))
}

describe('the dashboard queries', () => {
  it('lay out stats, per-task panels and the collapsed agent row', () => {
    expect(dashboard.panels.map((p) => p.title)).toEqual([
      'Requests/s',
      'Error ratio',
      `p${DEFAULTS.latencySlo}`,
      'Latency percentiles',
      'Throughput',
      'Active tasks',
      'Error rate',
      'Latency distribution (all apps and tasks selected)',
      'agent',
    ])
    expect(expressions.filter((e) => e.row === 'agent').map((e) => e.panel)).toEqual(
      expect.arrayContaining([
        'Events/s',
        'Invalid input by reason',
        'Drops: kernel and end to end',
        'Series vs --max-series',
        'RSS vs memory budget',
        'Scrape duration',
      ]),
    )
  })

  it('filter every selector by namespace, job and pod, and by task outside the agent row', () => {
    expect(expressions.length).toBeGreaterThan(25)
    for (const { panel: title, row, refId, expr } of expressions) {
      const found = selectors(expr)
      expect(found.length, `${title} ${refId}`).toBeGreaterThan(0)
      for (const matchers of found) {
        for (const m of ['job=~"$job"', 'namespace=~"$namespace"', 'pod=~"$pod"'])
          expect(matchers, `${title} ${refId}: ${expr}`).toContain(m)
        // The agent's self-metrics have no task label; everything else is per task.
        if (row === null) expect(matchers, `${title} ${refId}`).toContain('task=~"$task"')
      }
    }
  })

  it('sum per task and app, never across apps unless the title says "all apps"', () => {
    for (const { panel: title, row, refId, expr } of expressions) {
      for (const by of groupings(expr)) {
        const labels = by.split(',').map((l) => l.trim())
        if (title.includes('all apps')) continue
        expect(labels, `${title} ${refId}: ${expr}`).toEqual(expect.arrayContaining(['namespace', 'job']))
        const stat = panel(title).type === 'stat'
        if (row === null && !stat) expect(labels, `${title} ${refId}`).toContain('task')
        if (row === 'agent') expect(labels, `${title} ${refId}`).toEqual(expect.arrayContaining(['pod', 'instance']))
      }
    }
    // The one panel that adds apps together does say so.
    expect(groupings(panel('Latency distribution (all apps and tasks selected)').targets[1]?.expr ?? '')).toEqual([''])
  })

  it("draw the rule generator's SLO: thresholds of the stats, dashed lines on latency and errors", () => {
    const latencyThreshold = Number(DEFAULTS.latencyThreshold)
    const errorBudget = budgetOf(Number(DEFAULTS.slo))
    expect(errorBudget).toBe(0.001)
    expect(thresholdValues(panel('Error ratio'))).toEqual([errorBudget])
    expect(thresholdValues(panel('Error rate'))).toEqual([errorBudget])
    const p99 = panel(`p${DEFAULTS.latencySlo}`)
    expect(thresholdValues(p99)).toEqual([latencyThreshold])
    expect(p99.targets[0]?.expr).toContain(`histogram_quantile(${Number(DEFAULTS.latencySlo) / 100},`)
    expect(thresholdValues(panel('Latency percentiles'))).toEqual([latencyThreshold])
    expect(thresholdValues(panel('Scrape duration'))).toEqual([Number(DEFAULTS.maxScrapeSeconds)])
    for (const title of ['Latency percentiles', 'Error rate', 'Scrape duration']) {
      const custom = panel(title).fieldConfig.defaults.custom as Record<string, unknown>
      expect(custom.thresholdsStyle, title).toEqual({ mode: 'dashed' })
    }
    for (const title of ['Requests/s', 'Error ratio', `p${DEFAULTS.latencySlo}`]) {
      const p = panel(title)
      expect(p.type, title).toBe('stat')
      expect(p.fieldConfig.defaults.color, title).toEqual({ mode: 'thresholds' })
    }
  })

  it('ask for exemplars on every latency percentile query', () => {
    const latency = expressions.filter((e) => e.panel === 'Latency percentiles')
    expect(latency.length).toBe(9)
    for (const e of latency) expect(e.exemplar, e.refId).toBe(true)
  })
})

describe('the agent row', () => {
  const agent = agentPerSuite()

  it('reads only metric names a running agent exposes (or that Prometheus adds per target)', async () => {
    const text = await getText(`${agent().baseUrl}/metrics`)
    const families = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1] as string))
    const prometheusOwn = new Set(['scrape_duration_seconds', 'up'])
    const names = new Set(
      expressions
        .filter((e) => e.row === 'agent')
        .flatMap((e) => [...e.expr.matchAll(/([a-z_:]+)\{/g)].map((m) => m[1] as string)),
    )
    expect([...names].sort()).toEqual([
      'process_resident_memory_bytes',
      'scrape_duration_seconds',
      'taskmeter_build_info',
      'taskmeter_datagrams_invalid_total',
      'taskmeter_events_invalid_total',
      'taskmeter_events_total',
      'taskmeter_lines_invalid_total',
      'taskmeter_memory_budget_bytes',
      'taskmeter_protocol_datagrams_lost_total',
      'taskmeter_scrape_render_seconds',
      'taskmeter_series',
      'taskmeter_series_max',
      'taskmeter_udp_kernel_drops_total',
    ])
    for (const name of names)
      expect(families.has(name) || prometheusOwn.has(name), `${name} is not exposed by the agent`).toBe(true)
  })
})
