// Every way a StatsD / DogStatsD text line can be rejected. One list, counted in
// `taskmeter_lines_invalid_total{reason}` (all listed at 0 from the first scrape); README's
// "StatsD and DogStatsD" section describes the accepted format. A rejected line applies nothing and
// never stops the rest of its datagram.
export const LINE_REASONS = [
  'no_value', // no ':' after the name ("name", "name|c")
  'empty_name', // the line starts with ':', or the name is only embedded tags (",k=v:1|c")
  'name_too_long', // name (without embedded tags) longer than MAX_NAME_BYTES (200), as in protocol v1
  'no_type', // a value without its '|type' ("name:1", "name:1|c:2")
  'bad_type', // type is not c, g, ms, h, d or s
  'bad_value', // value is not a finite decimal number (set: an empty member)
  'negative_duration', // an ms timer below 0
  'bad_sample_rate', // '@' not followed by a number in (0, 1]
  'bad_tags', // an empty tag key or value (":v", "k:", ",,"), or a SignalFx '[' or ']' without its pair
  'too_many_tags', // more than MAX_TAGS (16) tags
  'tag_too_long', // tag key over MAX_TAG_KEY_BYTES (64) or value over MAX_TAG_VALUE_BYTES (200)
  'mixed_tag_styles', // tags in the name (InfluxDB, Librato, SignalFx) and '|#' tags, or two name styles
  'bad_container_id', // 'c:' field empty or over MAX_TAG_VALUE_BYTES
  'bad_timestamp', // 'T' field not 1..19 digits (accepted and ignored when valid)
  'unsupported_message', // a DogStatsD event (_e{…}) or service check (_sc|…)
  'line_too_long', // TCP only: a line longer than the listener's limit (64 KiB)
] as const

export type LineReason = (typeof LINE_REASONS)[number]

/** Index of each reason in LINE_REASONS, for counting without a search. */
export const LINE_REASON_INDEX: Readonly<Record<LineReason, number>> = Object.freeze(
  Object.fromEntries(LINE_REASONS.map((reason, i) => [reason, i])) as Record<LineReason, number>,
)
