import { describe, expect, it } from 'vitest'
import { type CheckRow, fail, ok, skip, warn } from './doctor-checks.js'
import { MEMORY_WARN_FRACTION, memoryRow } from './doctor-memory.js'
import { exitCodeOf, renderJson, renderText } from './doctor-report.js'

const MIB = 1024 * 1024
const memoryScrape = (residentMib: number): string =>
  [
    `process_resident_memory_bytes ${residentMib * MIB}`,
    `taskmeter_memory_budget_bytes ${320 * MIB}`,
    `taskmeter_memory_worst_case_bytes ${315 * MIB}`,
    '',
  ].join('\n')

describe('doctor: memory against the budget', () => {
  it('✓ under the warning share, ! over it, ✗ over the budget; figures in bytes', () => {
    expect(memoryRow(memoryScrape(80))).toMatchObject({
      status: 'ok',
      detail: 'resident 80 MiB of a 320 MiB budget (25 %, worst case of the flags 315 MiB)',
      figures: {
        resident_bytes: 80 * MIB,
        budget_bytes: 320 * MIB,
        worst_case_bytes: 315 * MIB,
        budget_fraction: 0.25,
      },
    })
    expect(memoryRow(memoryScrape(Math.ceil(320 * MEMORY_WARN_FRACTION) + 1)).status).toBe('warn')
    const over = memoryRow(memoryScrape(400))
    expect(over.status).toBe('fail')
    expect(over.fix).toMatch(/--max-memory/)
  })

  it('is not checked when the scrape lacks the figures (never a false ✓)', () => {
    expect(memoryRow('process_resident_memory_bytes 1000\n').status).toBe('skip')
  })
})

const ROWS: CheckRow[] = [
  ok('agent reachable', 'http://127.0.0.1:3000 (2 ms)', { url: 'http://127.0.0.1:3000', duration_ms: 2 }),
  warn('memory budget', 'resident 300 MiB', 'more room', { resident_bytes: 300 * MIB }),
  fail('series cap', '3 events dropped', 'raise --max-series', { series_dropped: 3, max_series: 10 }),
  skip('scrape target', 'no --prometheus-url / PROMETHEUS_URL given'),
]

describe('doctor: the report', () => {
  it('exits 1 on a ✗ only: warnings and skipped checks pass', () => {
    expect(exitCodeOf(ROWS)).toBe(1)
    expect(exitCodeOf(ROWS.filter((row) => row.status !== 'fail'))).toBe(0)
  })

  it('--json: every check that ran with its status, message, fix and figures; skipped ones apart', () => {
    const report = JSON.parse(renderJson({ agentUrl: 'http://127.0.0.1:3000', prometheusUrl: null, rows: ROWS }))
    expect(report).toEqual({
      agent_url: 'http://127.0.0.1:3000',
      prometheus_url: null,
      status: 'fail',
      exit_code: 1,
      failed: ['series cap'],
      warned: ['memory budget'],
      checks: [
        {
          name: 'agent reachable',
          status: 'ok',
          message: 'http://127.0.0.1:3000 (2 ms)',
          fix: null,
          figures: { url: 'http://127.0.0.1:3000', duration_ms: 2 },
        },
        {
          name: 'memory budget',
          status: 'warn',
          message: 'resident 300 MiB',
          fix: 'more room',
          figures: { resident_bytes: 300 * MIB },
        },
        {
          name: 'series cap',
          status: 'fail',
          message: '3 events dropped',
          fix: 'raise --max-series',
          figures: { series_dropped: 3, max_series: 10 },
        },
      ],
      skipped: [{ name: 'scrape target', reason: 'no --prometheus-url / PROMETHEUS_URL given' }],
    })
  })

  it('the table names the failed and warned checks in its last line', () => {
    const text = renderText({ agentUrl: 'http://a:1', prometheusUrl: null, rows: ROWS })
    expect(text.split('\n')[0]).toBe(
      'taskmeter doctor: agent http://a:1, Prometheus (none given: the agent is checked alone)',
    )
    expect(text.trimEnd().split('\n').at(-1)).toBe(
      '1 problem: series cap; 1 warning: memory budget; see the fix under each ✗',
    )
    const passing = renderText({ agentUrl: 'http://a:1', prometheusUrl: 'http://p:9090', rows: ROWS.slice(0, 1) })
    expect(passing.trimEnd().split('\n').at(-1)).toBe('all checks passed')
  })
})
