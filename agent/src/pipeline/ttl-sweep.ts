// --ttl (and mapping rules' own `ttl`): every process that holds an aggregator evicts its idle
// series on a timer. Every tenth of the shortest TTL (at most every 30 s, at least every 100 ms),
// so a series outlives its TTL by a tenth at most; the timer never keeps the process alive.
import type { Aggregator } from '../aggregate/aggregator.js'
import type { MappingConfig } from '../mapping/mapping-rules.js'

/** The shortest TTL in ms of --ttl and the mapping rules (0 = nothing ever expires). */
export function shortestTtlMs(ttlSeconds: number, mapping: MappingConfig | null): number {
  let shortest = ttlSeconds * 1000
  for (const rule of mapping?.rules ?? []) {
    const own = rule.settings.ttlMs
    if (own !== null && own > 0 && (shortest === 0 || own < shortest)) shortest = own
  }
  return shortest
}

/** Starts the sweep (none when nothing expires); `onEvicted` runs after a sweep that evicted anything. */
export function startTtlSweep(
  ttlSeconds: number,
  shortestMs: number,
  aggregator: Aggregator,
  onEvicted: () => void,
): () => void {
  if (shortestMs <= 0) return () => {}
  const timer = setInterval(
    () => {
      if (aggregator.evictIdle(ttlSeconds * 1000) > 0) onEvicted()
    },
    Math.min(30_000, Math.max(100, shortestMs / 10)),
  ).unref()
  return () => clearInterval(timer)
}

/** The sweep of one aggregator, restarted when a reload brings rules with other TTLs. */
export class TtlSweep {
  private readonly ttlSeconds: number
  private readonly aggregator: Aggregator
  private readonly onEvicted: () => void
  private stopTimer: () => void = () => {}

  constructor(ttlSeconds: number, aggregator: Aggregator, onEvicted: () => void) {
    this.ttlSeconds = ttlSeconds
    this.aggregator = aggregator
    this.onEvicted = onEvicted
  }

  /** (Re)starts at a tenth of the shortest of --ttl and `mapping`'s rule TTLs. */
  start(mapping: MappingConfig | null): void {
    this.stopTimer()
    const shortest = shortestTtlMs(this.ttlSeconds, mapping)
    this.stopTimer = startTtlSweep(this.ttlSeconds, shortest, this.aggregator, this.onEvicted)
  }

  stop(): void {
    this.stopTimer()
  }
}
