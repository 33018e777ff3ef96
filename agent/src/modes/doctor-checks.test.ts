import { describe, expect, it } from 'vitest'
import { countedRows } from './doctor-counted.js'
import { renderTable } from './doctor-report.js'
import { familySamples, nonZero } from './doctor-scrape.js'
import { agentAddresses, hostPortOf, localAddresses, pointsAt } from './doctor-targets.js'

const SCRAPE = [
  '# TYPE taskmeter_udp_kernel_drops_total counter',
  'taskmeter_udp_kernel_drops_total 0',
  'taskmeter_datagrams_invalid_total{reason="bad_magic"} 0',
  'taskmeter_datagrams_invalid_total{reason="truncated"} 3',
  'taskmeter_datagrams_invalid_total{reason="bad_encoding"} 7',
  'taskmeter_events_invalid_total{reason="bad_name"} 0',
  'taskmeter_events_dropped_total{reason="type_conflict"} 0',
  'taskmeter_series_max 10000',
  'taskmeter_series_dropped_total 12',
  '',
].join('\n')

describe('doctor: what the agent counted', () => {
  it('reads one family by label from a text scrape', () => {
    expect(familySamples(SCRAPE, 'taskmeter_datagrams_invalid_total', 'reason')).toEqual(
      new Map([
        ['bad_magic', 0],
        ['truncated', 3],
        ['bad_encoding', 7],
      ]),
    )
    expect(nonZero(familySamples(SCRAPE, 'taskmeter_datagrams_invalid_total', 'reason'))).toBe(
      'bad_encoding 7, truncated 3',
    )
  })

  it('a ✗ with a fix and the figures for invalid input and dropped series; ✓ for no kernel drops or dropped events', () => {
    const rows = countedRows(SCRAPE, 4 * 1024 * 1024)
    expect(rows.map((row) => [row.check, row.status])).toEqual([
      ['kernel drops', 'ok'],
      ['invalid datagrams', 'fail'],
      ['events dropped', 'ok'],
      ['series cap', 'fail'],
    ])
    expect(rows[1]?.detail).toBe('rejected datagrams: bad_encoding 7, truncated 3')
    expect(rows[1]?.figures).toEqual({
      invalid_datagrams: { truncated: 3, bad_encoding: 7 },
      invalid_events: {},
      invalid_lines: {},
    })
    expect(rows[3]?.fix).toMatch(/raise --max-series/)
    expect(rows[3]?.figures).toEqual({ series_dropped: 12, max_series: 10000 })
    const conflict = countedRows(SCRAPE.replace('reason="type_conflict"} 0', 'reason="type_conflict"} 2'), 0)
    expect(conflict[2]).toMatchObject({
      check: 'events dropped',
      status: 'fail',
      detail: 'refused 2 valid events: type_conflict 2',
      figures: { events_dropped: { type_conflict: 2 } },
    })
    const drops = countedRows(SCRAPE.replace('kernel_drops_total 0', 'kernel_drops_total 42'), 212992)
    expect(drops[0]).toMatchObject({
      status: 'fail',
      detail: 'the kernel dropped 42 datagrams: the receive queue was full (receive buffer now 208 KiB)',
      figures: { kernel_drops: 42, recv_buffer_bytes: 212992 },
    })
    expect(drops[0]?.fix).toMatch(/--recv-buffer .*net\.core\.rmem_max/)
  })

  it('renders marks, aligned names and the fix under each ✗ and !', () => {
    const table = renderTable([
      { check: 'agent ready', status: 'ok', detail: 'UDP bound', fix: null, figures: {} },
      { check: 'scrape target', status: 'fail', detail: 'none', fix: 'add one', figures: {} },
      { check: 'memory budget', status: 'warn', detail: '95 %', fix: 'more room', figures: {} },
      { check: 'target up', status: 'skip', detail: 'not checked: no target', fix: null, figures: {} },
    ])
    expect(table).toBe(
      [
        '  ✓ agent ready    UDP bound',
        '  ✗ scrape target  none',
        '                   fix: add one',
        '  ! memory budget  95 %',
        '                   fix: more room',
        '  – target up      not checked: no target',
        '',
      ].join('\n'),
    )
  })
})

describe('doctor: which Prometheus targets are this agent', () => {
  it('same port, and a host that is one of the agent’s addresses (all local ones for a local agent)', async () => {
    const agent = hostPortOf('http://127.0.0.1:3000')
    if (agent === null) throw new Error('unparsed')
    const addresses = await agentAddresses(agent)
    expect(addresses).toEqual(localAddresses())
    expect(await pointsAt('http://127.0.0.1:3000/metrics', agent, addresses)).toBe(true)
    expect(await pointsAt('http://localhost:3000/metrics', agent, addresses)).toBe(true)
    expect(await pointsAt('http://[::1]:3000/metrics', agent, addresses)).toBe(true)
    expect(await pointsAt('http://127.0.0.1:3001/metrics', agent, addresses)).toBe(false)
    expect(await pointsAt('https://127.0.0.1/metrics', agent, addresses)).toBe(false) // port 443
    expect(await pointsAt('http://192.0.2.10:3000/metrics', agent, addresses)).toBe(false) // TEST-NET-1, never local
  })

  it('a remote agent is matched by its own address only', async () => {
    const agent = { host: '192.0.2.10', port: 3000 }
    const addresses = await agentAddresses(agent)
    expect(await pointsAt('http://192.0.2.10:3000/metrics', agent, addresses)).toBe(true)
    expect(await pointsAt('http://127.0.0.1:3000/metrics', agent, addresses)).toBe(false)
  })
})
