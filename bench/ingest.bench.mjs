// Agent ingest: events/s the agent counts from batched protocol v1 datagrams sent by a separate
// process (bench/udp-blast.mjs), agent CPU-seconds per million events (from /proc), loss (sent
// vs counted vs kernel drops on the agent's socket) and RSS. One step per target rate.
// Run: npm run bench:ingest [-- --rates 1e6,2e6,3e6 --seconds 5]
//
// StatsD-text mode (issue 15): npm run bench:ingest -- --statsd [--seconds 5 --repeats 5]
// Lines/s the agent counts at 1 and at 20 timing lines per datagram, and, in the same run, the raw
// Node dgram receive ceiling: bench/udp-sink.mjs, a socket with an empty handler, fed the same
// 1-line datagrams. --senders (default 2) sender processes together offer more than a receiver
// takes (one Node sender sends about as fast as one Node receiver receives, so a single sender
// would measure itself); a rate is what was counted over the send time plus the drain after it.
// CPU-seconds per million lines come from /proc. Medians of --repeats interleaved rounds.
import { fork, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const args = process.argv.slice(2)
const flag = (name, fallback) => {
  const i = args.indexOf(name)
  return i >= 0 ? args[i + 1] : fallback
}
const RATES = flag('--rates', '1e6,2e6,3e6').split(',').map(Number)
const SECONDS = Number(flag('--seconds', '5'))

function startAgent() {
  const child = spawn(process.execPath, [path.join(here, '..', 'agent', 'dist', 'cli.js'), '--port', '0', '--udp-port', '0', '--host', '127.0.0.1', '--recv-buffer', '32MiB'], { stdio: ['ignore', 'pipe', 'inherit'] })
  return new Promise((resolve, reject) => {
    let text = ''
    child.stdout.on('data', (chunk) => {
      text += chunk
      const m = /"udp":"[^"]*:(\d+)","http":"[^"]*:(\d+)"/.exec(text)
      if (m) resolve({ child, udpPort: Number(m[1]), httpPort: Number(m[2]) })
    })
    child.on('exit', (code) => reject(new Error(`agent exited ${code}: ${text}`)))
  })
}

function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100 // utime + stime in clock ticks (USER_HZ = 100)
}

function rssMiB(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m ? Number(m[1]) / 1024 : NaN
}

/** Drops column of /proc/net/udp for the socket bound to the port (the kernel's own count). */
function kernelDrops(port) {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0')
  for (const line of readFileSync('/proc/net/udp', 'utf8').split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/)
    if (cols[1]?.endsWith(':' + hexPort)) return Number(cols[cols.length - 1])
  }
  return 0
}

async function eventsCounted(httpPort) {
  const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text()
  const m = /^taskmeter_events_total\{kind="timing"\} (\S+)$/m.exec(text)
  return m ? Number(m[1]) : 0
}

function blast(udpPort, rate, seconds, format = null) {
  return new Promise((resolve, reject) => {
    const blastArgs = [path.join(here, 'udp-blast.mjs'), String(udpPort), String(rate), String(seconds), ...(format === null ? [] : [format])]
    const child = spawn(process.execPath, blastArgs, { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (chunk) => (out += chunk))
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`sender exited ${code}`))))
  })
}

async function linesCounted(httpPort) {
  const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text()
  const m = /^taskmeter_lines_received_total (\S+)$/m.exec(text)
  return m ? Number(m[1]) : 0
}

/** Blasts for SECONDS, then polls `count` until it stops moving: { counted, seconds } received. */
async function receiveRate(port, rate, lines, count, senders) {
  const before = await count()
  const blasts = await Promise.all(Array.from({ length: senders }, () => blast(port, rate / senders, SECONDS, `statsd:${lines}`)))
  const sent = { events: blasts.reduce((sum, b) => sum + b.events, 0), seconds: Math.max(...blasts.map((b) => b.seconds)) }
  const drainStarted = performance.now()
  let counted = (await count()) - before
  let lastChangeMs = drainStarted
  for (let i = 0; i < 100 && performance.now() - lastChangeMs < 300; i++) {
    await new Promise((r) => setTimeout(r, 50))
    const now = (await count()) - before
    if (now !== counted) lastChangeMs = performance.now()
    counted = now
  }
  const seconds = sent.seconds + (lastChangeMs - drainStarted) / 1000
  return { sent: sent.events, counted, seconds, perSecond: counted / seconds }
}

