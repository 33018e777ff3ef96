// nodejs_active_handles / _requests / _resources: what keeps the event loop alive, counted by
// type. The types are a handful of class names (Socket, Server, FSReqCallback, Timeout…), so a
// scan of a short list, kept across scrapes, counts them without a map or an object per scrape.
import type { FamilySink, SeriesLabels } from './family-sink.js'

/** Node's own listings of live libuv handles and requests: not in its typings, absent on some runtimes. */
interface ProcessInternals {
  _getActiveHandles?: () => unknown[]
  _getActiveRequests?: () => unknown[]
}

const internals = process as unknown as ProcessInternals

/** The class name a handle or request reports as its type, as prom-client groups them; null for none. */
function className(item: unknown): string | null {
  if (typeof item !== 'object' || item === null) return null
  const name: unknown = item.constructor?.name
  return typeof name === 'string' ? name : null
}

export class TypeCounts {
  private readonly names: string[] = []
  private readonly counts: number[] = []
  private size = 0

  /** Starts a new count (the list of names is reused). */
  private clear(): void {
    this.size = 0
  }

  private add(name: string): void {
    for (let i = 0; i < this.size; i++) {
      if (this.names[i] === name) {
        this.counts[i] = (this.counts[i] ?? 0) + 1
        return
      }
    }
    this.names[this.size] = name
    this.counts[this.size] = 1
    this.size++
  }

  /** A gauge family of one sample per type, in the order each was first seen (`type` the trailing label). */
  emitFamily(sink: FamilySink, labels: SeriesLabels, name: string, help: string): void {
    sink.family(name, help, 'gauge')
    for (let i = 0; i < this.size; i++) sink.value(labels, 'type', this.names[i] ?? '', this.counts[i] ?? 0)
  }

  /** Counts `items` by class name (handles, requests). */
  countClasses(items: readonly unknown[]): this {
    this.clear()
    for (let i = 0; i < items.length; i++) {
      const name = className(items[i])
      if (name !== null) this.add(name)
    }
    return this
  }

  /** Counts `names` as they are (process.getActiveResourcesInfo()). */
  countNames(names: readonly string[]): this {
    this.clear()
    for (let i = 0; i < names.length; i++) this.add(names[i] ?? '')
    return this
  }
}

/** The live handles, or null where the runtime lists none (prom-client then leaves the family out). */
export function activeHandles(): unknown[] | null {
  return typeof internals._getActiveHandles === 'function' ? internals._getActiveHandles() : null
}

export function activeRequests(): unknown[] | null {
  return typeof internals._getActiveRequests === 'function' ? internals._getActiveRequests() : null
}
