// The live page in real Chromium links a task's exemplar: with --trace-url-template, the task table
// shows the slowest exemplar of the window as a link to its trace, beside the task's name.
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import dgram from 'node:dgram'
import { BatchEncoder, EVENT_KIND, encodeName } from '@taskmeter/protocol'
import { type BrowserContext, chromium } from 'playwright-core'
import { afterAll, describe, expect, it } from 'vitest'
import { type AgentProcess, startAgentProcess } from './harness/agent-process.js'
import { requireTool } from './harness/system-tool.js'

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736'
const SPAN = '00f067aa0ba902b7'

describe('the live page', () => {
  let agent: AgentProcess | undefined
  let context: BrowserContext | undefined
  let profileDir = ''

  afterAll(async () => {
    await context?.close()
    await agent?.stop()
    if (profileDir !== '') rmSync(profileDir, { recursive: true, force: true })
  })

  it('links the slowest exemplar of a task to its trace', async () => {
    const executablePath = requireTool('chromium', "apt-get install chromium (Debian's Chromium, at /usr/bin/chromium)")
    agent = await startAgentProcess(['--trace-url-template', 'http://jaeger:16686/trace/{trace_id}'])
    const encoder = new BatchEncoder(1432)
    const checkout = encodeName('checkout') as Uint8Array
    encoder.append(EVENT_KIND.timing, checkout, 3, 1, null)
    encoder.appendExemplar(Buffer.from(TRACE, 'hex'), Buffer.from(SPAN, 'hex'))
    encoder.append(EVENT_KIND.timing, checkout, 412, 1, null)
    const socket = dgram.createSocket('udp4')
    const port = agent.udpPort
    await new Promise<void>((resolve, reject) =>
      socket.send(Buffer.from(encoder.datagram()), port, '127.0.0.1', (err) => (err ? reject(err) : resolve())),
    )
    socket.close()

    profileDir = mkdtempSync(path.join(os.tmpdir(), 'taskmeter-chromium-'))
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    })
    const page = context.pages()[0] ?? (await context.newPage())
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(error.message))
    await page.goto(`${agent.baseUrl}/`)
    const link = await page.waitForSelector('#task-rows tr[data-task="checkout"] a.exemplar', { timeout: 15_000 })
    expect(await link.getAttribute('href')).toBe(`http://jaeger:16686/trace/${TRACE}`)
    expect(await link.getAttribute('target')).toBe('_blank')
    expect(await link.textContent()).toContain('412')
    expect(errors).toEqual([])
  }, 60_000)
})
