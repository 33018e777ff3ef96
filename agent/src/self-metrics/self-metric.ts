// One taskmeter_* family of the agent's own health, declared by the stage that counts it, beside
// the counting (as statsd_exporter's listeners and gostatsd's receiver hold the counters they
// increment): its name, HELP, TYPE, the one label that tells its series apart with every value that
// label can take, and how to read a series. Every value is listed from the first scrape, 0 until
// counted, so that rate() and alerts work at once.
// Plain data on purpose: aggregate/, which may import nothing of ours, declares its families as
// object literals that satisfy this interface structurally.

export type SelfMetricType = 'counter' | 'gauge'

export interface SelfLabel {
  readonly name: string
  /** Every value the label takes, in exposition order. */
  readonly values: readonly string[]
}

export interface SelfMetric {
  readonly name: string
  readonly help: string
  readonly type: SelfMetricType
  /** Absent: the family is one series without labels, read(0). */
  readonly label?: SelfLabel
  /** The series at `index` of label.values. */
  read(index: number): number
  /**
   * Adds to the series at `index`. Declared on what a --workers shard counts: its primary adds each
   * shard's increase (for a gauge its change, so that the family sums the shards' latest values).
   */
  add?(index: number, amount: number): void
}

/** read and add over one cell per label value, for a stage that counts into a Float64Array. */
export function cellsOf(cells: Float64Array): Pick<SelfMetric, 'read' | 'add'> {
  return {
    read: (index) => cells[index] ?? 0,
    add: (index, amount) => {
      cells[index] = (cells[index] ?? 0) + amount
    },
  }
}

/** read and add over the number field `key` of `owner`, for a stage that counts into a field. */
export function fieldOf<K extends string>(owner: Record<K, number>, key: K): Pick<SelfMetric, 'read' | 'add'> {
  return {
    read: () => owner[key],
    add: (_index, amount) => {
      owner[key] += amount
    },
  }
}

/** An info family: one series, value 1, whose one label names what it describes (the version, the reader). */
export function infoMetric(name: string, help: string, label: string, value: string): SelfMetric {
  return { name, help, type: 'gauge', label: { name: label, values: [value] }, read: () => 1 }
}
