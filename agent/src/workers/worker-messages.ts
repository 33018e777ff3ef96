// The IPC messages between the --workers primary and its shard workers. Cluster's
// 'advanced' serialization carries the delta bytes as a Uint8Array.
import type { SenderRow } from '../decode/sender-sequences.js'
import type { IngestPlacement } from '../pipeline/ingest.js'
import type { SelfSnapshot } from '../self-metrics/self-registry.js'

export type PrimaryMessage =
  /**
   * The primary's performance.timeOrigin (shards stamp events on its clock), and where this shard
   * reads: its own SO_REUSEPORT socket on the first shard's port (native reader), or the shared one.
   */
  | { t: 'origin'; timeOrigin: number; placement: IngestPlacement }
  /** Send what was aggregated since the previous collect. */
  | { t: 'collect'; id: number }
  /** Drain the socket, stop reading, send the last delta, disconnect. */
  | { t: 'stop'; id: number }
  /** The primary's config reload loaded: read the mapping rules again (each shard maps its own lines). */
  | { t: 'reload' }

/**
 * What was aggregated since the previous collect, the shard's self-metrics taken with it, the
 * kernel's drops on its own socket so far (the native reader's SO_RXQ_OVFL count; 0 on dgram), and
 * the rows of its sender table that changed since (loss per sender, decode/sender-sequences.ts).
 */
export type DeltaMessage = {
  t: 'delta'
  id: number
  bytes: Uint8Array
  stats: SelfSnapshot
  kernelDrops: number
  senders: SenderRow[]
}

export type WorkerMessage =
  /** Sent first: a message that reached the worker before it listened would be lost. */
  | { t: 'hello' }
  | { t: 'ready'; udpAddress: string; udpPort: number; tcpAddress: string | null; tcpPort: number | null }
  | DeltaMessage
  /** The worker could not start (its socket would not bind): the primary gives up with this. */
  | { t: 'failed'; message: string }

/** Set in the environment of every shard worker the primary forks, so cli.ts can tell it is one. */
export const SHARD_WORKER_ENV = 'TASKMETER_SHARD_WORKER'
