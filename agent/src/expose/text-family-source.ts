// Re-reads small text-format families (the agent's taskmeter_* families and prom-client's process
// metrics, ~100 lines) into a FamilySink, so that the protobuf answer and remote write carry every
// self-metric that self-families.ts renders, including ones added later, without a second list.
// Text format 0.0.4: https://prometheus.io/docs/instrumenting/exposition_formats/
import { type FamilySink, type FamilyType, SeriesLabels } from './family-sink.js'

interface Series {
  labels: SeriesLabels
  value: number
  count: number
  sum: number
  /** quantile or le values, and their sample values, in order */
  keys: number[]
  values: number[]
}

interface Family {
  name: string
  help: string
  type: FamilyType
  series: Map<string, Series>
}

const TYPES: ReadonlySet<string> = new Set(['counter', 'gauge', 'summary', 'histogram', 'untyped'])

function parseValue(text: string): number {
  if (text === '+Inf') return Infinity
  if (text === '-Inf') return -Infinity
  return Number(text)
}

function unescapeLabel(text: string): string {
  return text.replace(/\\(.)/g, (_match, c: string) => (c === 'n' ? '\n' : c))
}

/** `name{a="1",b="2"} value` → [name, label pairs, value text]; null for a line we cannot read. */
function parseSample(line: string): [string, Array<[string, string]>, string] | null {
  const brace = line.indexOf('{')
  const space = line.indexOf(' ')
  if (brace < 0 || (space >= 0 && space < brace)) {
    if (space < 0) return null
    return [
      line.slice(0, space),
      [],
      line
        .slice(space + 1)
        .trim()
        .split(' ')[0] as string,
    ]
  }
  const pairs: Array<[string, string]> = []
  const pattern = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?/y
  pattern.lastIndex = brace + 1
  for (;;) {
    const match = pattern.exec(line)
    if (match === null) break
    pairs.push([match[1] as string, unescapeLabel(match[2] as string)])
  }
  const close = line.indexOf('}', pattern.lastIndex)
  if (close < 0) return null
  return [
    line.slice(0, brace),
    pairs,
    line
      .slice(close + 1)
      .trim()
      .split(' ')[0] as string,
  ]
}

function flush(family: Family | null, sink: FamilySink): void {
  if (family === null) return
  sink.family(family.name, family.help, family.type)
  for (const s of family.series.values()) {
    if (family.type === 'summary') sink.summary(s.labels, s.count, s.sum, s.keys, s.values)
    else if (family.type === 'histogram') sink.histogram(s.labels, s.count, s.sum, s.keys, s.values, null)
    else sink.value(s.labels, null, null, s.value)
  }
}

export function emitTextFamilies(text: string, sink: FamilySink): void {
  let family: Family | null = null
  const helps = new Map<string, string>()
  for (const line of text.split('\n')) {
    if (line.startsWith('# HELP ')) {
      const rest = line.slice(7)
      const space = rest.indexOf(' ')
      helps.set(
        space < 0 ? rest : rest.slice(0, space),
        space < 0
          ? ''
          : rest
              .slice(space + 1)
              .replace(/\\n/g, '\n')
              .replace(/\\\\/g, '\\'),
      )
      continue
    }
    if (line.startsWith('# TYPE ')) {
      const [name, type] = line.slice(7).split(' ') as [string, string]
      flush(family, sink)
      family = {
        name,
        help: helps.get(name) ?? '',
        type: TYPES.has(type) ? (type as FamilyType) : 'untyped',
        series: new Map(),
      }
      continue
    }
    if (line === '' || line.startsWith('#') || family === null) continue
    const sample = parseSample(line)
    if (sample === null) continue
    const [name, pairs, valueText] = sample
    const value = parseValue(valueText)
    let keyName: string | null = null
    let suffix = name.slice(family.name.length)
    if (!name.startsWith(family.name)) suffix = '?'
    if (family.type === 'summary' && suffix === '') keyName = 'quantile'
    if (family.type === 'histogram' && suffix === '_bucket') keyName = 'le'
    let key = Number.NaN
    const own = pairs.filter(([n, v]) => {
      if (n !== keyName) return true
      key = parseValue(v)
      return false
    })
    const id = own.map(([n, v]) => n + '\u0000' + v).join('\u0001')
    let series = family.series.get(id)
    if (series === undefined) {
      series = {
        labels: new SeriesLabels(
          own.map((p) => p[0]),
          own.map((p) => p[1]),
        ),
        value: 0,
        count: 0,
        sum: 0,
        keys: [],
        values: [],
      }
      family.series.set(id, series)
    }
    if (keyName !== null) {
      // The +Inf bucket is the count, which protobuf carries on its own.
      if (key !== Infinity) {
        series.keys.push(key)
        series.values.push(value)
      }
    } else if ((family.type === 'summary' || family.type === 'histogram') && suffix === '_sum') series.sum = value
    else if ((family.type === 'summary' || family.type === 'histogram') && suffix === '_count') series.count = value
    else series.value = value
  }
  flush(family, sink)
}
