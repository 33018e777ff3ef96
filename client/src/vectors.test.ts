// The protocol's golden vectors (protocol/vectors/valid.json), replayed through the public API
// over a real socket: each datagram the client writes is the vector's hex byte for byte.
import { type EncodeOp, type Vector, loadVectorFiles } from '../../protocol/src/vectors.fixture.js'
import { describe, expect, it } from 'vitest'
import { createClient } from './index.js'
import { receiverPerFile, waitFor } from './udp-receiver.test-support.js'

type AppendOp = Extract<EncodeOp, { op: 'append' }>
type HeaderOp = Extract<EncodeOp, { op: 'header' }>

const vectors = loadVectorFiles().find((f) => f.file === 'valid.json')?.vectors ?? []

// What the API can say: no task_start (the client sends in-flight reports instead, SPEC.md §3.1)
// and in-flight reports with the client's own random id. A sample rate goes with every metric call.
// A leading header is the clientId option at sequence 0 (a new client's first datagram).
function expressible(vector: Vector): vector is Vector & { encode: Array<AppendOp | HeaderOp> } {
  return (
    vector.encode?.every(
      (op, i) =>
        (op.op === 'append' && op.kind >= 1 && op.kind <= 5) || (op.op === 'header' && i === 0 && op.sequence === 0),
    ) === true
  )
}

const replayable = vectors.filter(expressible)

describe('golden vectors through the client API', () => {
  const io = receiverPerFile()

  it('covers most canonical vectors', () => {
    expect(replayable.length).toBeGreaterThanOrEqual(15)
  })

  it.each(replayable.map((v) => [v.name, v] as const))('%s', async (_name, vector) => {
    // random() = 0 keeps every sampled event (the vectors show the events that were sent).
    const header = vector.encode[0]?.op === 'header' ? vector.encode[0] : null
    const client = createClient({
      port: io.receiver.port,
      ...(header === null ? { sequence: false } : { clientId: header.clientId }),
      random: () => 0,
      errorHandler: (e) => expect.fail(e.message),
    })
    const before = io.receiver.datagrams.length
    for (const op of vector.encode) {
      if (op.op === 'header') continue
      const tags = op.tags === null ? undefined : new Map(op.tags)
      if (op.kind === 1) client.timing(op.name, op.value, op.sampleRate, tags)
      else if (op.kind === 2) client.increment(op.name, op.value, op.sampleRate, tags)
      else if (op.kind === 3) client.gauge(op.name, op.value, op.sampleRate, tags)
      else if (op.kind === 4) client.gaugeDelta(op.name, op.value, op.sampleRate, tags)
      else if (op.kind === 5) client.histogram(op.name, op.value, op.sampleRate, tags)
    }
    await client.flush()
    await waitFor('the datagram', () => io.receiver.datagrams.length > before)
    expect(io.receiver.datagrams[before]?.bytes.toString('hex')).toBe(vector.hex)
    await client.close()
  })
})
