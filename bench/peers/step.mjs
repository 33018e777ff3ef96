// One measured step of bench/peers: the C sender offers `rate` events/s of `format` to a target
// over UDP or a unix datagram socket for `seconds`, then the target's own count is polled until it
// stops moving. Reports what was sent (a unix socket makes the sender wait instead of dropping:
// `sender_blocked` counts those waits, and sent/s falls below offered/s), what the target counted,
// the loss, the kernel's drops on a UDP port, and the target's CPU per datagram and per line.
// Without the C sender (no cc) only UDP steps run, through the Node sender.
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { cpuSeconds, kernelDrops, rssMiB } from '../ingest.bench.mjs'
import { buildDatagrams, cSender, RESULTS_DIR, runSender, sendLoad } from '../ingest-load.mjs'

const loads = new Map()
/** The datagram file of a format, written once per run: { file, eventsPerDatagram }. */
export function loadFile(format) {
  let load = loads.get(format)
  if (load === undefined) {
    const { datagrams, eventsPerDatagram } = buildDatagrams(format)
    const parts = []
    for (const d of datagrams) {
      const length = Buffer.alloc(4)
      length.writeUInt32LE(d.length)
      parts.push(length, d)
    }
    mkdirSync(RESULTS_DIR, { recursive: true })
    const file = path.join(RESULTS_DIR, `peers-load-${format.replace(':', '-')}.bin`)
    writeFileSync(file, Buffer.concat(parts))
    load = { file, eventsPerDatagram }
    loads.set(format, load)
  }
  return load
}

async function send({ target, transport, format, rate, seconds, sockets }) {
  const binary = cSender()
  if (binary === null) {
    if (transport !== 'udp') throw new Error('a unix socket step needs the C sender (cc)')
    const r = await sendLoad({ port: target.port, rate, seconds, format, sockets })
    return { ...r, sender_blocked: 0 }
  }
  const { file, eventsPerDatagram } = loadFile(format)
  const address = transport === 'unix' ? `unix:${target.unixPath}` : String(target.port)
  const r = await runSender(binary, [
    address,
    String(rate),
    String(seconds),
    file,
    String(eventsPerDatagram),
    String(sockets),
  ])
  return { events: r.events, datagrams: r.datagrams, seconds: r.seconds, sender_blocked: r.sender_blocked ?? 0 }
}

const round = (value, digits) => Number(value.toFixed(digits))

/** Sends one step and measures it; the row of the peers table. */
export async function measure({ target, transport, format, rate, seconds, sockets = 4 }) {
  const { eventsPerDatagram } = loadFile(format)
  const before = await target.count(format)
  const cpuBefore = cpuSeconds(target.pid)
  const dropsBefore = transport === 'udp' ? kernelDrops(target.port) : 0
  const sent = await send({ target, transport, format, rate, seconds, sockets })
  const drainStarted = performance.now()
  let counted = (await target.count(format)) - before
  let lastChangeMs = drainStarted
  for (let i = 0; i < 200 && performance.now() - lastChangeMs < target.settleMs; i++) {
    await new Promise((r) => setTimeout(r, 50))
    const now = (await target.count(format)) - before
    if (now !== counted) lastChangeMs = performance.now()
    counted = now
  }
  // A peer that publishes counts once per interval (collectd) is charged for no drain time.
  const elapsed = sent.seconds + (target.settleMs > 300 ? 0 : (lastChangeMs - drainStarted) / 1000)
  const cpu = cpuSeconds(target.pid) - cpuBefore
  const countedDatagrams = counted / eventsPerDatagram
  return {
    target: target.name,
    transport,
    format,
    lines_per_datagram: eventsPerDatagram,
    offered_per_s: rate,
    sent_per_s: Math.round(sent.events / sent.seconds),
    counted_per_s: Math.round(counted / elapsed),
    sent: sent.events,
    counted,
    loss_pct: round(((sent.events - counted) / Math.max(1, sent.events)) * 100, 3),
    kernel_drops: transport === 'udp' ? kernelDrops(target.port) - dropsBefore : null,
    sender_blocked: sent.sender_blocked,
    cpu_s: round(cpu, 2),
    cpu_us_per_datagram: round((cpu / Math.max(1, countedDatagrams)) * 1e6, 3),
    cpu_s_per_million: round((cpu / Math.max(1, counted)) * 1e6, 3),
    events_per_cpu_s: cpu > 0 ? Math.round(counted / cpu) : null,
    rss_mib: round(rssMiB(target.pid), 1),
  }
}
