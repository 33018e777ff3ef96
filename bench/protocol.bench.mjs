// ns per event for the wire codec (SPEC.md) on one realistic 40-event batch: timings under cached
// names, counts, a tagged gauge. Encode = reset + 40 BatchEncoder.append calls; decode =
// decodeDatagram into a no-op sink (the agent's sink work is measured elsewhere). msgpackr, the
// fastest general JS msgpack library, encodes and decodes the same 40 events in the same run as
// the baseline. Target: ≤ 60 ns/event each way.
// Plain JS over the BUILT package: Node 20 cannot run .ts (npm run build first).
import { Packr, Unpackr } from 'msgpackr'
import { BatchEncoder, collectDatagram, decodeDatagram, encodeName, encodeTags } from '@taskmeter/protocol'
import { random } from './seeded-random.mjs'

const BATCHES_PER_RUN = Number(process.env.BENCH_BATCHES ?? 200_000)
const RUNS = Number(process.env.BENCH_RUNS ?? 7)
const WARMUP_BATCHES = 50_000
// msgpackr is several times slower; fewer batches keep the run short, ns/event is per event anyway.
const BASELINE_BATCHES = Math.max(1, Math.floor(BATCHES_PER_RUN / 10))
const EVENTS = 40

// 30 timings (log-uniform 0.1..1000 ms, µs resolution: what a client measures), 8 counts of 1,
// 2 tagged gauges; shuffled with the same seed.
function makeBatch() {
  const rand = random(0x5eed)
  const timingNames = ['prediction', 'db.query', 'feature.fetch'].map(encodeName)
  const requests = encodeName('requests')
  const queue = encodeName('queue_depth')
  const tags = encodeTags({ region: 'eu-west-1', model: 'v2' })
  const events = []
  for (let i = 0; i < 30; i++) {
    events.push({
      kind: 1,
      name: timingNames[i % 3],
      value: Math.round(10 ** (rand() * 4 - 1) * 1000) / 1000,
      rate: 1,
      tags: null,
      text: ['prediction', 'db.query', 'feature.fetch'][i % 3],
    })
  }
  for (let i = 0; i < 8; i++) events.push({ kind: 2, name: requests, value: 1, rate: 1, tags: null, text: 'requests' })
  for (let i = 0; i < 2; i++)
    events.push({ kind: 3, name: queue, value: Math.floor(rand() * 100), rate: 1, tags, text: 'queue_depth' })
  for (let i = events.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1))
    ;[events[i], events[j]] = [events[j], events[i]]
  }
  // Parallel arrays, as a client's batch buffer holds them: the timed loop reads, never allocates.
  return {
    kinds: Uint8Array.from(events, (e) => e.kind),
    names: events.map((e) => e.name),
    values: Float64Array.from(events, (e) => e.value),
    rates: Float64Array.from(events, (e) => e.rate),
    tags: events.map((e) => e.tags),
    asArrays: events.map((e) =>
      e.tags === null
        ? [e.kind, e.text, e.value]
        : [e.kind, e.text, e.value, null, { region: 'eu-west-1', model: 'v2' }],
    ),
  }
}

const batch = makeBatch()
const encoder = new BatchEncoder()

function encodeBatches(count) {
  let bytes = 0
  for (let b = 0; b < count; b++) {
    encoder.reset()
    for (let i = 0; i < EVENTS; i++)
      encoder.append(batch.kinds[i], batch.names[i], batch.values[i], batch.rates[i], batch.tags[i])
    bytes += encoder.length
  }
  return bytes
}

class NoopSink {
  onEvent() {}
  onInflightReport() {}
  onInflightEntry() {}
  onEventInvalid() {}
}
const sink = new NoopSink()

encodeBatches(1)
const datagram = Buffer.from(encoder.datagram())
function decodeBatches(count) {
  let failures = 0
  for (let b = 0; b < count; b++) if (decodeDatagram(datagram, datagram.length, sink) !== null) failures++
  return failures
}

