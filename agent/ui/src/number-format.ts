// How the page prints figures: durations in ms/s/µs, rates, percentages, with 3 significant digits.

export function formatMs(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '–'
  if (ms === 0) return '0'
  if (ms >= 1000) return `${(ms / 1000).toPrecision(3)} s`
  if (ms >= 1) return `${ms.toPrecision(3)} ms`
  return `${(ms * 1000).toPrecision(3)} µs`
}

export function formatRate(perSecond: number | null): string {
  if (perSecond === null || !Number.isFinite(perSecond)) return '–'
  if (perSecond === 0) return '0/s'
  if (perSecond >= 1000) return `${(perSecond / 1000).toPrecision(3)}k/s`
  return `${perSecond.toPrecision(3)}/s`
}

export function formatPercent(ratio: number | null): string {
  if (ratio === null || !Number.isFinite(ratio)) return '–'
  if (ratio === 0) return '0 %'
  return `${(ratio * 100).toPrecision(3)} %`
}

export function formatCount(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toPrecision(3)}M` : n >= 1e4 ? `${(n / 1e3).toPrecision(3)}k` : String(n)
}
