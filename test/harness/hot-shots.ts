// The real hot-shots client pointed at a test agent, and a promise for one call's send callback
// (tests await each call: paced sends on loopback are never dropped).
import StatsD, { type ClientOptions, type StatsD as StatsDClient } from 'hot-shots'
import type { AgentProcess } from './agent-process.js'

export type HotShotsSend = (done: (err?: Error) => void) => void

export function hotShotsFor(agent: AgentProcess, options: ClientOptions = {}): StatsDClient {
  return new StatsD({ host: '127.0.0.1', port: agent.udpPort, maxBufferSize: 0, ...options })
}

export function sent(call: HotShotsSend): Promise<void> {
  return new Promise((resolve, reject) => call((err) => (err ? reject(err) : resolve())))
}

export function closed(client: StatsDClient): Promise<void> {
  return new Promise((resolve) => client.close(() => resolve()))
}
