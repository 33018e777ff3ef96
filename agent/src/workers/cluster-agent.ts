// --workers N, the primary process's topology: N cluster workers (shard-worker.ts) share the UDP
// port and aggregate a shard each; every read of the served aggregator (/metrics, /dashboard,
// /report, remote write) first merges the shards' deltas into it (shard-merge.ts). It opens no
// ingest socket itself; cluster's primary holds the shared one. The serving half in front of it
// is the same as one process's (pipeline/serving.ts).
import cluster, { type Worker } from 'node:cluster'
import { DecodeStats } from '../decode/decode-stats.js'
import { StatsdStats } from '../decode/statsd-stats.js'
import { chooseUdpReader } from '../ingest/choose-reader.js'
import { sumKernelDrops } from '../ingest/kernel-socket-stats.js'
import { TcpStats } from '../ingest/tcp-listener.js'
import type { IngestPlacement } from '../pipeline/ingest.js'
import { type StartTopology, type Topology, readerFields } from '../pipeline/topology.js'
import { ShardMerger } from './shard-merge.js'
import { ShardSenders } from './shard-senders.js'
import { ShardStatsMerger } from './shard-stats.js'
import { type DeltaMessage, type PrimaryMessage, SHARD_WORKER_ENV, type WorkerMessage } from './worker-messages.js'

/** A worker that does not answer a collect within this is skipped for that read (and logged). */
const COLLECT_TIMEOUT_MS = 5_000
/** Workers that die are replaced, this many times at most over the agent's life. */
const MAX_RESTARTS = 20

