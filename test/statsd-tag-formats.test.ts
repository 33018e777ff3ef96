// StatsD tag formats end to end: a real agent (every tag format on, the default) reads InfluxDB
// tags from the real hot-shots client in telegraf mode, Librato and SignalFx tags as raw UDP text,
// and bare DogStatsD tags from hot-shots; /metrics must show one family per metric with the tags
// as labels, never a family per tag value. Turning a format off is covered by the parser's and
// sink's unit tests (agent/src/decode/statsd-tag-formats.test.ts).
import StatsD, { type ClientOptions, type StatsD as StatsDClient } from 'hot-shots'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AgentProcess, startAgentProcess } from './harness/agent-process.js'
import { getText, waitFor } from './harness/poll.js'
import { sampleValue } from './harness/prometheus-text.js'
import { sendUdpDatagrams } from './harness/statsd-text.js'

/** Every sample line of the families whose names start with `prefix`: "name{labels} value". */
function samplesOf(text: string, prefix: string): string[] {
  return text.split('\n').filter((line) => line.startsWith(prefix))
}

function familiesOf(text: string, prefix: string): string[] {
  return [...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1] as string).filter((name) => name.startsWith(prefix))
}

describe('StatsD tag formats → agent over UDP', () => {
  let agent: AgentProcess

  beforeAll(async () => {
    agent = await startAgentProcess()
  })

  afterAll(async () => {
    await agent?.stop()
  })

  it('turns InfluxDB, Librato, SignalFx and bare DogStatsD tags into labels of one family', async () => {
    const errors: Error[] = []
    const client = (options: ClientOptions): StatsDClient =>
      new StatsD({
        ...options,
        host: '127.0.0.1',
        port: agent.udpPort,
        maxBufferSize: 0,
        errorHandler: (err) => errors.push(err),
      })
    const telegraf = client({ telegraf: true })
    const dogstatsd = client({})
    const sent = (call: (done: (err?: Error) => void) => void): Promise<void> =>
      new Promise((resolve, reject) => call((err) => (err ? reject(err) : resolve())))
    for (let i = 0; i < 6; i++) {
      const code = i % 3 === 0 ? '500' : '200'
      await sent((cb) => telegraf.increment('tf.influx.hits', 1, { code, region: 'eu' }, cb))
    }
    await sent((cb) => telegraf.timing('tf_checkout', 12, { region: 'eu' }, cb))
    await sent((cb) => dogstatsd.gauge('tf.dog.depth', 3, ['canary', 'queue:emails'], cb))
    await new Promise<void>((resolve) => telegraf.close(() => resolve()))
    await new Promise<void>((resolve) => dogstatsd.close(() => resolve()))
    await sendUdpDatagrams(agent.udpPort, [
      'tf.librato.hits#code=200,region=eu:1|c\ntf.librato.hits#code=500,region=eu:2|c',
      'tf.librato.hits#region=eu,code=200:3|c',
      'tf.sfx.[code=200,region=eu]hits:1|c\n[code=500]tf.sfx.hits:1|c\ntf.sfx.hits[code=500]:1|c',
      'tf.mixed,code=200:1|c|#region:eu',
      'tf.two,code=200#region=eu:1|c',
    ])

    const text = await waitFor('the last datagram counted', async () => {
      const body = await getText(`${agent.baseUrl}/metrics`)
      return sampleValue(body, 'taskmeter_lines_received_total') === 16 ? body : undefined
    })
    expect(errors).toEqual([])
    expect(sampleValue(text, 'taskmeter_lines_invalid_total', { reason: 'mixed_tag_styles' })).toBe(2)
    const invalid = [...text.matchAll(/^taskmeter_lines_invalid_total\{[^}]*\} (\S+)$/gm)]
    expect(invalid.reduce((sum, m) => sum + Number(m[1]), 0)).toBe(2)

    expect(familiesOf(text, 'tf_').sort()).toEqual([
      'tf_dog_depth',
      'tf_influx_hits_total',
      'tf_librato_hits_total',
      'tf_sfx_hits_total',
    ])
    expect(samplesOf(text, 'tf_influx_hits_total').sort()).toEqual([
      'tf_influx_hits_total{code="200",region="eu"} 4',
      'tf_influx_hits_total{code="500",region="eu"} 2',
    ])
    expect(samplesOf(text, 'tf_librato_hits_total').sort()).toEqual([
      'tf_librato_hits_total{code="200",region="eu"} 4',
      'tf_librato_hits_total{code="500",region="eu"} 2',
    ])
    expect(samplesOf(text, 'tf_sfx_hits_total').sort()).toEqual([
      'tf_sfx_hits_total{code="200",region="eu"} 1',
      'tf_sfx_hits_total{code="500"} 2',
    ])
    expect(samplesOf(text, 'tf_dog_depth')).toEqual(['tf_dog_depth{canary="true",queue="emails"} 3'])
    expect(sampleValue(text, 'tasks_completed_total', { task: 'tf_checkout', region: 'eu' })).toBe(1)
    expect(text).not.toMatch(/^tf_(mixed|two)/m)
  })
})

describe('--statsd-tag-formats turns a style off', () => {
  let agent: AgentProcess

  beforeAll(async () => {
    agent = await startAgentProcess(['--statsd-tag-formats', 'dogstatsd'])
  })

  afterAll(async () => {
    await agent?.stop()
  })

  it('takes an InfluxDB-style name as sent (sanitized) and keeps DogStatsD tags', async () => {
    await sendUdpDatagrams(agent.udpPort, ['tf_off,env=prod:1|c', 'tf_on:2|c|#env:prod'])
    const text = await waitFor('both counters', async () => {
      const body = await getText(`${agent.baseUrl}/metrics`)
      return sampleValue(body, 'tf_on_total', { env: 'prod' }) === 2 ? body : undefined
    })
    expect(samplesOf(text, 'tf_off')).toEqual(['tf_off_env_prod_total 1'])
  })
})
