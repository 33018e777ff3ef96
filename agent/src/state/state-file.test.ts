import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { TaskmeterError } from '../config/taskmeter-error.js'
import { restoreState, writeStateFile } from './state-file.js'
import { HEADER_BYTES } from './state-format.js'
import { crc32 } from './crc32.js'
import { FLAGS, clocked, encode, families, feed } from './state.test-support.js'
import type { StateLog } from './state-restores.js'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function tempFile(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'taskmeter-state-'))
  dirs.push(dir)
  return path.join(dir, 'state.bin')
}

function recordingLog(): StateLog & { lines: string[] } {
  const lines: string[] = []
  return { lines, info: (_f, message) => lines.push(message), warn: (_f, message) => lines.push(message) }
}

function smallState(): Uint8Array {
  const clock = { ms: 10_000 }
  const agg = clocked(clock)
  for (let i = 0; i < 12; i++, clock.ms += 900) feed(agg, i)
  return encode(agg, Date.now())
}

/** Fixes up the header of a changed body, so that the parse itself (past the checksum) is tried. */
function withHeaderFixed(bytes: Uint8Array): Uint8Array {
  const out = Buffer.from(bytes)
  out.writeUInt32LE(out.length - HEADER_BYTES, 12)
  out.writeUInt32LE(crc32(out, HEADER_BYTES), 16)
  return out
}

const options = (file: string, discardIncompatible = false) => ({
  ...FLAGS,
  path: file,
  discardIncompatible,
  maxBytes: 1 << 30,
})

describe('restoreState', () => {
  it('restores a file writeStateFile wrote, atomically (no temporary file left)', async () => {
    const file = tempFile()
    const clock = { ms: 2_000 }
    const agg = clocked(clock)
    for (let i = 0; i < 40; i++, clock.ms += 250) feed(agg, i)
    await writeStateFile(file, encode(agg, Date.now()))
    expect(readdirSync(path.dirname(file))).toEqual(['state.bin'])
    const restored = clocked({ ms: 1 })
    expect(restoreState(options(file), restored, recordingLog())).toBe('restored')
    // A few ms of wall clock passed since the save: only the rates read them.
    const steady = (text: string): string => text.replace(/^requests_per_second.*$/gm, '')
    expect(steady(await families(restored))).toBe(steady(await families(agg)))
  })

  it('says absent when there is no file', () => {
    expect(restoreState(options(tempFile()), clocked({ ms: 0 }), recordingLog())).toBe('absent')
  })

  it('starts empty on every truncation and flipped byte of a small file, keeping the file aside', () => {
    const bytes = smallState()
    const cases: Array<[string, Uint8Array]> = []
    for (let length = 0; length < bytes.length; length++) {
      cases.push([`truncated to ${length}`, bytes.subarray(0, length)])
      // Past the checksum too: a body cut short with a header that matches it.
      if (length > HEADER_BYTES)
        cases.push([`body cut to ${length}, header fixed`, withHeaderFixed(bytes.subarray(0, length))])
    }
    for (let at = 0; at < bytes.length; at += 3) {
      const flipped = Buffer.from(bytes)
      flipped[at] = (flipped[at] ?? 0) ^ 0xff
      cases.push([`byte ${at} flipped`, flipped])
      if (at >= HEADER_BYTES) cases.push([`byte ${at} flipped, header fixed`, withHeaderFixed(flipped)])
    }
    let parsedPastChecksum = 0
    for (const [what, content] of cases) {
      const file = tempFile()
      writeFileSync(file, content)
      const agg = clocked({ ms: 0 })
      const log = recordingLog()
      const result = restoreState(options(file, true), agg, log)
      if (result === 'restored') {
        // A flip inside a figure can still be a valid state: it must then read like one.
        parsedPastChecksum++
        continue
      }
      expect(['corrupt', 'discarded'], what).toContain(result)
      expect(agg.seriesCount, what).toBe(0)
      if (result === 'corrupt') {
        expect(existsSync(file), what).toBe(false)
        const kept = readdirSync(path.dirname(file)).filter((name) => name.startsWith('state.bin.corrupt-'))
        expect(kept.length, what).toBe(1)
        expect(readFileSync(path.join(path.dirname(file), kept[0] as string)).equals(Buffer.from(content))).toBe(true)
      }
    }
    expect(cases.length).toBeGreaterThan(bytes.length * 2)
    expect(parsedPastChecksum).toBeLessThan(cases.length / 2)
  })

  it('refuses a file from another --precision with one line naming the flag and the file’s value', () => {
    const file = tempFile()
    writeFileSync(file, smallState())
    const agg = clocked({ ms: 0 }, { ...FLAGS, precision: 3 })
    const refuse = (): unknown => restoreState({ ...options(file), precision: 3 }, agg, recordingLog())
    expect(refuse).toThrow(TaskmeterError)
    expect(refuse).toThrow(/was written with --precision 2: start with --precision 2, or --state-discard-incompatible$/)
    const log = recordingLog()
    expect(restoreState({ ...options(file, true), precision: 3 }, agg, log)).toBe('discarded')
    expect(log.lines.join('\n')).toContain('--precision 2')
    expect(agg.seriesCount).toBe(0)
  })
})
