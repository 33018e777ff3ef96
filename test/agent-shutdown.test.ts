// Kernel drops on our socket are visible in taskmeter_udp_kernel_drops_total, and SIGTERM loses no
// event the kernel had accepted for us.
import { BatchEncoder, EVENT_KIND, encodeName } from '@taskmeter/protocol'
import { describe, expect, it } from 'vitest'
import { startAgentProcess } from './harness/agent-process.js'
import { getText, waitFor } from './harness/poll.js'
import { sampleValue } from './harness/prometheus-text.js'
import { UdpSender } from './harness/udp-sender.js'
import { UDP_READERS, readerArgs } from './harness/udp-readers.js'

describe.each(UDP_READERS)('agent socket under pressure, %s reader', (reader) => {
  it('counts kernel drops when a tiny receive buffer overflows', async () => {
    // 2 KiB asked; Linux doubles it and applies its minimum, still far below the burst below.
    const agent = await startAgentProcess(['--recv-buffer', '2048', ...readerArgs(reader)])
    try {
      const sender = new UdpSender(agent.udpPort)
      const name = encodeName('burst') as Uint8Array
      const datagram = Buffer.from([0xfe, 0x54, 0x4d, 0x01, 0x93, 0x01, ...name, 0x05])
      // A burst without waiting between sends: bounded at 20 000 datagrams.
      const sends: Array<Promise<void>> = []
      for (let i = 0; i < 20_000; i++) sends.push(sender.sendRaw(datagram))
      await Promise.all(sends)
      sender.close()
      // Both readers read the kernel's own count of this socket (SO_MEMINFO / SO_RXQ_OVFL, or
      // /proc/net/udp): every datagram sent is either received or counted as dropped.
      const text = await waitFor('every datagram received or counted as dropped', async () => {
        const body = await getText(`${agent.baseUrl}/metrics`)
        const drops = sampleValue(body, 'taskmeter_udp_kernel_drops_total') ?? 0
        const received = sampleValue(body, 'taskmeter_datagrams_received_total') ?? 0
        return drops > 0 && drops + received === 20_000 ? body : undefined
      })
      expect(sampleValue(text, 'taskmeter_udp_kernel_drops_total')).toBeGreaterThan(0)
    } finally {
      await agent.stop()
    }
  })

  it('on SIGTERM reads what is queued, exits 0, and loses no accepted event', async () => {
    const agent = await startAgentProcess(['--recv-buffer', '8MiB', ...readerArgs(reader)])
    const sender = new UdpSender(agent.udpPort)
    const name = encodeName('shutdown') as Uint8Array
    // ~350 datagrams of 8 KiB sent as one burst (inside the receive buffer, kernel overhead
    // included): the agent needs ~50 ms to decode them, so the signal below lands while many are
    // still queued in the kernel.
    const EVENTS = 200_000
    const encoder = new BatchEncoder(8192)
    const datagrams: Buffer[] = []
    for (let i = 0; i < EVENTS; i++) {
      if (!encoder.append(EVENT_KIND.timing, name, 1 + (i % 100), 1, null)) {
        datagrams.push(Buffer.from(encoder.datagram()))
        encoder.reset()
        encoder.append(EVENT_KIND.timing, name, 1 + (i % 100), 1, null)
      }
    }
    datagrams.push(Buffer.from(encoder.datagram()))
    await Promise.all(datagrams.map((d) => sender.sendRaw(d)))
    sender.close()
    const started = Date.now()
    const code = await agent.stop('SIGTERM')
    expect(code).toBe(0)
    expect(Date.now() - started).toBeLessThan(2_000)
    const line = agent
      .output()
      .split('\n')
      .find((l) => l.includes('"msg":"stopped"'))
    expect(line, agent.output()).toBeDefined()
    const counts = JSON.parse(line as string) as { events_accepted: number; kernel_drops: number }
    // Every event the kernel accepted for our socket was read before the socket closed.
    expect(counts.kernel_drops).toBe(0)
    expect(counts.events_accepted).toBe(EVENTS)
  })
})
