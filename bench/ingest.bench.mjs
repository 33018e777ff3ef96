// Agent ingest: events/s the agent counts from batched protocol v1 datagrams sent by a separate
// process (bench/udp-blast.mjs), agent CPU-seconds per million events (from /proc), loss (sent
// vs counted vs kernel drops on the agent's socket) and RSS. One step per target rate.
// Run: npm run bench:ingest [-- --rates 1e6,2e6,3e6 --seconds 5]
import { spawn } from 'node:child_process'
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

function blast(udpPort, rate, seconds) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(here, 'udp-blast.mjs'), String(udpPort), String(rate), String(seconds)], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (chunk) => (out += chunk))
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`sender exited ${code}`))))
  })
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
