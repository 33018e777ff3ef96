// Peers side by side: the same loads (StatsD timing lines at 1 and 20 per datagram, protocol v1
// batches; the C sendmmsg sender of bench/ingest-load.mjs in its own process) against, in turn and
// alone on the machine: the bare C receiver (bench/peers/bare-receiver.c: recvmmsg in batches of
// 64, counting only, the floor every row's CPU per datagram is divided by), taskmeter with each
// UDP reader (native recvmmsg and Node's dgram, when its --help lists --udp-reader), taskmeter
// --workers, Etsy StatsD (npm, installed on first use into a temp dir) and collectd's statsd plugin
// (Debian collectd-core). Then the same loads over a unix datagram socket where the agent has
// --unix-socket (the peers have none). Each row: what the target counted by its own account,
// loss, kernel drops, CPU per datagram and per line (/proc), × the bare receiver, RSS; then the
// goals, pass or fail. A missing peer is skipped and said so. statsd_exporter (Go) is in neither
// Debian nor npm here, so it is not among the peers.
// Run: npm run bench:peers [-- --seconds 5 --rates-statsd20 1.5e6 --rates-statsd1 3e5
//        --rates-protocol 2e6,4e6,6e6 --workers 2 --runs 1]
import os from 'node:os'
import { cSender, writeResult } from '../ingest-load.mjs'
import { BARE_NAME, startBare } from './bare.mjs'
import { startCollectd } from './collectd.mjs'
import { startEtsyStatsd } from './etsy-statsd.mjs'
import { addBareRatios, goals, medianRows, peerRatios, printGoals, printTable } from './report.mjs'
import { measure } from './step.mjs'
import { agentFeatures, startTaskmeter, taskmeterName } from './taskmeter.mjs'

const args = process.argv.slice(2)
const flag = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback)
const rates = (name, fallback) => flag(name, fallback).split(',').map(Number)
const SECONDS = Number(flag('--seconds', '5'))
const WORKERS = Number(flag('--workers', '2'))
// --runs N: the whole plan N times, each figure the median of the runs that reached that step.
const RUNS = Number(flag('--runs', '1'))
// Protocol v1 climbs until a step loses ≥ 0.1 %: the goal is read at the highest lossless step.
const LOADS = [
  ['statsd:1', rates('--rates-statsd1', '3e5')],
  ['statsd:20', rates('--rates-statsd20', '1.5e6')],
  ['protocol', rates('--rates-protocol', '2e6,4e6,6e6')],
]
if (!(SECONDS > 0 && SECONDS <= 60) || !(RUNS >= 1 && RUNS <= 9) || LOADS.some(([, r]) => r.some((x) => !(x > 0))))
  throw new Error('--seconds 1..60, --runs 1..9 and positive rates')
const ALL = ['statsd:1', 'statsd:20', 'protocol']
const STATSD = ['statsd:1', 'statsd:20']

const features = agentFeatures()
const haveC = cSender() !== null
const notes = []
const readers = features.udpReader ? ['native', 'dgram'] : [null]
if (!features.udpReader)
  notes.push("the agent's --help lists no --udp-reader: its default reader ran once, as the row 'taskmeter'")
const unix = features.unixSocket && haveC
if (!features.unixSocket) notes.push("the agent's --help lists no --unix-socket: no unix datagram socket rows")
else if (!haveC) notes.push('no cc: no unix datagram socket rows (only the C sender sends them)')
const unixFor = (reader) => unix && reader !== 'dgram'

const plan = [
  { start: () => startBare('udp'), transports: ['udp'], formats: ALL },
  ...(unix ? [{ start: () => startBare('unix'), transports: ['unix'], formats: ALL }] : []),
  ...readers.map((reader) => ({
    start: () => startTaskmeter({ reader, unix: unixFor(reader) }),
    transports: unixFor(reader) ? ['udp', 'unix'] : ['udp'],
    formats: ALL,
    reader,
  })),
  ...(WORKERS > 1 ? [{ start: () => startTaskmeter({ workers: WORKERS }), transports: ['udp'], formats: ALL }] : []),
  { start: startEtsyStatsd, transports: ['udp'], formats: STATSD },
  { start: startCollectd, transports: ['udp'], formats: STATSD },
]

