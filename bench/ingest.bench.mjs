// Agent ingest: events/s the agent counts from a sender in another process (bench/ingest-load.mjs:
// a C sendmmsg sender compiled at bench time, or Node senders without cc), agent CPU-seconds per
// million events (from /proc, every agent process), loss (sent vs counted, and the kernel's drops
// on the agent's socket) and RSS, for protocol v1 batches (1432-byte datagrams, ~57 timings each)
// and StatsD text at 1 and 20 timing lines per datagram. One step per offered rate; the summary
// takes, per load, the fastest step with < 0.1 % loss and the peak counted rate. Also, in the same
// run, the raw Node dgram ceiling: bench/udp-sink.mjs (an empty handler) fed 1-line datagrams.
// Run: npm run bench:ingest [-- --seconds 5 --workers 2 --loads protocol,statsd:20 --rates-protocol 2e6,3e6]
// --udp-reader native|dgram picks the agent's reader (default: the agent's own choice, auto).
// --mapping-rules N: the agent maps every StatsD name through a file of N statsd_exporter rules
// (N − 1 that never match, then a catch-all), to measure what mapping costs against a run without.
import { fork } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { cSender, sendLoad, spawnAgent, writeResult } from './ingest-load.mjs'

const here = path.dirname(fileURLToPath(import.meta.url))
const args = process.argv.slice(2)
const flag = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback)
const SECONDS = Number(flag('--seconds', '5'))
const WORKERS = Number(flag('--workers', '1'))
const SOCKETS = Number(flag('--sockets', String(Math.max(1, WORKERS * 4))))
// --statsd: the StatsD loads only, with the raw dgram ceiling.
const LOADS = flag('--loads', args.includes('--statsd') ? 'statsd:20,statsd:1' : 'protocol,statsd:20,statsd:1').split(
  ',',
)
const RATES = {
  protocol: flag('--rates-protocol', '1e6,2e6,3e6,3.5e6,4e6'),
  'statsd:20': flag('--rates-statsd20', '1e6,1.5e6,2e6'),
  'statsd:1': flag('--rates-statsd1', '1e5,2e5,4e5'),
}
const MAPPING_RULES = Number(flag('--mapping-rules', '0'))
// --udp-reader native|dgram: which reader the agent takes datagrams with (default: the agent's auto).
const UDP_READER = flag('--udp-reader', null)
if (!(SECONDS > 0 && SECONDS <= 60) || !(WORKERS >= 1 && WORKERS <= 16) || !(MAPPING_RULES >= 0))
  throw new Error('--seconds 1..60, --workers 1..16, --mapping-rules ≥ 0')

/** A mapping file of `rules` rules: globs and regexes that never match the load's names, then `*`. */
function mappingFile(rules) {
  let yaml = 'mappings:\n'
  for (let i = 0; i < rules - 1; i++)
    yaml +=
      i % 5 === 4
        ? `- { match: "^app${i}\\\\.(\\\\w+)$", match_type: regex, name: app${i}, labels: { what: "$1" } }\n`
        : `- { match: "app${i}.*.*", name: app${i}, labels: { a: "$1", b: "$2" } }\n`
  yaml += '- { match: "*", name: ingest, labels: { series: "$1" } }\n'
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'bench-mapping-')), 'mapping.yml')
  writeFileSync(file, yaml)
  return file
}

export function startAgent(extraArgs = []) {
  return spawnAgent(['--recv-buffer', '32MiB', '--log-level', 'info', ...extraArgs])
}

/** The process and its descendants (cluster workers): /proc/<pid>/task/<tid>/children. */
function processTree(pid) {
  const pids = [pid]
  for (let i = 0; i < pids.length; i++) {
    try {
      for (const child of readFileSync(`/proc/${pids[i]}/task/${pids[i]}/children`, 'utf8').trim().split(/\s+/))
        if (child) pids.push(Number(child))
    } catch {
      // exited meanwhile
    }
  }
  return pids
}

/** The sum of `read(pid)` over the process tree; a process that exited meanwhile counts 0. */
function sumOverTree(pid, read) {
  let total = 0
  for (const p of processTree(pid)) {
    try {
      total += read(p)
    } catch {
      // exited meanwhile
    }
  }
  return total
}

