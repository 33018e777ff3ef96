// How N receiving processes can share one UDP port on this Node (what --workers needs): a cluster-
// shared socket (Node's SharedHandle: one socket, every worker reads it; what --workers uses) vs
// SO_REUSEPORT (one socket per worker, the kernel spreads by flow hash; dgram's `reusePort` needs
// Node >= 22.12 / 23.1). Bare receivers (an empty 'message' handler, like bench/udp-sink.mjs), the
// C sender from 8 source ports (one flow would land on one SO_REUSEPORT socket), 1-line StatsD
// datagrams by default: datagrams/s received, the split between receivers, loss. Run under each
// Node you have:  node bench/workers-socket.mjs [--workers 2 --seconds 3 --rate 8e5 --format statsd:1]
import cluster from 'node:cluster'
import dgram from 'node:dgram'
import { sendLoad, writeResult } from './ingest-load.mjs'
import { freePort } from './peers/free-port.mjs'

const args = process.argv.slice(2)
const flag = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback)
const WORKERS = Number(flag('--workers', '2'))
const SECONDS = Number(flag('--seconds', '3'))
const FORMAT = flag('--format', 'statsd:1') // small datagrams: the per-datagram cost is what sharing spreads
const RATE = Number(flag('--rate', '8e5'))

if (cluster.isWorker) {
  const { MODE, PORT } = process.env
  let datagrams = 0
  const socket = dgram.createSocket({ type: 'udp4', reusePort: MODE === 'reuseport' })
  socket.on('message', () => datagrams++)
  socket.on('error', (err) => {
    process.send({ error: `${err.code ?? err.message}` })
    process.exit(0)
  })
  socket.bind({ port: Number(PORT), address: '127.0.0.1', exclusive: MODE === 'reuseport' }, () => {
    socket.setRecvBufferSize(32 * 1024 * 1024)
    process.send({ port: socket.address().port })
  })
  process.on('message', () => process.send({ datagrams }))
} else {
  const results = []
  for (const mode of ['single', 'shared', 'reuseport']) {
    const receivers = mode === 'single' ? 1 : WORKERS
    const port = mode === 'shared' ? 0 : await freePort('udp4')
    const workers = Array.from({ length: receivers }, () => cluster.fork({ MODE: mode, PORT: String(port) }))
    const first = await Promise.all(workers.map((w) => new Promise((resolve) => w.once('message', resolve))))
    const error = first.find((m) => m.error)
    if (error) {
      results.push({ mode, receivers, works: false, error: error.error })
      console.log(`${mode}: does not work on node ${process.version} (${error.error})`)
    } else {
      const sent = await sendLoad({ port: first[0].port, rate: RATE, seconds: SECONDS, format: FORMAT, sockets: 8 })
      await new Promise((r) => setTimeout(r, 500))
      const counts = await Promise.all(
        workers.map(
          (w) =>
            new Promise((resolve) => {
              w.once('message', (m) => resolve(m.datagrams))
              w.send('count')
            }),
        ),
      )
      const received = counts.reduce((a, b) => a + b, 0)
      results.push({
        mode,
        receivers,
        works: true,
        sent_datagrams: sent.datagrams,
        received_per_s: Math.round(received / sent.seconds),
        loss_pct: Number((((sent.datagrams - received) / sent.datagrams) * 100).toFixed(2)),
        split: counts,
      })
    }
    for (const w of workers) w.kill()
  }
  console.log(
    `UDP port sharing, bare receivers, ${FORMAT} datagrams, ${SECONDS} s at ${RATE} events/s offered, node ${process.version}`,
  )
  console.log(
    'mode'.padEnd(12) + 'receivers'.padStart(10) + 'datagrams/s'.padStart(13) + 'loss %'.padStart(9) + '   split',
  )
  for (const r of results) {
    if (!r.works) console.log(r.mode.padEnd(12) + String(r.receivers).padStart(10) + `   unavailable: ${r.error}`)
    else
      console.log(
        r.mode.padEnd(12) +
          String(r.receivers).padStart(10) +
          String(r.received_per_s).padStart(13) +
          String(r.loss_pct).padStart(9) +
          '   ' +
          r.split.join(' / '),
      )
  }
  writeResult(`workers-socket-node${process.versions.node.split('.')[0]}`, {
    bench: 'workers_socket',
    format: FORMAT,
    offered_per_s: RATE,
    results,
    node: process.version,
  })
  console.log(JSON.stringify({ bench: 'workers_socket', results, node: process.version }))
}
