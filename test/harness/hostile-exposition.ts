// Everything a hostile-name test reads back from a real agent: the text and protobuf /metrics, the
// /dashboard JSON and /report, plus the refusal counters, and the checks every exposition must pass
// whatever names were sent: promtool parses it, protobuf has one family a name and the text's types,
// every task and user series is on /dashboard and /report, and no name adds lines to /report.
import { execFile } from 'node:child_process'
import { expect } from 'vitest'
import type { DashboardSnapshot } from '../../agent/src/expose/ui/dashboard-snapshot.js'
import { getJson, getText, waitFor } from './poll.js'
import {
  type DecodedFamily,
  type DecodedMetric,
  decodeMetricFamilies,
  flattenFamilies,
  textFamilyTypes,
} from './prometheus-proto.js'
import { sampleValue } from './prometheus-text.js'
import { requireTool } from './system-tool.js'

export const PROTOBUF_ACCEPT =
  'application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited'

// Values that move between two requests of an idle agent, left out when text and protobuf are compared.
const MOVING = /^(process_|nodejs_|taskmeter_scrape_render_seconds|requests_per_second)/

export interface Scrape {
  /** The families of the agent's first scrape, before anything was sent: its own. */
  readonly ownFamilies: ReadonlySet<string>
  readonly text: string
  readonly families: DecodedFamily[]
  readonly dashboard: DashboardSnapshot
  readonly report: string
}

/** The agent's own families: those of a scrape before any event, and its prefixes (prom-client adds some late). */
export function isAgentFamily(s: Pick<Scrape, 'ownFamilies'>, name: string): boolean {
  return s.ownFamilies.has(name) || /^(taskmeter|process|nodejs)_/.test(name)
}

/** Call before anything is sent. */
export async function ownFamilies(baseUrl: string): Promise<ReadonlySet<string>> {
  return new Set(textFamilyTypes(await getText(`${baseUrl}/metrics`)).keys())
}

export async function scrape(baseUrl: string, own: ReadonlySet<string>): Promise<Scrape> {
  const response = await fetch(`${baseUrl}/metrics`, { headers: { accept: PROTOBUF_ACCEPT } })
  expect(response.headers.get('content-type')).toMatch(/^application\/vnd\.google\.protobuf/)
  const families = decodeMetricFamilies(new Uint8Array(await response.arrayBuffer()))
  return {
    ownFamilies: own,
    text: await getText(`${baseUrl}/metrics`),
    families,
    dashboard: await getJson<DashboardSnapshot>(`${baseUrl}/dashboard`),
    report: await getText(`${baseUrl}/report`),
  }
}

/** Every refusal counter by `<counter>:<reason>`: events dropped, StatsD lines and v1 events invalid. */
export function refusalCounts(text: string): Map<string, number> {
  const out = new Map<string, number>()
  const pattern = /^taskmeter_(events_dropped|lines_invalid|events_invalid)_total\{reason="([a-z_]+)"\} (\S+)$/gm
  for (const m of text.matchAll(pattern)) out.set(`${m[1]}:${m[2]}`, Number(m[3]))
  out.set('series_dropped', sampleValue(text, 'taskmeter_series_dropped_total') ?? 0)
  return out
}

/** The counters that moved from `before` to `after`, by how much. */
export function refusalDelta(before: Map<string, number>, after: Map<string, number>): Record<string, number> {
  const moved: Record<string, number> = {}
  for (const [key, value] of after) if (value !== (before.get(key) ?? 0)) moved[key] = value - (before.get(key) ?? 0)
  return moved
}

/**
 * Sends each group of datagrams in turn and waits until the agent has read it, so that what each
 * group made the agent refuse can be told apart. Returns the refusals of each group, in order.
 */
export async function sendGroups(
  baseUrl: string,
  groups: ReadonlyArray<ReadonlyArray<Uint8Array>>,
  send: (datagram: Uint8Array) => Promise<void>,
): Promise<Array<Record<string, number>>> {
  const first = await getText(`${baseUrl}/metrics`)
  let received = sampleValue(first, 'taskmeter_datagrams_received_total') ?? 0
  let before = refusalCounts(first)
  const out: Array<Record<string, number>> = []
  for (const group of groups) {
    for (const datagram of group) await send(datagram)
    received += group.length
    const text = await waitFor(
      `the agent to read ${received} datagrams`,
      async () => {
        const body = await getText(`${baseUrl}/metrics`)
        return sampleValue(body, 'taskmeter_datagrams_received_total') === received ? body : undefined
      },
      10_000,
      5,
    )
    const after = refusalCounts(text)
    out.push(refusalDelta(before, after))
    before = after
  }
  return out
}

