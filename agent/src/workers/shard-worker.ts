// One --workers shard, run in a cluster worker process: the agent's ingest pipeline
// (UDP, optional TCP, decode, aggregate) without HTTP. Cluster shares the primary's UDP socket
// with every worker (Node's SharedHandle for dgram), so the kernel hands each datagram to
// whichever worker reads first; TCP connections are dealt round-robin by the primary. On
// `collect` the worker sends what it aggregated since the previous collect (shard-delta.ts) and a
// snapshot of its pipeline's self-metrics (shard-stats.ts).
import { pino } from 'pino'
import { Aggregator } from '../aggregate/aggregator.js'
import type { Config } from '../config/load-config.js'
import { DatagramRouter } from '../decode/datagram-router.js'
import { TurnBatch } from '../decode/turn-batch.js'
import { ignoreAllSignals } from '../signals.js'
import { listenOrExplain } from '../ingest/listen-or-explain.js'
import { TCP_LISTENER_DEFAULTS, TcpListener } from '../ingest/tcp-listener.js'
import { UdpListener } from '../ingest/udp-listener.js'
import { pipelineSelfMetrics } from '../self-metrics/agent-self-metrics.js'
import { SelfMetrics } from '../self-metrics/self-registry.js'
import { DeltaWriter } from '../aggregate/delta-bytes.js'
import { ShardDeltaWriter } from './shard-delta.js'
import type { DeltaMessage, PrimaryMessage, WorkerMessage } from './worker-messages.js'

/** The self-metrics travel keyed in the delta message, not positionally in its bytes. */
const NO_POSITIONAL_STATS = new Float64Array(0)

function send(message: WorkerMessage): void {
  process.send?.(message)
}

function waitForOrigin(): Promise<number> {
  return new Promise((resolve) => {
    const onMessage = (raw: unknown): void => {
      const message = raw as PrimaryMessage
      if (message.t !== 'origin') return
      process.off('message', onMessage)
      resolve(message.timeOrigin)
    }
    process.on('message', onMessage)
    send({ t: 'hello' })
  })
}

/** Runs a shard; a failure to start is reported to the primary, which exits with it. */
export async function runShardWorker(config: Config): Promise<void> {
  try {
    await startShard(config)
  } catch (err) {
    send({ t: 'failed', message: err instanceof Error ? err.message : String(err) })
    process.exitCode = 1
    process.disconnect?.()
  }
}

async function startShard(config: Config): Promise<void> {
  // The primary stops us by message; a Ctrl-C reaching the whole process group must not cut the drain.
  ignoreAllSignals()
  process.on('disconnect', () => process.exit(0))
  // Every shard stamps events on the primary's clock, so window slots (epochs) line up when merged.
  const offsetMs = performance.timeOrigin - (await waitForOrigin())
  const aggregator = new Aggregator({
    windowSeconds: config.windowSeconds,
    precision: config.precision,
    maxSeries: config.maxSeries,
    maxScrapeBytes: config.maxScrapeBytes,
    taskBuckets: config.buckets.length,
    now: () => performance.now() + offsetMs,
    shard: true,
  })
  const logger = pino({ level: config.logLevel })
  const router = new DatagramRouter(aggregator, logger)
  const delta = new ShardDeltaWriter(aggregator)
  const bytes = new DeltaWriter()
  const tcp =
    config.tcpPort === null
      ? null
      : new TcpListener({ host: config.udpHost, port: config.tcpPort, ...TCP_LISTENER_DEFAULTS }, router, logger)
  const listenerOptions = { host: config.udpHost, port: config.udpPort, recvBufferBytes: config.recvBufferBytes }
  const udp = new UdpListener(listenerOptions, new TurnBatch(router), logger)
  const bound = await listenOrExplain('--udp-port', config.udpHost, config.udpPort, () => udp.bind(listenerOptions))
  const tcpBound =
    tcp === null ? null : await listenOrExplain('--tcp-port', config.udpHost, config.tcpPort ?? 0, () => tcp.listen())

  const self = new SelfMetrics().register(
    ...pipelineSelfMetrics({ decode: router.stats, statsd: router.statsdStats, aggregator, tcp: tcp?.stats ?? null }),
  )
  const takeDelta = (id: number): DeltaMessage => {
    delta.write(bytes, NO_POSITIONAL_STATS)
    return { t: 'delta', id, bytes: bytes.finish(), stats: self.snapshot() }
  }
  const sweepTimer =
    config.ttlSeconds > 0
      ? setInterval(
          () => {
            if (aggregator.evictIdle(config.ttlSeconds * 1000) > 0) router.clearCaches()
          },
          Math.min(30_000, Math.max(100, (config.ttlSeconds * 1000) / 10)),
        ).unref()
      : null

  process.on('message', (raw: unknown) => {
    const message = raw as PrimaryMessage
    if (message.t === 'collect') send(takeDelta(message.id))
    else if (message.t === 'stop') {
      if (sweepTimer !== null) clearInterval(sweepTimer)
      void (async () => {
        await udp.drain(1000)
        await udp.close()
        await tcp?.close()
        send(takeDelta(message.id))
        process.disconnect?.()
      })()
    }
  })
  send({
    t: 'ready',
    udpAddress: bound.address,
    udpPort: bound.port,
    tcpAddress: tcpBound?.address ?? null,
    tcpPort: tcpBound?.port ?? null,
  })
}
