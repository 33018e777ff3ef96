// One registry of reasons (reasons.ts), documented once (SPEC.md §5): this test fails when a
// reason has no row in the SPEC table for its kind, or a row names a reason the code lacks.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { DATAGRAM_REASONS, EVENT_REASONS } from './reasons.js'

const spec = readFileSync(new URL('../SPEC.md', import.meta.url), 'utf8')

// The reasons in the first table after `heading`: rows that start with "| `reason` |".
function tableReasons(heading: string): string[] {
  const at = spec.indexOf(heading)
  if (at < 0) throw new Error(`SPEC.md has no "${heading}"`)
  const lines = spec.slice(at).split('\n')
  const start = lines.findIndex((line) => line.startsWith('|'))
  const reasons: string[] = []
  for (let i = start; i >= 0 && i < lines.length && (lines[i] ?? '').startsWith('|'); i++) {
    const row = /^\|\s*`([a-z_]+)`\s*\|/.exec(lines[i] ?? '')
    if (row?.[1] !== undefined) reasons.push(row[1])
  }
  return reasons
}

describe('SPEC.md reason tables', () => {
  it.each([
    ['**Datagram reasons**', DATAGRAM_REASONS],
    ['**Event reasons**', EVENT_REASONS],
  ] as const)('%s has one row per reason in reasons.ts, and no other', (heading, reasons) => {
    const rows = tableReasons(heading)
    expect(
      reasons.filter((r) => !rows.includes(r)),
      'reasons without a SPEC row',
    ).toEqual([])
    expect(
      rows.filter((r) => !(reasons as readonly string[]).includes(r)),
      'SPEC rows without a reason',
    ).toEqual([])
    expect(new Set(rows).size, 'duplicate SPEC rows').toBe(rows.length)
  })
})
