// The tag forms the client accepts: an object or a Map of string to string (the protocol's own
// form), or DogStatsD's array of 'key:value' strings. Reading them into pairs is shared with the
// in-process monitor (@taskmeter/instrument's tagEntries); the cache key below is the client's own.
import type { TagInput as ProtocolTagInput } from '@taskmeter/protocol'

/** Tags as an object or Map of string to string, or an array of 'key:value' (or bare 'key') strings. */
export type TagInput = ProtocolTagInput | readonly string[]

export { BARE_TAG_VALUE, isTagInput, tagEntries } from '@taskmeter/instrument'

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
