// The trace behind a timing (SPEC.md §3.4): a trace id and a span id, written by OpenTelemetry and
// W3C trace context as 32 and 16 lowercase hex digits. They are turned into bytes once per pair,
// never per event, and staged on the encoder right before the event they belong to.
import { SPAN_ID_BYTES, TRACE_ID_BYTES } from '@taskmeter/protocol'

/** The two ids as the encoder takes them (16 and 8 bytes). */
export interface ExemplarIds {
  readonly traceId: Uint8Array
  readonly spanId: Uint8Array
}

/** What withTrace() takes: the ids as OpenTelemetry's SpanContext holds them. */
export interface TraceIds {
  /** 32 lowercase hex digits, not all zero. */
  traceId: string
  /** 16 lowercase hex digits, not all zero. */
  spanId: string
}

function nibble(code: number): number {
  if (code >= 48 && code <= 57) return code - 48 // 0-9
  if (code >= 97 && code <= 102) return code - 87 // a-f
  return -1
}

/**
 * Writes `text`, exactly 2 × out.length lowercase hex digits, into out. False (out then holds
 * garbage) for anything else or an all-zero id, which W3C trace context calls invalid.
 */
export function hexInto(text: unknown, out: Uint8Array): boolean {
  if (typeof text !== 'string' || text.length !== out.length * 2) return false
  let any = 0
  for (let i = 0; i < out.length; i++) {
    const high = nibble(text.charCodeAt(2 * i))
    const low = nibble(text.charCodeAt(2 * i + 1))
    if (high < 0 || low < 0) return false
    const byte = (high << 4) | low
    out[i] = byte
    any |= byte
  }
  return any !== 0
}

/** withTrace()'s argument as bytes, or null when either id breaks the rules above. */
export function parseTraceIds(given: unknown): ExemplarIds | null {
  if (typeof given !== 'object' || given === null) return null
  const { traceId, spanId } = given as { traceId?: unknown; spanId?: unknown }
  const ids = { traceId: new Uint8Array(TRACE_ID_BYTES), spanId: new Uint8Array(SPAN_ID_BYTES) }
  return hexInto(traceId, ids.traceId) && hexInto(spanId, ids.spanId) ? ids : null
}