export interface PromtoolResult {
  readonly code: number
  readonly output: string
}

export function promtoolCheck(text: string): Promise<PromtoolResult> {
  const promtool = requireTool('promtool', 'apt-get install prometheus (the Debian package ships promtool)')
  return new Promise((resolve) => {
    const child = execFile(promtool, ['check', 'metrics'], (err, stdout, stderr) =>
      resolve({ code: err === null ? 0 : Number((err as { code?: number }).code ?? 1), output: stdout + stderr }),
    )
    child.stdin?.end(text)
  })
}

// The one lint the agent's families may earn from a sender: its tag keys are their labels.
const LINT_FROM_TAG_KEYS = / label names should be written in 'snake_case' not 'camelCase'$/

/**
 * Exit 1 is a parse error: never acceptable. Exit 3 is lint, which user names may earn (a gauge
 * named x_total, a camelCase tag key) but the agent's own family names never.
 */
export function expectPromtoolAccepts(result: PromtoolResult, s: Pick<Scrape, 'ownFamilies'>): void {
  expect(result.code, result.output).not.toBe(1)
  const onOurs = result.output
    .split('\n')
    .filter((line) => isAgentFamily(s, line.split(' ')[0] ?? '') && !LINT_FROM_TAG_KEYS.test(line))
  expect(onOurs, result.output).toEqual([])
}

/** Family names that occur more than once. */
export function repeatedNames(families: readonly DecodedFamily[]): string[] {
  const names = families.map((f) => f.name)
  return names.filter((name, i) => names.indexOf(name) !== i)
}

/** The label pairs of a text sample's `{…}`, unescaped. */
function textLabels(body: string): Array<[string, string]> {
  const unescaped = (v: string): string => v.replace(/\\(.)/gsu, (_m, c: string) => (c === 'n' ? '\n' : c))
  return [...body.matchAll(/([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/gsu)].map((m) => [m[1] ?? '', unescaped(m[2] ?? '')])
}

/**
 * Text samples keyed as flattenFamilies keys protobuf ones. Read here rather than with
 * flattenText because a label value may hold any character but `\n` unescaped (CR, U+2028 too).
 */
function textSamples(text: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/su.exec(line)
    if (m === null) throw new Error(`unreadable sample line: ${JSON.stringify(line)}`)
    const pairs = textLabels(m[2] ?? '').sort((a, b) => (a[0] < b[0] ? -1 : 1))
    const value = m[3] === '+Inf' ? 'Infinity' : m[3] === '-Inf' ? '-Infinity' : String(Number(m[3]))
    out.set(`${m[1]}{${pairs.map(([n, v]) => `${n}=${JSON.stringify(v)}`).join(',')}}`, value)
  }
  return out
}

/** Protobuf agrees with the text: same types, same steady values; only native companions are extra. */
export function expectProtobufMatchesText(s: Scrape): void {
  const textTypes = textFamilyTypes(s.text)
  for (const family of s.families) {
    const textType = textTypes.get(family.name)
    if (textType !== undefined) expect(family.type, family.name).toBe(textType)
    // Not in the text: only the native histogram beside a user summary, `<summary>_histogram`.
    else
      expect([family.type, textTypes.get(family.name.replace(/_histogram$/, ''))], family.name).toEqual([
        'HISTOGRAM',
        'SUMMARY',
      ])
  }
  const steady = (series: Map<string, string>): Map<string, string> =>
    new Map([...series].filter(([key]) => !MOVING.test(key)))
  const inText = s.families.filter((f) => textTypes.has(f.name))
  expect(steady(flattenFamilies(inText))).toEqual(steady(textSamples(s.text)))
}

export type Labels = Readonly<Record<string, string>>

function labelsOf(metric: DecodedMetric): Record<string, string> {
  return Object.fromEntries((metric.label ?? []).map((l) => [l.name ?? '', l.value ?? '']))
}

/** The protobuf samples of `family` with exactly these labels: a counter, gauge or summary count each. */
export function protoValues(s: Scrape, family: string, labels: Labels): number[] {
  const out: number[] = []
  for (const f of s.families.filter((x) => x.name === family))
    for (const m of f.metric)
      if (JSON.stringify(Object.entries(labelsOf(m)).sort()) === JSON.stringify(Object.entries(labels).sort()))
        out.push(m.counter?.value ?? m.gauge?.value ?? m.summary?.sample_count ?? Number.NaN)
  return out
}

/** The /dashboard tasks named `name` with exactly these labels. */
export function dashboardTasks(s: Scrape, name: string, labels: Labels = {}): number[] {
  return Object.values(s.dashboard.tasks)
    .filter(
      (t) =>
        t.name === name &&
        JSON.stringify(Object.entries(t.labels).sort()) === JSON.stringify(Object.entries(labels).sort()),
    )
    .map((t) => t.count)
}

export type CustomKind = 'counters' | 'gauges' | 'histograms'

/**
 * A /dashboard kind's entries as `[key, value or histogram count]`, a quoted name in a key read
 * back unquoted: how a key spells a name that holds `{` (or starts with a quote) is the agent's
 * business, the name it shows is what a test checks.
 */
export function dashboardCustom(s: Scrape, kind: CustomKind): Array<[string, number]> {
  return Object.entries(s.dashboard[kind]).map(([key, v]) => {
    const quoted = key.startsWith('"') ? /^"(?:[^"\\]|\\.)*"/.exec(key) : null
    const name = quoted === null ? key : (JSON.parse(quoted[0]) as string) + key.slice(quoted[0].length)
    return [name, typeof v === 'number' ? v : v.count]
  })
}

