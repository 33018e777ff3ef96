// The agent in-process, for cli.ts, the load-test and compare modes, and tests: one process
// (UDP/TCP ingest → datagram router → aggregator, served over HTTP), or the --workers N primary
// (shard workers aggregate, their deltas merge on every read). Both are one pipeline
// (pipeline/start-pipeline.ts) that differs only in its topology.
import type { DatagramRouter } from './decode/datagram-router.js'
import type { Config } from './config/load-config.js'
import { startLocalIngest } from './pipeline/local-ingest.js'
import type { ServedAgent } from './pipeline/serving.js'
import { startPipeline } from './pipeline/start-pipeline.js'
import type { StartTopology, Topology } from './pipeline/topology.js'
import { stateRestoreMetric } from './self-metrics/agent-self-metrics.js'
import { restoreState } from './state/state-file.js'
import { StateRestores } from './state/state-restores.js'
import { StateWriter } from './state/state-writer.js'

export type { FinalCounts } from './pipeline/topology.js'

export interface RunningAgent extends ServedAgent {
  readonly router: DatagramRouter
}

export type ClusterAgent = ServedAgent

/**
 * --state-file around a topology: the file is read into the served aggregator before the topology
 * starts (no event can land first; --workers shards fork on its restored clock), written every
 * --state-interval, and once more when the topology's stop() has drained the ingest, before the
 * serving half closes HTTP.
 */
function withStateFile<T extends Topology>(startTopology: StartTopology<T>): StartTopology<T> {
  return async (config, parts) => {
    const path = config.stateFile
    if (path === null) return startTopology(config, parts)
    const flags = { precision: config.precision, windowSeconds: config.windowSeconds, buckets: config.buckets }
    const options = { ...flags, path, discardIncompatible: config.stateDiscardIncompatible }
    const restores = new StateRestores()
    restores.count(restoreState({ ...options, maxBytes: config.maxMemoryBytes }, parts.aggregator, parts.logger))
    parts.self.register(stateRestoreMetric(restores))
    const topology = await startTopology(config, parts)
    const writer = new StateWriter(
      { path, intervalSeconds: config.stateIntervalSeconds, flags },
      parts.aggregator,
      topology.refresh,
      parts.logger,
    )
    writer.start()
    return {
      ...topology,
      async stop() {
        await writer.pause()
        const kernelDrops = await topology.stop()
        await writer.stop()
        return kernelDrops
      },
    }
  }
}

export async function startAgent(config: Config): Promise<RunningAgent> {
  const { agent, topology } = await startPipeline(config, withStateFile(startLocalIngest))
  return { ...agent, router: topology.router }
}

export async function startClusterAgent(config: Config): Promise<ClusterAgent> {
  // Only --workers N loads cluster and the shard merger.
  const { startShardedIngest } = await import('./workers/cluster-agent.js')
  return (await startPipeline(config, withStateFile(startShardedIngest))).agent
}
