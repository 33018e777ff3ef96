// The agent against promtool: `promtool check metrics` lints a scrape of a realistic mix of events
// and garbage (agent-prometheus-scrape.test.ts runs a real prometheus). promtool comes from the
// Debian package "prometheus"; a missing tool fails the file (never a skip).
import { mkdtempSync, openSync, closeSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { EVENT_KIND, type EncodedBytes, encodeClientId, encodeName, encodeTags } from '@taskmeter/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AgentProcess, startAgentProcess } from './harness/agent-process.js'
import { getText, waitFor } from './harness/poll.js'
import { expectSamples } from './harness/expect-samples.js'
import { sampleSum, sampleValue } from './harness/prometheus-text.js'
import { requireTool } from './harness/system-tool.js'
import { UdpSender } from './harness/udp-sender.js'
import { type ProcessResult, runProcess } from './harness/run-process.js'

const INSTALL_HINT = 'apt-get install prometheus (the Debian package "prometheus" ships both prometheus and promtool)'

function name(text: string): EncodedBytes {
  const encoded = encodeName(text)
  if (typeof encoded === 'string') throw new Error(`cannot encode name ${text}: ${encoded}`)
  return encoded
}

function tags(input: Record<string, string>): EncodedBytes {
  const encoded = encodeTags(input)
  if (encoded === null || typeof encoded === 'string')
    throw new Error(`cannot encode tags ${JSON.stringify(input)}: ${String(encoded)}`)
  return encoded
}

function clientId(text: string): EncodedBytes {
  const encoded = encodeClientId(text)
  if (typeof encoded === 'string') throw new Error(`cannot encode client id ${text}: ${encoded}`)
  return encoded
}

/** Runs a command to completion with `stdinFile` as its standard input (bounded by a timeout). */
function runWithStdin(command: string, args: string[], stdinFile: string, timeoutMs = 20_000): Promise<ProcessResult> {
  const fd = openSync(stdinFile, 'r')
  // spawn has handed the descriptor to the child before runProcess returns.
  const result = runProcess(command, args, { stdio: [fd, 'pipe', 'pipe'], timeoutMs })
  closeSync(fd)
  return result
}

const tempDirs: string[] = []
function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix))
  tempDirs.push(dir)
  return dir
}

let promtool = ''
const agents: AgentProcess[] = []

beforeAll(() => {
  promtool = requireTool('promtool', INSTALL_HINT)
})

afterAll(async () => {
  for (const agent of agents) await agent.stop()
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true })
})

describe('requireTool', () => {
  it('throws, naming the package to install, when a tool is missing (a failure, never a skip)', () => {
    expect(() => requireTool('promtool', INSTALL_HINT, '/nonexistent-dir')).toThrow(
      /"promtool" was not found.*apt-get install prometheus/,
    )
    expect(requireTool('promtool', INSTALL_HINT)).toBe(promtool)
  })
})

