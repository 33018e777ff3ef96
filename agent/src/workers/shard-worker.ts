// One --workers shard, run in a cluster worker process: the agent's ingest pipeline
// (UDP, optional TCP, decode, aggregate) without HTTP. Cluster shares the primary's UDP socket
// with every worker (Node's SharedHandle for dgram), so the kernel hands each datagram to
// whichever worker reads first; TCP connections are dealt round-robin by the primary. On
// `collect` the worker sends what it aggregated since the previous collect (shard-delta.ts) and a
// snapshot of its pipeline's self-metrics (shard-stats.ts).
import { createLogger } from '../log-output.js'
import { type Config, loadConfig } from '../config/load-config.js'
import type { DatagramRouter } from '../decode/datagram-router.js'
import type { Logger } from '../logger.js'
import { MetricMapper } from '../mapping/metric-mapper.js'
import { aggregatorFromConfig } from '../pipeline/aggregator-from-config.js'
import { type IngestPlacement, startIngest } from '../pipeline/ingest.js'
import { TtlSweep } from '../pipeline/ttl-sweep.js'
import { ignoreAllSignals } from '../signals.js'
import { pipelineSelfMetrics } from '../self-metrics/agent-self-metrics.js'
import { SelfMetrics } from '../self-metrics/self-registry.js'
import { DeltaWriter } from '../aggregate/delta-bytes.js'
import { ShardDeltaWriter } from './shard-delta.js'
import type { DeltaMessage, PrimaryMessage, WorkerMessage } from './worker-messages.js'

function send(message: WorkerMessage): void {
  process.send?.(message)
}

function waitForOrigin(): Promise<{ timeOrigin: number; placement: IngestPlacement }> {
  return new Promise((resolve) => {
    const onMessage = (raw: unknown): void => {
      const message = raw as PrimaryMessage
      if (message.t !== 'origin') return
      process.off('message', onMessage)
      resolve(message)
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

/** The files as they are now; a file that stopped loading since the primary read it keeps the old rules. */
function reloadMapping(config: Config, router: DatagramRouter, sweep: TtlSweep, logger: Logger): void {
  try {
    const next = loadConfig(config.source.argv, config.source.env, () => {})
    if (next === null) return
    router.setMapper(next.mapping === null ? null : new MetricMapper(next.mapping))
    sweep.start(next.mapping)
  } catch (err) {
    logger.error({ reason: err instanceof Error ? err.message : String(err) }, 'shard worker kept its mapping rules')
  }
}

async function startShard(config: Config): Promise<void> {
  // The primary stops us by message; a Ctrl-C reaching the whole process group must not cut the drain.
  ignoreAllSignals()
  process.on('disconnect', () => process.exit(0))
  // Every shard stamps events on the primary's clock, so window slots (epochs) line up when merged.
  const { timeOrigin, placement } = await waitForOrigin()
  const offsetMs = performance.timeOrigin - timeOrigin
  const aggregator = aggregatorFromConfig(config, { now: () => performance.now() + offsetMs, shard: true })
  const delta = new ShardDeltaWriter(aggregator)
  const bytes = new DeltaWriter()
  const logger = await createLogger(config.logLevel, config.logFormat)
  const ingest = await startIngest(config, aggregator, logger, placement)
  const self = new SelfMetrics().register(...pipelineSelfMetrics(ingest.parts))
  // The dgram reader's drops are the shared socket's, which the primary reads itself.
  const ownDrops = (drops: number): number => (ingest.reader === 'native' ? drops : 0)
  const takeDelta = (id: number, kernelDrops = ownDrops(ingest.kernelDrops())): DeltaMessage => {
    delta.write(bytes)
    const stats = self.snapshot()
    return { t: 'delta', id, bytes: bytes.finish(), stats, kernelDrops, senders: ingest.router.senders.takeChanges() }
  }
  const sweep = new TtlSweep(config.ttlSeconds, aggregator, () => ingest.router.clearCaches())
  sweep.start(config.mapping)

  process.on('message', (raw: unknown) => {
    const message = raw as PrimaryMessage
    if (message.t === 'collect') send(takeDelta(message.id))
    else if (message.t === 'reload') reloadMapping(config, ingest.router, sweep, logger)
    else if (message.t === 'stop') {
      sweep.stop()
      void (async () => {
        const drops = await ingest.close()
        send(takeDelta(message.id, ownDrops(drops)))
        process.disconnect?.()
      })()
    }
  })
  send({
    t: 'ready',
    udpAddress: ingest.udpBound.address,
    udpPort: ingest.udpBound.port,
    tcpAddress: ingest.tcpBound?.address ?? null,
    tcpPort: ingest.tcpBound?.port ?? null,
  })
}
