// An event's tag map (SPEC.md §3): checked in the decoder's pass without allocating, read into
// strings only on a sink's slow path (a series seen for the first time).
import { BAD_ENCODING, TRUNCATED, readResult, readStr } from './msgpack-read.js'
import { MAX_TAG_KEY_BYTES, MAX_TAG_VALUE_BYTES } from './spec.js'

// checkTags' answers for a bad pair, below every msgpack-read code, so that callers need no
// allocation to learn why.
export const TAG_ERR_BAD = -100
export const TAG_ERR_LONG = -101

/** Validates `pairs` pairs of a tag map body: the position after it, TRUNCATED / BAD_ENCODING, or TAG_ERR_*. */
export function checkTags(buf: Uint8Array, pos: number, end: number, pairs: number): number {
  for (let i = 0; i < pairs; i++) {
    let p = readStr(buf, pos, end)
    if (p === TRUNCATED || p === BAD_ENCODING) return p
    if (p < 0 || readResult.strEnd === readResult.strStart) return TAG_ERR_BAD
    if (readResult.strEnd - readResult.strStart > MAX_TAG_KEY_BYTES) return TAG_ERR_LONG
    p = readStr(buf, p, end)
    if (p === TRUNCATED || p === BAD_ENCODING) return p
    if (p < 0) return TAG_ERR_BAD
    if (readResult.strEnd - readResult.strStart > MAX_TAG_VALUE_BYTES) return TAG_ERR_LONG
    pos = p
  }
  return pos
}

// ignoreBOM keeps a leading U+FEFF: it is part of the name or tag the app sent, not a byte-order mark.
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true })

/** UTF-8 text of buf[start, end): for the slow path (a name seen for the first time). */
export function decodeText(buf: Uint8Array, start: number, end: number): string {
  return utf8.decode(buf.subarray(start, end))
}

/** The pairs of a tag map body that the decoder validated (slow path: a new series). */
export function decodeTags(buf: Uint8Array, tagsStart: number, tagCount: number): Array<[string, string]> {
  const pairs: Array<[string, string]> = []
  let p = tagsStart
  for (let i = 0; i < tagCount; i++) {
    p = readStr(buf, p, buf.length)
    const key = decodeText(buf, readResult.strStart, readResult.strEnd)
    p = readStr(buf, p, buf.length)
    pairs.push([key, decodeText(buf, readResult.strStart, readResult.strEnd)])
  }
  return pairs
}