/** Every task and user series of the exposition is on /dashboard, one entry each. */
export function expectDashboardHoldsEverySeries(s: Scrape): void {
  const completed = s.families.find((f) => f.name === 'tasks_completed_total')?.metric ?? []
  const tasks = completed.map((m) => {
    const { task, ...labels } = labelsOf(m)
    return { name: task, labels, count: m.counter?.value }
  })
  const onDashboard = Object.values(s.dashboard.tasks).map((t) => ({
    name: t.name,
    labels: { ...t.labels },
    count: t.count,
  }))
  const byKey = (a: { name?: string }, b: { name?: string }): number =>
    JSON.stringify(a).localeCompare(JSON.stringify(b))
  expect(onDashboard.sort(byKey)).toEqual(tasks.sort(byKey))
  // User series by kind: a counter family per counter, a gauge per gauge or set, a summary per histogram.
  const userSeries = (type: string): number =>
    s.families.filter((f) => f.type === type && !isAgentFamily(s, f.name)).reduce((n, f) => n + f.metric.length, 0)
  expect({
    counters: Object.keys(s.dashboard.counters).length,
    gauges: Object.keys(s.dashboard.gauges).length,
    histograms: Object.keys(s.dashboard.histograms).length,
  }).toEqual({ counters: userSeries('COUNTER'), gauges: userSeries('GAUGE'), histograms: userSeries('SUMMARY') })
}

// As /report writes a name: control characters (and U+2028/9) as \uXXXX escapes.
export function printable(name: string): string {
  return name.replace(/[\p{Cc}\u2028\u2029]/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

const REPORT_HEADER = /^Performance Report\n=+\nUptime: [^\n]*\n\n/
const SECTION_LINES = 10

/** /report: its header, then one section of ten lines per /dashboard task, and nothing else. */
export function expectReportListsEveryTaskAlone(s: Scrape): void {
  const header = REPORT_HEADER.exec(s.report)
  expect(header, s.report.slice(0, 200)).not.toBeNull()
  const sections = s.report
    .slice(header?.[0].length ?? 0)
    .trimEnd()
    .split('\n\n')
    .map((section) => section.split('\n'))
  for (const lines of sections) {
    expect(lines.length, lines.join('\n')).toBe(SECTION_LINES)
    expect(
      lines.slice(1).filter((line) => !/^ {2}[A-Z]/.test(line)),
      lines.join('\n'),
    ).toEqual([])
  }
  const listed = sections.map((lines) => lines[0] ?? '').sort()
  expect(listed).toEqual(
    Object.keys(s.dashboard.tasks)
      .map((id) => `Task: ${printable(id)}`)
      .sort(),
  )
}
