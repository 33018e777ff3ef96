import { gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { acceptsGzip, gzipBody } from './scrape-compression.js'

describe('Accept-Encoding', () => {
  it.each([
    ['gzip', true],
    ['gzip, deflate, br', true],
    ['deflate, GZIP;q=0.5', true],
    ['identity', false],
    ['gzip;q=0', false],
    ['gzip; q=0.000', false],
    ['*', true],
    ['*;q=0', false],
    ['gzip;q=0, *', false],
    ['br', false],
    ['', false],
  ])('%j → %s', (header, expected) => {
    expect(acceptsGzip(header)).toBe(expected)
  })

  it('no header, no gzip', () => {
    expect(acceptsGzip(undefined)).toBe(false)
  })
})

describe('gzipBody', () => {
  it('round-trips the exposition bytes', async () => {
    const body = Buffer.from('# TYPE a counter\na_total 1\n'.repeat(1000))
    const packed = await gzipBody(body)
    expect(packed.length).toBeLessThan(body.length / 10)
    expect(gunzipSync(packed).equals(body)).toBe(true)
  })
})
