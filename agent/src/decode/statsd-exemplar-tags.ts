// --exemplar-tags trace_id,span_id: on a timer (and h/d) line, the DogStatsD tags of those two keys
// are the line's exemplar (SPEC.md §3.4 carries the same ids on the wire), not labels: a label per
// trace would make a series per request. The two tags are cut out of the line's tag bytes in place
// (the others move up, the range shrinks), so the series lookup by raw bytes and the labels both
// see the line without them. Only lines that carry either key pay for more than one scan.
import { EXEMPLAR_ID_BYTES, SPAN_ID_BYTES, TRACE_ID_BYTES } from '@taskmeter/protocol'
import type { ExemplarRecorder } from '../aggregate/exemplar-recorder.js'
import type { TaskStats } from '../aggregate/task-stats.js'
import type { DecodeStats } from './decode-stats.js'
import type { RejectLog } from './reject-log.js'
import { SEGMENT_FIELDS, SEG_TAGS_END, SEG_TAGS_START } from './statsd-line.js'

const COMMA = 0x2c
const COLON = 0x3a

/** What take() found: no exemplar tag, both ids valid, or an exemplar tag that is not (bad_exemplar). */
export const NO_EXEMPLAR = 0
export const EXEMPLAR_OK = 1
export const EXEMPLAR_BAD = 2

// 0..15 for a hex digit (either case), 255 otherwise.
const HEX = new Uint8Array(256).fill(255)
for (let i = 0; i < 10; i++) HEX[0x30 + i] = i
for (let i = 0; i < 6; i++) {
  HEX[0x41 + i] = 10 + i
  HEX[0x61 + i] = 10 + i
}

// Hex text [start, end) of exactly 2·bytes digits into out[at, at + bytes); false when it is not, or all zero.
function readHexId(buf: Uint8Array, start: number, end: number, bytes: number, out: Uint8Array, at: number): boolean {
  if (end - start !== bytes * 2) return false
  let any = 0
  for (let i = 0; i < bytes; i++) {
    const hi = HEX[buf[start + 2 * i] ?? 0] ?? 255
    const lo = HEX[buf[start + 2 * i + 1] ?? 0] ?? 255
    if (hi === 255 || lo === 255) return false
    const b = (hi << 4) | lo
    out[at + i] = b
    any |= b
  }
  return any !== 0
}

function keyIs(buf: Uint8Array, start: number, end: number, key: Uint8Array): boolean {
  if (end - start !== key.length) return false
  for (let i = 0; i < key.length; i++) if (buf[start + i] !== key[i]) return false
  return true
}

export class StatsdExemplarTags {
  private readonly traceKey: Uint8Array
  private readonly spanKey: Uint8Array
  /** The ids take() found (trace id, then span id): valid when it returned EXEMPLAR_OK. */
  readonly ids = new Uint8Array(EXEMPLAR_ID_BYTES)
  /** Where the tag bytes end after take() cut the exemplar tags out. */
  tagsEnd = 0

  constructor(traceKey: string, spanKey: string) {
    this.traceKey = Buffer.from(traceKey, 'utf8')
    this.spanKey = Buffer.from(spanKey, 'utf8')
  }

  /**
   * Cuts the trace and span tags out of the checked DogStatsD tag bytes [start, end) (their new end
   * in this.tagsEnd) and reads their ids. Both must be there, once each, as 32 and 16 hex digits,
   * not all zero; anything else is EXEMPLAR_BAD, and the tags are cut out all the same.
   */
  take(buf: Uint8Array, start: number, end: number): number {
    let write = start
    let trace = 0
    let span = 0
    let ok = true
    let tagStart = start
    for (let i = start; i <= end && start < end; i++) {
      if (i < end && buf[i] !== COMMA) continue
      let split = tagStart
      while (split < i && buf[split] !== COLON) split++
      const isTrace = keyIs(buf, tagStart, split, this.traceKey)
      const isSpan = !isTrace && keyIs(buf, tagStart, split, this.spanKey)
      if (isTrace) {
        trace++
        ok = readHexId(buf, split + 1, i, TRACE_ID_BYTES, this.ids, 0) && ok
      } else if (isSpan) {
        span++
        ok = readHexId(buf, split + 1, i, SPAN_ID_BYTES, this.ids, TRACE_ID_BYTES) && ok
      } else {
        // A kept tag moves up over the cut ones (copyWithin handles the overlap).
        if (write !== tagStart) {
          if (write > start) buf[write - 1] = COMMA
          buf.copyWithin(write, tagStart, i)
        }
        write += i - tagStart + 1
      }
      tagStart = i + 1
    }
    this.tagsEnd = write > start ? write - 1 : start
    if (trace === 0 && span === 0) return NO_EXEMPLAR
    return ok && trace === 1 && span === 1 ? EXEMPLAR_OK : EXEMPLAR_BAD
  }
}

/**
 * What the StatsD sink calls: cut() a segment's exemplar tags out (counting a bad one as
 * bad_exemplar in taskmeter_events_invalid_total, the protocol's reason for the same ids: the line
 * itself is applied), then record() the exemplar once the segment's task is known.
 */
export class StatsdExemplars {
  private readonly tags: StatsdExemplarTags
  private readonly recorder: ExemplarRecorder
  private readonly stats: DecodeStats
  private readonly rejects: RejectLog

  constructor(keys: readonly [string, string], recorder: ExemplarRecorder, stats: DecodeStats, rejects: RejectLog) {
    this.tags = new StatsdExemplarTags(keys[0], keys[1])
    this.recorder = recorder
    this.stats = stats
    this.rejects = rejects
  }

  /** Cuts segment s's exemplar tags out of its tag range (updated in `segments`); true when they make an exemplar. */
  cut(buf: Uint8Array, segments: Int32Array, s: number): boolean {
    const at = s * SEGMENT_FIELDS
    const start = segments[at + SEG_TAGS_START] ?? 0
    const end = segments[at + SEG_TAGS_END] ?? 0
    if (start === end) return false
    const found = this.tags.take(buf, start, end)
    segments[at + SEG_TAGS_END] = this.tags.tagsEnd
    if (found !== EXEMPLAR_BAD) return found === EXEMPLAR_OK
    this.stats.eventInvalid('bad_exemplar')
    this.rejects.reject('line', 'bad_exemplar')
    return false
  }

  /** The exemplar cut() found last, for one request of `task`. */
  record(task: TaskStats, durationMs: number): void {
    this.recorder.recordTask(task, durationMs, this.tags.ids)
  }
}
