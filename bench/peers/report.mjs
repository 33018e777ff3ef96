// bench/peers' figures: the table (grouped by transport and load, the bare C floor first), each
// row's CPU per datagram as a multiple of the floor's in the same group, taskmeter's ratios to the
// other peers, and the goals with a plain pass/fail.
import { BARE_NAME } from './bare.mjs'

const LOAD_NAMES = {
  'statsd:1': 'StatsD, 1 line/datagram',
  'statsd:20': 'StatsD, 20 lines/datagram',
  protocol: 'protocol v1',
}
const sameLoad = (a, b) => a.transport === b.transport && a.format === b.format && a.offered_per_s === b.offered_per_s

/**
 * One row per target, transport, load and rate, each number the median over the runs that reached
 * that step (a climb stops at the first lossy step, so a high step may have fewer runs): `runs`.
 */
export function medianRows(runRows) {
  const groups = new Map()
  for (const r of runRows) {
    const key = `${r.target}|${r.transport}|${r.format}|${r.offered_per_s}`
    if (!groups.has(key)) groups.set(key, [])
    groups.get(key).push(r)
  }
  // In the order the targets ran, then by load and rate (a step first reached in a later run
  // would otherwise come last).
  const order = (values) => (r) => values.indexOf(r)
  const targets = order([...new Set(runRows.map((r) => r.target))])
  const loads = order([...new Set(runRows.map((r) => `${r.transport}|${r.format}`))])
  const sorted = [...groups.values()].sort(
    (a, b) =>
      targets(a[0].target) - targets(b[0].target) ||
      loads(`${a[0].transport}|${a[0].format}`) - loads(`${b[0].transport}|${b[0].format}`) ||
      a[0].offered_per_s - b[0].offered_per_s,
  )
  return sorted.map((group) => {
    const row = { ...group[0], runs: group.length }
    for (const [field, value] of Object.entries(group[0])) {
      if (typeof value !== 'number') continue
      const values = group.map((r) => r[field]).sort((a, b) => a - b)
      const middle = values.length >> 1
      const median = values.length % 2 === 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2
      row[field] = values.every(Number.isInteger) ? Math.round(median) : Number(median.toFixed(3))
    }
    return row
  })
}

/** Adds `x_bare` (CPU per datagram over the bare receiver's, same transport, load and rate). */
export function addBareRatios(rows) {
  for (const row of rows) {
    const bare = rows.find((r) => r.target === BARE_NAME && sameLoad(r, row))
    row.x_bare =
      bare && bare.cpu_us_per_datagram > 0
        ? Number((row.cpu_us_per_datagram / bare.cpu_us_per_datagram).toFixed(2))
        : null
  }
}

const fmt = (v) =>
  v === null || v === undefined
    ? 'n/a'
    : typeof v === 'number' && v >= 1e4
      ? Math.round(v).toLocaleString('en-US')
      : String(v)

/** Prints the rows grouped by transport and load, then the n/a lines of each group. */
export function printTable(rows, notApplicable) {
  const cols = [
    'target',
    'offered/s',
    'sent/s',
    'counted/s',
    'loss %',
    'kern drops',
    'snd blocked',
    'µs/dgram',
    'cpu-s/M',
    '× bare C',
    'rss MiB',
  ]
  const line = (cells) =>
    console.log(cells.map((c, i) => (i === 0 ? String(c).padEnd(28) : String(c).padStart(12))).join(''))
  const groups = []
  for (const r of rows) if (!groups.some((g) => g.transport === r.transport && g.format === r.format)) groups.push(r)
  for (const g of groups) {
    console.log(
      `\n${LOAD_NAMES[g.format] ?? g.format} over ${g.transport === 'unix' ? 'a unix datagram socket' : 'UDP'}`,
    )
    line(cols)
    for (const r of rows.filter((x) => x.transport === g.transport && x.format === g.format))
      line([
        r.target,
        fmt(r.offered_per_s),
        fmt(r.sent_per_s),
        fmt(r.counted_per_s),
        r.loss_pct,
        fmt(r.kernel_drops),
        fmt(r.sender_blocked),
        r.cpu_us_per_datagram,
        r.cpu_s_per_million,
        fmt(r.x_bare),
        r.rss_mib,
      ])
    for (const n of notApplicable.filter((x) => x.transport === g.transport && x.format === g.format))
      console.log(`${n.target.padEnd(28)}n/a: ${n.reason}`)
  }
}

