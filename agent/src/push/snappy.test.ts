// Our snappy compressor against snappyjs' decoder: text, protobuf-like, random and edge sizes.
import snappyjs from 'snappyjs'
import { describe, expect, it } from 'vitest'
import { snappyCompress } from './snappy.js'

function roundTrip(input: Uint8Array): Uint8Array {
  const compressed = snappyCompress(input)
  const back = Buffer.from(snappyjs.uncompress(compressed) as Uint8Array)
  expect(back.equals(Buffer.from(input))).toBe(true)
  return compressed
}

function random(seed: number, n: number): Uint8Array {
  let x = seed
  const out = new Uint8Array(n)
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0
    out[i] = x >>> 24
  }
  return out
}

describe('snappyCompress', () => {
  it('round-trips empty, tiny and boundary-sized inputs', () => {
    for (const n of [0, 1, 4, 14, 15, 16, 59, 60, 61, 255, 256, 257, 65535, 65536, 65537, 200_000])
      roundTrip(random(n + 1, n))
  })

  it('compresses repetitive remote-write-like bytes several times and handles long matches', () => {
    const lines: string[] = []
    for (let i = 0; i < 5000; i++)
      lines.push(
        `__name__task_duration_seconds_bucket task checkout_${i % 50} le 0.${i % 10} job api instance pod-${i % 7}`,
      )
    const text = Buffer.from(lines.join('\n'))
    const compressed = roundTrip(text)
    expect(compressed.length).toBeLessThan(text.length / 4)
    roundTrip(new Uint8Array(300_000).fill(7))
    roundTrip(Buffer.from('ab'.repeat(40_000) + 'xyz'.repeat(30_000)))
  })

  it('compresses 4 MB of scrape-like bytes at well over 20 MB/s', () => {
    const chunk = Buffer.from('requests_total{task="checkout_17",status="success"} 123456\n')
    const input = Buffer.alloc(4 * 1024 * 1024)
    for (let i = 0; i < input.length; i += chunk.length) chunk.copy(input, i)
    snappyCompress(input)
    const started = performance.now()
    const compressed = snappyCompress(input)
    const seconds = (performance.now() - started) / 1000
    expect(input.length / seconds / 1e6).toBeGreaterThan(20)
    expect(Buffer.from(snappyjs.uncompress(compressed) as Uint8Array).equals(input)).toBe(true)
  })
})
