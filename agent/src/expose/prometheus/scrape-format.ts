// Which exposition format a scrape gets, from its Accept header, as Prometheus' own client
// libraries choose (client_golang expfmt.Negotiate): the acceptable media range with the highest
// q-value wins, an exact type before a wildcard, then the one listed first; nothing acceptable is
// text 0.0.4. Prometheus 2.x asks for OpenMetrics first, then 0.0.4 (q=0.5); with native
// histograms on, for protobuf first.

export type ScrapeFormat = 'protobuf' | 'openmetrics' | 'text'

// A media range's parameters, read without allocating a map (a scrape reads one short header).
interface MediaRange {
  type: string
  q: number
  proto: string
  encoding: string
  version: string
}

function parseRange(range: string): MediaRange {
  const parts = range.split(';')
  const out: MediaRange = { type: (parts[0] ?? '').trim().toLowerCase(), q: 1, proto: '', encoding: '', version: '' }
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i] as string
    const eq = part.indexOf('=')
    if (eq < 0) continue
    const key = part.slice(0, eq).trim().toLowerCase()
    const value = part
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1')
    if (key === 'q') out.q = Number(value)
    else if (key === 'proto') out.proto = value
    else if (key === 'encoding') out.encoding = value
    else if (key === 'version') out.version = value
  }
  if (!(out.q >= 0 && out.q <= 1)) out.q = 0
  return out
}

// The format a range names and how specific it is (2 exact, 1 `text/*`, 0 `*/*`), or null.
function formatOf(range: MediaRange): { format: ScrapeFormat; specificity: number } | null {
  switch (range.type) {
    case 'application/vnd.google.protobuf':
      return range.proto === 'io.prometheus.client.MetricFamily' && range.encoding === 'delimited'
        ? { format: 'protobuf', specificity: 2 }
        : null
    case 'application/openmetrics-text':
      // 1.0.0 is what we write; a 0.0.1 reader (Prometheus asks for it second) reads it too.
      return range.version === '' || range.version === '1.0.0' || range.version === '0.0.1'
        ? { format: 'openmetrics', specificity: 2 }
        : null
    case 'text/plain':
      return range.version === '' || range.version === '0.0.4' ? { format: 'text', specificity: 2 } : null
    case 'text/*':
      return { format: 'text', specificity: 1 }
    case '*/*':
      return { format: 'text', specificity: 0 }
    default:
      return null
  }
}

export function negotiateScrapeFormat(accept: string | undefined): ScrapeFormat {
  if (accept === undefined || accept === '') return 'text'
  let best: ScrapeFormat = 'text'
  let bestQ = 0
  let bestSpecificity = -1
  for (const text of accept.split(',')) {
    const range = parseRange(text)
    const found = formatOf(range)
    if (found === null || range.q === 0) continue
    if (range.q > bestQ || (range.q === bestQ && found.specificity > bestSpecificity)) {
      best = found.format
      bestQ = range.q
      bestSpecificity = found.specificity
    }
  }
  return best
}