describe('promtool check metrics', () => {
  it('passes, with no lint output, on a scrape of a realistic mix of events and garbage', async () => {
    const agent = await startAgentProcess()
    agents.push(agent)
    const sender = new UdpSender(agent.udpPort)
    try {
      const checkout = name('checkout')
      const search = name('search')
      const render = name('render.page')
      const euTags = tags({ region: 'eu-west', 'http.method': 'POST' })
      // Timings for three tasks, one of them also tagged (a separate series with extra labels).
      for (let i = 0; i < 200; i++) {
        await sender.append(EVENT_KIND.timing, checkout, 5 + (i % 40) * 1.5)
        await sender.append(EVENT_KIND.timing, search, 0.2 + (i % 17) * 0.9)
        await sender.append(EVENT_KIND.timing, render, 40 + (i % 9) * 55, i % 4 === 0 ? 0.5 : 1)
        if (i % 5 === 0) await sender.append(EVENT_KIND.timing, checkout, 12 + i, 1, euTags)
      }
      // Start/end pairs, some of them failures.
      for (let i = 0; i < 30; i++) {
        await sender.append(EVENT_KIND.task_start, search, 0)
        await sender.append(i % 3 === 0 ? EVENT_KIND.task_end_error : EVENT_KIND.task_end_success, search, 3 + i)
      }
      for (let i = 0; i < 10; i++) await sender.append(EVENT_KIND.task_end_error, checkout, 900 + i, 1, euTags)
      // Counters with tags (one tag value that needs escaping), gauges, histograms.
      const orders = name('orders.placed')
      await sender.append(EVENT_KIND.count, orders, 3, 1, tags({ payment: 'card' }))
      await sender.append(EVENT_KIND.count, orders, 2, 0.5, tags({ payment: 'paypal' }))
      await sender.append(EVENT_KIND.count, name('cache-hits'), 41, 1, tags({ path: 'C:\\temp\\"quoted"\nnext line' }))
      await sender.append(EVENT_KIND.gauge, name('queue.depth'), 17, 1, tags({ queue: 'emails' }))
      await sender.append(EVENT_KIND.gauge, name('queue.depth'), 3, 1, tags({ queue: 'sms' }))
      await sender.append(EVENT_KIND.gauge_delta, name('queue.depth'), -1, 1, tags({ queue: 'sms' }))
      await sender.append(EVENT_KIND.gauge, name('temperature_celsius'), -4.5)
      for (let i = 0; i < 50; i++)
        await sender.append(EVENT_KIND.histogram, name('payload.size_bytes'), 100 + i * 37, 1, tags({ route: '/api' }))
      await sender.append(EVENT_KIND.histogram, name('batch.size'), 64)
      await sender.flush()
      // An in-flight report from a client that says two checkouts and one search are running.
      await sender.inflight(clientId('web-1'), 1, 1000, [checkout, search], [2, 1])
      await sender.flush()
      // Garbage: a bad StatsD line, random bytes (read as a StatsD line without a value), a
      // truncated protocol datagram, a bad version, an empty protocol datagram.
      const garbage = [
        Buffer.from('checkout:twelve|ms'),
        Buffer.from([0x01, 0x02, 0x03, 0xff, 0x00, 0x7f]),
        Buffer.from([0xfe, 0x54, 0x4d, 0x01, 0x95, 0x01, 0xa8, 0x63]),
        Buffer.from([0xfe, 0x54, 0x4d, 0x09, 0x93, 0x01, 0xa1, 0x61, 0x01]),
        Buffer.from([0xfe, 0x54, 0x4d, 0x01]),
      ]
      for (const datagram of garbage) await sender.sendRaw(datagram)

      const sent = sender.datagramsSent
      const text = await waitFor(
        'the agent to receive every datagram',
        async () => {
          const body = await getText(`${agent.baseUrl}/metrics`)
          return sampleValue(body, 'taskmeter_datagrams_received_total') === sent ? body : undefined
        },
        10_000,
      )
      // The mix did land: every family we emit for it is present.
      expectSamples(text, [
        ['requests_total', { task: 'checkout', status: 'success' }, 200],
        ['requests_total', { task: 'checkout', region: 'eu-west', http_method: 'POST', status: 'error' }, 10],
        ['tasks_failed_total', { task: 'search' }, 10],
        ['tasks_active', { task: 'checkout' }, 2],
        ['orders_placed_total', { payment: 'card' }, 3],
        ['queue_depth', { queue: 'sms' }, 2],
      ])
      // A tag value with a backslash, a quote and a newline, escaped as the text format requires.
      expect(text).toContain(String.raw`cache_hits_total{path="C:\\temp\\\"quoted\"\nnext line"} 41`)
      expect(text).toContain('# TYPE payload_size_bytes summary')
      expect(sampleSum(text, 'taskmeter_datagrams_invalid_total')).toBeGreaterThanOrEqual(garbage.length - 2)
      expect(sampleSum(text, 'taskmeter_lines_invalid_total')).toBe(2)

      const response = await fetch(`${agent.baseUrl}/metrics`)
      expect(response.status).toBe(200)
      expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4(;|$)/)
      const scrape = await response.text()

      const file = path.join(tempDir('taskmeter-promtool-'), 'metrics.txt')
      writeFileSync(file, scrape)
      const result = await runWithStdin(promtool, ['check', 'metrics'], file)
      expect({ code: result.code, output: (result.stdout + result.stderr).trim() }).toEqual({ code: 0, output: '' })
    } finally {
      sender.close()
    }
  })
})
