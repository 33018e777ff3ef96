// Reading one /metrics text scrape for doctor: the samples of a family by one label. The agent
// writes no timestamps, so a sample's value is its last field.

/** label value (or '' without labels) → value, for every sample of one family in a text scrape. */
export function familySamples(text: string, family: string, label: string): Map<string, number> {
  const out = new Map<string, number>()
  const prefix = family + ' '
  const labelled = family + '{'
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string
    if (!line.startsWith(prefix) && !line.startsWith(labelled)) continue
    const value = Number(line.slice(line.lastIndexOf(' ') + 1))
    const match = new RegExp(`[{,]${label}="([^"]*)"`).exec(line)
    out.set(match === null ? '' : (match[1] as string), value)
  }
  return out
}

export function total(samples: ReadonlyMap<string, number>): number {
  let sum = 0
  for (const value of samples.values()) sum += value
  return sum
}

/** "truncated 3, bad_magic 1" for the non-zero entries, largest first. */
export function nonZero(samples: ReadonlyMap<string, number>): string {
  return [...samples]
    .filter(([, value]) => value > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([reason, value]) => `${reason} ${value}`)
    .join(', ')
}

/** The non-zero entries as a plain record, for a check's figures. */
export function nonZeroRecord(samples: ReadonlyMap<string, number>): Record<string, number> {
  const out: Record<string, number> = {}
  for (const [reason, value] of samples) if (value > 0) out[reason] = value
  return out
}

/** The one sample of an unlabelled family, or null when the scrape has none. */
export function sampleOf(text: string, family: string): number | null {
  const samples = familySamples(text, family, '')
  return samples.size === 0 ? null : total(samples)
}
