// /dashboard's `exemplar` of a task: of the latest exemplar per bucket (exemplar-store.ts), the
// slowest one recorded inside the sliding window, so that the page links the slow requests of now
// to their trace. `url` is --trace-url-template with the ids filled in.
import type { TaskStats } from '../../aggregate/task-stats.js'
import { traceUrl } from '../../config/exemplar-options.js'
import type { TaskExemplar } from '../../../ui/src/dashboard-types.js'

export function taskExemplar(
  task: TaskStats,
  windowSeconds: number,
  traceUrlTemplate: string | null,
  nowUnixMs: number,
): TaskExemplar | null {
  const store = task.exemplars
  if (store === null) return null
  const slot = store.slowestSince(nowUnixMs - windowSeconds * 1000)
  if (slot < 0) return null
  const traceId = store.traceIdHex(slot)
  const spanId = store.spanIdHex(slot)
  const exemplar: TaskExemplar = {
    value_ms: store.valuesMs[slot] ?? 0,
    trace_id: traceId,
    span_id: spanId,
    timestamp: store.unixMs[slot] ?? 0,
  }
  if (traceUrlTemplate !== null) exemplar.url = traceUrl(traceUrlTemplate, traceId, spanId)
  return exemplar
}