export const startShardedIngest: StartTopology<Topology> = async (config, { aggregator, self, logger }) => {
  const decode = new DecodeStats()
  const statsd = new StatsdStats()
  const stats = new ShardStatsMerger(self)
  const merger = new ShardMerger(aggregator)
  const senders = new ShardSenders(config.maxClients)
  const ipv6 = config.udpHost.includes(':')
  // Decided here too (the shards decide alike): a reader the flags need and cannot have stops us before any fork.
  const choice = chooseUdpReader(config)
  const native = choice.reader === 'native'
  // Native: each shard binds its own SO_REUSEPORT socket on the port the first one bound, and the
  // first holds --unix-socket. Dgram: cluster shares one socket among them.
  let sharedPort = config.udpPort
  const placement = (index: number): IngestPlacement => ({
    reusePort: native,
    udpPort: sharedPort,
    unixSocket: native && index === 0,
  })
  // The native shards' own kernel drop counts (SO_RXQ_OVFL), and those of shards that exited.
  const dropsByWorker: number[] = []
  let exitedDrops = 0
  let stopping = false

  cluster.setupPrimary({ serialization: 'advanced' })
  const workers: Worker[] = []
  const waiting = new Map<string, (delta: DeltaMessage | null) => void>()
  let restarts = 0
  // Which shard process a delta came from (its senders' rows are its own; a replacement starts over).
  const processOf: number[] = []
  let forks = 0
  const fork = (index: number): Promise<WorkerMessage> => {
    // The shards log as the primary decided from its own stdout: theirs is the same terminal or pipe.
    const worker = cluster.fork({ [SHARD_WORKER_ENV]: '1', TASKMETER_LOG_FORMAT: config.logFormat })
    workers[index] = worker
    processOf[index] = forks++
    let ready = false
    const started = new Promise<WorkerMessage>((resolve, reject) => {
      worker.on('message', (message: WorkerMessage) => {
        if (message.t === 'delta') {
          dropsByWorker[index] = message.kernelDrops
          waiting.get(`${index}:${message.id}`)?.(message)
        } else if (message.t === 'hello')
          worker.send({
            t: 'origin',
            // A restored --state-file moved the primary's clock on (Aggregator.continueClock): the shards' too.
            timeOrigin: performance.timeOrigin - aggregator.clockShiftMs,
            placement: placement(index),
          } satisfies PrimaryMessage)
        else if (message.t === 'failed') reject(new Error(message.message))
        else {
          ready = true
          resolve(message)
        }
      })
      worker.on('exit', (code) => {
        for (const [key, resolveWait] of waiting) if (key.startsWith(`${index}:`)) resolveWait(null)
        stats.forget(index)
        exitedDrops += dropsByWorker[index] ?? 0
        dropsByWorker[index] = 0
        if (!ready) return reject(new Error(`shard worker ${index} exited with ${code} before it listened`))
        if (stopping) return
        if (restarts++ >= MAX_RESTARTS)
          return logger.error(
            { worker: index, code },
            'shard worker exited; restart limit reached, its share of the port is read by the others',
          )
        logger.error(
          { worker: index, code },
          'shard worker exited; starting another (its data since the last read is lost)',
        )
        fork(index).catch((err: unknown) => logger.error({ err, worker: index }, 'replacement shard worker failed'))
      })
    })
    return started
  }
  let ready: WorkerMessage[]
  try {
    // The first native shard picks the port (--udp-port 0 is a free one) for the others to share.
    const first = native ? [await fork(0)] : []
    if (first[0]?.t === 'ready') sharedPort = first[0].udpPort
    ready = [
      ...first,
      ...(await Promise.all(Array.from({ length: config.workers - first.length }, (_, i) => fork(i + first.length)))),
    ]
  } catch (err) {
    stopping = true
    for (const worker of workers) worker?.kill()
    throw err
  }
  const first = ready[0]
  if (first === undefined || first.t !== 'ready') throw new Error('shard worker did not start')
  const udpPort = first.udpPort
  const dropsAtStart = native ? 0 : sumKernelDrops(udpPort, ipv6)
  const kernelDrops = (): number =>
    native
      ? dropsByWorker.reduce((sum, drops) => sum + drops, exitedDrops)
      : Math.max(0, sumKernelDrops(udpPort, ipv6) - dropsAtStart)

  let nextId = 0
  const ask = (index: number, message: PrimaryMessage & { id: number }): Promise<DeltaMessage | null> =>
    new Promise((resolve) => {
      const key = `${index}:${message.id}`
      const timer = setTimeout(() => {
        waiting.delete(key)
        logger.warn({ worker: index }, 'shard worker did not answer in time: its data waits for the next read')
        resolve(null)
      }, COLLECT_TIMEOUT_MS)
      waiting.set(key, (delta) => {
        clearTimeout(timer)
        waiting.delete(key)
        resolve(delta)
      })
      workers[index]?.send(message)
    })
  // Every read merges first; concurrent reads share one round.
  let round: Promise<void> | null = null
  const mergeRound = async (kind: 'collect' | 'stop'): Promise<void> => {
    const id = nextId++
    const deltas = await Promise.all(workers.map((_, i) => ask(i, { t: kind, id })))
    for (let i = 0; i < deltas.length; i++) {
      const delta = deltas[i]
      if (delta === null || delta === undefined) continue
      if (merger.add(delta.bytes)) {
        stats.add(i, delta.stats)
        senders.add(processOf[i] ?? i, delta.senders)
      }
    }
    merger.endRound()
  }

  return {
    udp: { address: first.udpAddress, port: udpPort },
    tcp:
      first.tcpAddress === null || first.tcpPort === null ? null : { address: first.tcpAddress, port: first.tcpPort },
    // The shards' counters merge into these (shard-stats.ts); kernel drops are read here, on the port.
    counters: { decode, statsd, tcp: new TcpStats(), kernelDrops },
    refresh: () => {
      if (round === null) round = mergeRound('collect').finally(() => (round = null))
      return round
    },
    udpReader: choice.reader,
    listeningFields: {
      workers: config.workers,
      ...readerFields(choice.reader, choice.addon === null ? choice.reason : null),
      ...(native && config.unixSocket !== null ? { unix_socket: config.unixSocket } : {}),
    },
    // The merged sender table rides in the agent info: the dashboard snapshot lifts it to `clients`.
    agentInfo: () => ({
      workers: config.workers,
      datagrams_by_worker: stats.datagramsByWorker(config.workers),
      clients: senders.rows(),
    }),
    isReady: () => !stopping,
    // Each shard sweeps its own series and clears its own decoder caches.
    onEvicted: () => {},
    applyMapping: () => {
      for (const worker of workers) worker?.send({ t: 'reload' } satisfies PrimaryMessage)
    },
    async stop() {
      stopping = true
      if (round !== null) await round
      // The shared dgram socket is gone after the stop round; native shards send their last count in it.
      const dgramDrops = kernelDrops()
      await mergeRound('stop') // each worker drains its socket share and sends its last delta
      return native ? kernelDrops() : dgramDrops
    },
  }
}