const runRows = []
const skipped = []
const started = performance.now()
const skippedEntries = new Set()
for (let run = 0; run < RUNS; run++) {
  for (const [index, entry] of plan.entries()) {
    if (skippedEntries.has(index)) continue
    const target = await entry.start()
    if (target.skipped) {
      skippedEntries.add(index)
      skipped.push({ name: target.name, reason: target.skipped })
      console.log(`${target.name}: skipped (${target.skipped})`)
      continue
    }
    if (run === 0 && entry.reader && target.reader !== entry.reader)
      notes.push(`${target.name}: asked for --udp-reader ${entry.reader}, its self metric says ${target.reader}`)
    try {
      for (const transport of entry.transports) {
        // 1 s of each load at a light rate first: JIT warm-up for the Node targets, first interval
        // for collectd. Not reported.
        for (const format of entry.formats) await measure({ target, transport, format, rate: 2e5, seconds: 1 })
        for (const [format, steps] of LOADS) {
          if (!entry.formats.includes(format)) continue
          for (const rate of steps) {
            const row = await measure({ target, transport, format, rate, seconds: SECONDS })
            runRows.push(target.reader ? { ...row, reader: target.reader } : row)
            console.log(
              `${RUNS > 1 ? `run ${run + 1}: ` : ''}${row.target} ${transport} ${format} ${rate}/s: counted ${row.counted_per_s}/s, loss ${row.loss_pct} %, ${row.cpu_us_per_datagram} µs/datagram`,
            )
            if (row.loss_pct >= 0.1) break
          }
        }
      }
    } finally {
      await target.stop()
    }
  }
}
const rows = RUNS > 1 ? medianRows(runRows) : runRows

const notApplicable = []
for (const format of ALL) {
  for (const s of skipped) notApplicable.push({ target: s.name, transport: 'udp', format, reason: 'not run (skipped)' })
  if (format === 'protocol')
    for (const r of rows.filter(
      (x) =>
        x.format === 'statsd:1' && x.transport === 'udp' && !x.target.startsWith('taskmeter') && x.target !== BARE_NAME,
    ))
      notApplicable.push({ target: r.target, transport: 'udp', format, reason: 'StatsD text only' })
  if (!unix) continue
  notApplicable.push(
    { target: 'etsy-statsd', transport: 'unix', format, reason: 'no unix socket (Node dgram has none)' },
    { target: 'collectd statsd', transport: 'unix', format, reason: 'the statsd plugin listens on UDP only' },
  )
  if (readers.includes('dgram'))
    notApplicable.push({
      target: taskmeterName({ reader: 'dgram' }),
      transport: 'unix',
      format,
      reason: '--unix-socket needs the native reader',
    })
}

addBareRatios(rows)
const oursNames = readers.map((reader) => taskmeterName({ reader }))
console.log(
  `\nThe same loads for each target, ${SECONDS} s per step, sender ${haveC ? 'C sendmmsg (4 source sockets)' : 'Node'}, node ${process.version}, ${RUNS > 1 ? `medians of ${RUNS} runs, ` : ''}${((performance.now() - started) / 1000).toFixed(0)} s in all, load ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores`,
)
console.log(
  'µs/dgram: target CPU per datagram counted; cpu-s/M: per million lines (or events); × bare C: µs/dgram over the bare receiver on the same load',
)
printTable(rows, notApplicable)
const ratios = peerRatios(rows, oursNames)
console.log('')
for (const r of ratios) {
  const cpu =
    r.cpu_efficiency_ratio >= 1
      ? `${r.cpu_efficiency_ratio}× less CPU per line`
      : `${(1 / r.cpu_efficiency_ratio).toFixed(2)}× more CPU per line`
  console.log(`${r.format}: ${r.ours} counted ${r.counted_ratio}× what ${r.peer} counted, using ${cpu}`)
}
const goalList = goals(rows, oursNames)
printGoals(goalList)
for (const n of notes) console.log(`note: ${n}`)
for (const s of skipped) console.log(`skipped: ${s.name} (${s.reason})`)
console.log('not run: statsd_exporter (Go; in neither Debian nor npm on this machine)')
const result = {
  bench: 'peers',
  seconds_per_step: SECONDS,
  runs: RUNS,
  rows,
  run_rows: runRows,
  ratios,
  goals: goalList,
  notes,
  skipped,
  node: process.version,
}
writeResult('peers', result)
const brief = rows.map((r) => ({
  target: r.target,
  transport: r.transport,
  format: r.format,
  offered_per_s: r.offered_per_s,
  counted_per_s: r.counted_per_s,
  loss_pct: r.loss_pct,
  cpu_us_per_datagram: r.cpu_us_per_datagram,
  cpu_s_per_million: r.cpu_s_per_million,
  x_bare: r.x_bare,
}))
console.log(
  JSON.stringify({
    bench: 'peers',
    rows: brief,
    ratios,
    goals: goalList,
    notes,
    skipped: skipped.map((s) => s.name),
    node: process.version,
  }),
)
