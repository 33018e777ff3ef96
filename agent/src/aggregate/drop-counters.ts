// Events the aggregator refuses after they decoded fine. Counted in
// taskmeter_events_dropped_total{reason}, declared here (figure); the series cap has its own
// taskmeter_series_dropped_total (self-figures.ts).
export const AGENT_DROP_REASONS = [
  'type_conflict',
  'negative_histogram_value', // a histogram observation below 0 (its buckets start at 0)
  'inflight_clients_cap',
  'set_members_cap', // a new member of a StatsD set already holding MAX_SET_MEMBERS live members
  'reserved_name', // a user metric named like a family the agent exposes (or one of its samples)
  'name_collision', // a second spelling of a metric name that sanitizes to a family already taken
  'label_collision', // two tag keys of one event that sanitize to the same label name
  'scrape_bytes_limit', // a new series that could take a /metrics body past --max-scrape-bytes
  'value_out_of_range', // a duration or observation past 2^40 µs, or a counter/gauge delta that overflows
] as const
export type AgentDropReason = (typeof AGENT_DROP_REASONS)[number]

export class DropCounters {
  private readonly counts = new Float64Array(AGENT_DROP_REASONS.length)

  /** The family for the agent's self-metric registry (self-metrics/self-metric.ts, structurally). */
  readonly figure = {
    name: 'taskmeter_events_dropped_total',
    help: 'Valid events the aggregator refused, by reason',
    type: 'counter',
    label: { name: 'reason', values: AGENT_DROP_REASONS },
    read: (index: number): number => this.counts[index] ?? 0,
    /** A --workers primary adds its shards' counts under the reason at AGENT_DROP_REASONS[index]. */
    add: (index: number, count: number): void => {
      this.counts[index] = (this.counts[index] ?? 0) + count
    },
  } as const

  add(reason: AgentDropReason, count = 1): void {
    this.figure.add(AGENT_DROP_REASONS.indexOf(reason), count)
  }

  get(reason: AgentDropReason): number {
    return this.counts[AGENT_DROP_REASONS.indexOf(reason)] ?? 0
  }
}
