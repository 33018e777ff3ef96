// Shared helpers of the protocol sink tests: golden vectors, a router on a manual clock, and
// encoders for hand-built datagrams.
import { readFileSync, readdirSync } from 'node:fs'
import {
  BatchEncoder,
  DATAGRAM_REASONS,
  type DatagramReason,
  type DecodedItem,
  EVENT_KIND_NAMES,
  EVENT_REASONS,
  encodeClientId,
  encodeName,
  encodeTags,
} from '@taskmeter/protocol'
import { Aggregator } from '../aggregate/aggregator.js'
import { DatagramRouter } from './datagram-router.js'
import type { DecodeStats } from './decode-stats.js'

// ---- golden vectors (protocol/vectors/*.json, format in protocol/vectors/README.md) ----

// What collectDatagram gives: a vector's items are exactly that shape.
export type VectorItem = DecodedItem

export interface Vector {
  file: string
  name: string
  hex: string
  items: VectorItem[]
  reason: DatagramReason | null
}

export const VECTORS_DIR = new URL('../../../protocol/vectors/', import.meta.url)

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function isItem(value: unknown): value is VectorItem {
  if (!isRecord(value)) return false
  if (value.kind === 'invalid')
    return typeof value.reason === 'string' && (EVENT_REASONS as readonly string[]).includes(value.reason)
  if (value.kind === 'inflight_report')
    return typeof value.clientId === 'string' && typeof value.sequence === 'number' && isRecord(value.inflight)
  if (value.kind === 'header') return typeof value.clientId === 'string' && typeof value.sequence === 'number'
  return (
    typeof value.kind === 'string' &&
    (EVENT_KIND_NAMES as readonly string[]).includes(value.kind) &&
    typeof value.name === 'string' &&
    // A set's value is its member, a string (protocol/vectors/README.md).
    typeof value.value === (value.kind === 'set' ? 'string' : 'number') &&
    typeof value.sampleRate === 'number' &&
    (value.tags === null || isRecord(value.tags))
  )
}

// A malformed file must fail loudly rather than test nothing.
export function loadVectors(): Vector[] {
  const vectors: Vector[] = []
  for (const file of readdirSync(VECTORS_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const parsed: unknown = JSON.parse(readFileSync(new URL(file, VECTORS_DIR), 'utf8'))
    if (!Array.isArray(parsed)) throw new Error(`${file}: not an array`)
    for (const raw of parsed) {
      if (!isRecord(raw) || typeof raw.name !== 'string' || typeof raw.hex !== 'string' || !Array.isArray(raw.items))
        throw new Error(`${file}: malformed vector`)
      if (!raw.items.every(isItem)) throw new Error(`${file} ${raw.name}: malformed item`)
      const reason = raw.reason
      if (reason !== null && !(typeof reason === 'string' && (DATAGRAM_REASONS as readonly string[]).includes(reason)))
        throw new Error(`${file} ${raw.name}: bad reason`)
      vectors.push({ file, name: raw.name, hex: raw.hex, items: raw.items, reason: reason as DatagramReason | null })
    }
  }
  return vectors
}

export const VECTORS = loadVectors()

// ---- helpers ----

export class ManualClock {
  ms = 0
  readonly now = (): number => this.ms
}

export function setup(maxSeries = 1_000): { clock: ManualClock; aggregator: Aggregator; router: DatagramRouter } {
  const clock = new ManualClock()
  const aggregator = new Aggregator({ windowSeconds: 60, precision: 2, maxSeries, now: clock.now })
  return { clock, aggregator, router: new DatagramRouter(aggregator, null) }
}

export function feed(router: DatagramRouter, bytes: Uint8Array): void {
  router.handleDatagram(bytes, bytes.length)
}

export function wireName(name: string): Uint8Array {
  const encoded = encodeName(name)
  if (typeof encoded === 'string') throw new Error(`bad name ${name}: ${encoded}`)
  return encoded
}

export function wireTags(tags: Record<string, string> | null): Uint8Array | null {
  const encoded = encodeTags(tags)
  if (typeof encoded === 'string') throw new Error(`bad tags: ${encoded}`)
  return encoded
}

export function wireClientId(clientId: string): Uint8Array {
  const encoded = encodeClientId(clientId)
  if (typeof encoded === 'string') throw new Error(`bad client id: ${encoded}`)
  return encoded
}

export function datagram(build: (encoder: BatchEncoder) => void): Buffer {
  const encoder = new BatchEncoder()
  build(encoder)
  return Buffer.from(encoder.datagram())
}

export function event(
  kind: number,
  name: string,
  value: number,
  sampleRate = 1,
  tags: Record<string, string> | null = null,
): Buffer {
  return datagram((encoder) => {
    if (!encoder.append(kind, wireName(name), value, sampleRate, wireTags(tags))) throw new Error('event does not fit')
  })
}

/** One `set` event: member `member` of set `name`. */
export function setEvent(
  name: string,
  member: string,
  sampleRate = 1,
  tags: Record<string, string> | null = null,
): Buffer {
  return datagram((encoder) => {
    if (!encoder.appendSet(wireName(name), member, sampleRate, wireTags(tags))) throw new Error('set does not fit')
  })
}

export function inflightReport(
  clientId: string,
  sequence: number,
  flushIntervalMs: number,
  entries: ReadonlyArray<readonly [string, number]>,
): Buffer {
  return datagram((encoder) => {
    const names = entries.map((entry) => wireName(entry[0]))
    const counts = entries.map((entry) => entry[1])
    if (
      encoder.appendInflightReport(wireClientId(clientId), sequence, flushIntervalMs, names, counts, 0) !==
      entries.length
    )
      throw new Error('report does not fit')
  })
}

export interface Counts {
  datagrams: Record<string, number>
  events: Record<string, number>
  kinds: Record<string, number>
}

export function byName(names: readonly string[], values: ArrayLike<number> | null): Record<string, number> {
  const out: Record<string, number> = {}
  names.forEach((name, i) => {
    out[name] = values === null ? 0 : (values[i] ?? 0)
  })
  return out
}

export function reasonCounts(stats: DecodeStats): Counts {
  return {
    datagrams: byName(DATAGRAM_REASONS, stats.datagramsInvalid),
    events: byName(EVENT_REASONS, stats.eventsInvalid),
    kinds: byName(EVENT_KIND_NAMES, stats.eventsByKind),
  }
}

export function zeroCounts(): Counts {
  return {
    datagrams: byName(DATAGRAM_REASONS, null),
    events: byName(EVENT_REASONS, null),
    kinds: byName(EVENT_KIND_NAMES, null),
  }
}

/** The weight a sampled request or observation carries (StatsD: 1 / rate whole events). */
export function weightOf(sampleRate: number): number {
  return sampleRate === 1 ? 1 : Math.max(1, Math.round(1 / sampleRate))
}

export function sumTasks(
  aggregator: Aggregator,
  pick: (task: { completed: number; errors: number; active: number }) => number,
): number {
  let total = 0
  for (const task of aggregator.tasks.values()) total += pick(task)
  return total
}
