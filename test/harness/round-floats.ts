// Float sums add in another order across workers (or merges): two figures are equal when they
// agree to 12 significant digits. Rounds every number in a JSON-like value, integers kept as they are.
export function roundFloats(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? value : Number(value.toPrecision(12))
  if (Array.isArray(value)) return value.map(roundFloats)
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, roundFloats(v)]))
  return value
}
