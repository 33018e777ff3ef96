// --ttl: every process that holds an aggregator evicts its idle series on a timer. Every tenth of
// the TTL (at most every 30 s), so a series outlives its TTL by a tenth at most; the timer never
// keeps the process alive.
import type { Aggregator } from '../aggregate/aggregator.js'

/** Starts the sweep (none without --ttl); `onEvicted` runs after a sweep that evicted anything. */
export function startTtlSweep(ttlSeconds: number, aggregator: Aggregator, onEvicted: () => void): () => void {
  if (ttlSeconds <= 0) return () => {}
  const timer = setInterval(
    () => {
      if (aggregator.evictIdle(ttlSeconds * 1000) > 0) onEvicted()
    },
    Math.min(30_000, Math.max(100, (ttlSeconds * 1000) / 10)),
  ).unref()
  return () => clearInterval(timer)
}
