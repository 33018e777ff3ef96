// Hostile datagrams never crash the agent; every datagram the kernel delivered is counted as
// received; rejected ones are counted under a reason; /metrics stays parseable by promtool. The
// default suite sends FUZZ_DATAGRAMS (100 000); `npm run test:fuzz` sends 1 000 000.
import { execFile } from 'node:child_process'
import dgram from 'node:dgram'
import { describe, expect, it } from 'vitest'
import { startAgentProcess } from './harness/agent-process.js'
import { fuzzDatagram } from './harness/fuzz-datagrams.js'
import { seededRandom } from './harness/seeded-random.js'
import { getText, waitFor } from './harness/poll.js'
import { sampleValue } from './harness/prometheus-text.js'
import { requireTool } from './harness/system-tool.js'
import { UDP_READERS, readerArgs } from './harness/udp-readers.js'

const DATAGRAMS = Number(process.env.FUZZ_DATAGRAMS ?? 100_000)
const SEED = Number(process.env.FUZZ_SEED ?? 20261126)
const OUR_FAMILIES = /^(task_|requests_|tasks_|taskmeter_)/

function sumOf(text: string, family: string): number {
  let total = 0
  for (const line of text.split('\n'))
    if (line.startsWith(family + '{') || line.startsWith(family + ' '))
      total += Number(line.slice(line.lastIndexOf(' ') + 1))
  return total
}

describe.each(UDP_READERS)(`fuzz: ${DATAGRAMS} hostile datagrams (seed ${SEED}), %s reader`, (reader) => {
  it('keeps the agent up, counts every datagram, and keeps /metrics valid', async () => {
    const promtool = requireTool('promtool', 'apt-get install prometheus')
    const agent = await startAgentProcess(['--recv-buffer', '8MiB', '--max-series', '2000', ...readerArgs(reader)])
    try {
      const socket = dgram.createSocket('udp4')
      const random = seededRandom(SEED)
      // Paced in windows of 256 sends so loopback rarely drops; drops are still accounted below.
      for (let sent = 0; sent < DATAGRAMS; ) {
        const batch: Array<Promise<void>> = []
        for (let i = 0; i < 256 && sent < DATAGRAMS; i++, sent++) {
          const datagram = fuzzDatagram(random)
          batch.push(new Promise((resolve) => socket.send(datagram, agent.udpPort, '127.0.0.1', () => resolve())))
        }
        await Promise.all(batch)
        if (sent % 8192 === 0) await new Promise((resolve) => setImmediate(resolve))
      }
      socket.close()
      const text = await waitFor(
        'every delivered datagram to be counted',
        async () => {
          const body = await getText(`${agent.baseUrl}/metrics`)
          const received = sampleValue(body, 'taskmeter_datagrams_received_total') ?? 0
          const drops = sampleValue(body, 'taskmeter_udp_kernel_drops_total') ?? 0
          return received + drops === DATAGRAMS ? body : undefined
        },
        30_000,
      )
      expect(agent.child.exitCode).toBeNull()
      expect(sampleValue(text, 'taskmeter_udp_reader_info', { reader })).toBe(1)
      expect(sumOf(text, 'taskmeter_datagrams_invalid_total')).toBeGreaterThan(0)
      expect(sumOf(text, 'taskmeter_events_invalid_total')).toBeGreaterThan(0)
      expect(sumOf(text, 'taskmeter_events_total')).toBeGreaterThan(0)
      expect(sampleValue(text, 'taskmeter_series')).toBeLessThanOrEqual(2000)

      const check = await new Promise<{ code: number; output: string }>((resolve) => {
        const child = execFile(promtool, ['check', 'metrics'], (err, stdout, stderr) =>
          resolve({ code: err === null ? 0 : Number((err as { code?: number }).code ?? 1), output: stdout + stderr }),
        )
        child.stdin?.end(text)
      })
      // Exit 1 is a parse error: never acceptable. Exit 3 is lint, promised for our families only.
      expect(check.code, check.output).not.toBe(1)
      const lintOnOurs = check.output.split('\n').filter((line) => OUR_FAMILIES.test(line))
      expect(lintOnOurs, check.output).toEqual([])
    } finally {
      const code = await agent.stop()
      expect(code).toBe(0)
    }
  }, 600_000)
})
