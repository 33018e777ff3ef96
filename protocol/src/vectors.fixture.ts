// Loads protocol/vectors/*.json for the tests, checking the shape that vectors/README.md
// documents, so a malformed file fails loudly instead of testing nothing. Test-only (the build
// excludes *.fixture.ts).
import { readFileSync, readdirSync } from 'node:fs'
import type { DecodedItem } from './collect.js'
import type { DatagramReason } from './reasons.js'

export type EncodeOp =
  | {
      op: 'append'
      kind: number
      name: string
      value: number
      sampleRate: number
      tags: Array<[string, string]> | null
    }
  | { op: 'set'; name: string; member: string; sampleRate: number; tags: Array<[string, string]> | null }
  | { op: 'inflight'; clientId: string; sequence: number; flushIntervalMs: number; entries: Array<[string, number]> }
  | { op: 'header'; clientId: string; sequence: number }
  | { op: 'exemplar'; traceId: string; spanId: string }

export interface Vector {
  name: string
  description: string
  hex: string
  canonical: boolean
  items: DecodedItem[]
  reason: DatagramReason | null
  encode?: EncodeOp[]
}

export interface VectorFile {
  file: string
  vectors: Vector[]
}

export const VECTORS_DIR = new URL('../vectors/', import.meta.url)

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function checkVector(value: unknown, where: string): Vector {
  if (!isRecord(value)) throw new Error(`${where}: not an object`)
  const { name, description, hex, canonical, items, reason, encode } = value
  if (typeof name !== 'string' || typeof description !== 'string' || typeof hex !== 'string')
    throw new Error(`${where}: name/description/hex must be strings`)
  if (typeof canonical !== 'boolean') throw new Error(`${where} ${name}: canonical must be a boolean`)
  if (!Array.isArray(items) || !items.every(isRecord))
    throw new Error(`${where} ${name}: items must be an array of objects`)
  if (reason !== null && typeof reason !== 'string')
    throw new Error(`${where} ${name}: reason must be null or a string`)
  if (encode !== undefined && !(Array.isArray(encode) && encode.every(isRecord)))
    throw new Error(`${where} ${name}: encode must be an array of objects`)
  // Field values are compared against the codec by the tests themselves; here only the shape.
  return value as unknown as Vector
}

export function loadVectorFiles(): VectorFile[] {
  const names = readdirSync(VECTORS_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
  return names.map((file) => {
    const parsed: unknown = JSON.parse(readFileSync(new URL(file, VECTORS_DIR), 'utf8'))
    if (!Array.isArray(parsed)) throw new Error(`${file}: not an array`)
    return { file, vectors: parsed.map((v, i) => checkVector(v, `${file}[${i}]`)) }
  })
}

/** A vector is invalid when the datagram or any event in it is rejected. */
export function isInvalidVector(vector: Vector): boolean {
  return vector.reason !== null || vector.items.some((item) => item.kind === 'invalid')
}
