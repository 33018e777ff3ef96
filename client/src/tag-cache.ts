// Tags of a client scope (global tags, then each child's) merged and encoded once, plus a bounded
// cache of per-call tag sets merged over them. Later tags win for the same key and keep its first
// position (SPEC.md §4: tags go in the order the application gave them).
import { type EncodedBytes, type EventReason, type TagInput, encodeTags } from '@taskmeter/protocol'

// Distinct per-call tag sets cached per scope; past this a new set is merged and encoded per call.
export const MAX_CACHED_TAG_SETS = 1000

export type TagBytes = EncodedBytes | null

function isTagInput(tags: unknown): tags is TagInput {
  return typeof tags === 'object' && tags !== null && !Array.isArray(tags)
}

function entriesOf(tags: TagInput): Array<[string, string]> {
  return tags instanceof Map ? [...(tags as ReadonlyMap<string, string>).entries()] : Object.entries(tags)
}

// A cache key that two different tag sets cannot share: every key and value length-prefixed.
// Null when a key or value is not a string (encodeTags would reject it anyway).
function contentKey(tags: TagInput): string | null {
  let key = ''
  if (tags instanceof Map) {
    for (const [k, v] of tags as ReadonlyMap<unknown, unknown>) {
      if (typeof k !== 'string' || typeof v !== 'string') return null
      key += `${k.length}:${k}${v.length}:${v}`
    }
    return key
  }
  const keys = Object.keys(tags)
  for (const k of keys) {
    const v: unknown = (tags as Readonly<Record<string, unknown>>)[k]
    if (typeof v !== 'string') return null
    key += `${k.length}:${k}${v.length}:${v}`
  }
  return key
}

export class ScopeTags {
  /** The scope's merged tags, for children to build on. */
  readonly merged: ReadonlyMap<string, string>
  readonly bytes: TagBytes
  private readonly callCache: Map<string, TagBytes | EventReason>

  private constructor(merged: ReadonlyMap<string, string>, bytes: TagBytes) {
    this.merged = merged
    this.bytes = bytes
    this.callCache = new Map()
  }

  static create(tags: unknown, parent: ScopeTags | null): ScopeTags | EventReason {
    if (tags === undefined || tags === null) return parent ?? new ScopeTags(new Map(), null)
    const merged = ScopeTags.merge(parent === null ? null : parent.merged, tags)
    if (typeof merged === 'string') return merged
    const bytes = encodeTags(merged)
    return typeof bytes === 'string' ? bytes : new ScopeTags(merged, bytes)
  }

  /** The scope's tags with per-call `tags` over them. Call only when tags were given. */
  forCall(tags: unknown): TagBytes | EventReason {
    if (!isTagInput(tags)) return tags === null ? this.bytes : 'bad_tags'
    const key = contentKey(tags)
    if (key === null) return 'bad_tags'
    const hit = this.callCache.get(key)
    if (hit !== undefined) return hit
    const merged = ScopeTags.merge(this.merged, tags)
    const bytes = typeof merged === 'string' ? merged : encodeTags(merged)
    if (this.callCache.size < MAX_CACHED_TAG_SETS) this.callCache.set(key, bytes)
    return bytes
  }

  /** `base` then `tags`, later keys winning. */
  static merge(base: ReadonlyMap<string, string> | null, tags: unknown): Map<string, string> | EventReason {
    if (!isTagInput(tags)) return 'bad_tags'
    const merged = new Map<string, string>(base ?? undefined)
    const entries = entriesOf(tags)
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i] as [unknown, unknown]
      if (typeof entry[0] !== 'string' || typeof entry[1] !== 'string') return 'bad_tags'
      merged.set(entry[0], entry[1])
    }
    return merged
  }
}
