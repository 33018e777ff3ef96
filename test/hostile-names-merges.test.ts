// Two names that must stay two series, or the second be refused and counted: never one series
// holding both, and never one of them missing from /dashboard while /metrics shows it. A counter's
// name with and without `_total` is one name (StatsD apps send both), so a gauge may take neither
// and neither may be a name the agent reserves; a task or metric name may hold `{k="v"}`, which must not read as the tags of another.
import { describe, expect, it } from 'vitest'
import { agentRun } from './harness/hostile-cases.js'
import {
  type CustomKind,
  type Labels,
  type Scrape,
  dashboardCustom,
  dashboardTasks,
  protoValues,
} from './harness/hostile-exposition.js'
import { textFamilyTypes } from './harness/prometheus-proto.js'

const APART = /^(kept apart|second refused and counted)$/

/** What became of a pair of one event each: `shown` on /dashboard, `exposed` in /metrics. */
function pairOutcome(shown: number[], exposed: number[], refusedSecond: Record<string, number> | undefined): string {
  const refused = Object.values(refusedSecond ?? {}).reduce((n, v) => n + v, 0)
  const same = (a: number[], b: number[]): boolean => JSON.stringify(a) === JSON.stringify(b)
  if (same(shown, [1, 1]) && same(exposed, [1, 1]) && refused === 0) return 'kept apart'
  if (same(shown, [1]) && same(exposed, [1]) && refused === 1) return 'second refused and counted'
  return `on /dashboard ${JSON.stringify(shown)}, in /metrics ${JSON.stringify(exposed)}, refused ${refused}`
}

/** /dashboard entries of one kind whose name starts with `prefix`: values, or histogram counts. */
function shownCustom(s: Scrape, kind: CustomKind, prefix: string): number[] {
  return dashboardCustom(s, kind)
    .filter(([name]) => name.startsWith(prefix))
    .map(([, value]) => value)
}

function exposed(s: Scrape, ...series: Array<readonly [string, Labels]>): number[] {
  return series.flatMap(([family, labels]) => protoValues(s, family, labels))
}

describe('names that must not merge into one series', () => {
  const run = agentRun(() => [
    ['bar_total:1|c'],
    ['bar:1|g'],
    ['gb:1|g'],
    ['gb_total:1|c'],
    ['al{k="v"}:5|ms'],
    ['al:5|ms|#k:v'],
    ['ca{k="v"}:1|c'],
    ['ca:1|c|#k:v'],
    ['ga{k="v"}:1|g'],
    ['ga:1|g|#k:v'],
    ['ha{k="v"}:1|h'],
    ['ha:1|h|#k:v'],
    ['sa{k="v"}:m|s'],
    ['sa:m|s|#k:v'],
    ['task_duration_seconds_bucket_total:1|c', 'tasks_active_total_total:1|c'],
    ['cc:1|c|#a.b:1'],
    ['cc:1|c|#a_b:1'],
    ['tk:1|ms|#a.b:1'],
    ['tk:1|ms|#a-b:1'],
  ])

  /** The pair's first event kept; its second refused as type_conflict, on neither /dashboard nor /metrics. */
  function expectSecondRefused(first: number, kind: 'counters' | 'gauges', name: string, family: string): void {
    const { refused, scrape } = run()
    expect({
      first: refused[first],
      second: refused[first + 1],
      onDashboard: scrape.dashboard[kind][name],
      textType: textFamilyTypes(scrape.text).get(family),
    }).toEqual({
      first: {},
      second: { 'events_dropped:type_conflict': 1 },
      onDashboard: undefined,
      textType: undefined,
    })
  }

  it('counter bar_total, then gauge bar: the gauge is refused as type_conflict', () =>
    expectSecondRefused(0, 'gauges', 'bar', 'bar'))

  it('gauge gb, then counter gb_total: the counter is refused as type_conflict', () =>
    expectSecondRefused(2, 'counters', 'gb_total', 'gb_total'))

  it('task al{k="v"} untagged and task al tagged k:v are two tasks, or the second is refused and counted', () => {
    const { refused, scrape: s } = run()
    const shown = [...dashboardTasks(s, 'al{k="v"}'), ...dashboardTasks(s, 'al', { k: 'v' })]
    const inMetrics = exposed(
      s,
      ['tasks_completed_total', { task: 'al{k="v"}' }],
      ['tasks_completed_total', { task: 'al', k: 'v' }],
    )
    expect({ task: pairOutcome(shown, inMetrics, refused[5]) }).toEqual({ task: expect.stringMatching(APART) })
  })

  it('counter ca{k="v"} and counter ca tagged k:v are both on /dashboard, or the second is refused and counted', () => {
    const { refused, scrape: s } = run()
    const inMetrics = exposed(s, ['ca_k__v___total', {}], ['ca_total', { k: 'v' }])
    expect({ counter: pairOutcome(shownCustom(s, 'counters', 'ca'), inMetrics, refused[7]) }).toEqual({
      counter: expect.stringMatching(APART),
    })
  })

  it('gauges, histograms and sets named like a tagged series are both on /dashboard, or refused and counted', () => {
    const { refused, scrape: s } = run()
    const outcome = (kind: CustomKind, name: string, second: number): string =>
      pairOutcome(shownCustom(s, kind, name), exposed(s, [`${name}_k__v__`, {}], [name, { k: 'v' }]), refused[second])
    expect({
      gauge: outcome('gauges', 'ga', 9),
      histogram: outcome('histograms', 'ha', 11),
      set: outcome('gauges', 'sa', 13),
    }).toEqual({
      gauge: expect.stringMatching(APART),
      histogram: expect.stringMatching(APART),
      set: expect.stringMatching(APART),
    })
  })

  it('counters whose names without _total are reserved (task_duration_seconds_bucket_total) are reserved_name', () => {
    const { refused, scrape } = run()
    expect({ refused: refused[14], onDashboard: shownCustom(scrape, 'counters', 'task') }).toEqual({
      refused: { 'events_dropped:reserved_name': 2 },
      onDashboard: [],
    })
  })

  it('tag keys spelled two ways on two lines (a.b, then a_b) stay the first series; the second is refused', () => {
    const { refused, scrape: s } = run()
    expect({
      counterSecond: refused[16],
      counter: exposed(s, ['cc_total', { a_b: '1' }]),
      taskSecond: refused[18],
      task: exposed(s, ['tasks_completed_total', { task: 'tk', a_b: '1' }]),
    }).toEqual({
      counterSecond: { 'events_dropped:label_collision': 1 },
      counter: [1],
      taskSecond: { 'events_dropped:label_collision': 1 },
      task: [1],
    })
  })
})
