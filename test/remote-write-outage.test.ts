// The remote-write receiver is down for a while: the agent keeps what fits its queue
// (--remote-write-queue), counts what overflows, and once a real Prometheus receiver comes up on
// that address every queued sample arrives — the receiver then holds exactly the samples the
// agent reports as sent, and queued = sent + dropped.
import { afterAll, describe, expect, it } from 'vitest'
import { type AgentProcess, startAgentProcess } from './harness/agent-process.js'
import { lognormalUs, sendTimings } from './harness/latency-mix.js'
import { getJson, getText, waitFor } from './harness/poll.js'
import { sampleValue } from './harness/prometheus-text.js'
import { type PrometheusServer, freePort, startPrometheus } from './prometheus-server.js'

let agent: AgentProcess | null = null
let prometheus: PrometheusServer | null = null
afterAll(async () => {
  await agent?.stop()
  await prometheus?.stop()
})

interface FinalPush {
  queued: number
  sent: number
  failed: number
  dropped: number
  pending: number
}

describe('remote write while the receiver is down', () => {
  it('loses nothing that fits the queue and counts what overflows', async () => {
    const port = await freePort()
    const url = `http://127.0.0.1:${port}/api/v1/write`
    agent = await startAgentProcess([
      '--remote-write',
      url,
      '--remote-write-interval',
      '1',
      '--remote-write-queue',
      '1000',
      '--label',
      'job=outage',
    ])
    const running = agent
    await sendTimings(running.udpPort, running.baseUrl, 'api', lognormalUs(2000, 10, 0.5, 5))
    const self = async (name: string): Promise<number> =>
      sampleValue(await getText(`${running.baseUrl}/metrics`), name, { remote: url }) ?? Number.NaN

    // Down: retries, and snapshots beyond ~1000 samples push the oldest out.
    await waitFor(
      'the queue to overflow while the receiver is down',
      async () => ((await self('taskmeter_remote_write_samples_dropped_total')) > 0 ? true : undefined),
      30_000,
      200,
    )
    expect(await self('taskmeter_remote_write_retries_total')).toBeGreaterThan(0)
    expect(await self('taskmeter_remote_write_samples_sent_total')).toBe(0)
    expect(await self('taskmeter_remote_write_samples_pending')).toBeLessThanOrEqual(1000)

    // Up: the queue drains in order.
    prometheus = await startPrometheus(
      'global:\n  scrape_interval: 15s\n',
      ['--web.enable-remote-write-receiver', '--enable-feature=native-histograms'],
      port,
    )
    const api = prometheus.api
    await waitFor(
      'the queue to drain',
      async () =>
        (await self('taskmeter_remote_write_samples_sent_total')) > 0 &&
        (await self('taskmeter_remote_write_samples_pending')) === 0
          ? true
          : undefined,
      30_000,
      200,
    )

    // Stop: a last snapshot, then the agent logs its final counts.
    expect(await running.stop()).toBe(0)
    const line = running
      .output()
      .split('\n')
      .find((l) => l.includes('"remote write stopped"'))
    if (line === undefined) throw new Error(`no final remote-write line:\n${running.output().slice(-2000)}`)
    const final = (JSON.parse(line) as { remote_write: FinalPush[] }).remote_write[0] as FinalPush
    expect(final.pending).toBe(0)
    expect(final.failed).toBe(0)
    expect(final.dropped).toBeGreaterThan(0)
    expect(final.sent + final.dropped).toBe(final.queued)
    // Every sample reported sent is in Prometheus: float samples and native histogram samples.
    const stored = await waitFor(
      'Prometheus to hold every sent sample',
      async () => {
        const body = await getJson<{ data: { result: Array<{ values?: unknown[]; histograms?: unknown[] }> } }>(
          `${api}/api/v1/query?query=${encodeURIComponent('{job="outage"}[1h]')}`,
        )
        let count = 0
        for (const series of body.data.result) count += (series.values?.length ?? 0) + (series.histograms?.length ?? 0)
        return count === final.sent ? count : undefined
      },
      10_000,
      200,
    )
    expect(stored).toBe(final.sent)
  }, 120_000)
})
