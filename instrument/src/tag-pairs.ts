// The tag forms both recorders accept, read into [key, value] pairs: an object or a Map of string
// to string (the protocol's own form), or DogStatsD's array of 'key:value' strings, which
// hot-shots users already write. An array entry splits at its first ':' (a value may hold ':', as
// in 'url:http://x'), the same split the agent applies to StatsD tags. A bare entry ('canary')
// becomes canary="true": Prometheus has no label without a value, and an empty value would read as
// no label at all, so "true" is the one spelling that keeps the tag visible and filterable.
// Only the reading lives here; each recorder checks the pairs and encodes them its own way.

/** Tags as an object or Map of string to string, or an array of 'key:value' (or bare 'key') strings. */
export type TagPairsInput = Readonly<Record<string, string>> | ReadonlyMap<string, string> | readonly string[]

/** The value a bare array tag ('canary', no colon) gets. */
export const BARE_TAG_VALUE = 'true'

/** An object, Map or array (what may be tags); anything else is bad tags. */
export function isTagInput(tags: unknown): tags is TagPairsInput {
  return typeof tags === 'object' && tags !== null
}

/**
 * The pairs of `tags` in the order given (keys and values unchecked, for the caller to check), or
 * 'bad_tags' for an array entry that is not a string. Getters and proxies may throw: callers
 * guard the call.
 */
export function tagEntries(tags: TagPairsInput): Array<[unknown, unknown]> | 'bad_tags' {
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
