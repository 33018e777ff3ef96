// For tests: reads a text exposition back into a FamilySink, the reference the JSON path of the
// process metrics is compared with, and a source of hand-written families. The agent itself never
// re-parses text: every family reaches every encoder through one walk.
// Text format 0.0.4: https://prometheus.io/docs/instrumenting/exposition_formats/
import { FamilyCollector, type LabelPair, parseValue } from './family-collector.js'
import type { FamilySink, FamilyType } from './family-sink.js'

const TYPES: ReadonlySet<string> = new Set(['counter', 'gauge', 'summary', 'histogram', 'untyped'])

function unescapeLabel(text: string): string {
  return text.replace(/\\(.)/g, (_match, c: string) => (c === 'n' ? '\n' : c))
}

/** `name{a="1",b="2"} value` → [name, label pairs, value text]; null for a line we cannot read. */
function parseSample(line: string): [string, LabelPair[], string] | null {
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
  const pairs: LabelPair[] = []
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

/** Every family of `text` into `sink` (the sink's end() is the caller's). */
export function emitTextFamilies(text: string, sink: FamilySink): void {
  const families = new FamilyCollector(sink)
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
      families.start(name, helps.get(name) ?? '', TYPES.has(type) ? (type as FamilyType) : 'untyped')
      continue
    }
    if (line === '' || line.startsWith('#') || !families.started) continue
    const sample = parseSample(line)
    if (sample === null) continue
    families.sample(sample[0], sample[1], parseValue(sample[2]))
  }
  families.flush()
}
