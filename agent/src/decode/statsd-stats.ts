// Counters of the StatsD text decoder, read by /metrics: lines seen, rejections by reason, and set
// events (the one StatsD kind protocol v1 has no event kind for; the others count in
// DecodeStats.eventsByKind beside protocol v1's, so taskmeter_events_total covers all decoders).
import { LINE_REASONS, LINE_REASON_INDEX, type LineReason } from './statsd-reasons.js'

/** taskmeter_events_total{kind} label of StatsD set members. */
export const SET_EVENT_KIND = 'set'

export class StatsdStats {
  /** Non-empty lines decoded (valid or not), from UDP and TCP. */
  linesReceived: number
  setEvents: number
  readonly linesInvalid: Float64Array

  constructor() {
    this.linesReceived = 0
    this.setEvents = 0
    this.linesInvalid = new Float64Array(LINE_REASONS.length)
  }

  lineInvalid(reason: LineReason): void {
    const i = LINE_REASON_INDEX[reason]
    this.linesInvalid[i] = (this.linesInvalid[i] ?? 0) + 1
  }
}
