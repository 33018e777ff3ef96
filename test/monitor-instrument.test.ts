// wrap() and @tracked over both recorder kinds (the in-process monitor and a mock TaskmeterClient),
// through both packages that export the helpers (@taskmeter/agent and @taskmeter/client): sync, async,
// throwing and rejecting functions. The app's value, promise and error pass through untouched; each
// call is one request with its status and its duration (a fake clock).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { createMonitor, tracked as agentTracked, wrap as agentWrap } from '@taskmeter/agent'
import { createClient, tracked as clientTracked, wrap as clientWrap } from '@taskmeter/client'
import type { Recorder } from '@taskmeter/protocol'
import ts from 'typescript'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REPO_ROOT } from './harness/agent-process.js'

interface Clock {
  ms: number
}

interface Figures {
  success: number
  error: number
  sumMs: number
}

interface RecorderUnderTest {
  recorder: Recorder
  clock: Clock
  figures(task: string): Promise<Figures>
  /** Active count of a task (the monitor only: a mock client has no agent to count it). */
  active: ((task: string) => number) | null
}

function monitorRecorder(): RecorderUnderTest {
  const clock: Clock = { ms: 0 }
  const monitor = createMonitor({ processMetrics: false, now: () => clock.ms })
  return {
    recorder: monitor,
    clock,
    figures: async (task) => {
      const t = monitor.snapshot().tasks[task]
      return { success: t?.success ?? 0, error: t?.failed ?? 0, sumMs: t?.sum_ms ?? 0 }
    },
    active: (task) => monitor.snapshot().tasks[task]?.active ?? 0,
  }
}

function clientRecorder(): RecorderUnderTest {
  const clock: Clock = { ms: 0 }
  const client = createClient({ mock: true, now: () => clock.ms })
  return {
    recorder: client,
    clock,
    figures: async (task) => {
      await client.flush()
      const figures: Figures = { success: 0, error: 0, sumMs: 0 }
      for (const event of client.mockEvents) {
        if (event.name !== task) continue
        if (event.kind === 'task_end_success') figures.success++
        else if (event.kind === 'task_end_error') figures.error++
        else continue
        figures.sumMs += event.value
      }
      return figures
    },
    active: null,
  }
}

const HELPERS = [
  { helpers: '@taskmeter/agent', wrap: agentWrap, tracked: agentTracked },
  { helpers: '@taskmeter/client', wrap: clientWrap, tracked: clientTracked },
] as const
const RECORDERS = [
  { kind: 'monitor', make: monitorRecorder },
  { kind: 'client', make: clientRecorder },
] as const
const CASES = HELPERS.flatMap((h) => RECORDERS.map((r) => ({ ...h, ...r })))

describe.each(CASES)('wrap() from $helpers over a $kind', ({ wrap, make }) => {
  it('sync: returns the same value, passes this and arguments, records a success', async () => {
    const { recorder, clock, figures } = make()
    const result = { answer: 42 }
    const target = {
      offset: 1,
      compute(this: { offset: number }, a: number, b: number): { answer: number } {
        clock.ms += 3
        expect(this.offset + a + b).toBe(6)
        return result
      },
    }
    const compute = wrap(recorder, 'compute', target.compute)
    expect(compute.call(target, 2, 3)).toBe(result)
    expect(await figures('compute')).toEqual({ success: 1, error: 0, sumMs: 3 })
  })

  it('sync throw: the same error reaches the caller, recorded as an error', async () => {
    const { recorder, clock, figures } = make()
    const failure = new TypeError('bad input')
    const parse = wrap(recorder, 'parse', (_text: string): number => {
      clock.ms += 5
      throw failure
    })
    let caught: unknown
    try {
      parse('x')
    } catch (err) {
      caught = err
    }
    expect(caught).toBe(failure)
    expect(await figures('parse')).toEqual({ success: 0, error: 1, sumMs: 5 })
  })

  it('async: returns the very promise fn returned; the duration covers the awaited part', async () => {
    const { recorder, clock, figures, active } = make()
    let release: (value: string) => void = () => {}
    const pending = new Promise<string>((resolve) => (release = resolve))
    const predict = wrap(recorder, 'predict', (): Promise<string> => pending)
    const returned = predict()
    expect(returned).toBe(pending)
    if (active !== null) expect(active('predict')).toBe(1)
    clock.ms += 7
    release('result')
    expect(await returned).toBe('result')
    expect(await figures('predict')).toEqual({ success: 1, error: 0, sumMs: 7 })
    if (active !== null) expect(active('predict')).toBe(0)
  })

  it('async reject: the caller gets the same rejection (and nothing unhandled), recorded as an error', async () => {
    const { recorder, clock, figures } = make()
    const failure = new Error('model unavailable')
    const predict = wrap(recorder, 'predict', async (): Promise<string> => {
      await Promise.resolve()
      clock.ms += 11
      throw failure
    })
    await expect(predict()).rejects.toBe(failure)
    expect(await figures('predict')).toEqual({ success: 0, error: 1, sumMs: 11 })
  })
})

