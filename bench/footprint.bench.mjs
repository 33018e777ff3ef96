// The agent's memory as a process: RSS (VmRSS, split into RssAnon and RssFile, from
// /proc/<pid>/status, summed over its workers) and V8's used heap (nodejs_heap_size_used_bytes from
// its own /metrics), for the built agent started as a sidecar would start it. Three parts, each the
// median of BENCH_RUNS starts (3; BENCH_QUICK=1: 1):
//  1. idle with default flags, 5 s after spawn, beside a bare `node -e` (what Node alone holds) and
//     collectd's statsd plugin when it is installed (bench/peers/), each also read 5 s after spawn;
//  2. the same agent after StatsD timing lines for 1 000, then 10 000 tasks (3 lines each), all
//     counted, then one text scrape: RSS and RSS per task over the idle figure;
//  3. one optional feature at a time (bench/footprint-features.mjs), idle 5 s after spawn and after
//     its first use, as RSS over the idle default. The first use starts with 30 timing lines that
//     the default agent also gets ("default, after the same 30 lines"), so a used row minus that
//     row is what the feature itself added.
// The idle default every Δ is taken against is the median over its own starts and those of the
// features that add no flag (protobuf, gzip, the live page, /grafana-dashboard): until their use
// they are the same process. PSS (from smaps_rollup) is beside RSS because summed RSS counts the
// node binary once per --workers process. `spread` is max − min RSS over the starts: a Δ within it
// is noise (when V8 last collected), not the feature.
// Loopback only; every wait is bounded; every child is killed at the end or on an error.
// Run: npm run bench:footprint
import { readFileSync } from 'node:fs'
import { startCollectd } from './peers/collectd.mjs'
import { median } from './busy-tasks.mjs'
import { writeResult } from './ingest-load.mjs'
import {
  agentHelp,
  forget,
  get,
  killAll,
  memory,
  rememberPid,
  sampleSum,
  scrapeText,
  sendUdp,
  sleep,
  startAgent,
  startBareNode,
  timingDatagrams,
  timingsCounted,
  waitUntil,
} from './footprint-agent.mjs'
import { FEATURES, FEED_PER_TASK, FEED_TASKS, feed, missingFlags, setUp, useFeature } from './footprint-features.mjs'

const RUNS = process.env.BENCH_QUICK === '1' ? 1 : Number(process.env.BENCH_RUNS ?? 3)
const IDLE_MS = 5000
const SETTLE_MS = 500 // after a use, before reading RSS: let the event loop finish the last response
const BUSY_STEPS = [1000, 10000]
const LINES_PER_TASK = 3
if (!(RUNS >= 1 && RUNS <= 9)) throw new Error('BENCH_RUNS 1..9')

const untilIdle = (spawnedAt) => sleep(Math.max(0, spawnedAt + IDLE_MS - performance.now()))
const heapMiB = async (port) => sampleSum(await scrapeText(port), 'nodejs_heap_size_used_bytes') / 2 ** 20

/** Datagrams waiting in the kernel for the agent's UDP port(s), from /proc/net/udp, and its drops. */
export function udpBacklog(port) {
  const hexPort = ':' + port.toString(16).toUpperCase().padStart(4, '0')
  let queued = 0
  let drops = 0
  for (const line of readFileSync('/proc/net/udp', 'utf8').split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/)
    if (!cols[1]?.endsWith(hexPort)) continue
    queued += Number.parseInt(cols[4].split(':')[1], 16)
    drops += Number(cols[cols.length - 1])
  }
  return { queued, drops }
}

/** Waits (≤ 30 s) until the kernel holds nothing for the agent and /metrics counts `want` timings. */
async function drained(agent, want) {
  await waitUntil(() => udpBacklog(agent.udpPort).queued === 0, 20_000, 50)
  let counted = 0
  const check = async () => {
    counted = await timingsCounted(agent.httpPort)
    return counted >= want
  }
  await waitUntil(check, 10_000, 250)
  return counted
}

/**
 * Part 1 and 2 in one start: idle, after the 30 feed lines, after 1 000 and 10 000 busy tasks. The
 * agent starts alone, as every feature row's does; bare Node and collectd come after it stopped.
 */
