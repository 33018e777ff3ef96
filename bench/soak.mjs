// Soak: a steady 100 k events/s over 1 000 tasks into one agent process for --minutes, printing
// the agent's RSS and heap every 30 s and a final JSON line. Passes when RSS after warm-up
// (the first third, at least 1 minute) stays within ±10 % of its post-warm-up mean.
// Run: npm run soak -- --minutes 10 [--rate 100000] [--tasks 1000]
import dgram from 'node:dgram'
import { readFileSync } from 'node:fs'
import { BatchEncoder, EVENT_KIND, encodeName } from '@taskmeter/protocol'
import { spawnAgent } from './ingest-load.mjs'

const args = process.argv.slice(2)
const flag = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback)
const MINUTES = Number(flag('--minutes', '10'))
const RATE = Number(flag('--rate', '100000'))
const TASKS = Number(flag('--tasks', '1000'))
const SAMPLE_MS = Number(flag('--sample-seconds', '30')) * 1000
if (!(MINUTES > 0 && MINUTES <= 240)) throw new Error('--minutes must be 0..240')

const { child: agent, udpPort, httpPort } = await spawnAgent(['--recv-buffer', '8MiB'])
const ports = { udp: udpPort, http: httpPort }

const names = Array.from({ length: TASKS }, (_, i) => encodeName(`soak_task_${i}`))
const socket = dgram.createSocket('udp4')
socket.connect(ports.udp, '127.0.0.1')
await new Promise((resolve) => socket.once('connect', resolve))
const encoder = new BatchEncoder(8192)
let sent = 0
let nameIndex = 0
let value = 0
function sendDue(startedMs) {
  const due = Math.floor(((performance.now() - startedMs) / 1000) * RATE)
  while (sent < due) {
    if (!encoder.append(EVENT_KIND.timing, names[nameIndex], 1 + (value++ % 5000) / 10, 1, null)) {
      socket.send(Buffer.from(encoder.datagram()))
      encoder.reset()
      continue
    }
    nameIndex = (nameIndex + 1) % TASKS
    sent++
  }
  if (encoder.eventCount > 0) {
    socket.send(Buffer.from(encoder.datagram()))
    encoder.reset()
  }
}

function rssMiB() {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${agent.pid}/status`, 'utf8'))
  return Number(m[1]) / 1024
}

async function agentFigures() {
  const text = await (await fetch(`http://127.0.0.1:${ports.http}/metrics`)).text()
  const value = (re) => Number(re.exec(text)?.[1] ?? NaN)
  return {
    heapMiB: value(/^nodejs_heap_size_used_bytes (\S+)$/m) / 1048576,
    events: value(/^taskmeter_events_total\{kind="timing"\} (\S+)$/m),
    drops: value(/^taskmeter_udp_kernel_drops_total (\S+)$/m),
    series: value(/^taskmeter_series (\S+)$/m),
  }
}

const samples = []
const started = performance.now()
const endAt = started + MINUTES * 60_000
let nextSample = started + SAMPLE_MS
console.log(`soak: ${RATE} events/s over ${TASKS} tasks for ${MINUTES} min, agent pid ${agent.pid}`)
console.log(
  'minute'.padStart(8) +
    'rss MiB'.padStart(10) +
    'heap MiB'.padStart(10) +
    'events'.padStart(14) +
    'sent'.padStart(14) +
    'drops'.padStart(8),
)
while (performance.now() < endAt) {
  sendDue(started)
  if (performance.now() >= nextSample) {
    nextSample += SAMPLE_MS
    const f = await agentFigures()
    const sample = {
      minute: (performance.now() - started) / 60_000,
      rss: rssMiB(),
      heap: f.heapMiB,
      events: f.events,
      sent,
      drops: f.drops,
    }
    samples.push(sample)
    console.log(
      sample.minute.toFixed(1).padStart(8) +
        sample.rss.toFixed(1).padStart(10) +
        sample.heap.toFixed(1).padStart(10) +
        String(sample.events).padStart(14) +
        String(sent).padStart(14) +
        String(sample.drops).padStart(8),
    )
  }
  await new Promise((resolve) => setTimeout(resolve, 5))
}
socket.close()
agent.kill('SIGTERM')

const warm = samples.filter((s) => s.minute >= Math.max(1, MINUTES / 3))
const mean = warm.reduce((sum, s) => sum + s.rss, 0) / Math.max(1, warm.length)
const maxDeviation = warm.reduce((worst, s) => Math.max(worst, Math.abs(s.rss - mean) / mean), 0)
const last = samples[samples.length - 1] ?? { events: 0, sent: 0, drops: 0 }
const result = {
  bench: 'soak',
  minutes: MINUTES,
  rate: RATE,
  tasks: TASKS,
  rss_mean_mib: Number(mean.toFixed(1)),
  rss_max_deviation_pct: Number((maxDeviation * 100).toFixed(2)),
  rss_within_10pct: warm.length > 0 && maxDeviation <= 0.1,
  heap_last_mib: Number((samples[samples.length - 1]?.heap ?? 0).toFixed(1)),
  events_counted: last.events,
  events_sent_at_last_sample: last.sent,
  kernel_drops: last.drops,
  node: process.version,
}
console.log(JSON.stringify(result))
process.exit(result.rss_within_10pct ? 0 : 1)
