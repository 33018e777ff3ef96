// Counters of the StatsD text decoder, read by /metrics: lines seen, rejections by reason, and set
// members (the StatsD sink counts them here; the other kinds count in DecodeStats.eventsByKind
// beside protocol v1's, and decode-stats.ts adds these to protocol v1's `set` cell, so that
// taskmeter_events_total{kind="set"} is one series for both decoders). The line families are
// declared here.
import { type SelfMetric, cellsOf, fieldOf } from '../self-metrics/self-metric.js'
import { MATCH_RESULTS } from './series-mapping.js'
import { LINE_REASONS, LINE_REASON_INDEX, type LineReason } from './statsd-reasons.js'

export class StatsdStats {
  /** Non-empty lines decoded (valid or not), from UDP and TCP. */
  linesReceived: number
  setEvents: number
  readonly linesInvalid: Float64Array
  /** Lines by what the mapping file did with their series (mapped, unmapped, dropped). */
  readonly mappingMatches = new Float64Array(MATCH_RESULTS.length)
  readonly selfMetrics: readonly SelfMetric[]

  constructor() {
    this.linesReceived = 0
    this.setEvents = 0
    this.linesInvalid = new Float64Array(LINE_REASONS.length)
    this.selfMetrics = [
      {
        name: 'taskmeter_lines_received_total',
        help: 'StatsD text lines received (UDP and TCP, empty lines not counted)',
        type: 'counter',
        ...fieldOf(this, 'linesReceived'),
      },
      {
        name: 'taskmeter_lines_invalid_total',
        help: 'StatsD text lines rejected, by reason',
        type: 'counter',
        label: { name: 'reason', values: LINE_REASONS },
        ...cellsOf(this.linesInvalid),
      },
      {
        name: 'taskmeter_mapping_matches_total',
        help: 'Lines (and, with --map-protocol, protocol v1 task events) by what the mapping file did with their series',
        type: 'counter',
        label: { name: 'result', values: MATCH_RESULTS },
        ...cellsOf(this.mappingMatches),
      },
    ]
  }

  lineInvalid(reason: LineReason): void {
    const i = LINE_REASON_INDEX[reason]
    this.linesInvalid[i] = (this.linesInvalid[i] ?? 0) + 1
  }
}
