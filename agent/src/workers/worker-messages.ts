// The IPC messages between the --workers primary and its shard workers. Cluster's
// 'advanced' serialization carries the delta bytes as a Uint8Array.
import type { SelfSnapshot } from '../self-metrics/self-registry.js'

export type PrimaryMessage =
  /** The primary's performance.timeOrigin: shards stamp events on its clock. */
  | { t: 'origin'; timeOrigin: number }
  /** Send what was aggregated since the previous collect. */
  | { t: 'collect'; id: number }
  /** Drain the socket, stop reading, send the last delta, disconnect. */
  | { t: 'stop'; id: number }
  /** The primary's config reload loaded: read the mapping rules again (each shard maps its own lines). */
  | { t: 'reload' }

/** What was aggregated since the previous collect, and the shard's self-metrics taken with it. */
export type DeltaMessage = { t: 'delta'; id: number; bytes: Uint8Array; stats: SelfSnapshot }

export type WorkerMessage =
  /** Sent first: a message that reached the worker before it listened would be lost. */
  | { t: 'hello' }
  | { t: 'ready'; udpAddress: string; udpPort: number; tcpAddress: string | null; tcpPort: number | null }
  | DeltaMessage
  /** The worker could not start (its socket would not bind): the primary gives up with this. */
  | { t: 'failed'; message: string }
