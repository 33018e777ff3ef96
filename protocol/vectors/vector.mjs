// How one vector is written: hex helpers (the prefix, msgpack str headers), the decoded items a
// vector expects, the encoder calls a canonical vector lists, and one constructor per kind of
// vector. Nothing here calls our encoder or decoder.

export const P = 'fe544d01' // prefix, SPEC §2
// timing "ok" 1 follows each rejected event: decoding goes on after an event reason (SPEC §5).
export const OK = '93 01 a2 6f6b 01'

// A msgpack str in its shortest form (SPEC §4), for strings too long to write out.
export function str(text) {
  const bytes = Buffer.from(text, 'utf8')
  const n = bytes.length
  const head =
    n < 32
      ? (0xa0 | n).toString(16)
      : n < 256
        ? 'd9' + n.toString(16).padStart(2, '0')
        : 'da' + n.toString(16).padStart(4, '0')
  return head + bytes.toString('hex')
}
export const hexOf = (text) => Buffer.from(text, 'utf8').toString('hex')

const KIND = {
  timing: 1,
  count: 2,
  gauge: 3,
  gauge_delta: 4,
  histogram: 5,
  task_start: 6,
  task_end_success: 7,
  task_end_error: 8,
  set: 10,
}
export const ev = (kind, name, value, sampleRate = 1, tags = null) => ({ kind, name, value, sampleRate, tags })
export const report = (clientId, sequence, flushIntervalMs, inflight) => ({
  kind: 'inflight_report',
  clientId,
  sequence,
  flushIntervalMs,
  inflight,
})
export const header = (clientId, sequence) => ({ kind: 'header', clientId, sequence })
export const bad = (reason) => ({ kind: 'invalid', reason })
// An event that an exemplar (SPEC §3.4) precedes: its ids as lowercase hex.
export const withExemplar = (event, traceId, spanId) => ({ ...event, exemplar: { traceId, spanId } })
export const ok = ev('timing', 'ok', 1)

// Encoder calls that write an item; tags and entries as ordered pairs (map order is on the wire).
// An event with an exemplar is two calls: the exemplar first, then the event it goes with.
function encodeOps(item) {
  const op = encodeOp(item)
  return item.exemplar === undefined ? [op] : [{ op: 'exemplar', ...item.exemplar }, op]
}

function encodeOp(item) {
  if (item.kind === 'header') return { op: 'header', clientId: item.clientId, sequence: item.sequence }
  if (item.kind === 'inflight_report') {
    return {
      op: 'inflight',
      clientId: item.clientId,
      sequence: item.sequence,
      flushIntervalMs: item.flushIntervalMs,
      entries: Object.entries(item.inflight),
    }
  }
  const { name, value, sampleRate } = item
  const tags = item.tags === null ? null : Object.entries(item.tags)
  if (item.kind === 'set') return { op: 'set', name, member: value, sampleRate, tags }
  return { op: 'append', kind: KIND[item.kind], name, value, sampleRate, tags }
}

export function vector(name, description, hex, items, reason, canonical, encode) {
  const clean = hex.replace(/\s+/g, '')
  if (!/^([0-9a-f]{2})*$/.test(clean)) throw new Error(`${name}: bad hex`)
  const out = { name, description, hex: clean, canonical, items, reason }
  if (canonical) out.encode = encode ?? items.flatMap(encodeOps)
  return out
}
export const canon = (name, description, hex, items, encode) =>
  vector(name, description, P + hex, items, null, true, encode)
export const decodeOnly = (name, description, hex, items) => vector(name, description, P + hex, items, null, false)
export const broken = (name, description, hex, items, reason) => vector(name, description, hex, items, reason, false)
export const rejected = (name, description, eventHex, reason) =>
  vector(name, description, P + eventHex + OK, [bad(reason), ok], null, false)

export const e100 = 'é'.repeat(100) // 200 UTF-8 bytes in 100 characters

// Many vectors share a reason: the case files list them as rows of a table under it, in file order.
export const rejectedEach = (reason, rows) =>
  rows.map(([name, description, eventHex]) => rejected(name, description, eventHex, reason))
export const brokenEach = (reason, rows) =>
  rows.map(([name, description, hex, items = []]) => broken(name, description, hex, items, reason))
