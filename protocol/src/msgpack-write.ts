// The few msgpack writers the encoder needs, writing into a caller-owned buffer. Canonical forms
// (SPEC.md §4): integers in [-2^31, 2^32) use the smallest int type, every other number float64.

export function numberBytes(value: number): number {
  if (Number.isInteger(value) && value >= -2147483648 && value <= 0xffffffff) {
    if (value >= 0) return value < 0x80 ? 1 : value < 0x100 ? 2 : value < 0x10000 ? 3 : 5
    return value >= -32 ? 1 : value >= -128 ? 2 : value >= -32768 ? 3 : 5
  }
  return 9
}

export function writeNumber(buf: Uint8Array, view: DataView, pos: number, value: number): number {
  if (Number.isInteger(value) && value >= -2147483648 && value <= 0xffffffff) {
    if (value >= 0) return writeUint(buf, view, pos, value, 0x80, 0x00, 0xcc)
    if (value >= -32) {
      buf[pos] = value & 0xff
      return pos + 1
    }
    if (value >= -128) {
      buf[pos] = 0xd0
      view.setInt8(pos + 1, value)
      return pos + 2
    }
    if (value >= -32768) {
      buf[pos] = 0xd1
      view.setInt16(pos + 1, value)
      return pos + 3
    }
    buf[pos] = 0xd2
    view.setInt32(pos + 1, value)
    return pos + 5
  }
  buf[pos] = 0xcb
  view.setFloat64(pos + 1, value)
  return pos + 9
}

export function strHeaderBytes(byteLength: number): number {
  return byteLength < 32 ? 1 : byteLength < 0x100 ? 2 : byteLength < 0x10000 ? 3 : 5
}

export function writeStrHeader(buf: Uint8Array, view: DataView, pos: number, byteLength: number): number {
  return writeUint(buf, view, pos, byteLength, 32, 0xa0, 0xd9)
}

// An unsigned int or str length in its smallest form: below `fixLimit` one byte (`fixTag` | n),
// else one of three tags in a row (`tag8`, then +1 for 16 bits, +2 for 32 bits) and big-endian n.
// uint8/16/32 (cc cd ce) and str8/16/32 (d9 da db) are laid out alike in msgpack.
function writeUint(
  buf: Uint8Array,
  view: DataView,
  pos: number,
  n: number,
  fixLimit: number,
  fixTag: number,
  tag8: number,
): number {
  if (n < fixLimit) {
    buf[pos] = fixTag | n
    return pos + 1
  }
  if (n < 0x100) {
    buf[pos] = tag8
    buf[pos + 1] = n
    return pos + 2
  }
  if (n < 0x10000) {
    buf[pos] = tag8 + 1
    view.setUint16(pos + 1, n)
    return pos + 3
  }
  buf[pos] = tag8 + 2
  view.setUint32(pos + 1, n)
  return pos + 5
}

export function writeMapHeader(buf: Uint8Array, view: DataView, pos: number, count: number): number {
  if (count < 16) {
    buf[pos] = 0x80 | count
    return pos + 1
  }
  buf[pos] = 0xde
  view.setUint16(pos + 1, count)
  return pos + 3
}

export function mapHeaderBytes(count: number): number {
  return count < 16 ? 1 : 3
}

// A whole msgpack str (header + UTF-8 bytes) as a fresh array: used once per name, then cached.
export function encodeStr(text: string): Uint8Array {
  const utf8 = Buffer.from(text, 'utf8')
  const out = new Uint8Array(strHeaderBytes(utf8.length) + utf8.length)
  const headerEnd = writeStrHeader(out, new DataView(out.buffer), 0, utf8.length)
  out.set(utf8, headerEnd)
  return out
}
