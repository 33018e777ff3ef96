// Hostile datagrams for the fuzz tests: random bytes, mutated protocol v1 batches and mutated
// StatsD text, from a seeded generator so a failure can be replayed.
import { BatchEncoder, EVENT_KIND, encodeClientId, encodeName, encodeTags } from '@taskmeter/protocol'

function randomId(random: () => number, bytes: number): Uint8Array {
  const id = new Uint8Array(bytes)
  for (let i = 0; i < bytes; i++) id[i] = 1 + Math.floor(random() * 255)
  return id
}

function validBatch(random: () => number): Buffer {
  const encoder = new BatchEncoder(1432)
  const events = 1 + Math.floor(random() * 20)
  for (let i = 0; i < events; i++) {
    const kind = 1 + Math.floor(random() * 8)
    const name = encodeName(`fuzz_${Math.floor(random() * 50)}`) as Uint8Array
    const tags = random() < 0.3 ? (encodeTags({ k: String(Math.floor(random() * 5)) }) as Uint8Array) : null
    const value = kind === 1 || kind >= 7 ? random() * 1000 : (random() - 0.5) * 1000
    // An exemplar before some events (SPEC.md §3.4), so that mutations reach that path too.
    if (random() < 0.2) encoder.appendExemplar(randomId(random, 16), randomId(random, 8))
    encoder.append(kind, name, value, random() < 0.2 ? 0.5 : 1, tags)
  }
  if (random() < 0.3)
    encoder.appendInflightReport(
      encodeClientId('fuzzclient') as Uint8Array,
      Math.floor(random() * 100),
      100,
      [encodeName('fuzz_1') as Uint8Array],
      [Math.floor(random() * 4)],
      0,
    )
  return Buffer.from(encoder.datagram())
}

const STATSD_LINES = [
  'req.time:12.5|ms',
  'hits:1|c|@0.5',
  'queue:17|g',
  'queue:+3|g',
  'size:64|h|#region:eu,az:1',
  'users:alice|s',
  'lat:1:2:3|d|c:abc|T1700000000',
]

function statsdText(random: () => number): Buffer {
  const lines: string[] = []
  const count = 1 + Math.floor(random() * 20)
  for (let i = 0; i < count; i++) lines.push(STATSD_LINES[Math.floor(random() * STATSD_LINES.length)] as string)
  return Buffer.from(lines.join('\n'), 'utf8')
}

function mutate(datagram: Buffer, random: () => number): Buffer {
  const bytes = [...datagram]
  const edits = 1 + Math.floor(random() * 4)
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(random() * (bytes.length + 1))
    const op = random()
    if (op < 0.4 && bytes.length > 0) bytes[Math.min(at, bytes.length - 1)] = Math.floor(random() * 256)
    else if (op < 0.6) bytes.splice(at, 0, Math.floor(random() * 256))
    else if (op < 0.8 && bytes.length > 1) bytes.splice(Math.min(at, bytes.length - 1), 1)
    else bytes.length = Math.min(bytes.length, at)
  }
  return Buffer.from(bytes)
}

/** One hostile (or occasionally valid) datagram, never empty. */
export function fuzzDatagram(random: () => number): Buffer {
  const pick = random()
  let datagram: Buffer
  if (pick < 0.25) {
    datagram = Buffer.alloc(1 + Math.floor(random() * 200))
    for (let i = 0; i < datagram.length; i++) datagram[i] = Math.floor(random() * 256)
    if (random() < 0.5) datagram.set([0xfe, 0x54, 0x4d, 0x01].slice(0, datagram.length))
  } else if (pick < 0.6) datagram = random() < 0.8 ? mutate(validBatch(random), random) : validBatch(random)
  else if (pick < 0.9) datagram = random() < 0.8 ? mutate(statsdText(random), random) : statsdText(random)
  else datagram = validBatch(random)
  return datagram.length === 0 ? Buffer.from([0]) : datagram
}

export { EVENT_KIND }