async function defaultRun() {
  const agent = await startAgent([])
  const out = {}
  try {
    await untilIdle(agent.spawnedAt)
    out.idle = memory(agent.pid)
    out.idleHeap = await heapMiB(agent.httpPort)
    out.feedNote = await feed(agent)
    await sleep(SETTLE_MS)
    out.fed = memory(agent.pid)
    let want = FEED_TASKS * FEED_PER_TASK
    let from = 0
    out.busy = []
    for (const tasks of BUSY_STEPS) {
      await sendUdp(agent.udpPort, timingDatagrams(from, tasks, LINES_PER_TASK))
      want += (tasks - from) * LINES_PER_TASK
      const counted = await drained(agent, want)
      const scrape = await get(agent.httpPort, '/metrics', { accept: 'text/plain' })
      await sleep(SETTLE_MS)
      const m = memory(agent.pid)
      const series = sampleSum(scrape.body.toString('utf8'), 'taskmeter_series')
      out.busy.push({ tasks, m, heap: await heapMiB(agent.httpPort), counted, want, series, bytes: scrape.body.length })
      from = tasks
    }
    out.drops = udpBacklog(agent.udpPort).drops
  } finally {
    await agent.stop()
  }
  const bare = startBareNode()
  const collectd = await startCollectd()
  if (collectd.pid) rememberPid(collectd.pid)
  try {
    await untilIdle(bare.spawnedAt)
    out.bare = memory(bare.pid)
    out.collectd = collectd.pid ? memory(collectd.pid) : null
    out.collectdName = collectd.name
    out.collectdSkipped = collectd.skipped ?? null
  } finally {
    await bare.stop()
    if (collectd.pid) {
      await collectd.stop()
      forget(collectd.pid)
    }
  }
  return out
}

async function featureRun(feature) {
  const ctx = await setUp(feature)
  try {
    const agent = await startAgent(ctx.args)
    try {
      await untilIdle(agent.spawnedAt)
      const idle = memory(agent.pid)
      ctx.processes = idle.processes
      const note = await useFeature(feature, agent, ctx)
      await sleep(SETTLE_MS)
      return { idle, used: memory(agent.pid), heap: await heapMiB(agent.httpPort), note }
    } finally {
      await agent.stop()
    }
  } finally {
    await ctx.cleanup()
  }
}

const med = (runs, pick) => median(runs.map(pick))
const mib = (v) => v.toFixed(1)
const rows = []
const result = { bench: 'footprint', runs: RUNS, idle_ms: IDLE_MS }
const signed = (v) => `${v >= 0 ? '+' : ''}${mib(v)}`
function row(name, m, delta, note) {
  const cells = [m.rss, m.anon, m.file, m.pss].map(mib)
  rows.push([name, ...cells, delta === null ? '' : signed(delta), RUNS > 1 ? mib(m.spread) : '', note])
}
/** The median of each figure over the starts, and the spread (max − min) of their RSS. */
const medianMemory = (list) => ({
  rss: med(list, (m) => m.rss),
  anon: med(list, (m) => m.anon),
  file: med(list, (m) => m.file),
  pss: med(list, (m) => m.pss),
  spread: Math.max(...list.map((m) => m.rss)) - Math.min(...list.map((m) => m.rss)),
})

