// GET /metrics of a real agent process by content negotiation: Prometheus' native-histogram Accept
// header gets delimited MetricFamily protobuf with every family of the text answer (prom-client's
// process families included), the same types, and the same values for everything that does not move
// between two requests.
import { EVENT_KIND, type EncodedBytes, encodeName, encodeTags } from '@taskmeter/protocol'
import { afterAll, describe, expect, it } from 'vitest'
import { type AgentProcess, startAgentProcess } from './harness/agent-process.js'
import { getText, waitFor } from './harness/poll.js'
import { decodeMetricFamilies, flattenFamilies, flattenText, textFamilyTypes } from './harness/prometheus-proto.js'
import { sampleValue } from './harness/prometheus-text.js'
import { UdpSender } from './harness/udp-sender.js'

const PROMETHEUS_NATIVE_ACCEPT =
  'application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited,application/openmetrics-text;version=1.0.0;q=0.8,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1'

function bytes(encoded: EncodedBytes | string | null): EncodedBytes {
  if (encoded === null || typeof encoded === 'string') throw new Error(`cannot encode: ${String(encoded)}`)
  return encoded
}

// Families whose values move between two requests: process and runtime figures, the render time,
// and req/s (requests ÷ seconds since start while the agent is younger than its window).
const MOVING = /^(process_|nodejs_|taskmeter_scrape_render_seconds|requests_per_second)/

let agent: AgentProcess | null = null
afterAll(async () => {
  await agent?.stop()
})

describe('GET /metrics as protobuf', () => {
  it('answers every text family, with the same values, and native buckets', async () => {
    agent = await startAgentProcess()
    const running = agent
    const sender = new UdpSender(running.udpPort)
    const checkout = bytes(encodeName('checkout'))
    for (let i = 0; i < 500; i++)
      await sender.append(
        EVENT_KIND.timing,
        checkout,
        1 + (i % 50) * 3.7,
        1,
        i % 5 === 0 ? bytes(encodeTags({ region: 'eu' })) : null,
      )
    await sender.append(EVENT_KIND.count, bytes(encodeName('orders')), 3)
    await sender.append(EVENT_KIND.histogram, bytes(encodeName('batch.size')), 64)
    await sender.flush()
    sender.close()
    const sent = sender.datagramsSent
    await waitFor('the agent to receive every datagram', async () =>
      sampleValue(await getText(`${running.baseUrl}/metrics`), 'taskmeter_datagrams_received_total') === sent
        ? true
        : undefined,
    )

    const response = await fetch(`${running.baseUrl}/metrics`, { headers: { accept: PROMETHEUS_NATIVE_ACCEPT } })
    expect(response.headers.get('content-type')).toBe(
      'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited',
    )
    const families = decodeMetricFamilies(new Uint8Array(await response.arrayBuffer()))
    const text = await getText(`${running.baseUrl}/metrics`)

    const types = new Map(families.map((f) => [f.name, f.type]))
    const textTypes = textFamilyTypes(text)
    expect(textTypes.size).toBeGreaterThan(40)
    for (const [name, type] of textTypes) expect(types.get(name), name).toBe(type)
    expect([...types.keys()].filter((name) => !textTypes.has(name))).toEqual(['batch_size_histogram'])

    const steady = (series: Map<string, string>): Map<string, string> =>
      new Map([...series].filter(([key]) => !MOVING.test(key)))
    expect(steady(flattenFamilies(families.filter((f) => f.name !== 'batch_size_histogram')))).toEqual(
      steady(flattenText(text)),
    )

    const duration = families.find((f) => f.name === 'task_duration_seconds')
    for (const metric of duration?.metric ?? []) {
      expect(metric.histogram?.schema, JSON.stringify(metric.label)).toBeTypeOf('number')
      expect(metric.histogram?.zero_threshold).toBe(2 ** -128)
    }
  })
})
