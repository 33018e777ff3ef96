// DogStatsD tags (`|#key:value,key2:value2`) become labels. Every line's tag bytes are checked
// (cheap: one pass, no string); they are decoded into pairs only when a new series is resolved.
// A tag splits at its first ':' (values may hold ':', e.g. url:http://x). A bare tag ("canary") or
// an empty key or value is rejected: Prometheus has no bare labels, and an empty value would
// render like an absent label, giving two series with the same exposition line.
import { MAX_TAGS, MAX_TAG_KEY_BYTES, MAX_TAG_VALUE_BYTES, decodeText } from '@taskmeter/protocol'
import type { LineReason } from './statsd-reasons.js'

const COMMA = 0x2c
const COLON = 0x3a

/** The reason the tag bytes [start, end) are invalid, or null. An empty field has no tags. */
export function checkTags(buf: Uint8Array, start: number, end: number): LineReason | null {
  if (start === end) return null
  let tags = 0
  let tagStart = start
  let colon = -1
  for (let i = start; i <= end; i++) {
    const c = i === end ? COMMA : buf[i]
    if (c === COLON) {
      if (colon < 0) colon = i
      continue
    }
    if (c !== COMMA) continue
    if (colon <= tagStart || colon === i - 1) return 'bad_tags'
    if (colon - tagStart > MAX_TAG_KEY_BYTES || i - colon - 1 > MAX_TAG_VALUE_BYTES) return 'tag_too_long'
    if (++tags > MAX_TAGS) return 'too_many_tags'
    tagStart = i + 1
    colon = -1
  }
  return null
}

/** Label pairs of checked tag bytes, plus container_id when the line had a `c:` field. */
export function decodeTagPairs(
  buf: Uint8Array,
  start: number,
  end: number,
  containerStart: number,
  containerEnd: number,
): Array<[string, string]> {
  const pairs: Array<[string, string]> = []
  let tagStart = start
  let colon = -1
  for (let i = start; i <= end && start < end; i++) {
    const c = i === end ? COMMA : buf[i]
    if (c === COLON && colon < 0) colon = i
    if (c !== COMMA) continue
    pairs.push([decodeText(buf, tagStart, colon), decodeText(buf, colon + 1, i)])
    tagStart = i + 1
    colon = -1
  }
  // The `c:` field is DogStatsD's own place for the container id: it wins over a tag of that name.
  if (containerEnd <= containerStart) return pairs
  const container = decodeText(buf, containerStart, containerEnd)
  const others = pairs.filter(([key]) => key !== 'container_id')
  others.push(['container_id', container])
  return others
}