const packr = new Packr({ useRecords: false })
const unpackr = new Unpackr({ useRecords: false })
const packed = Buffer.concat(batch.asArrays.map((e) => packr.pack(e)))
function msgpackrEncodeBatches(count) {
  let bytes = 0
  for (let b = 0; b < count; b++) for (let i = 0; i < EVENTS; i++) bytes += packr.pack(batch.asArrays[i]).length
  return bytes
}
function msgpackrDecodeBatches(count) {
  let values = 0
  for (let b = 0; b < count; b++) values += unpackr.unpackMultiple(packed).length
  return values
}

// Times `batches` batches of fn, in ns/event.
function timeRun(fn, batches) {
  const start = process.hrtime.bigint()
  fn(batches)
  return Number(process.hrtime.bigint() - start) / (batches * EVENTS)
}

// Warm every op up, then RUNS rounds that time each op once, interleaved: a burst of load from
// elsewhere on the machine then hits all ops alike instead of skewing one. Median per op.
function measureAll(ops) {
  for (const op of ops) op.fn(op.warmup)
  const samples = ops.map(() => [])
  for (let r = 0; r < RUNS; r++)
    for (let i = 0; i < ops.length; i++) samples[i].push(timeRun(ops[i].fn, ops[i].batches))
  return ops.map((op, i) => {
    const sorted = samples[i].sort((a, b) => a - b)
    return [op.label, { median: sorted[Math.floor(sorted.length / 2)], min: sorted[0], max: sorted[sorted.length - 1] }]
  })
}

// The batch must decode to 40 valid events, or the numbers below measure the wrong thing.
const check = collectDatagram(datagram)
if (check.reason !== null || check.items.length !== EVENTS || check.items.some((item) => item.kind === 'invalid')) {
  throw new Error(`bench batch does not decode cleanly: ${JSON.stringify(check).slice(0, 200)}`)
}

const rows = measureAll([
  { label: 'taskmeter encode', fn: encodeBatches, batches: BATCHES_PER_RUN, warmup: WARMUP_BATCHES },
  { label: 'taskmeter decode', fn: decodeBatches, batches: BATCHES_PER_RUN, warmup: WARMUP_BATCHES },
  { label: 'msgpackr pack (baseline)', fn: msgpackrEncodeBatches, batches: BASELINE_BATCHES, warmup: BASELINE_BATCHES },
  {
    label: 'msgpackr unpackMultiple (baseline)',
    fn: msgpackrDecodeBatches,
    batches: BASELINE_BATCHES,
    warmup: BASELINE_BATCHES,
  },
])

const fmt = (n, digits = 1) => n.toFixed(digits).padStart(9)
console.log(
  `protocol codec, ${EVENTS}-event batch (${datagram.length} bytes), median of ${RUNS} runs, node ${process.version}`,
)
console.log(
  `${'operation'.padEnd(36)} ${'ns/event'.padStart(9)} ${'min'.padStart(9)} ${'max'.padStart(9)} ${'events/s'.padStart(12)}`,
)
for (const [label, { median, min, max }] of rows) {
  console.log(
    `${label.padEnd(36)} ${fmt(median)} ${fmt(min)} ${fmt(max)} ${(1e9 / median).toExponential(2).padStart(12)}`,
  )
}

const [encode, decode, baseEncode, baseDecode] = rows.map(([, r]) => Math.round(r.median * 10) / 10)
console.log(
  JSON.stringify({
    bench: 'protocol',
    encode_ns_per_event: encode,
    decode_ns_per_event: decode,
    encode_events_per_s: Math.round(1e9 / encode),
    decode_events_per_s: Math.round(1e9 / decode),
    msgpackr_encode_ns_per_event: baseEncode,
    msgpackr_decode_ns_per_event: baseDecode,
    node: process.version,
  }),
)
