// The agent a load test or compare measures through: an in-process agent on the configured ports
// (falling back to free ports when they are taken, so the demos work next to a running agent),
// or a running agent given by --target.
import { type RunningAgent, startAgent } from '../agent.js'
import type { Config } from '../config/load-config.js'
import { type TaskReader, readFromAggregator, readFromUrl } from './measured-task.js'

export interface MeasuringAgent {
  readonly udpHost: string
  readonly udpPort: number
  readonly dashboardUrl: string | null
  readonly read: TaskReader
  close(): Promise<void>
}

async function startQuietAgent(config: Config): Promise<RunningAgent> {
  // The report is the output: the agent's own info logs would interleave with it.
  const quiet: Config = { ...config, logLevel: 'warn', demo: false }
  try {
    return await startAgent(quiet)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err
    return await startAgent({ ...quiet, port: 0, udpPort: 0 })
  }
}

export async function openMeasuringAgent(config: Config): Promise<MeasuringAgent> {
  const target = config.loadTest.target
  if (target !== null) {
    const url = config.loadTest.targetUrl as string
    return {
      udpHost: target.host,
      udpPort: target.port,
      dashboardUrl: url,
      read: readFromUrl(url),
      close: async () => {},
    }
  }
  const agent = await startQuietAgent(config)
  const udpHost = config.udpHost === '0.0.0.0' ? '127.0.0.1' : config.udpHost === '::' ? '::1' : config.udpHost
  return {
    udpHost,
    udpPort: agent.udpPort,
    dashboardUrl: `http://127.0.0.1:${agent.httpPort}`,
    read: readFromAggregator(agent.aggregator),
    close: async () => {
      await agent.close()
    },
  }
}
