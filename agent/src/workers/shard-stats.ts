// The --workers primary's side of the shards' self-metrics: every delta message carries its
// shard's registry snapshot, keyed by family and label (self-metrics/self-registry.ts), and the
// primary adds each shard's increase since its previous snapshot into its own registry, so every
// counter stays monotonic and a gauge (TCP connections open) is the sum of the shards' latest values.
import { DATAGRAMS_RECEIVED_FAMILY } from '../decode/decode-stats.js'
import type { SelfMetrics, SelfSnapshot } from '../self-metrics/self-registry.js'

export class ShardStatsMerger {
  private readonly self: SelfMetrics
  private readonly previous = new Map<number, SelfSnapshot>()

  constructor(self: SelfMetrics) {
    this.self = self
  }

  add(worker: number, snapshot: SelfSnapshot): void {
    this.self.addSince(snapshot, this.previous.get(worker))
    this.previous.set(worker, snapshot)
  }

  /** A worker that exited: its gauges count no more, and its replacement's counters start from 0. */
  forget(worker: number): void {
    const previous = this.previous.get(worker)
    if (previous === undefined) return
    this.self.addSince({}, previous)
    this.previous.delete(worker)
  }

  /** Datagrams each worker received (which worker reads a datagram is the kernel's choice). */
  datagramsByWorker(workers: number): number[] {
    return Array.from({ length: workers }, (_, i) => this.previous.get(i)?.[DATAGRAMS_RECEIVED_FAMILY] ?? 0)
  }
}
