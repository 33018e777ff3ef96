// parseDecimal must agree with Number() on every decimal it accepts, and refuse what is not a
// plain decimal (Number() takes "", " 1", "0x10", "Infinity"; a StatsD value may not).
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseDecimal } from './statsd-number.js'

const parse = (text: string): number => {
  const bytes = Buffer.from(text, 'latin1')
  return parseDecimal(bytes, 0, bytes.length)
}

const decimalArb = fc
  .tuple(
    fc.constantFrom('', '+', '-'),
    fc.stringMatching(/^[0-9]{0,20}$/),
    fc.option(fc.stringMatching(/^[0-9]{0,20}$/), { nil: null }),
    fc.option(fc.tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '+', '-'), fc.stringMatching(/^[0-9]{1,4}$/)), {
      nil: null,
    }),
  )
  .map(
    ([sign, whole, fraction, exponent]) =>
      sign + whole + (fraction === null ? '' : '.' + fraction) + (exponent === null ? '' : exponent.join('')),
  )
  .filter((text) => /[0-9]/.test(text.split(/[eE]/)[0] as string))

describe('parseDecimal', () => {
  it('equals Number() on the shortest text of any double (20 000 runs)', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        expect(Object.is(parse(String(x)), x) || (x === 0 && parse(String(x)) === 0)).toBe(true)
      }),
      { numRuns: 20_000 },
    )
  })

  it('equals Number() on generated decimals, fast path and slow path (20 000 runs)', () => {
    fc.assert(
      fc.property(decimalArb, (text) => {
        expect(parse(text)).toBe(Number(text))
      }),
      { numRuns: 20_000 },
    )
  })

  it('reads typical StatsD values exactly', () => {
    const cases: Array<[string, number]> = [
      ['12.5', 12.5],
      ['0.1', 0.1],
      ['-3', -3],
      ['+2', 2],
      ['.5', 0.5],
      ['5.', 5],
      ['1e3', 1000],
      ['2.5E-1', 0.25],
      ['123456789012345', 123456789012345],
      ['1234567890123456789', 1.2345678901234568e18],
      ['0.000001', 0.000001],
      ['1e0000001', 10],
    ]
    for (const [text, value] of cases) expect(parse(text), text).toBe(value)
  })

  it('refuses what is not a plain decimal', () => {
    for (const text of [
      '',
      '+',
      '-',
      '.',
      'e5',
      '1e',
      '1e+',
      '1.2.3',
      ' 1',
      '1 ',
      '0x10',
      'NaN',
      'Infinity',
      '-Infinity',
      '1_000',
      '1,5',
      '--1',
      '1e5.5',
    ]) {
      expect(parse(text), JSON.stringify(text)).toBeNaN()
    }
  })

  it('reads only its range of a larger buffer', () => {
    const bytes = Buffer.from('x:12.5|ms')
    expect(parseDecimal(bytes, 2, 6)).toBe(12.5)
    expect(parseDecimal(bytes, 2, 4)).toBe(12)
  })
})
