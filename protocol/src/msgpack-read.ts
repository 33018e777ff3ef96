// Allocation-free msgpack readers over a byte array. Each returns the position after the value,
// or a negative code; the value itself is left in `readResult` (one shared scratch object, so
// reading a number or a string allocates nothing).

export const TRUNCATED = -1 // the value runs past `end`
export const BAD_ENCODING = -2 // a byte that starts no value we accept (0xC1, ext)
export const WRONG_TYPE = -3 // a valid value, but not of the type asked for
export const NIL = -4 // the value is nil (position after it is pos + 1)

export const readResult = { number: 0, strStart: 0, strEnd: 0, count: 0 }

const scratch = new Float64Array(1)
const scratchBytes = new Uint8Array(scratch.buffer)
const scratch32 = new Float32Array(1)
const scratch32Bytes = new Uint8Array(scratch32.buffer)
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

function uint16(buf: Uint8Array, pos: number): number {
  return ((buf[pos] ?? 0) << 8) | (buf[pos + 1] ?? 0)
}

function uint32(buf: Uint8Array, pos: number): number {
  return (buf[pos] ?? 0) * 0x1000000 + (((buf[pos + 1] ?? 0) << 16) | ((buf[pos + 2] ?? 0) << 8) | (buf[pos + 3] ?? 0))
}

function float64(buf: Uint8Array, pos: number): number {
  if (littleEndian) for (let i = 0; i < 8; i++) scratchBytes[7 - i] = buf[pos + i] ?? 0
  else for (let i = 0; i < 8; i++) scratchBytes[i] = buf[pos + i] ?? 0
  return scratch[0] ?? 0
}

function float32(buf: Uint8Array, pos: number): number {
  if (littleEndian) for (let i = 0; i < 4; i++) scratch32Bytes[3 - i] = buf[pos + i] ?? 0
  else for (let i = 0; i < 4; i++) scratch32Bytes[i] = buf[pos + i] ?? 0
  return scratch32[0] ?? 0
}

/** Any msgpack int or float into readResult.number. */
export function readNumber(buf: Uint8Array, pos: number, end: number): number {
  if (pos >= end) return TRUNCATED
  const b = buf[pos] ?? 0
  if (b < 0x80) {
    readResult.number = b
    return pos + 1
  }
  if (b >= 0xe0) {
    readResult.number = b - 0x100
    return pos + 1
  }
  let size: number
  switch (b) {
    case 0xcc:
    case 0xd0:
      size = 1
      break
    case 0xcd:
    case 0xd1:
      size = 2
      break
    case 0xce:
    case 0xd2:
    case 0xca:
      size = 4
      break
    case 0xcf:
    case 0xd3:
    case 0xcb:
      size = 8
      break
    case 0xc0:
      return NIL
    case 0xc1:
      return BAD_ENCODING
    default:
      return b >= 0xc7 && b <= 0xc9 ? BAD_ENCODING : b >= 0xd4 && b <= 0xd8 ? BAD_ENCODING : WRONG_TYPE
  }
  if (pos + 1 + size > end) return TRUNCATED
  const p = pos + 1
  switch (b) {
    case 0xcc:
      readResult.number = buf[p] ?? 0
      break
    case 0xcd:
      readResult.number = uint16(buf, p)
      break
    case 0xce:
      readResult.number = uint32(buf, p)
      break
    case 0xcf:
      readResult.number = uint32(buf, p) * 0x100000000 + uint32(buf, p + 4)
      break
    case 0xd0:
      readResult.number = ((buf[p] ?? 0) << 24) >> 24
      break
    case 0xd1:
      readResult.number = (uint16(buf, p) << 16) >> 16
      break
    case 0xd2:
      readResult.number = uint32(buf, p) | 0
      break
    case 0xd3:
      readResult.number = (uint32(buf, p) | 0) * 0x100000000 + uint32(buf, p + 4)
      break
    case 0xca:
      readResult.number = float32(buf, p)
      break
    default:
      readResult.number = float64(buf, p)
  }
  return p + size
}

// What a byte that starts no value of the type asked for is: nil, an encoding we refuse, or
// another type.
function notOfType(b: number): number {
  return b === 0xc0
    ? NIL
    : b === 0xc1 || (b >= 0xc7 && b <= 0xc9) || (b >= 0xd4 && b <= 0xd8)
      ? BAD_ENCODING
      : WRONG_TYPE
}

