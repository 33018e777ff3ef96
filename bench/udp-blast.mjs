// Sender process for bench/ingest: sends pre-encoded protocol v1 datagrams (timings under 10
// task names, 1432 bytes each) to 127.0.0.1:<port> at a target event rate for a bounded time.
// With `statsd:<n>` it sends StatsD text instead, n timing lines per datagram.
// Usage: node bench/udp-blast.mjs <port> <events_per_second> <seconds> [statsd:<n>]. Prints one JSON line.
import dgram from 'node:dgram'
import { buildDatagrams } from './ingest-load.mjs'

const [port, rate, seconds] = process.argv.slice(2, 5).map(Number)
const statsdMatch = /^statsd:(\d+)$/.exec(process.argv[5] ?? '')
const statsdLines = statsdMatch === null ? 0 : Number(statsdMatch[1])
if (
  !(port > 0 && rate > 0 && seconds > 0 && seconds <= 120) ||
  (process.argv[5] !== undefined && !(statsdLines >= 1 && statsdLines <= 500))
) {
  console.error('usage: udp-blast.mjs <port> <events_per_second> <seconds ≤ 120> [statsd:<lines per datagram 1..500>]')
  process.exit(2)
}

// The same 16 datagrams as the C sender is given (bench/ingest-load.mjs).
const { datagrams, eventsPerDatagram } = buildDatagrams(process.argv[5] ?? 'protocol')

const socket = dgram.createSocket('udp4')
socket.connect(port, '127.0.0.1', async () => {
  const started = performance.now()
  const endAt = started + seconds * 1000
  let sent = 0
  let inFlight = 0
  const maxInFlight = 64
  const done = () => {
    const elapsed = (performance.now() - started) / 1000
    console.log(
      JSON.stringify({
        datagrams: sent,
        events: sent * eventsPerDatagram,
        events_per_datagram: eventsPerDatagram,
        seconds: elapsed,
      }),
    )
    socket.close()
  }
  const pump = () => {
    const now = performance.now()
    if (now >= endAt) {
      if (inFlight === 0) done()
      else setTimeout(pump, 1)
      return
    }
    const due = Math.floor((((now - started) / 1000) * rate) / eventsPerDatagram)
    while (sent < due && inFlight < maxInFlight) {
      inFlight++
      socket.send(datagrams[sent % datagrams.length], () => inFlight--)
      sent++
    }
    setImmediate(pump)
  }
  pump()
})