async function main() {
  const help = agentHelp()
  const defaults = []
  for (let i = 0; i < RUNS; i++) defaults.push(await defaultRun())
  const featureRuns = new Map()
  for (const feature of FEATURES) {
    if (missingFlags(help, feature).length > 0) continue
    const runs = []
    for (let i = 0; i < RUNS; i++) runs.push(await featureRun(feature))
    featureRuns.set(feature, runs)
  }
  // A feature with no flags of its own started with default flags and was idle until its use: its
  // idle figure is one more sample of the idle default, which every Δ is taken against.
  const idleSamples = defaults.map((r) => r.idle)
  for (const [feature, runs] of featureRuns)
    if (feature.flags.length === 0) idleSamples.push(...runs.map((r) => r.idle))
  const idle = medianMemory(idleSamples)
  const heap = med(defaults, (r) => r.idleHeap)
  row('idle, default flags, 5 s after spawn', idle, null, `heap ${mib(heap)} MiB, ${idleSamples.length} starts`)
  Object.assign(result, {
    idle_rss_mib: idle.rss,
    idle_anon_mib: idle.anon,
    idle_file_mib: idle.file,
    idle_pss_mib: idle.pss,
    idle_heap_mib: heap,
    idle_starts: idleSamples.length,
  })
  const bare = medianMemory(defaults.map((r) => r.bare))
  row('bare node -e, 5 s after spawn', bare, bare.rss - idle.rss, `Node ${process.version} alone`)
  result.bare_node_rss_mib = bare.rss
  if (defaults[0].collectd !== null) {
    const collectd = medianMemory(defaults.map((r) => r.collectd))
    row(`${defaults[0].collectdName}, idle`, collectd, collectd.rss - idle.rss, 'statsd + csv plugins (bench/peers/)')
    result.collectd_rss_mib = collectd.rss
  } else rows.push(['collectd', '', '', '', '', '', '', `skipped: ${defaults[0].collectdSkipped}`])
  const fed = medianMemory(defaults.map((r) => r.fed))
  row(
    'default, after the same 30 lines',
    fed,
    fed.rss - idle.rss,
    defaults[0].feedNote || '10 tasks, counted by scrapes',
  )
  result.default_fed_rss_mib = fed.rss
  for (let s = 0; s < BUSY_STEPS.length; s++) {
    const steps = defaults.map((r) => r.busy[s])
    const m = medianMemory(steps.map((b) => b.m))
    const perTask = med(defaults, (r) => ((r.busy[s].m.rss - r.idle.rss) * 1024) / r.busy[s].tasks)
    const last = steps[steps.length - 1]
    const loss = steps.some((b) => b.counted < b.want) ? `, counted ${last.counted} of ${last.want}` : ''
    row(
      `${BUSY_STEPS[s].toLocaleString('en')} busy tasks, after one scrape`,
      m,
      m.rss - idle.rss,
      `${perTask.toFixed(1)} KiB/task, heap ${mib(med(steps, (b) => b.heap))} MiB, ${last.series} series, scrape ${mib(last.bytes / 2 ** 20)} MiB${loss}`,
    )
    Object.assign(result, {
      [`rss_${BUSY_STEPS[s]}_mib`]: m.rss,
      [`anon_${BUSY_STEPS[s]}_mib`]: m.anon,
      [`pss_${BUSY_STEPS[s]}_mib`]: m.pss,
      [`heap_${BUSY_STEPS[s]}_mib`]: med(steps, (b) => b.heap),
      [`kib_per_task_${BUSY_STEPS[s]}`]: Number(perTask.toFixed(2)),
    })
  }
  result.udp_drops = Math.max(...defaults.map((r) => r.drops))

  for (const feature of FEATURES) {
    const runs = featureRuns.get(feature)
    if (runs === undefined) {
      const skipped = `skipped: --help lists no ${missingFlags(help, feature).join(', ')}`
      rows.push([feature.idle ?? feature.used, '', '', '', '', '', '', skipped])
      continue
    }
    const featureIdle = medianMemory(runs.map((r) => r.idle))
    const used = medianMemory(runs.map((r) => r.used))
    if (feature.flags.length > 0) row(feature.idle, featureIdle, featureIdle.rss - idle.rss, '')
    const overFed = used.rss - fed.rss
    row(feature.used, used, used.rss - idle.rss, `${signed(overFed)} over fed default; ${runs[0].note}`)
    result[feature.key] = {
      idle_delta_mib: Number((featureIdle.rss - idle.rss).toFixed(2)),
      used_delta_mib: Number((used.rss - idle.rss).toFixed(2)),
      used_over_fed_mib: Number(overFed.toFixed(2)),
      used_pss_delta_mib: Number((used.pss - idle.pss).toFixed(2)),
      used_heap_mib: Number(med(runs, (r) => r.heap).toFixed(2)),
    }
  }
}

try {
  await main()
} finally {
  killAll()
}
for (const key of Object.keys(result)) if (typeof result[key] === 'number') result[key] = Number(result[key].toFixed(2))
console.log(
  `agent footprint in MiB, median of ${RUNS} start(s) each (spread: max − min RSS), Δ = RSS over the idle default, node ${process.version}`,
)
const HEAD = ['RSS', 'anon', 'file', 'PSS', 'Δ', 'spread']
console.log('measure'.padEnd(44) + HEAD.map((h) => h.padStart(7)).join('') + '   note')
for (const [name, ...cols] of rows) {
  const figures = cols.slice(0, 6).map((c) => c.padStart(7))
  console.log(`${name.padEnd(44)}${figures.join('')}   ${cols[6]}`)
}
result.node = process.version
writeResult('footprint', result)
console.log(JSON.stringify(result))
