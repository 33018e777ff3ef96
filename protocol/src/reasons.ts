// Every way a datagram or an event can be rejected. One list, shared by the decoder, the agent's
// self-metrics (`taskmeter_datagrams_invalid_total{reason}`, `taskmeter_events_invalid_total{reason}`)
// and the client's `stats().dropped`. SPEC.md has one row per reason; a test keeps them in sync.
export const DATAGRAM_REASONS = [
  'bad_magic', // does not start with FE 54 4D (not protocol v1; the agent tries StatsD text instead)
  'unsupported_version', // magic matches, version byte is not 1
  'empty_batch', // prefix only, no event
  'truncated', // a msgpack value runs past the end of the datagram
  'bad_encoding', // a byte that starts no msgpack value we accept (0xC1, ext types)
] as const

export const EVENT_REASONS = [
  'bad_shape', // event is not an array of 3..5 elements (in-flight report: exactly 5)
  'bad_type', // first element is not a known event type code
  'bad_name', // name is not a string, or is empty
  'name_too_long', // name longer than MAX_NAME_BYTES
  'bad_value', // value is not a number
  'non_finite_value', // value is NaN or ±Infinity
  'negative_duration', // timing or task end with a duration below 0
  'bad_sample_rate', // sample rate not nil and not a number in (0, 1]
  'bad_tags', // tags not a map of string to string, or more than MAX_TAGS pairs
  'tag_too_long', // a tag key or value longer than its limit
  'bad_inflight', // in-flight report with a bad client id, sequence, interval or entry
  'bad_header', // a datagram header (type 0) that is not the first event, or is malformed
  'bad_exemplar', // an exemplar (type 11) that is malformed or not followed by an event it can attach to
] as const

// Reasons only the client produces (it drops before encoding).
export const CLIENT_REASONS = ['send_failed', 'closed', 'bad_argument'] as const

export type DatagramReason = (typeof DATAGRAM_REASONS)[number]
export type EventReason = (typeof EVENT_REASONS)[number]
export type ClientReason = (typeof CLIENT_REASONS)[number]
export type Reason = DatagramReason | EventReason