async function startSink() {
  const child = fork(path.join(here, 'udp-sink.mjs'), [String(32 * 1024 * 1024)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const port = await new Promise((resolve) => child.once('message', (m) => resolve(m.port)))
  const count = () =>
    new Promise((resolve) => {
      child.once('message', (m) => resolve(m.datagrams * 1)) // 1 line per datagram
      child.send('count')
    })
  return { child, port, count }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

async function benchStatsd() {
  const REPEATS = Number(flag('--repeats', '5'))
  const OFFERED = Number(flag('--offered', '4e6')) // lines/s asked of the senders: more than anyone receives
  const SENDERS = Number(flag('--senders', '2'))
  const rows = { raw_1: [], agent_1: [], agent_20: [] }
  const cpu = { raw_1: [], agent_1: [], agent_20: [] }
  const sink = await startSink()
  const agent = await startAgent()
  try {
    for (let r = 0; r < REPEATS; r++) {
      let cpuBefore = cpuSeconds(sink.child.pid)
      const raw = await receiveRate(sink.port, OFFERED, 1, sink.count, SENDERS)
      cpu.raw_1.push(((cpuSeconds(sink.child.pid) - cpuBefore) / raw.counted) * 1e6)
      rows.raw_1.push(raw)
      for (const lines of [1, 20]) {
        cpuBefore = cpuSeconds(agent.child.pid)
        const got = await receiveRate(agent.udpPort, OFFERED, lines, () => linesCounted(agent.httpPort), SENDERS)
        cpu[`agent_${lines}`].push(((cpuSeconds(agent.child.pid) - cpuBefore) / got.counted) * 1e6)
        rows[`agent_${lines}`].push(got)
      }
    }
  } finally {
    agent.child.kill('SIGTERM')
    sink.child.send('stop')
  }
  console.log(`StatsD text ingest, ${REPEATS} rounds of ${SECONDS} s, ${SENDERS} senders offering ${OFFERED} lines/s, node ${process.version}`)
  console.log(['receiver', 'lines/datagram', 'median lines/s', 'min', 'max', 'loss % (median)', 'cpu-s/M lines'].map((h) => h.padStart(16)).join(''))
  const summary = {}
  for (const [name, runs] of Object.entries(rows)) {
    const rates = runs.map((x) => x.perSecond)
    const loss = median(runs.map((x) => ((x.sent - x.counted) / x.sent) * 100))
    summary[name] = { lines_per_s: Math.round(median(rates)), cpu_s_per_million: Number(median(cpu[name]).toFixed(3)), loss_pct: Number(loss.toFixed(2)) }
    const cells = [name.startsWith('raw') ? 'raw dgram (empty)' : 'agent', name.endsWith('_20') ? 20 : 1, Math.round(median(rates)), Math.round(Math.min(...rates)), Math.round(Math.max(...rates)), loss.toFixed(2), median(cpu[name]).toFixed(3)]
    console.log(cells.map((c) => String(c).padStart(16)).join(''))
  }
  const ratio = summary.agent_1.lines_per_s / summary.raw_1.lines_per_s
  const cpuRatio = summary.raw_1.cpu_s_per_million / summary.agent_1.cpu_s_per_million
  console.log(`agent at 1 line/datagram = ${(ratio * 100).toFixed(1)} % of the raw dgram ceiling (by CPU per line: ${(cpuRatio * 100).toFixed(1)} %)`)
  console.log(JSON.stringify({ bench: 'ingest_statsd', senders: SENDERS, ...summary, ratio_1_line_to_raw: Number(ratio.toFixed(3)), cpu_ratio_1_line_to_raw: Number(cpuRatio.toFixed(3)), node: process.version }))
}

if (args.includes('--statsd')) {
  await benchStatsd()
  process.exit(0)
}

const agent = await startAgent()
const rows = []
try {
  for (const rate of RATES) {
    const countedBefore = await eventsCounted(agent.httpPort)
    const cpuBefore = cpuSeconds(agent.child.pid)
    const dropsBefore = kernelDrops(agent.udpPort)
    const sent = await blast(agent.udpPort, rate, SECONDS)
    // Let the agent drain its queue before reading the counters.
    let counted = 0
    for (let i = 0; i < 50; i++) {
      counted = (await eventsCounted(agent.httpPort)) - countedBefore
      if (counted >= sent.events) break
      await new Promise((r) => setTimeout(r, 100))
    }
    const cpu = cpuSeconds(agent.child.pid) - cpuBefore
    rows.push({
      target_events_per_s: rate,
      sent_events_per_s: Math.round(sent.events / sent.seconds),
      counted_events_per_s: Math.round(counted / sent.seconds),
      loss_pct: Number((((sent.events - counted) / sent.events) * 100).toFixed(3)),
      kernel_drops: kernelDrops(agent.udpPort) - dropsBefore,
      cpu_s_per_million: Number(((cpu / counted) * 1e6).toFixed(3)),
      rss_mib: Number(rssMiB(agent.child.pid).toFixed(1)),
    })
  }
} finally {
  agent.child.kill('SIGTERM')
}

console.log(`agent ingest, protocol v1 batches of ${1432} bytes, ${SECONDS} s per step, node ${process.version}`)
console.log(['target ev/s', 'sent ev/s', 'counted ev/s', 'loss %', 'kernel drops', 'cpu-s/M ev', 'rss MiB'].map((h) => h.padStart(13)).join(''))
for (const r of rows) console.log(Object.values(r).map((v) => String(v).padStart(13)).join(''))
const best = rows.filter((r) => r.loss_pct < 0.1).sort((a, b) => b.counted_events_per_s - a.counted_events_per_s)[0]
console.log(JSON.stringify({ bench: 'ingest', max_lossless_events_per_s: best?.counted_events_per_s ?? 0, steps: rows, node: process.version }))
