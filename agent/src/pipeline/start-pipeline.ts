// The agent from validated flags, for one process or --workers N: the served aggregator and
// self-metric registry, the topology that fills the aggregator, then the serving half in front.
import type { Config } from '../config/load-config.js'
import { createLogger } from '../log-output.js'
import { SelfMetrics } from '../self-metrics/self-registry.js'
import { aggregatorFromConfig } from './aggregator-from-config.js'
import { type ServedAgent, startServing } from './serving.js'
import type { StartTopology, Topology } from './topology.js'

export async function startPipeline<T extends Topology>(
  config: Config,
  startTopology: StartTopology<T>,
): Promise<{ agent: ServedAgent; topology: T }> {
  const logger = await createLogger(config.logLevel, config.logFormat)
  const parts = { aggregator: aggregatorFromConfig(config), self: new SelfMetrics(), logger }
  const topology = await startTopology(config, parts)
  return { agent: await startServing(config, parts, topology), topology }
}
