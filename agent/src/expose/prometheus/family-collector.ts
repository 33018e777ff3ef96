// Groups a family's samples, as an exposition lists them one by one (`name_bucket{le="…"}`,
// `name{quantile="…"}`, `name_sum`, `name_count`, `name`), into series, and hands the family to a
// sink once it is complete: the shape of text-format and prom-client JSON families.
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

export type LabelPair = readonly [string, string]

/** A sample value or `le`/`quantile` as the text format writes it. */
export function parseValue(text: string): number {
  if (text === '+Inf') return Infinity
  if (text === '-Inf') return -Infinity
  return Number(text)
}

export class FamilyCollector {
  private readonly sink: FamilySink
  private family: Family | null = null

  constructor(sink: FamilySink) {
    this.sink = sink
  }

  /** Starts a family; the previous one goes to the sink. */
  start(name: string, help: string, type: FamilyType): void {
    this.flush()
    this.family = { name, help, type, series: new Map() }
  }

  get started(): boolean {
    return this.family !== null
  }

  /** One sample line of the family started last: `name` is the sample's (with its suffix). */
  sample(name: string, pairs: readonly LabelPair[], value: number): void {
    const family = this.family
    if (family === null) return
    const suffix = name.startsWith(family.name) ? name.slice(family.name.length) : '?'
    const grouped = family.type === 'summary' || family.type === 'histogram'
    let keyName: string | null = null
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
      const labels = new SeriesLabels(
        own.map((p) => p[0]),
        own.map((p) => p[1]),
      )
      series = { labels, value: 0, count: 0, sum: 0, keys: [], values: [] }
      family.series.set(id, series)
    }
    if (keyName !== null) {
      // The +Inf bucket is the count, which the sinks take on its own.
      if (key !== Infinity) {
        series.keys.push(key)
        series.values.push(value)
      }
    } else if (grouped && suffix === '_sum') series.sum = value
    else if (grouped && suffix === '_count') series.count = value
    else series.value = value
  }

  /** Hands the family started last to the sink (the sink's end() is the caller's). */
  flush(): void {
    const family = this.family
    if (family === null) return
    this.family = null
    const sink = this.sink
    sink.family(family.name, family.help, family.type)
    for (const s of family.series.values()) {
      if (family.type === 'summary') sink.summary(s.labels, s.count, s.sum, s.keys, s.values)
      else if (family.type === 'histogram') sink.histogram(s.labels, s.count, s.sum, s.keys, s.values, null)
      else sink.value(s.labels, null, null, s.value)
    }
  }
}
