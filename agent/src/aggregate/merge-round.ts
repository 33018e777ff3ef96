// What one --workers merge round (every shard's delta of one collect) settles together, once
// all its deltas are in, because the order between shards is not known:
// - gauges: each delta carries the gauge's history since that shard's last delta (the last
//   absolute set, the relative changes after it). The latest absolute set wins (by arrival time);
//   relative changes (+n/-n) add on top when they arrived after it. A shard whose changes straddle
//   the winning set (some before, some after) has them all added: the one case not exact, as the
//   order inside a shard's interval is not kept.
// - task start balances: starts and ends of every shard add, and the balance is floored at 0
//   after the round (one process floors after each event). Floored after each delta instead, an
//   end merged before its start from another shard would be lost and the balance stay 1 too high.

/** The gauge a round resolves (CustomSeries). */
export interface GaugeTarget {
  value: number
}

/** The task whose balance a round settles (TaskStats). */
export interface BalanceTarget {
  startBalance: number
}

interface GaugeNews {
  setMs: number
  setValue: number
  deltaSum: number
  lastDeltaMs: number
}

export class MergeRound {
  private readonly news = new Map<GaugeTarget, GaugeNews[]>()
  /** Starts − ends per task this round. */
  private readonly balances = new Map<BalanceTarget, number>()

  /** One shard's task starts and ends since its last delta. */
  balance(task: BalanceTarget, starts: number, ends: number): void {
    if (starts === 0 && ends === 0) return
    this.balances.set(task, (this.balances.get(task) ?? 0) + starts - ends)
  }

  /** One shard's history of `gauge` (setMs −Infinity: no absolute set in it). */
  gauge(gauge: GaugeTarget, setMs: number, setValue: number, deltaSum: number, lastDeltaMs: number): void {
    const news = { setMs, setValue, deltaSum, lastDeltaMs }
    const list = this.news.get(gauge)
    if (list === undefined) this.news.set(gauge, [news])
    else list.push(news)
  }

  /** Settles the round (all shards' deltas of one collect are in) and starts a new one. */
  resolve(): void {
    for (const [task, net] of this.balances) task.startBalance = Math.max(0, task.startBalance + net)
    this.balances.clear()
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
