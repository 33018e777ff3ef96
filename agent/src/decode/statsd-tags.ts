// StatsD tags become labels: DogStatsD's `|#key:value,key2:value2` field, and the lists InfluxDB,
// Librato and SignalFx embed in the name (`key=value,key2=value2`, statsd-tag-formats.ts). Every
// line's tag bytes are checked (cheap: one pass, no string); they are decoded into pairs only when
// a new series is resolved. A tag splits at its first separator (':' for DogStatsD, '=' embedded),
// so values may hold it (url:http://x, q=a=b). A bare tag ("canary") is the label canary="true",
// as DogStatsD and hot-shots users mean it. An empty key, an empty value or an empty tag (",,", a
// trailing ',') is rejected: Prometheus needs a key, and an empty value would render like an
// absent label, giving two series with the same exposition line.
import { MAX_TAGS, MAX_TAG_KEY_BYTES, MAX_TAG_VALUE_BYTES, decodeText } from '@taskmeter/protocol'
import type { LineReason } from './statsd-reasons.js'

const COMMA = 0x2c
export const DOGSTATSD_SEPARATOR = 0x3a // :
export const EMBEDDED_SEPARATOR = 0x3d // =
/** The value of a bare tag. */
export const BARE_TAG_VALUE = 'true'

/** The reason the tag bytes [start, end) are invalid, or null. An empty list has no tags. */
export function checkTags(buf: Uint8Array, start: number, end: number, separator: number): LineReason | null {
  if (start === end) return null
  let tags = 0
  let tagStart = start
  let split = -1
  for (let i = start; i <= end; i++) {
    const c = i === end ? COMMA : buf[i]
    if (c === separator) {
      if (split < 0) split = i
      continue
    }
    if (c !== COMMA) continue
    const keyEnd = split < 0 ? i : split
    if (keyEnd === tagStart || split === i - 1) return 'bad_tags'
    if (keyEnd - tagStart > MAX_TAG_KEY_BYTES || (split >= 0 && i - split - 1 > MAX_TAG_VALUE_BYTES))
      return 'tag_too_long'
    if (++tags > MAX_TAGS) return 'too_many_tags'
    tagStart = i + 1
    split = -1
  }
  return null
}

/** Appends the label pairs of checked tag bytes [start, end) to `pairs`. */
export function decodeTagPairs(
  buf: Uint8Array,
  start: number,
  end: number,
  separator: number,
  pairs: Array<[string, string]>,
): void {
  let tagStart = start
  let split = -1
  for (let i = start; i <= end && start < end; i++) {
    const c = i === end ? COMMA : buf[i]
    if (c === separator && split < 0) split = i
    if (c !== COMMA) continue
    if (split < 0) pairs.push([decodeText(buf, tagStart, i), BARE_TAG_VALUE])
    else pairs.push([decodeText(buf, tagStart, split), decodeText(buf, split + 1, i)])
    tagStart = i + 1
    split = -1
  }
}

/** `pairs` with container_id from the line's `c:` field [start, end), when it had one. */
export function withContainerId(
  pairs: Array<[string, string]>,
  buf: Uint8Array,
  start: number,
  end: number,
): Array<[string, string]> {
  // The `c:` field is DogStatsD's own place for the container id: it wins over a tag of that name.
  if (end <= start) return pairs
  const container = decodeText(buf, start, end)
  const others = pairs.filter(([key]) => key !== 'container_id')
  others.push(['container_id', container])
  return others
}
