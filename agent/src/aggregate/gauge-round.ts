// Gauges across --workers shards: each shard's delta carries its gauge history since its last
// delta (the last absolute set, the relative changes after it), and one merge round resolves
// every shard's history of a gauge together. The latest absolute set wins (by arrival time);
// relative changes (+n/-n) add on top when they arrived after it. A shard whose changes straddle
// the winning set (some before, some after) has them all added: the one case not exact, as the
// order inside a shard's interval is not kept.

/** The gauge a round resolves (CustomSeries). */
export interface GaugeTarget {
  value: number
}

interface GaugeNews {
  setMs: number
  setValue: number
  deltaSum: number
  lastDeltaMs: number
}

export class GaugeRound {
  private readonly news = new Map<GaugeTarget, GaugeNews[]>()

  /** One shard's history of `gauge` (setMs −Infinity: no absolute set in it). */
  add(gauge: GaugeTarget, setMs: number, setValue: number, deltaSum: number, lastDeltaMs: number): void {
    const news = { setMs, setValue, deltaSum, lastDeltaMs }
    const list = this.news.get(gauge)
    if (list === undefined) this.news.set(gauge, [news])
    else list.push(news)
  }

  /** Sets every gauge of the round (all shards' deltas of one collect are in) and starts a new one. */
  resolve(): void {
    for (const [gauge, list] of this.news) {
      let latest: GaugeNews | null = null
      for (const news of list)
        if (news.setMs !== -Infinity && (latest === null || news.setMs > latest.setMs)) latest = news
      if (latest === null) {
        for (const news of list) gauge.value += news.deltaSum
        continue
      }
      let value = latest.setValue
      for (const news of list) if (news === latest || news.lastDeltaMs >= latest.setMs) value += news.deltaSum
      gauge.value = value
    }
    this.news.clear()
  }
}
