// Label identity for series: tag keys sanitized to Prometheus' label charset, reserved names
// renamed, pairs sorted, so that {b:1,a:2} and {a:2,b:1} are one series.

export type LabelPairs = ReadonlyArray<readonly [string, string]>

const RESERVED_LABELS = new Set(['task', 'status', 'le', 'quantile', 'job', 'instance'])

/** Prometheus label name charset [a-zA-Z_][a-zA-Z0-9_]*; names starting "__" are reserved. */
export function sanitizeLabelName(key: string): string {
  let out = key.replace(/[^a-zA-Z0-9_]/g, '_')
  if (/^[0-9]/.test(out)) out = '_' + out
  if (out.startsWith('__')) out = 'tag' + out
  return RESERVED_LABELS.has(out) ? 'tag_' + out : out
}

/** Metric name charset [a-zA-Z_:][a-zA-Z0-9_:]*. */
export function sanitizeMetricName(name: string): string {
  let out = name.replace(/[^a-zA-Z0-9_:]/g, '_')
  if (/^[0-9]/.test(out)) out = '_' + out
  return out
}

/**
 * The sorted label pairs of raw tags, or null when two keys become one label name (`a.b`, `a_b`,
 * `a-b`): keeping either value would merge two spellings silently, so the caller refuses the event.
 * A tag with an empty value is left out: Prometheus reads an empty label as an absent one, so
 * `{k=""}` and no `k` are the same series, and must be one series here too.
 */
export function canonicalLabels(pairs: ReadonlyArray<readonly [string, string]>): LabelPairs | null {
  const byName = new Map<string, string>()
  for (const [key, value] of pairs) {
    const name = sanitizeLabelName(key)
    if (byName.has(name)) return null
    if (value !== '') byName.set(name, value)
  }
  return [...byName.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
}

/**
 * A stable text key for a name + canonical labels (also the /dashboard key of a tagged task). A
 * task name is any text, so one that holds a `{` or starts with a quote is written as a JSON
 * string: untagged `al{k="v"}` and `al` tagged k:v must be two keys, not one merged task.
 */
export function seriesId(name: string, labels: LabelPairs): string {
  const head = name.includes('{') || name.startsWith('"') ? JSON.stringify(name) : name
  if (labels.length === 0) return head
  let id = head + '{'
  for (let i = 0; i < labels.length; i++) {
    const pair = labels[i] as readonly [string, string]
    id += (i > 0 ? ',' : '') + pair[0] + '=' + JSON.stringify(pair[1])
  }
  return id + '}'
}
