// The parts of the agent's JSON the page reads: GET /dashboard (agent/src/expose/ui/
// dashboard-snapshot.ts), GET /dashboard/distribution (agent/src/expose/http/latency-distribution.ts)
// and GET /dashboard/history (agent/src/expose/ui/dashboard-history.ts, which builds this very type).
// Kept by hand: the Chromium test catches drift.

export interface LatencyMs {
  p50: number
  p95: number
  p99: number
  p999: number
  max: number
  mean: number
}

export interface TaskSnapshot {
  name: string
  labels: Record<string, string>
  active: number
  completed: number
  failed: number
  error_rate: number
  rps: number
  latency_ms: LatencyMs
  window: { rps: number; requests: number; errors: number; error_rate: number; latency_ms: LatencyMs }
  /** The slowest exemplar inside the window, when the task has one. */
  exemplar?: TaskExemplar
}

/** A request's trace (the agent keeps the latest per bucket); `timestamp` in ms since the epoch. */
export interface TaskExemplar {
  value_ms: number
  trace_id: string
  span_id: string
  timestamp: number
  /** --trace-url-template filled in; absent without the flag. */
  url?: string
}

export interface DashboardSnapshot {
  active_tasks: number
  window_seconds: number
  uptime_seconds: number
  tasks: Record<string, TaskSnapshot>
}

export interface DistributionBin {
  from_ms: number
  to_ms: number
  count: number
}

export interface Distribution {
  task: string
  scope: 'window' | 'cumulative'
  total: number
  bins: DistributionBin[]
}

/** One slot of a task's sliding window, with its own figures (not the whole window's). */
export interface HistorySlot {
  /** How long before the answer the slot ended; 0 for the slot being written. */
  end_seconds_ago: number
  /** The part of the slot the agent ran for, up to now (≤ slot_seconds). */
  covered_seconds: number
  requests: number
  errors: number
  rps: number
  error_rate: number
  latency_ms: LatencyMs
}

export interface TaskWindowHistory {
  task: string
  window_seconds: number
  slot_seconds: number
  /** Oldest first; at most window_seconds / slot_seconds. */
  slots: HistorySlot[]
}
