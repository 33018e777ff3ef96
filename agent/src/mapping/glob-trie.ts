// Glob rules compiled into one trie over the dot-separated fields of a name, as statsd_exporter's
// mapper does: a `*` field matches exactly one field (an empty one too), any other field matches
// itself. A lookup walks the literal child and the `*` child of each node, pruned by the rule
// lengths below each node, so it visits each trie node at most once whatever the name.
// Ordering: by default the first rule in the file that matches wins, as with regex rules. With
// `glob_disable_ordering: true` a literal field is preferred over `*` at each step and the first
// rule found wins, which is statsd_exporter's faster mode.
import type { MappingMetricType } from './mapping-rules.js'

interface TrieNode {
  readonly literal: Map<string, TrieNode>
  star: TrieNode | null
  /** Rules that end here: index into the rule list, ascending. */
  readonly ending: number[]
  /** Field counts of the rules that pass through or end here. */
  minFields: number
  maxFields: number
}

function newNode(): TrieNode {
  return { literal: new Map(), star: null, ending: [], minFields: Number.MAX_SAFE_INTEGER, maxFields: 0 }
}

export interface GlobMatch {
  readonly rule: number
  /** The fields the `*`s matched, in order. */
  readonly captures: readonly string[]
}

export class GlobTrie {
  private readonly root = newNode()
  private readonly types: Array<MappingMetricType | null> = []
  private readonly orderingDisabled: boolean
  // Lookup state, reused: lookups are synchronous and one at a time.
  private fields: string[] = []
  private captures: string[] = []
  private bestRule = -1
  private bestCaptures: string[] = []
  private type: MappingMetricType = 'counter'

  constructor(orderingDisabled: boolean) {
    this.orderingDisabled = orderingDisabled
  }

  /** Adds rule number `rule` (rules must be added in file order) for names of `type` (null = any). */
  add(rule: number, match: string, type: MappingMetricType | null): void {
    const fields = match.split('.')
    this.types[rule] = type
    let node = this.root
    for (const field of fields) {
      node.minFields = Math.min(node.minFields, fields.length)
      node.maxFields = Math.max(node.maxFields, fields.length)
      let next = field === '*' ? node.star : (node.literal.get(field) ?? null)
      if (next === null) {
        next = newNode()
        if (field === '*') node.star = next
        else node.literal.set(field, next)
      }
      node = next
    }
    node.minFields = Math.min(node.minFields, fields.length)
    node.maxFields = Math.max(node.maxFields, fields.length)
    node.ending.push(rule)
  }

  /** The winning rule for `name` of `type`, or null. */
  match(name: string, type: MappingMetricType): GlobMatch | null {
    this.fields = name.split('.')
    this.type = type
    this.captures.length = 0
    this.bestRule = -1
    this.visit(this.root, 0)
    if (this.bestRule < 0) return null
    return { rule: this.bestRule, captures: this.bestCaptures }
  }

  /** Returns true when the search can stop (ordering disabled and a rule was found). */
  private visit(node: TrieNode, depth: number): boolean {
    const fields = this.fields
    if (fields.length < node.minFields || fields.length > node.maxFields) return false
    if (depth === fields.length) return this.settle(node)
    const literal = node.literal.get(fields[depth] ?? '')
    if (literal !== undefined && this.visit(literal, depth + 1)) return true
    if (node.star === null) return false
    this.captures.push(fields[depth] ?? '')
    const stop = this.visit(node.star, depth + 1)
    this.captures.pop()
    return stop
  }

  private settle(node: TrieNode): boolean {
    for (const rule of node.ending) {
      const wanted = this.types[rule]
      if (wanted !== null && wanted !== this.type) continue
      if (this.bestRule < 0 || rule < this.bestRule) {
        this.bestRule = rule
        this.bestCaptures = this.captures.slice()
      }
      return this.orderingDisabled
    }
    return false
  }
}
