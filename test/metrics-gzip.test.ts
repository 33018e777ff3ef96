// /metrics is gzipped for a scraper that asks (Prometheus always does), and plain for one that
// does not; both answers hold the same exposition.
import http from 'node:http'
import { gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { agentPerSuite } from './harness/agent-suite.js'
import { sendUdpDatagrams } from './harness/statsd-text.js'
import { metricsWhen } from './harness/poll.js'
import { sampleValue } from './harness/prometheus-text.js'

function rawGet(
  url: string,
  headers: Record<string, string>,
): Promise<{ headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }))
      })
      .on('error', reject)
  })
}

describe('/metrics and Accept-Encoding', () => {
  const agent = agentPerSuite()

  it('gzips for Accept-Encoding: gzip, and not without it', async () => {
    await sendUdpDatagrams(agent().udpPort, ['gz.checkout:12|ms\n'.repeat(20)])
    await metricsWhen(
      agent(),
      'the timings',
      (text) => sampleValue(text, 'tasks_completed_total', { task: 'gz.checkout' }) === 20,
    )
    const url = `${agent().baseUrl}/metrics`
    const packed = await rawGet(url, { 'accept-encoding': 'gzip' })
    expect(packed.headers['content-encoding']).toBe('gzip')
    expect(packed.headers.vary).toBe('Accept-Encoding')
    const text = gunzipSync(packed.body).toString('utf8')
    expect(sampleValue(text, 'tasks_completed_total', { task: 'gz.checkout' })).toBe(20)
    expect(packed.body.length).toBeLessThan(Buffer.byteLength(text) / 3)

    const plain = await rawGet(url, {})
    expect(plain.headers['content-encoding']).toBeUndefined()
    expect(sampleValue(plain.body.toString('utf8'), 'tasks_completed_total', { task: 'gz.checkout' })).toBe(20)

    const refused = await rawGet(url, { 'accept-encoding': 'gzip;q=0, identity' })
    expect(refused.headers['content-encoding']).toBeUndefined()
  })
})