/** utime + stime of the process tree, in seconds (clock ticks, USER_HZ = 100). */
export function cpuSeconds(pid) {
  return sumOverTree(pid, (p) => {
    const fields = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1].split(' ')
    return (Number(fields[11]) + Number(fields[12])) / 100
  })
}

export function rssMiB(pid) {
  return sumOverTree(pid, (p) => {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))
    return m ? Number(m[1]) / 1024 : 0
  })
}

/** Drops column of /proc/net/udp, summed over every socket bound to the port (SO_REUSEPORT: several). */
export function kernelDrops(port) {
  const hexPort = ':' + port.toString(16).toUpperCase().padStart(4, '0')
  let drops = 0
  for (const line of readFileSync('/proc/net/udp', 'utf8').split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/)
    if (cols[1]?.endsWith(hexPort)) drops += Number(cols[cols.length - 1])
  }
  return drops
}

export async function timingsCounted(httpPort) {
  const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text()
  const m = /^taskmeter_events_total\{kind="timing"\} (\S+)$/m.exec(text)
  return m ? Number(m[1]) : 0
}

/** Sends, then polls `count` until it stops moving (settleMs, at most 10 s): what arrived, and when. */
export async function measureStep({
  port,
  pid,
  rate,
  format,
  count,
  sockets = SOCKETS,
  seconds: sendSeconds = SECONDS,
  settleMs = 300,
}) {
  const before = await count()
  const cpuBefore = cpuSeconds(pid)
  const dropsBefore = kernelDrops(port)
  const sent = await sendLoad({ port, rate, seconds: sendSeconds, format, sockets })
  const drainStarted = performance.now()
  let counted = (await count()) - before
  let lastChangeMs = drainStarted
  for (let i = 0; i < 200 && performance.now() - lastChangeMs < settleMs; i++) {
    await new Promise((r) => setTimeout(r, 50))
    const now = (await count()) - before
    if (now !== counted) lastChangeMs = performance.now()
    counted = now
  }
  // A peer that publishes counts once per interval (collectd) is charged for no drain time.
  const seconds = sent.seconds + (settleMs > 300 ? 0 : (lastChangeMs - drainStarted) / 1000)
  const cpu = cpuSeconds(pid) - cpuBefore
  return {
    format,
    offered_per_s: rate,
    sent_per_s: Math.round(sent.events / sent.seconds),
    counted_per_s: Math.round(counted / seconds),
    sent: sent.events,
    counted,
    loss_pct: Number((((sent.events - counted) / sent.events) * 100).toFixed(3)),
    kernel_drops: kernelDrops(port) - dropsBefore,
    cpu_s_per_million: Number(((cpu / Math.max(1, counted)) * 1e6).toFixed(3)),
    rss_mib: Number(rssMiB(pid).toFixed(1)),
    sender: sent.sender,
  }
}

