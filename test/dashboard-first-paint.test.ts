// The live page as a new user opens it, in real Chromium: traffic reached the agent over real UDP
// for several seconds before the page was opened, so the very first render (before a second poll)
// already draws the last window from /dashboard/history: an x axis about one window wide that
// ends now, and lines of several points in every chart. A 12 s window (1 s slots) keeps the wait
// short; the second poll is held back by the test so "first paint" cannot slip past it.
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { EVENT_KIND, type EncodedBytes, encodeName } from '@taskmeter/protocol'
import { type BrowserContext, type Page, chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AgentProcess, startAgentProcess } from './harness/agent-process.js'
import { requireTool } from './harness/system-tool.js'
import { UdpSender } from './harness/udp-sender.js'

const WINDOW_SECONDS = 12
const SLOT_SECONDS = 1
const TIME_CHARTS = ['chart-latency', 'chart-throughput', 'chart-active', 'chart-errors'] as const
const TASKS = ['checkout', 'search'] as const

let agent: AgentProcess
let context: BrowserContext
let page: Page
let tempDir = ''
const consoleErrors: string[] = []

function nameOf(text: string): EncodedBytes {
  const encoded = encodeName(text)
  if (typeof encoded === 'string') throw new Error(encoded)
  return encoded
}

/** Six seconds of traffic, a batch every 200 ms (30 batches), then none: all before the page opens. */
async function sendTraffic(): Promise<void> {
  const sender = new UdpSender(agent.udpPort)
  for (let batch = 0; batch < 30; batch++) {
    for (const [t, task] of TASKS.entries())
      for (let i = 0; i < 20; i++) {
        const kind = i % 10 === t ? EVENT_KIND.task_end_error : EVENT_KIND.task_end_success
        await sender.append(kind, nameOf(task), (1 + t * 4) * (1 + ((batch + i) % 20) / 10))
      }
    await sender.flush()
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  sender.close()
}

beforeAll(async () => {
  const executablePath = requireTool('chromium', "apt-get install chromium (Debian's Chromium, at /usr/bin/chromium)")
  agent = await startAgentProcess(['--window', String(WINDOW_SECONDS)])
  await sendTraffic()
  tempDir = mkdtempSync(path.join(os.tmpdir(), 'taskmeter-first-paint-'))
  context = await chromium.launchPersistentContext(path.join(tempDir, 'profile'), {
    executablePath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    viewport: { width: 1280, height: 900 },
  })
  page = context.pages()[0] ?? (await context.newPage())
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(`${message.text()} (${message.location().url})`)
  })
  page.on('pageerror', (error) => consoleErrors.push(`pageerror: ${error.message}`))
}, 60_000)

afterAll(async () => {
  await context?.close()
  await agent?.stop()
  // The screenshot stays in the temp dir for a look after the run; the browser profile goes.
  if (tempDir !== '') rmSync(path.join(tempDir, 'profile'), { recursive: true, force: true })
})

interface ChartState {
  id: string
  points: number
  xMin: number
  xMax: number
}

const chartStates = (): Promise<ChartState[]> =>
  page.$$eval('.chart', (hosts) =>
    hosts.map((host) => {
      const d = (host as HTMLElement).dataset
      return { id: host.id, points: Number(d.points), xMin: Number(d.xMin), xMax: Number(d.xMax) }
    }),
  )
const counter = (name: 'polls' | 'renders'): Promise<number> =>
  page.$eval('#charts', (el, key) => Number((el as HTMLElement).dataset[key]), name)

describe('the live page at first paint', () => {
  it('draws the last window from the agent, before a second poll has come', async ({ annotate }) => {
    // Let the first poll through and hold every later one until the first paint has been read.
    let polls = 0
    let release: () => void = () => {}
    const held = new Promise<void>((resolve) => (release = resolve))
    await page.route('**/dashboard', async (route) => {
      if (++polls > 1) await held
      await route.continue().catch(() => {}) // the page may have given up on a held poll: fine
    })
    const openedSeconds = Date.now() / 1000
    await page.goto(`${agent.baseUrl}/`)
    await page.waitForFunction(() => Number(document.getElementById('charts')?.dataset.renders) >= 1, undefined, {
      timeout: 15_000,
    })
    // The distribution comes from its own request right after the first render.
    await page.waitForFunction(
      () => Number(document.getElementById('chart-distribution')?.dataset.points) > 1,
      undefined,
      { timeout: 10_000 },
    )
    const screenshot = path.join(tempDir, 'first-paint.png')
    await page.screenshot({ path: screenshot, fullPage: true })
    const charts = await chartStates()
    const pollsSeen = await counter('polls')
    const nowSeconds = Date.now() / 1000
    release()
    await annotate(`first paint: ${screenshot}`)

    expect(pollsSeen).toBe(1)
    expect(statSync(screenshot).size).toBeGreaterThan(10_000)
    expect(await page.textContent('#selected-task')).toBe('checkout')
    for (const id of TIME_CHARTS) {
      const chart = charts.find((c) => c.id === id)
      // The axis is about one window wide and ends at the first poll: not one point stretched
      // over years, as uPlot draws a lone x value.
      expect(chart?.xMax, id).toBeGreaterThanOrEqual(openedSeconds - SLOT_SECONDS)
      expect(chart?.xMax, id).toBeLessThanOrEqual(nowSeconds + SLOT_SECONDS)
      const span = (chart?.xMax ?? 0) - (chart?.xMin ?? 0)
      expect(span, id).toBeGreaterThanOrEqual(WINDOW_SECONDS - SLOT_SECONDS)
      expect(span, id).toBeLessThanOrEqual(WINDOW_SECONDS + SLOT_SECONDS)
    }
    // Six seconds of traffic fill at least four closed slots; with the first poll that is five
    // points a line (the latency chart has four lines; "active" has only its poll, the mean in
    // flight beside it has the slots too).
    const pointsOf = (id: string): number => charts.find((c) => c.id === id)?.points ?? 0
    expect(pointsOf('chart-latency')).toBeGreaterThanOrEqual(4 * 5)
    expect(pointsOf('chart-throughput')).toBeGreaterThanOrEqual(5)
    expect(pointsOf('chart-errors')).toBeGreaterThanOrEqual(5)
    expect(pointsOf('chart-active')).toBeGreaterThanOrEqual(1 + 5)
    expect(pointsOf('chart-distribution')).toBeGreaterThan(1)
  })

  it('then appends polls, and seeds another task the first time it is picked', async () => {
    await page.waitForFunction(() => Number(document.getElementById('charts')?.dataset.polls) >= 2, undefined, {
      timeout: 10_000,
    })
    const before = await chartStates()
    await page.waitForFunction(
      (n) => Number(document.getElementById('chart-throughput')?.dataset.points) > n,
      before.find((c) => c.id === 'chart-throughput')?.points ?? 0,
      { timeout: 10_000 },
    )
    await page.selectOption('#task-picker', 'search')
    // "search" has a sample per poll since the page opened; its slots come on top of those.
    const seeded = await page.waitForFunction(
      () => {
        const polls = Number(document.getElementById('charts')?.dataset.polls)
        const points = Number(document.getElementById('chart-throughput')?.dataset.points)
        return points >= polls + 4 ? points : false
      },
      undefined,
      { timeout: 10_000 },
    )
    expect(await seeded.jsonValue()).toBeGreaterThanOrEqual(5)
    expect(await page.textContent('#selected-task')).toBe('search')
  })

  it('logged no console errors', () => {
    expect(consoleErrors).toEqual([])
  })
})
