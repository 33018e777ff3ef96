// The live dashboard page in real Chromium (Debian "chromium", driven by playwright-core): with
// traffic flowing, the charts draw points, the picker lists the tasks (also one that appears
// later, and marks a selected one that disappears), the layout fits a phone, and the console stays
// free of errors. Screenshots go to test/artifacts/ (git-ignored).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { EVENT_KIND, type EncodedBytes, encodeClientId, encodeName } from '@taskmeter/protocol'
import { type BrowserContext, type Page, chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AgentProcess, REPO_ROOT, startAgentProcess } from './harness/agent-process.js'
import { requireTool } from './harness/system-tool.js'
import { UdpSender } from './harness/udp-sender.js'

const ARTIFACTS = path.join(REPO_ROOT, 'test', 'artifacts')
const CHARTS = ['chart-latency', 'chart-throughput', 'chart-active', 'chart-errors', 'chart-distribution'] as const

function bytes(encoded: EncodedBytes | string): EncodedBytes {
  if (typeof encoded === 'string') throw new Error(`cannot encode: ${encoded}`)
  return encoded
}

let agent: AgentProcess
let context: BrowserContext
let page: Page
let profileDir = ''
const consoleErrors: string[] = []
const taskNames = ['checkout', 'search']
let sending = true
let traffic: Promise<void> = Promise.resolve()

beforeAll(async () => {
  const executablePath = requireTool('chromium', "apt-get install chromium (Debian's Chromium, at /usr/bin/chromium)")
  agent = await startAgentProcess()
  const sender = new UdpSender(agent.udpPort)
  const client = bytes(encodeClientId('page-test'))
  let batch = 0
  // Steady traffic for the whole file (bounded: 1 200 batches of 100 ms at most).
  traffic = (async () => {
    while (sending && batch < 1_200) {
      const names = taskNames.map((n) => bytes(encodeName(n)))
      for (let i = 0; i < 30; i++)
        for (let t = 0; t < names.length; t++) {
          const kind = i % 10 === t ? EVENT_KIND.task_end_error : EVENT_KIND.task_end_success
          await sender.append(kind, names[t] as EncodedBytes, (1 + t * 4) * (1 + ((batch * 30 + i) % 50) / 10))
        }
      await sender.inflight(
        client,
        batch + 1,
        1000,
        names,
        names.map((_n, i) => i + 1),
      )
      await sender.flush()
      batch++
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    sender.close()
  })()

  profileDir = mkdtempSync(path.join(os.tmpdir(), 'taskmeter-chromium-'))
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
    viewport: { width: 1280, height: 900 },
  })
  page = context.pages()[0] ?? (await context.newPage())
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(`${message.text()} (${message.location().url})`)
  })
  page.on('pageerror', (error) => consoleErrors.push(`pageerror: ${error.message}`))
  mkdirSync(ARTIFACTS, { recursive: true })
}, 60_000)

afterAll(async () => {
  sending = false
  await traffic
  await context?.close()
  await agent?.stop()
  if (profileDir !== '') rmSync(profileDir, { recursive: true, force: true })
})

const pickerOptions = (): Promise<string[]> =>
  page.$$eval('#task-picker option', (options) => options.map((o) => o.textContent ?? ''))
const points = (id: string): Promise<number> => page.$eval(`#${id}`, (el) => Number((el as HTMLElement).dataset.points))

/** Non-transparent pixels drawn on a chart's canvas (uPlot draws series and axes there). */
const inkedPixels = (id: string): Promise<number> =>
  page.$eval(`#${id} canvas`, (canvas) => {
    const c = canvas as HTMLCanvasElement
    const data = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data
    let inked = 0
    if (data !== undefined) for (let i = 3; i < data.length; i += 4) if ((data[i] ?? 0) > 0) inked++
    return inked
  })

async function waitForPoints(id: string, atLeast: number): Promise<void> {
  await page.waitForFunction(
    ([chart, n]) => Number(document.getElementById(chart as string)?.dataset.points) >= (n as number),
    [id, atLeast],
    { timeout: 15_000, polling: 200 },
  )
}

describe('the live dashboard page in Chromium', () => {
  it('renders every chart with data points and lists the tasks in the picker', async () => {
    await page.goto(`${agent.baseUrl}/`)
    await page.waitForFunction(() => document.querySelectorAll('#task-picker option').length >= 2, undefined, {
      timeout: 15_000,
    })
    expect(await pickerOptions()).toEqual(['checkout', 'search'])
    expect(await page.textContent('#selected-task')).toBe('checkout')
    // Four percentile lines × at least 3 polls; one line × 3 polls for the others.
    await waitForPoints('chart-latency', 12)
    for (const id of ['chart-throughput', 'chart-active', 'chart-errors']) await waitForPoints(id, 3)
    await waitForPoints('chart-distribution', 3)
    for (const id of CHARTS) expect(await inkedPixels(id), id).toBeGreaterThan(500)
    expect(await page.textContent('#status')).toMatch(/^live/)
    expect(await page.$$eval('#task-rows tr', (rows) => rows.length)).toBe(2)
    expect(Number(await page.textContent('#tile-active'))).toBe(1)
  })

  it('lists a task that appears later, and switches charts when another task is picked', async () => {
    taskNames.push('late.task')
    await page.waitForFunction(
      () => [...document.querySelectorAll('#task-picker option')].some((o) => o.textContent === 'late.task'),
      undefined,
      { timeout: 15_000 },
    )
    expect(await pickerOptions()).toEqual(['checkout', 'late.task', 'search'])
    await page.selectOption('#task-picker', 'search')
    expect(await page.textContent('#selected-task')).toBe('search')
    expect(page.url()).toContain('#task=search')
    await waitForPoints('chart-latency', 12)
    await page.click('#task-rows tr[data-task="late.task"]')
    expect(await page.textContent('#selected-task')).toBe('late.task')
    await waitForPoints('chart-throughput', 1)
  })

  it('keeps a selected task that disappears, marked gone, and keeps polling', async () => {
    await page.selectOption('#task-picker', 'search')
    // The agent never forgets a task by itself: drop it from the responses to play a vanished one.
    await page.route('**/dashboard', async (route) => {
      const response = await route.fetch()
      const body = (await response.json()) as { tasks: Record<string, unknown> }
      delete body.tasks.search
      await route.fulfill({ response, json: body })
    })
    await page.waitForFunction(
      () => [...document.querySelectorAll('#task-picker option')].some((o) => o.textContent === 'search (gone)'),
      undefined,
      { timeout: 10_000 },
    )
    expect(await points('chart-latency')).toBeGreaterThan(0) // its history stays on screen
    await page.selectOption('#task-picker', 'checkout')
    await page.waitForFunction(
      () => ![...document.querySelectorAll('#task-picker option')].some((o) => o.textContent?.startsWith('search')),
      undefined,
      { timeout: 10_000 },
    )
    await page.unroute('**/dashboard')
    await page.waitForFunction(
      () => [...document.querySelectorAll('#task-picker option')].some((o) => o.textContent === 'search'),
      undefined,
      { timeout: 10_000 },
    )
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-page.png'), fullPage: true })
  })

  it('fits a phone screen without horizontal scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 })
    await page.waitForFunction(
      () => (document.querySelector('#chart-latency canvas')?.getBoundingClientRect().width ?? 999) <= 390,
      undefined,
      { timeout: 10_000 },
    )
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    expect(overflow).toBeLessThanOrEqual(0)
    await waitForPoints('chart-latency', 12)
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-page-phone.png'), fullPage: true })
  })

  it('logged no console errors', () => {
    expect(consoleErrors).toEqual([])
  })
})
