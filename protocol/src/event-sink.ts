// What the decoder hands a sink: one reused view of each valid event and in-flight report, and
// the sink's callbacks. Its own file, so the decoder's parts can share it without importing each other.
import type { EventReason } from './reasons.js'

/** An in-flight report's header: the client id is buf[clientIdStart, clientIdEnd). Reused like EventView. */
export interface InflightReportView {
  clientIdStart: number
  clientIdEnd: number
  sequence: number
  flushIntervalMs: number
  entryCount: number
}

/**
 * One valid event as numbers and byte ranges into the datagram. `name` is buf[nameStart, nameEnd)
 * (UTF-8). A `set` event's member is buf[memberStart, memberEnd) (its value is 0); other kinds
 * have 0 / 0 there. Tags, when tagCount > 0, are the validated msgpack map body buf[tagsStart, tagsEnd)
 * (read them with decodeTags); sampleRate is 1 when absent. `hasExemplar` is true when an exemplar
 * (SPEC.md §3.4) came right before this event: its trace id is exemplarIds[0, 16) and its span id
 * exemplarIds[16, 24), its value the event's value. exemplarIds is one reused buffer, meaningful
 * only when hasExemplar. The decoder fills one view for every event, so a sink reads it during
 * onEvent and keeps none of it.
 */
export interface EventView {
  kind: number
  nameStart: number
  nameEnd: number
  value: number
  memberStart: number
  memberEnd: number
  sampleRate: number
  tagsStart: number
  tagsEnd: number
  tagCount: number
  hasExemplar: boolean
  exemplarIds: Uint8Array
}

export interface EventSink {
  /** One valid event of datagram `buf`. */
  onEvent(buf: Uint8Array, event: Readonly<EventView>): void
  /** A valid in-flight report; its entryCount entries follow as onInflightEntry calls. */
  onInflightReport(buf: Uint8Array, report: Readonly<InflightReportView>): void
  onInflightEntry(buf: Uint8Array, nameStart: number, nameEnd: number, count: number): void
  onEventInvalid(reason: EventReason): void
  /**
   * The datagram's header (SPEC.md §3.3), before its first event: the client id is
   * buf[clientIdStart, clientIdEnd). Absent: the sink does not track senders, headers are skipped.
   */
  onHeader?(buf: Uint8Array, clientIdStart: number, clientIdEnd: number, sequence: number): void
}
