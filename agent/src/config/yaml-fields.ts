// Reads a YAML file (the `yaml` library) into located values, so that every complaint about the
// config or mapping file names its line: `path:line: what to fix`. Keys are checked strictly by the
// callers (an unknown key is a typo until proven otherwise); duplicate keys are errors.
import { createRequire } from 'node:module'
import type * as YamlLibrary from 'yaml'
import type { Node } from 'yaml'
import { fileError } from './taskmeter-error.js'

// Required on the first file read, not imported at start: most agents run on flags alone, and the
// library is ~4 MiB of a sidecar's resident memory once loaded.
let yamlLibrary: typeof YamlLibrary | null = null
function yaml(): typeof YamlLibrary {
  yamlLibrary ??= createRequire(import.meta.url)('yaml') as typeof YamlLibrary
  return yamlLibrary
}
const isMap = (node: unknown): node is YamlLibrary.YAMLMap => yaml().isMap(node)
const isSeq = (node: unknown): node is YamlLibrary.YAMLSeq => yaml().isSeq(node)
const isScalar = (node: unknown): node is YamlLibrary.Scalar => yaml().isScalar(node)

export interface YamlEntry {
  readonly key: string
  readonly line: number
  readonly value: unknown
}

export class YamlFile {
  readonly path: string
  readonly root: unknown
  private readonly lines: YamlLibrary.LineCounter

  constructor(path: string, text: string) {
    this.path = path
    this.lines = new (yaml().LineCounter)()
    const doc = yaml().parseDocument(text, { lineCounter: this.lines, uniqueKeys: true, prettyErrors: false })
    const error = doc.errors[0]
    if (error !== undefined) {
      const line = error.linePos?.[0]?.line ?? this.lineAt(error.pos[0])
      throw fileError(path, line, error.message.split('\n')[0] ?? 'not valid YAML')
    }
    this.root = doc.contents
  }

  private lineAt(offset: number): number {
    return this.lines.linePos(offset).line
  }

  /** 1-based line where a node starts (1 for the empty document). */
  lineOf(node: unknown): number {
    const range = (node as Node | null)?.range
    return range === undefined || range === null ? 1 : this.lineAt(range[0])
  }

  fail(node: unknown, message: string): never {
    throw fileError(this.path, this.lineOf(node), message)
  }

  /** A mapping's entries in order; `what` names it in the message when the node is not one. */
  entries(node: unknown, what: string): YamlEntry[] {
    if (node === null || node === undefined) return []
    if (!isMap(node)) this.fail(node, `${what} must be a mapping of key: value`)
    const out: YamlEntry[] = []
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : null
      if (key === null) this.fail(pair.key, `${what}: keys must be plain words`)
      out.push({ key, line: this.lineOf(pair.key), value: pair.value })
    }
    return out
  }

  items(node: unknown, what: string): unknown[] {
    if (node === null || node === undefined) return []
    if (!isSeq(node)) this.fail(node, `${what} must be a list`)
    return node.items
  }

  /** A scalar as written: strings, numbers and booleans as text (flag values are text too). */
  text(node: unknown, what: string): string {
    if (!isScalar(node) || node.value === null || typeof node.value === 'object')
      this.fail(node, `${what} must be a single value`)
    return String(node.value)
  }

  bool(node: unknown, what: string): boolean {
    if (isScalar(node) && typeof node.value === 'boolean') return node.value
    return this.fail(node, `${what} must be true or false`)
  }

  numbers(node: unknown, what: string): number[] {
    const out: number[] = []
    for (const item of this.items(node, what)) {
      const value = isScalar(item) ? item.value : null
      if (typeof value !== 'number' || !Number.isFinite(value)) this.fail(item, `${what} must be a list of numbers`)
      out.push(value)
    }
    return out
  }
}
