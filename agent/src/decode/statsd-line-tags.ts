// A parsed StatsD line → the name and the label pairs a new series is made of. Called only when a
// series is resolved (statsd-sink.ts looks known series up by raw bytes and builds no string):
// the name without its embedded tags, and the embedded and DogStatsD tags as one list.
import { decodeText } from '@taskmeter/protocol'
import {
  SEGMENT_FIELDS,
  SEG_CONTAINER_END,
  SEG_CONTAINER_START,
  SEG_TAGS_END,
  SEG_TAGS_START,
  type StatsdLine,
} from './statsd-line.js'
import { DOGSTATSD_SEPARATOR, EMBEDDED_SEPARATOR, decodeTagPairs, withContainerId } from './statsd-tags.js'

/** The metric name of a parsed line: "name.rest" for "name.[k=v]rest", "name" for "name,k=v". */
export function statsdLineName(buf: Uint8Array, line: StatsdLine): string {
  if (line.nameTagsStart < 0) return decodeText(buf, line.nameStart, line.nameEnd)
  const head = decodeText(buf, line.nameStart, line.nameTagsStart - 1)
  return line.nameRest < line.nameEnd ? head + decodeText(buf, line.nameRest, line.nameEnd) : head
}

/** Label pairs of segment `s` of a parsed line (embedded, DogStatsD, container id), null for none. */
export function statsdLineTagPairs(buf: Uint8Array, line: StatsdLine, s: number): Array<[string, string]> | null {
  const at = s * SEGMENT_FIELDS
  const tagsStart = line.segments[at + SEG_TAGS_START] ?? 0
  const tagsEnd = line.segments[at + SEG_TAGS_END] ?? 0
  const containerStart = line.segments[at + SEG_CONTAINER_START] ?? 0
  const containerEnd = line.segments[at + SEG_CONTAINER_END] ?? 0
  const embedded = line.nameTagsStart >= 0 && line.nameTagsEnd > line.nameTagsStart
  if (!embedded && tagsStart === tagsEnd && containerStart === containerEnd) return null
  const pairs: Array<[string, string]> = []
  if (embedded) decodeTagPairs(buf, line.nameTagsStart, line.nameTagsEnd, EMBEDDED_SEPARATOR, pairs)
  decodeTagPairs(buf, tagsStart, tagsEnd, DOGSTATSD_SEPARATOR, pairs)
  return withContainerId(pairs, buf, containerStart, containerEnd)
}
