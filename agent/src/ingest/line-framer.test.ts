// LineFramer: the same lines come out however a stream is cut into chunks, and a line over the
// limit is counted once, wherever it starts and ends, without disturbing its neighbours.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { LineFramer, type TextHandler } from './line-framer.js'

class RecordingHandler implements TextHandler {
  text = ''
  oversized = 0
  handleText(buf: Uint8Array, start: number, end: number): void {
    let block = Buffer.from(buf.subarray(start, end)).toString('latin1')
    if (!block.endsWith('\n')) block += '\n'
    this.text += block
  }
  handleOversizedLine(): void {
    this.oversized++
  }
  lines(): string[] {
    return this.text.split('\n').filter((line) => line !== '')
  }
}

function feed(chunks: string[], maxLineBytes: number): RecordingHandler {
  const handler = new RecordingHandler()
  const framer = new LineFramer(handler, maxLineBytes)
  for (const chunk of chunks) framer.push(Buffer.from(chunk, 'latin1'))
  framer.end()
  return handler
}

function cutAt(text: string, cuts: number[]): string[] {
  const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b)
  const chunks: string[] = []
  let last = 0
  for (const point of points) {
    chunks.push(text.slice(last, point))
    last = point
  }
  chunks.push(text.slice(last))
  return chunks
}

describe('LineFramer', () => {
  it('passes whole lines of one chunk through in one call', () => {
    const handler = feed(['a:1|c\nb:2|c\n'], 100)
    expect(handler.lines()).toEqual(['a:1|c', 'b:2|c'])
  })

  it('joins a line cut across chunks, byte by byte too', () => {
    expect(feed(['a:1', '|c\nb:', '2|c\n'], 100).lines()).toEqual(['a:1|c', 'b:2|c'])
    expect(feed([...'api:12|ms\nhits:1|c\n'], 100).lines()).toEqual(['api:12|ms', 'hits:1|c'])
  })

  it('delivers a last line without newline when the connection ends', () => {
    expect(feed(['a:1|c\nb:2|c'], 100).lines()).toEqual(['a:1|c', 'b:2|c'])
  })

  it('counts a line over the limit once and keeps its neighbours, whole or cut', () => {
    const long = 'x'.repeat(30)
    const stream = `a:1|c\n${long}\nb:2|c\n`
    for (const chunks of [
      [stream],
      [...stream],
      ['a:1|c\nxxxxx', 'x'.repeat(25) + '\nb:2|c\n'],
      ['a:1|c\n' + 'x'.repeat(25), 'xxxxx', '\nb:2|c\n'],
    ]) {
      const handler = feed(chunks, 20)
      expect(handler.lines()).toEqual(['a:1|c', 'b:2|c'])
      expect(handler.oversized).toBe(1)
    }
  })

  it('accepts a line of exactly the limit and refuses one byte more', () => {
    expect(feed(['x'.repeat(20) + '\n'], 20).oversized).toBe(0)
    expect(feed(['x'.repeat(21) + '\n'], 20).oversized).toBe(1)
    expect(feed(['x'.repeat(10), 'x'.repeat(10) + '\n'], 20).oversized).toBe(0)
    expect(feed(['x'.repeat(10), 'x'.repeat(11) + '\n'], 20).oversized).toBe(1)
  })

  it('counts an unterminated over-long tail once, even across many chunks', () => {
    const handler = feed(['a:1|c\n' + 'y'.repeat(50), 'y'.repeat(50), 'y'.repeat(50), '\nb:1|c\n'], 20)
    expect(handler.lines()).toEqual(['a:1|c', 'b:1|c'])
    expect(handler.oversized).toBe(1)
  })

  it('gives the same lines for any chunking of a stream (2 000 runs)', () => {
    const lineArb = fc.oneof(fc.stringMatching(/^[a-z:|0-9.@#,]{0,12}$/), fc.constant('z'.repeat(40)))
    fc.assert(
      fc.property(fc.array(lineArb, { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 8 }), (lines, cuts) => {
        const stream = lines.map((line) => line + '\n').join('')
        const whole = feed([stream], 16)
        const cut = feed(cutAt(stream, cuts), 16)
        expect(cut.lines()).toEqual(whole.lines())
        expect(cut.oversized).toBe(whole.oversized)
        expect(whole.lines()).toEqual(lines.filter((line) => line !== '' && line.length <= 16))
        expect(whole.oversized).toBe(lines.filter((line) => line.length > 16).length)
      }),
      { numRuns: 2_000 },
    )
  })
})
