// The agent in-process, for cli.ts, the load-test and compare modes, and tests: one process
// (UDP/TCP ingest → datagram router → aggregator, served over HTTP), or the --workers N primary
// (shard workers aggregate, their deltas merge on every read). Both are one pipeline
// (pipeline/start-pipeline.ts) that differs only in its topology.
import type { DatagramRouter } from './decode/datagram-router.js'
import type { Config } from './config/load-config.js'
import { startLocalIngest } from './pipeline/local-ingest.js'
import type { ServedAgent } from './pipeline/serving.js'
import { startPipeline } from './pipeline/start-pipeline.js'

export type { FinalCounts } from './pipeline/topology.js'

export interface RunningAgent extends ServedAgent {
  readonly router: DatagramRouter
}

export type ClusterAgent = ServedAgent

export async function startAgent(config: Config): Promise<RunningAgent> {
  const { agent, topology } = await startPipeline(config, startLocalIngest)
  return { ...agent, router: topology.router }
}

export async function startClusterAgent(config: Config): Promise<ClusterAgent> {
  // Only --workers N loads cluster and the shard merger.
  const { startShardedIngest } = await import('./workers/cluster-agent.js')
  return (await startPipeline(config, startShardedIngest)).agent
}
