// Decimal numbers read straight from datagram bytes, with no string per value. The grammar is
// [+-]? (digits [. digits*] | . digits) ([eE] [+-]? digits)?, as StatsD clients print numbers;
// "NaN", "Infinity", hex and blanks are not numbers here (Number() would take "" as 0).
// Up to 15 significant digits and |exponent| ≤ 22 the result is m × 10^e or m / 10^-e with both
// operands exact, so the one rounding equals Number()'s (Clinger's fast path); longer numbers fall
// back to Number() on a latin1 string of the validated bytes.

const POW10 = new Float64Array(23)
for (let i = 0, p = 1; i < POW10.length; i++, p *= 10) POW10[i] = p

const ZERO = 0x30
const NINE = 0x39
const MAX_FAST_DIGITS = 15
/** Longer exponents (or leading zeros) take the slow path, so the digit loop's sum stays small. */
const MAX_EXPONENT_DIGITS = 6

function slowParse(buf: Uint8Array, start: number, end: number): number {
  let text = ''
  for (let i = start; i < end; i++) text += String.fromCharCode(buf[i] ?? 0)
  return Number(text)
}

/** The number in bytes [start, end), or NaN when they are not a decimal number. */
export function parseDecimal(buf: Uint8Array, start: number, end: number): number {
  let i = start
  let negative = false
  let c = buf[i] ?? 0
  if (c === 0x2d /* - */) {
    negative = true
    i++
  } else if (c === 0x2b /* + */) i++
  let mantissa = 0
  let significant = 0
  let digits = 0
  let scale = 0 // decimal exponent of the last accumulated digit
  // Integer and fraction digits in one loop: past the '.', a kept digit lowers the scale, a digit
  // beyond the fast range is dropped (before it, one is dropped and the scale rises instead).
  let fraction = false
  for (; i < end; i++) {
    c = buf[i] ?? 0
    if (c === 0x2e /* . */ && !fraction) {
      fraction = true
      continue
    }
    if (c < ZERO || c > NINE) break
    digits++
    if (significant < MAX_FAST_DIGITS) {
      if (mantissa !== 0 || c !== ZERO) significant++
      mantissa = mantissa * 10 + (c - ZERO)
      if (fraction) scale--
    } else {
      significant++
      if (!fraction) scale++
    }
  }
  if (digits === 0) return NaN
  let exponent = 0
  if (i < end && (buf[i] === 0x65 || buf[i] === 0x45) /* e E */) {
    i++
    let exponentNegative = false
    if (buf[i] === 0x2d) {
      exponentNegative = true
      i++
    } else if (buf[i] === 0x2b) i++
    const exponentStart = i
    for (; i < end; i++) {
      c = buf[i] ?? 0
      if (c < ZERO || c > NINE) break
      exponent = exponent * 10 + (c - ZERO)
    }
    if (i === exponentStart) return NaN
    if (i - exponentStart > MAX_EXPONENT_DIGITS) return i === end ? slowParse(buf, start, end) : NaN
    if (exponentNegative) exponent = -exponent
  }
  if (i !== end) return NaN
  if (significant > MAX_FAST_DIGITS) return slowParse(buf, start, end)
  const e = scale + exponent
  let value: number
  if (mantissa === 0) value = 0
  else if (e >= 0 && e <= 22) value = mantissa * (POW10[e] ?? 0)
  else if (e < 0 && e >= -22) value = mantissa / (POW10[-e] ?? 0)
  else return slowParse(buf, start, end)
  return negative ? -value : value
}