// str8/16/32 (d9 da db) and bin8/16/32 (c4 c5 c6) are laid out alike: tag `tag8` + 0, 1 or 2, then
// a 1-, 2- or 4-byte big-endian length, then the payload, whose range goes to readResult.
function readSized(buf: Uint8Array, pos: number, end: number, b: number, tag8: number): number {
  let len: number
  let p: number
  if (b === tag8) {
    if (pos + 2 > end) return TRUNCATED
    len = buf[pos + 1] ?? 0
    p = pos + 2
  } else if (b === tag8 + 1) {
    if (pos + 3 > end) return TRUNCATED
    len = uint16(buf, pos + 1)
    p = pos + 3
  } else if (b === tag8 + 2) {
    if (pos + 5 > end) return TRUNCATED
    len = uint32(buf, pos + 1)
    p = pos + 5
  } else return notOfType(b)
  if (p + len > end) return TRUNCATED
  readResult.strStart = p
  readResult.strEnd = p + len
  return p + len
}

/** A msgpack str: its payload range goes to readResult.strStart/strEnd. */
export function readStr(buf: Uint8Array, pos: number, end: number): number {
  if (pos >= end) return TRUNCATED
  const b = buf[pos] ?? 0
  if (b < 0xa0 || b > 0xbf) return readSized(buf, pos, end, b, 0xd9)
  // fixstr, what nearly every name is: no call.
  const p = pos + 1
  const len = b & 0x1f
  if (p + len > end) return TRUNCATED
  readResult.strStart = p
  readResult.strEnd = p + len
  return p + len
}

/** A msgpack bin (bin8/16/32): its payload range goes to readResult.strStart/strEnd, as for a str. */
export function readBin(buf: Uint8Array, pos: number, end: number): number {
  if (pos >= end) return TRUNCATED
  return readSized(buf, pos, end, buf[pos] ?? 0, 0xc4)
}

/** An array (kind 0) or map (kind 1) header: element / pair count into readResult.count. */
export function readContainerHeader(buf: Uint8Array, pos: number, end: number, map: boolean): number {
  if (pos >= end) return TRUNCATED
  const b = buf[pos] ?? 0
  const fix = map ? 0x80 : 0x90
  if (b >= fix && b <= fix + 0x0f) {
    readResult.count = b & 0x0f
    return pos + 1
  }
  const c16 = map ? 0xde : 0xdc
  if (b === c16) {
    if (pos + 3 > end) return TRUNCATED
    readResult.count = uint16(buf, pos + 1)
    return pos + 3
  }
  if (b === c16 + 1) {
    if (pos + 5 > end) return TRUNCATED
    readResult.count = uint32(buf, pos + 1)
    return pos + 5
  }
  return notOfType(b)
}

/**
 * Skips `values` whole msgpack values. Iterative (a container adds its elements to the count), so
 * a hostile datagram of nested arrays cannot overflow the stack.
 */
export function skipValues(buf: Uint8Array, pos: number, end: number, values: number): number {
  let remaining = values
  while (remaining > 0) {
    if (pos >= end) return TRUNCATED
    const b = buf[pos] ?? 0
    remaining--
    if (b < 0x80 || b >= 0xe0 || b === 0xc0 || b === 0xc2 || b === 0xc3) pos += 1
    else if (b <= 0x8f) {
      remaining += 2 * (b & 0x0f)
      pos += 1
    } else if (b <= 0x9f) {
      remaining += b & 0x0f
      pos += 1
    } else if (b <= 0xbf) pos += 1 + (b & 0x1f)
    else {
      switch (b) {
        case 0xcc:
        case 0xd0:
          pos += 2
          break
        case 0xcd:
        case 0xd1:
          pos += 3
          break
        case 0xce:
        case 0xd2:
        case 0xca:
          pos += 5
          break
        case 0xcf:
        case 0xd3:
        case 0xcb:
          pos += 9
          break
        case 0xd9:
        case 0xc4:
          if (pos + 2 > end) return TRUNCATED
          pos += 2 + (buf[pos + 1] ?? 0)
          break
        case 0xda:
        case 0xc5:
          if (pos + 3 > end) return TRUNCATED
          pos += 3 + uint16(buf, pos + 1)
          break
        case 0xdb:
        case 0xc6:
          if (pos + 5 > end) return TRUNCATED
          pos += 5 + uint32(buf, pos + 1)
          break
        case 0xdc:
          if (pos + 3 > end) return TRUNCATED
          remaining += uint16(buf, pos + 1)
          pos += 3
          break
        case 0xdd:
          if (pos + 5 > end) return TRUNCATED
          remaining += uint32(buf, pos + 1)
          pos += 5
          break
        case 0xde:
          if (pos + 3 > end) return TRUNCATED
          remaining += 2 * uint16(buf, pos + 1)
          pos += 3
          break
        case 0xdf:
          if (pos + 5 > end) return TRUNCATED
          remaining += 2 * uint32(buf, pos + 1)
          pos += 5
          break
        default:
          return BAD_ENCODING // 0xc1 and the ext family: events never carry ext values
      }
    }
  }
  return pos > end ? TRUNCATED : pos
}
