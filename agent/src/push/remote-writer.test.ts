// RemoteWriter over real HTTP on loopback: remote-write 1.0 headers, bearer / basic / URL-credential
// auth, the body a snappy WriteRequest, the remote label without credentials, 4xx vs 5xx handling.
import http from 'node:http'
import snappyjs from 'snappyjs'
import { afterAll, describe, expect, it } from 'vitest'
import { decodeWriteRequest } from '../../../test/harness/prometheus-proto.js'
import type { RemoteWriteConfig } from '../config/fleet-options.js'
import type { FamilySink } from '../expose/prometheus/family-sink.js'
import { selfFamiliesText } from '../expose/prometheus/text-encode.test-support.js'
import { emitTextFamilies } from '../expose/prometheus/text-family-source.test-support.js'
import type { Logger } from '../logger.js'
import { SelfMetrics } from '../self-metrics/self-registry.js'
import { RemoteWriter } from './remote-writer.js'

interface Received {
  headers: http.IncomingHttpHeaders
  body: Buffer
}

const received: Received[] = []
let status = 204
const server = http.createServer((request, response) => {
  const chunks: Buffer[] = []
  request.on('data', (chunk: Buffer) => chunks.push(chunk))
  request.on('end', () => {
    received.push({ headers: request.headers, body: Buffer.concat(chunks) })
    response.writeHead(status).end()
  })
})
const listening = new Promise<number>((resolve) =>
  server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
)
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

const source = {
  emitFamilies: async (sink: FamilySink) =>
    emitTextFamilies('# HELP up_total x\n# TYPE up_total counter\nup_total 3\n', sink),
}
const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} }

function config(url: string, extra: Partial<RemoteWriteConfig> = {}): RemoteWriteConfig {
  return {
    urls: [url],
    intervalSeconds: 15,
    bearerToken: null,
    basicAuth: null,
    labels: [['job', 'unit']],
    queueSamples: 1000,
    ...extra,
  }
}

/** The writer's self families as /metrics text. */
function familiesText(writer: RemoteWriter): string {
  return selfFamiliesText(new SelfMetrics().register(...writer.selfMetrics))
}

/** The writer's self-metric text once it matches (the client sees the answer after the server sent it). */
async function familiesMatching(writer: RemoteWriter, pattern: RegExp): Promise<string> {
  const deadline = Date.now() + 5000
  for (;;) {
    const text = familiesText(writer)
    if (pattern.test(text) || Date.now() > deadline) return text
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

async function pushAndWait(writer: RemoteWriter, count: number): Promise<void> {
  await writer.pushOnce()
  const deadline = Date.now() + 5000
  while (received.length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10))
}

describe('RemoteWriter', () => {
  it('posts a snappy WriteRequest with the remote-write 1.0 headers and a bearer token', async () => {
    const port = await listening
    received.length = 0
    const writer = new RemoteWriter(
      config(`http://127.0.0.1:${port}/api/v1/write`, { bearerToken: 't0k' }),
      source,
      quiet,
    )
    await pushAndWait(writer, 1)
    const request = received[0] as Received
    expect(request.headers).toMatchObject({
      'content-encoding': 'snappy',
      'content-type': 'application/x-protobuf',
      'x-prometheus-remote-write-version': '0.1.0',
      authorization: 'Bearer t0k',
    })
    const series = decodeWriteRequest(snappyjs.uncompress(request.body) as Uint8Array)
    expect(series.map((s) => [s.labels.map((l) => `${l.name}=${l.value}`), s.samples[0]?.value])).toEqual([
      [['__name__=up_total', 'job=unit'], 3],
    ])
    const sent = `taskmeter_remote_write_samples_sent_total{remote="http://127.0.0.1:${port}/api/v1/write"} 1`
    expect(await familiesMatching(writer, /samples_sent_total\{[^}]*\} 1\n/)).toContain(sent)
    await writer.close(500)
  })

  it('turns URL credentials into basic auth and keeps them out of the remote label', async () => {
    const port = await listening
    received.length = 0
    const writer = new RemoteWriter(config(`http://us%40er:p%3Ass@127.0.0.1:${port}/push`), source, quiet)
    await pushAndWait(writer, 1)
    expect(received[0]?.headers.authorization).toBe('Basic ' + Buffer.from('us@er:p:ss').toString('base64'))
    const text = familiesText(writer)
    expect(text).toContain(`{remote="http://127.0.0.1:${port}/push"}`)
    expect(text).not.toContain('p%3Ass')
    await writer.close(500)
  })

  it('counts a 400 as failed (no retry) and retries a 503', async () => {
    const port = await listening
    received.length = 0
    status = 400
    const writer = new RemoteWriter(
      config(`http://127.0.0.1:${port}/w`, { basicAuth: { username: 'u', password: 'p' } }),
      source,
      quiet,
    )
    await pushAndWait(writer, 1)
    expect(received[0]?.headers.authorization).toBe('Basic ' + Buffer.from('u:p').toString('base64'))
    expect(await familiesMatching(writer, /samples_failed_total\{[^}]*\} 1\n/)).toMatch(
      /samples_failed_total\{[^}]*\} 1\n/,
    )
    status = 503
    await pushAndWait(writer, 3)
    expect(await familiesMatching(writer, /retries_total\{[^}]*\} [1-9]/)).toMatch(/retries_total\{[^}]*\} [1-9]/)
    status = 204
    const final = await writer.close(3000)
    expect(final[0]).toMatchObject({ failed: 1, pending: 0 })
    expect((final[0]?.sent ?? 0) + (final[0]?.failed ?? 0) + (final[0]?.dropped ?? 0)).toBe(final[0]?.queued)
  })
})