/** taskmeter's one-process rows against each peer on the same UDP load: counted and CPU per line. */
export function peerRatios(rows, oursNames) {
  const ratios = []
  for (const ours of rows.filter(
    (r) => oursNames.includes(r.target) && r.transport === 'udp' && r.format !== 'protocol',
  )) {
    for (const peer of rows.filter(
      (r) => !r.target.startsWith('taskmeter') && r.target !== BARE_NAME && sameLoad(r, ours),
    ))
      ratios.push({
        format: ours.format,
        ours: ours.target,
        peer: peer.target,
        counted_ratio: Number((ours.counted_per_s / Math.max(1, peer.counted_per_s)).toFixed(2)),
        cpu_efficiency_ratio: Number((peer.cpu_s_per_million / ours.cpu_s_per_million).toFixed(2)),
      })
  }
  return ratios
}

const check = (goal, row, value, target, met, unit) => ({ goal, row, value, target, unit, met })

/**
 * The goals, for each taskmeter one-process row over UDP: at 1 line/datagram loss ≤ collectd's,
 * CPU/line ≤ 0.8× collectd's and ≤ 1.5× the bare receiver's; at 20 lines/datagram CPU/line ≤
 * collectd's; protocol v1 ≥ 6 M events per agent CPU-second at the highest step with < 0.1 % loss.
 * `met` is null where a side did not run.
 */
export function goals(rows, oursNames) {
  const out = []
  const udp = rows.filter((r) => r.transport === 'udp')
  const collectd = (format) => udp.find((r) => r.target.startsWith('collectd') && r.format === format)
  for (const name of oursNames) {
    const one = udp.find((r) => r.target === name && r.format === 'statsd:1')
    const c1 = collectd('statsd:1')
    if (one) {
      out.push(
        check(
          '1 line/datagram: loss ≤ collectd',
          name,
          one.loss_pct,
          c1 ? `≤ ${c1.loss_pct}` : 'collectd n/a',
          c1 ? one.loss_pct <= c1.loss_pct : null,
          '%',
        ),
        check(
          '1 line/datagram: CPU/line ≤ 0.8× collectd',
          name,
          c1 ? Number((one.cpu_s_per_million / c1.cpu_s_per_million).toFixed(2)) : null,
          '≤ 0.8',
          c1 ? one.cpu_s_per_million <= 0.8 * c1.cpu_s_per_million : null,
          '× collectd',
        ),
        check(
          '1 line/datagram: CPU/line ≤ 1.5× bare C',
          name,
          one.x_bare,
          '≤ 1.5',
          one.x_bare === null ? null : one.x_bare <= 1.5,
          '× bare C',
        ),
      )
    }
    const twenty = udp.find((r) => r.target === name && r.format === 'statsd:20')
    const c20 = collectd('statsd:20')
    if (twenty)
      out.push(
        check(
          '20 lines/datagram: CPU/line ≤ collectd',
          name,
          c20 ? Number((twenty.cpu_s_per_million / c20.cpu_s_per_million).toFixed(2)) : null,
          '≤ 1',
          c20 ? twenty.cpu_s_per_million <= c20.cpu_s_per_million : null,
          '× collectd',
        ),
      )
    const steps = udp.filter((r) => r.target === name && r.format === 'protocol')
    if (steps.length > 0) {
      const top = steps.filter((r) => r.loss_pct < 0.1).sort((a, b) => b.offered_per_s - a.offered_per_s)[0]
      out.push(
        check(
          `protocol v1: ≥ 6 M events/CPU-s, < 0.1 % loss (${top ? `at ${fmt(top.offered_per_s)}/s` : 'no step under 0.1 %'})`,
          name,
          top?.events_per_cpu_s ?? null,
          '≥ 6,000,000',
          top ? top.events_per_cpu_s >= 6e6 : false,
          'events/CPU-s',
        ),
      )
    }
  }
  return out
}

export function printGoals(list) {
  console.log('\ngoal'.padEnd(70) + 'row'.padEnd(22) + 'measured'.padStart(14) + '  target'.padEnd(16) + 'pass')
  for (const g of list)
    console.log(
      g.goal.padEnd(69) +
        g.row.padEnd(22) +
        fmt(g.value).padStart(14) +
        `  ${g.target}`.padEnd(16) +
        (g.met === null ? 'n/a' : g.met ? 'PASS' : 'FAIL'),
    )
}