async function startSink() {
  const child = fork(path.join(here, 'udp-sink.mjs'), [String(32 * 1024 * 1024)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const port = await new Promise((resolve) => child.once('message', (m) => resolve(m.port)))
  const count = () =>
    new Promise((resolve) => {
      child.once('message', (m) => resolve(m.datagrams)) // 1 line per datagram
      child.send('count')
    })
  return { child, port, count }
}

function summarize(steps) {
  const lossless = steps.filter((s) => s.loss_pct < 0.1).sort((a, b) => b.counted_per_s - a.counted_per_s)[0]
  const peak = [...steps].sort((a, b) => b.counted_per_s - a.counted_per_s)[0]
  return {
    max_lossless_per_s: lossless?.counted_per_s ?? 0,
    peak_counted_per_s: peak?.counted_per_s ?? 0,
    cpu_s_per_million: lossless?.cpu_s_per_million ?? peak?.cpu_s_per_million ?? null,
    events_per_cpu_second: lossless ? Math.round(1e6 / lossless.cpu_s_per_million) : null,
    rss_mib: peak?.rss_mib ?? null,
  }
}

async function main() {
  const steps = []
  let byWorker = null
  // --workers counts N + 1 times in the --max-memory budget (config/load-config.ts).
  const agent = await startAgent([
    ...(WORKERS > 1 ? ['--workers', String(WORKERS), '--max-memory', '8GiB'] : []),
    ...(MAPPING_RULES > 0 ? ['--mapping-config', mappingFile(MAPPING_RULES)] : []),
    ...(UDP_READER === null ? [] : ['--udp-reader', UDP_READER]),
  ])
  try {
    // Warm-up (JIT, first series), not reported: 1 s of each load at a rate every step exceeds.
    for (const format of LOADS)
      await measureStep({
        port: agent.udpPort,
        pid: agent.child.pid,
        rate: 2e5,
        format,
        count: () => timingsCounted(agent.httpPort),
        seconds: 1,
      })
    for (const format of LOADS) {
      for (const rate of RATES[format].split(',').map(Number)) {
        steps.push(
          await measureStep({
            port: agent.udpPort,
            pid: agent.child.pid,
            rate,
            format,
            count: () => timingsCounted(agent.httpPort),
          }),
        )
      }
    }
    // Which worker read how many datagrams (the kernel decides; --workers only).
    if (WORKERS > 1)
      byWorker = (await (await fetch(`http://127.0.0.1:${agent.httpPort}/dashboard`)).json()).agent.datagrams_by_worker
  } finally {
    agent.child.kill('SIGTERM')
  }
  let raw = null
  if (LOADS.includes('statsd:1') && !args.includes('--no-raw')) {
    const sink = await startSink()
    try {
      const top = Math.max(...RATES['statsd:1'].split(',').map(Number))
      raw = await measureStep({
        port: sink.port,
        pid: sink.child.pid,
        rate: top,
        format: 'statsd:1',
        count: sink.count,
        sockets: 1,
      })
    } finally {
      sink.child.send('stop')
    }
  }
  const summary = {}
  for (const format of LOADS) summary[format] = summarize(steps.filter((s) => s.format === format))
  const cols = ['format', 'offered/s', 'sent/s', 'counted/s', 'loss %', 'kernel drops', 'cpu-s/M', 'rss MiB']
  console.log(
    `agent ingest, --workers ${WORKERS}${UDP_READER === null ? '' : `, --udp-reader ${UDP_READER}`}${MAPPING_RULES > 0 ? `, ${MAPPING_RULES} mapping rules` : ''}, ${SECONDS} s per step, sender ${cSender() ? 'C sendmmsg' : 'Node'} (${SOCKETS} source ports), node ${process.version}`,
  )
  console.log(cols.map((c) => c.padStart(13)).join(''))
  for (const s of [...steps, ...(raw ? [{ ...raw, format: 'raw dgram:1' }] : [])]) {
    console.log(
      [
        s.format,
        s.offered_per_s,
        s.sent_per_s,
        s.counted_per_s,
        s.loss_pct,
        s.kernel_drops,
        s.cpu_s_per_million,
        s.rss_mib,
      ]
        .map((v) => String(v).padStart(13))
        .join(''),
    )
  }
  if (byWorker !== null) console.log(`datagrams read by each worker: ${byWorker.join(' / ')}`)
  if (raw !== null && summary['statsd:1'])
    summary.raw_dgram_ceiling_1_line = {
      peak_counted_per_s: raw.counted_per_s,
      cpu_s_per_million: raw.cpu_s_per_million,
    }
  const result = {
    bench: 'ingest',
    workers: WORKERS,
    mapping_rules: MAPPING_RULES,
    datagrams_by_worker: byWorker,
    seconds_per_step: SECONDS,
    sender: cSender() ? 'c-sendmmsg' : 'node',
    summary,
    steps,
    raw,
    node: process.version,
  }
  writeResult(`ingest${WORKERS > 1 ? `-workers-${WORKERS}` : ''}${MAPPING_RULES > 0 ? '-mapped' : ''}`, result)
  console.log(
    JSON.stringify({
      bench: 'ingest',
      workers: WORKERS,
      mapping_rules: MAPPING_RULES,
      ...Object.fromEntries(Object.entries(summary).map(([k, v]) => [k, v])),
      node: process.version,
    }),
  )
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main()
