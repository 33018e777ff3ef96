// Tag keys become label names by sanitizing, so `a.b`, `a_b` and `a-b` are all label a_b. Two such
// keys in one event are refused (labels.ts); across events the spelling a series was created with
// keeps it, and an event that spells the same label otherwise is refused as label_collision
// instead of being added to that series silently. Only respelled series are remembered: most apps
// send keys that are already label names, and those cost nothing here.
import { type LabelPairs, sanitizeLabelName } from './labels.js'

/** The raw keys of `tags` in label order, or null when each is its label name already. */
export function keySpelling(tags: LabelPairs | null): string | null {
  if (tags === null) return null
  const kept: Array<[string, string]> = []
  let respelled = false
  for (const [key, value] of tags) {
    if (value === '') continue // left out of the labels, so not a spelling either
    const name = sanitizeLabelName(key)
    if (name !== key) respelled = true
    kept.push([name, key])
  }
  if (!respelled) return null
  kept.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
  return JSON.stringify(kept.map((pair) => pair[1]))
}

/** The key spelling of each held series that was created with respelled keys. */
export class KeySpellings {
  private readonly byId = new Map<string, string>()

  /** Whether an event spelling its keys as `spelling` belongs to held series `id`. */
  matches(id: string, spelling: string | null): boolean {
    return (this.byId.get(id) ?? null) === spelling
  }

  /** The raw keys a respelled series was created with (keySpelling's JSON), or null. */
  spelling(id: string): string | null {
    return this.byId.get(id) ?? null
  }

  remember(id: string, spelling: string | null): void {
    if (spelling !== null) this.byId.set(id, spelling)
  }

  forget(id: string): void {
    this.byId.delete(id)
  }
}