// The decorated fixture, compiled once by TypeScript with the repo's compiler options.
interface TrackedModel {
  double(x: number): { doubled: number }
  fail(error: Error): number
  predict(input: string): Promise<string>
  reject(error: Error): Promise<string>
  viaField(): number
}
type DefineModel = (tracked: typeof agentTracked, recorder: Recorder, clock: Clock) => new () => TrackedModel

let defineModel: DefineModel
const tempDirs: string[] = []

beforeAll(async () => {
  const fixture = path.join(REPO_ROOT, 'test', 'monitor-tracked.fixture.ts')
  const base = ts.readConfigFile(path.join(REPO_ROOT, 'tsconfig.base.json'), ts.sys.readFile)
  const parsed = ts.parseJsonConfigFileContent(base.config, ts.sys, REPO_ROOT)
  const options: ts.CompilerOptions = {
    ...parsed.options,
    composite: false,
    declaration: false,
    declarationMap: false,
    sourceMap: false,
    noEmit: false,
    rootDir: path.dirname(fixture),
  }
  const program = ts.createProgram([fixture], options)
  const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))
  expect(diagnostics, 'the decorated fixture must type-check').toEqual([])
  let emitted = ''
  program.emit(undefined, (fileName, text) => {
    if (fileName.endsWith('.js')) emitted = text
  })
  expect(emitted).toContain('__esDecorate') // standard decorators, lowered by tsc
  const dir = mkdtempSync(path.join(os.tmpdir(), 'taskmeter-tracked-'))
  tempDirs.push(dir)
  const file = path.join(dir, 'tracked-fixture.mjs')
  writeFileSync(file, emitted)
  const loaded = (await import(pathToFileURL(file).href)) as { defineModel: DefineModel }
  defineModel = loaded.defineModel
}, 60_000)

afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true })
})

describe.each(CASES)('@tracked from $helpers over a $kind', ({ tracked, make }) => {
  it('records sync and async methods, passes values and errors through, names default to the method', async () => {
    const { recorder, clock, figures } = make()
    const Model = defineModel(tracked, recorder, clock)
    const model = new Model()
    expect(model.double(21)).toEqual({ doubled: 42 })
    const syncFailure = new RangeError('sync boom')
    expect(() => model.fail(syncFailure)).toThrow(syncFailure)
    expect(await model.predict('input')).toBe('prediction: input x2')
    const asyncFailure = new Error('async boom')
    await expect(model.reject(asyncFailure)).rejects.toBe(asyncFailure)
    expect(model.viaField()).toBe(2)

    expect(await figures('sync_ok')).toEqual({ success: 1, error: 0, sumMs: 3 })
    expect(await figures('sync_throw')).toEqual({ success: 0, error: 1, sumMs: 5 })
    expect(await figures('predict')).toEqual({ success: 1, error: 0, sumMs: 7 })
    expect(await figures('async_reject')).toEqual({ success: 0, error: 1, sumMs: 11 })
    expect(await figures('via_field')).toEqual({ success: 1, error: 0, sumMs: 0 })
  })
})
