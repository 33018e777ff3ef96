// A cardinality attack (distinct task names and tag values) stays under --max-series with the rest
// counted, RSS stays bounded, over-long names and tag values are rejected and counted (never
// truncated), and --ttl evicts idle series.
// The default suite sends CARDINALITY_NAMES (100 000); CARDINALITY_NAMES=1000000 for the full run.
import { readFileSync } from 'node:fs'
import { BatchEncoder, EVENT_KIND, encodeName, encodeTags } from '@taskmeter/protocol'
import { describe, expect, it } from 'vitest'
import { startAgentProcess } from './harness/agent-process.js'
import { getText, waitFor } from './harness/poll.js'
import { sampleValue } from './harness/prometheus-text.js'
import { UdpSender } from './harness/udp-sender.js'

const NAMES = Number(process.env.CARDINALITY_NAMES ?? 100_000)
const MAX_SERIES = 1000
// Stated bound: the process baseline plus max-series busy series (README "Limits and guarantees").
const RSS_BOUND_MIB = 256

function rssMiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return Number(match?.[1] ?? NaN) / 1024
}

describe('cardinality attack', () => {
  it(`caps ${NAMES} distinct names and tag values at --max-series ${MAX_SERIES}`, async () => {
    const agent = await startAgentProcess(['--max-series', String(MAX_SERIES), '--recv-buffer', '8MiB'])
    try {
      const sender = new UdpSender(agent.udpPort)
      const name = encodeName('attack') as Uint8Array
      for (let i = 0; i < NAMES; i++) {
        // Half distinct task names, half one name with distinct tag values.
        if (i % 2 === 0) await sender.append(EVENT_KIND.timing, encodeName(`attack_${i}`) as Uint8Array, 1)
        else await sender.append(EVENT_KIND.count, name, 1, 1, encodeTags({ user: `u${i}` }) as Uint8Array)
      }
      await sender.flush()
      sender.close()
      const text = await waitFor(
        'every event accounted for',
        async () => {
          const body = await getText(`${agent.baseUrl}/metrics`)
          const kept =
            (sampleValue(body, 'taskmeter_events_total', { kind: 'timing' }) ?? 0) +
            (sampleValue(body, 'taskmeter_events_total', { kind: 'count' }) ?? 0)
          return kept === NAMES ? body : undefined
        },
        60_000,
      )
      expect(sampleValue(text, 'taskmeter_series')).toBe(MAX_SERIES)
      expect(sampleValue(text, 'taskmeter_series_dropped_total')).toBe(NAMES - MAX_SERIES)
      const rss = rssMiB(agent.child.pid as number)
      console.log(
        `cardinality: ${NAMES} distinct names/tag values, ${MAX_SERIES} series kept, agent RSS ${rss.toFixed(1)} MiB`,
      )
      expect(rss, `RSS ${rss.toFixed(1)} MiB`).toBeLessThan(RSS_BOUND_MIB)
    } finally {
      await agent.stop()
    }
  }, 300_000)

  it('rejects and counts names and tag values over the limits, never truncates them', async () => {
    const agent = await startAgentProcess([])
    try {
      // Hand-built: the encoder refuses these on the client side.
      const longName = 'n'.repeat(201)
      const encoder = new BatchEncoder(4096)
      const ok = encodeName('fine') as Uint8Array
      encoder.append(EVENT_KIND.timing, ok, 1, 1, null)
      const longNameBytes = Buffer.concat([Buffer.from([0xd9, 201]), Buffer.from(longName)])
      encoder.append(EVENT_KIND.timing, longNameBytes, 1, 1, null)
      const longTag = Buffer.concat([Buffer.from([0x81, 0xa1, 0x6b, 0xd9, 201]), Buffer.from('v'.repeat(201))])
      encoder.append(EVENT_KIND.count, ok, 1, 1, longTag)
      const sender = new UdpSender(agent.udpPort)
      await sender.sendRaw(Buffer.from(encoder.datagram()))
      sender.close()
      const text = await waitFor('the datagram to be counted', async () => {
        const body = await getText(`${agent.baseUrl}/metrics`)
        return sampleValue(body, 'taskmeter_datagrams_received_total') === 1 ? body : undefined
      })
      expect(sampleValue(text, 'taskmeter_events_invalid_total', { reason: 'name_too_long' })).toBe(1)
      expect(sampleValue(text, 'taskmeter_events_invalid_total', { reason: 'tag_too_long' })).toBe(1)
      expect(sampleValue(text, 'taskmeter_series')).toBe(1)
      expect(text).not.toContain('n'.repeat(200))
    } finally {
      await agent.stop()
    }
  })

  it('evicts series idle for --ttl and shows the current count', async () => {
    const agent = await startAgentProcess(['--ttl', '1'])
    try {
      const sender = new UdpSender(agent.udpPort)
      for (let i = 0; i < 10; i++) await sender.append(EVENT_KIND.timing, encodeName(`idle_${i}`) as Uint8Array, 1)
      await sender.flush()
      await waitFor('10 series', async () =>
        sampleValue(await getText(`${agent.baseUrl}/metrics`), 'taskmeter_series') === 10 ? true : undefined,
      )
      const text = await waitFor(
        'eviction after 1 s idle',
        async () => {
          const body = await getText(`${agent.baseUrl}/metrics`)
          return sampleValue(body, 'taskmeter_series') === 0 ? body : undefined
        },
        5_000,
      )
      expect(sampleValue(text, 'taskmeter_series_evicted_total')).toBe(10)
      // A name seen again after eviction is a new series (the lookup caches were cleared).
      await sender.append(EVENT_KIND.timing, encodeName('idle_3') as Uint8Array, 1)
      await sender.flush()
      sender.close()
      await waitFor('idle_3 back', async () =>
        sampleValue(await getText(`${agent.baseUrl}/metrics`), 'tasks_completed_total', { task: 'idle_3' }) === 1
          ? true
          : undefined,
      )
    } finally {
      await agent.stop()
    }
  })
})
