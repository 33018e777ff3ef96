// Peers side by side: the same StatsD-text load (timing lines, 20 and 1 per datagram, from
// bench/ingest-load.mjs's sender in its own process) against taskmeter and every peer that can run
// here: Etsy StatsD (npm, installed on first use into a temp dir) and collectd's statsd plugin
// (Debian collectd-core). Each target in turn, alone on the machine; what each counted by its own
// account, lines/s, loss, CPU-seconds per million lines (/proc) and RSS; then taskmeter's ratio to
// each. A missing peer is skipped and said so. statsd_exporter (Go) is neither in Debian nor on npm
// here, so it is not among the peers.
// Run: npm run bench:peers [-- --seconds 5 --rates-statsd20 1.5e6 --rates-statsd1 3e5]
import { cSender, writeResult } from '../ingest-load.mjs'
import { cpuSeconds, measureStep, rssMiB, startAgent } from '../ingest.bench.mjs'
import { startCollectd } from './collectd.mjs'
import { startEtsyStatsd } from './etsy-statsd.mjs'

const args = process.argv.slice(2)
const flag = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback)
const SECONDS = Number(flag('--seconds', '5'))
const LOADS = [
  ['statsd:20', Number(flag('--rates-statsd20', '1.5e6'))],
  ['statsd:1', Number(flag('--rates-statsd1', '3e5'))],
]

async function startTaskmeter(workers = 1) {
  const agent = await startAgent(workers > 1 ? ['--workers', String(workers), '--max-memory', '8GiB'] : [])
  const count = async () => {
    const text = await (await fetch(`http://127.0.0.1:${agent.httpPort}/metrics`)).text()
    return Number(/^taskmeter_lines_received_total (\S+)$/m.exec(text)?.[1] ?? 0)
  }
  return {
    name: workers > 1 ? `taskmeter --workers ${workers}` : 'taskmeter',
    port: agent.udpPort,
    pid: agent.child.pid,
    settleMs: 300,
    count,
    async stop() {
      agent.child.kill('SIGTERM')
      await new Promise((r) => agent.child.once('exit', r))
    },
  }
}

const WORKERS = Number(flag('--workers', '2'))
const starters = [
  () => startTaskmeter(1),
  ...(WORKERS > 1 ? [() => startTaskmeter(WORKERS)] : []),
  startEtsyStatsd,
  startCollectd,
]
const results = []
const skipped = []
for (const start of starters) {
  const target = await start()
  if (target.skipped) {
    skipped.push({ name: target.name, reason: target.skipped })
    console.log(`${target.name}: skipped (${target.skipped})`)
    continue
  }
  try {
    // 1 s of light load first: JIT warm-up for the Node targets, first interval for collectd.
    await measureStep({
      port: target.port,
      pid: target.pid,
      rate: 1e5,
      format: 'statsd:20',
      count: target.count,
      seconds: 1,
      settleMs: target.settleMs,
      sockets: 4,
    })
    for (const [format, rate] of LOADS) {
      const cpuBefore = cpuSeconds(target.pid)
      const step = await measureStep({
        port: target.port,
        pid: target.pid,
        rate,
        format,
        count: target.count,
        seconds: SECONDS,
        settleMs: target.settleMs,
        sockets: 4,
      })
      results.push({
        target: target.name,
        ...step,
        cpu_total_s: Number((cpuSeconds(target.pid) - cpuBefore).toFixed(2)),
        rss_mib: Number(rssMiB(target.pid).toFixed(1)),
      })
    }
  } finally {
    await target.stop()
  }
}

console.log(
  `StatsD text, the same load for each target, ${SECONDS} s per step, sender ${cSender() ? 'C sendmmsg' : 'Node'}, node ${process.version}`,
)
const cols = ['target', 'lines/dgram', 'offered/s', 'counted/s', 'loss %', 'kernel drops', 'cpu-s/M', 'rss MiB']
console.log(cols.map((c, i) => (i === 0 ? c.padEnd(24) : c.padStart(13))).join(''))
for (const r of results) {
  const cells = [
    r.target,
    r.format.split(':')[1],
    r.offered_per_s,
    r.counted_per_s,
    r.loss_pct,
    r.kernel_drops,
    r.cpu_s_per_million,
    r.rss_mib,
  ]
  console.log(cells.map((c, i) => (i === 0 ? String(c).padEnd(24) : String(c).padStart(13))).join(''))
}
const ratios = []
for (const [format] of LOADS) {
  const ours = results.find((r) => r.target === 'taskmeter' && r.format === format)
  for (const peer of results.filter((r) => !r.target.startsWith('taskmeter') && r.format === format)) {
    if (!ours) continue
    ratios.push({
      format,
      peer: peer.target,
      counted_ratio: Number((ours.counted_per_s / Math.max(1, peer.counted_per_s)).toFixed(2)),
      cpu_efficiency_ratio: Number((peer.cpu_s_per_million / ours.cpu_s_per_million).toFixed(2)),
    })
  }
}
for (const r of ratios) {
  const cpu =
    r.cpu_efficiency_ratio >= 1
      ? `${r.cpu_efficiency_ratio}× less CPU per line`
      : `${(1 / r.cpu_efficiency_ratio).toFixed(2)}× more CPU per line`
  console.log(`${r.format}: taskmeter (1 process) counted ${r.counted_ratio}× what ${r.peer} counted, using ${cpu}`)
}
for (const s of skipped) console.log(`skipped: ${s.name} (${s.reason})`)
console.log('not run: statsd_exporter (Go; in neither Debian nor npm on this machine)')
const result = { bench: 'peers', seconds_per_step: SECONDS, results, ratios, skipped, node: process.version }
writeResult('peers', result)
console.log(JSON.stringify({ bench: 'peers', ratios, skipped: skipped.map((s) => s.name), node: process.version }))
