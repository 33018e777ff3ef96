// The figures of one measured run and their JSON form (--json; fields may be added, these are kept).
import type { TaskSnapshot } from '../expose/ui/dashboard-snapshot.js'
import type { WorkloadProgress } from './workload-process.js'

export interface RunSummary {
  requests: number
  errors: number
  duration_s: number
  throughput: number
  latency_ms: { p50: number; p95: number; p99: number; p999: number; max: number; mean: number }
  /** Requests the workload completed, and what its client dropped: loss = sent − requests. */
  sent: number
  client_dropped: number
}

const round = (x: number, digits = 3): number => Math.round(x * 10 ** digits) / 10 ** digits

export function summarize(snapshot: TaskSnapshot | undefined, workload: WorkloadProgress): RunSummary {
  const requests = snapshot?.completed ?? 0
  const dropped = Object.values(workload.client?.dropped ?? {}).reduce((sum, n) => sum + n, 0)
  const latency = snapshot?.latency_ms ?? { p50: 0, p95: 0, p99: 0, p999: 0, max: 0, mean: 0 }
  return {
    requests,
    errors: snapshot?.failed ?? 0,
    duration_s: round(workload.duration_s),
    throughput: workload.duration_s > 0 ? round(requests / workload.duration_s, 1) : 0,
    latency_ms: {
      p50: latency.p50,
      p95: latency.p95,
      p99: latency.p99,
      p999: latency.p999,
      max: latency.max,
      mean: latency.mean,
    },
    sent: workload.requests,
    client_dropped: dropped,
  }
}

export function formatMs(ms: number): string {
  return ms >= 100 ? `${ms.toFixed(1)}ms` : `${ms.toFixed(2)}ms`
}
