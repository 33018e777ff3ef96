// What OpenMetrics 1.0 text (https://github.com/prometheus/OpenMetrics/blob/main/specification/OpenMetrics.md)
// changes over text format 0.0.4, for the text encoder's OpenMetrics mode: a counter family is named
// without `_total` (its samples keep it), `untyped` is `unknown`, HELP escapes `"` too, exemplars
// follow a bucket sample as ` # {labels} value timestamp`, and the body ends with `# EOF`.
import { EXEMPLAR_ID_BYTES, SPAN_ID_BYTES, TRACE_ID_BYTES } from '@taskmeter/protocol'
import type { ExemplarStore } from '../../aggregate/exemplar-store.js'
import type { FamilyType } from './family-sink.js'
import type { TextWriter } from './text-writer.js'

export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8'
export const OPENMETRICS_EOF = Buffer.from('# EOF\n')

const COUNTER_SUFFIX = '_total'
// Label names of an exemplar's ids: what Grafana's trace links and the OpenTelemetry SDKs use.
const EXEMPLAR_TRACE = Buffer.from(' # {trace_id="')
const EXEMPLAR_SPAN = Buffer.from('",span_id="')
const EXEMPLAR_CLOSE = Buffer.from('"} ')
const SPACE = 0x20

function escapeHelp(text: string): string {
  return /[\\"\n]/.test(text) ? text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') : text
}

/**
 * `# HELP` and `# TYPE` of a family. A counter's family name drops `_total`; a counter whose name
 * does not end in it cannot be an OpenMetrics counter (its samples would need the suffix), so it
 * is `unknown`, its samples unchanged.
 */
export function openMetricsHeader(name: string, type: FamilyType, help: string): string {
  let family = name
  let kind: string = type
  if (type === 'counter') {
    if (name.endsWith(COUNTER_SUFFIX) && name.length > COUNTER_SUFFIX.length)
      family = name.slice(0, -COUNTER_SUFFIX.length)
    else kind = 'unknown'
  } else if (type === 'untyped') kind = 'unknown'
  return '# HELP ' + family + ' ' + escapeHelp(help) + '\n# TYPE ' + family + ' ' + kind + '\n'
}

/**
 * ` # {trace_id="…",span_id="…"} <value in seconds> <Unix seconds>` for slot `slot` of the store,
 * after a `_bucket` sample and before its newline.
 */
export function writeExemplar(w: TextWriter, store: ExemplarStore, slot: number): void {
  const at = slot * EXEMPLAR_ID_BYTES
  w.bytes(EXEMPLAR_TRACE)
  w.hex(store.ids, at, TRACE_ID_BYTES)
  w.bytes(EXEMPLAR_SPAN)
  w.hex(store.ids, at + TRACE_ID_BYTES, SPAN_ID_BYTES)
  w.bytes(EXEMPLAR_CLOSE)
  w.number((store.valuesMs[slot] ?? 0) / 1000)
  w.byte(SPACE)
  w.number((store.unixMs[slot] ?? 0) / 1000)
}
