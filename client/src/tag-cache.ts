// Tags of a client scope (global tags, then each child's) merged and encoded once, plus a bounded
// cache of per-call tag sets merged over them. Later tags win for the same key and keep its first
// position (SPEC.md §4: tags go in the order the application gave them).
import { type EncodedBytes, type EventReason, encodeTags } from '@taskmeter/protocol'
import { isTagInput, tagContentKey, tagEntries } from './tags.js'

// Distinct per-call tag sets cached per scope; past this a new set is merged and encoded per call.
export const MAX_CACHED_TAG_SETS = 1000

export type TagBytes = EncodedBytes | null

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
    if (!isTagInput(tags)) return tags === undefined || tags === null ? this.bytes : 'bad_tags'
    const key = tagContentKey(tags)
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
    const entries = tagEntries(tags)
    if (typeof entries === 'string') return entries
    const merged = new Map<string, string>(base ?? undefined)
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i] as [unknown, unknown]
      if (typeof entry[0] !== 'string' || typeof entry[1] !== 'string') return 'bad_tags'
      merged.set(entry[0], entry[1])
    }
    return merged
  }
}
