// Encoded names per client scope, so the hot path does one Map lookup and no encoding or
// allocation. Names are app input (a name built from a user id would grow a cache forever), so
// the cache is bounded: past MAX_CACHED_NAMES a new name is encoded on every call instead.
import { type EncodedBytes, type EventReason, encodeName } from '@taskmeter/protocol'

export const MAX_CACHED_NAMES = 10_000

export class CachedName {
  /** prefix + name, as the agent will see it. */
  readonly fullName: string
  readonly bytes: EncodedBytes
  /** Set once the name was used for a task (timing, trackAsync, startTimer): report() asks for it. */
  isTask: boolean

  constructor(fullName: string, bytes: EncodedBytes) {
    this.fullName = fullName
    this.bytes = bytes
    this.isTask = false
  }
}

export class NameCache {
  readonly prefix: string
  private readonly entries: Map<string, CachedName>

  constructor(prefix: string) {
    this.prefix = prefix
    this.entries = new Map()
  }

  /** The hot path: a hit for any name seen before (while the cache had room). */
  get(name: string): CachedName | undefined {
    return this.entries.get(name)
  }

  /** The slow path: validates and encodes prefix + name, and caches it if there is room. */
  resolve(name: unknown): CachedName | EventReason {
    // An empty name is bad even when a prefix would make the full name non-empty.
    if (typeof name !== 'string' || name.length === 0) return 'bad_name'
    const fullName = this.prefix + name
    const bytes = encodeName(fullName)
    if (typeof bytes === 'string') return bytes
    const cached = new CachedName(fullName, bytes)
    if (this.entries.size < MAX_CACHED_NAMES) this.entries.set(name, cached)
    return cached
  }
}
