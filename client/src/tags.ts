// The tag forms the client accepts: an object or a Map of string to string (the protocol's own
// form), or DogStatsD's array of 'key:value' strings, which hot-shots users already write. An
// array entry splits at its first ':' (a value may hold ':', as in 'url:http://x'), the same split
// the agent applies to StatsD tags. A bare entry ('canary') becomes canary="true": Prometheus has
// no label without a value, and an empty value would read as no label at all, so "true" is the
// one spelling that keeps the tag visible and filterable on the agent.
import type { EventReason, TagInput as ProtocolTagInput } from '@taskmeter/protocol'

/** Tags as an object or Map of string to string, or an array of 'key:value' (or bare 'key') strings. */
export type TagInput = ProtocolTagInput | readonly string[]

/** The value a bare array tag ('canary', no colon) gets. */
export const BARE_TAG_VALUE = 'true'

/** An object, Map or array (what may be tags); anything else is bad_tags. */
export function isTagInput(tags: unknown): tags is TagInput {
  return typeof tags === 'object' && tags !== null
}

/** The pairs of `tags` in the order given, or bad_tags for an array entry that is not a string. */
export function tagEntries(tags: TagInput): Array<[unknown, unknown]> | EventReason {
  if (tags instanceof Map) return [...(tags as ReadonlyMap<unknown, unknown>).entries()]
  if (!Array.isArray(tags)) return Object.entries(tags)
  const pairs: Array<[unknown, unknown]> = []
  for (let i = 0; i < tags.length; i++) {
    const entry: unknown = tags[i]
    if (typeof entry !== 'string') return 'bad_tags'
    const colon = entry.indexOf(':')
    pairs.push(colon < 0 ? [entry, BARE_TAG_VALUE] : [entry.slice(0, colon), entry.slice(colon + 1)])
  }
  return pairs
}

function lengthPrefixed(text: string): string {
  return `${text.length}:${text}`
}

/**
 * A cache key that two different tag sets cannot share: every key and value length-prefixed, an
 * array's entries as written behind an 'a' (an object's key starts with a digit). Null when an
 * entry is not a string (the set would be rejected anyway).
 */
export function tagContentKey(tags: TagInput): string | null {
  let key = ''
  if (Array.isArray(tags)) {
    key = 'a'
    for (let i = 0; i < tags.length; i++) {
      const entry: unknown = tags[i]
      if (typeof entry !== 'string') return null
      key += lengthPrefixed(entry)
    }
    return key
  }
  if (tags instanceof Map) {
    for (const [k, v] of tags as ReadonlyMap<unknown, unknown>) {
      if (typeof k !== 'string' || typeof v !== 'string') return null
      key += lengthPrefixed(k) + lengthPrefixed(v)
    }
    return key
  }
  const record = tags as Readonly<Record<string, unknown>>
  for (const k of Object.keys(record)) {
    const v = record[k]
    if (typeof v !== 'string') return null
    key += lengthPrefixed(k) + lengthPrefixed(v)
  }
  return key
}
