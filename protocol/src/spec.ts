// Constants of wire protocol v1. SPEC.md is the normative text; these mirror it.

// 0xFE can never appear in UTF-8 text, so no StatsD line can start with it: the agent tells a
// protocol datagram from StatsD text by its first byte alone.
export const MAGIC_0 = 0xfe
export const MAGIC_1 = 0x54 // 'T'
export const MAGIC_2 = 0x4d // 'M'
export const PROTOCOL_VERSION = 1
export const PREFIX_BYTES = 4

// 1432 = 1500 (Ethernet MTU) − 20 (IPv4) − 8 (UDP) − 40 of headroom for tunnels/IPv6 options.
export const DEFAULT_MAX_DATAGRAM_BYTES = 1432
// Largest UDP payload over IPv4.
export const MAX_DATAGRAM_BYTES = 65507

export const MAX_NAME_BYTES = 200
export const MAX_TAGS = 16
export const MAX_TAG_KEY_BYTES = 64
export const MAX_TAG_VALUE_BYTES = 200
export const MAX_CLIENT_ID_BYTES = 64
export const MIN_FLUSH_INTERVAL_MS = 1
export const MAX_FLUSH_INTERVAL_MS = 60_000
export const MAX_INFLIGHT_COUNT = 0xffffffff
// A set member is a label-like string (a user id, a hostname): the tag value limit fits it.
export const MAX_SET_MEMBER_BYTES = MAX_TAG_VALUE_BYTES

// v1.1 (SPEC.md §3.3): a datagram's first event may be the header [0, clientId, sequence], which
// lets the agent count the datagrams lost between a client and itself. Type 0, so that a v1 decoder
// skips it as bad_type and reads the rest.
export const HEADER_KIND = 0
export const MAX_SEQUENCE = 0xffffffff

// SPEC.md §3.4: `[11, traceId, spanId]` carries a W3C trace context (bin 16 + bin 8) for the next
// event of the same datagram, which must be a duration or histogram event. A new type code, not a
// 6th element, because v1 fixes an event at 3..5 elements and a v1 decoder skips an unknown type
// as bad_type while keeping the timing after it.
export const EXEMPLAR_KIND = 11
export const EXEMPLAR_KIND_NAME = 'exemplar'
export const TRACE_ID_BYTES = 16
export const SPAN_ID_BYTES = 8
/** Trace id then span id, the layout every exemplar copy uses (decoder view, agent store). */
export const EXEMPLAR_ID_BYTES = TRACE_ID_BYTES + SPAN_ID_BYTES
/** The canonical exemplar event: fixarray 3, type, bin8 16 + id, bin8 8 + id. */
export const EXEMPLAR_EVENT_BYTES = 2 + (2 + TRACE_ID_BYTES) + (2 + SPAN_ID_BYTES)

export const EVENT_KIND = {
  timing: 1,
  count: 2,
  gauge: 3,
  gauge_delta: 4,
  histogram: 5,
  task_start: 6,
  task_end_success: 7,
  task_end_error: 8,
  inflight_report: 9,
  set: 10,
} as const

export type EventKindName = keyof typeof EVENT_KIND
export type EventKind = (typeof EVENT_KIND)[EventKindName]

/** Kinds an exemplar may attach to (SPEC.md §3.4): the request kinds and `histogram`. */
export function carriesExemplar(kind: number): boolean {
  return (
    kind === EVENT_KIND.timing ||
    kind === EVENT_KIND.histogram ||
    kind === EVENT_KIND.task_end_success ||
    kind === EVENT_KIND.task_end_error
  )
}

// Kinds whose value is a duration in milliseconds: a negative one is rejected.
export function isDurationKind(kind: number): boolean {
  return kind === EVENT_KIND.timing || kind === EVENT_KIND.task_end_success || kind === EVENT_KIND.task_end_error
}

export const EVENT_KIND_NAMES: readonly EventKindName[] = [
  'timing',
  'count',
  'gauge',
  'gauge_delta',
  'histogram',
  'task_start',
  'task_end_success',
  'task_end_error',
  'inflight_report',
  'set',
]

/**
 * The highest value-event type code; a higher one is bad_type (SPEC.md §6), except the exemplar
 * (EXEMPLAR_KIND), which is no event of its own and is read before this check, like the header.
 */
export const MAX_EVENT_KIND = EVENT_KIND.set

export function kindName(kind: number): EventKindName | undefined {
  return EVENT_KIND_NAMES[kind - 1]
}
