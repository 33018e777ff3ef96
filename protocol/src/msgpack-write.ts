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
    if (value >= 0) {
      if (value < 0x80) {
        buf[pos] = value
        return pos + 1
      }
      if (value < 0x100) {
        buf[pos] = 0xcc
        buf[pos + 1] = value
        return pos + 2
      }
      if (value < 0x10000) {
        buf[pos] = 0xcd
        view.setUint16(pos + 1, value)
        return pos + 3
      }
      buf[pos] = 0xce
      view.setUint32(pos + 1, value)
      return pos + 5
    }
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
  if (byteLength < 32) {
    buf[pos] = 0xa0 | byteLength
    return pos + 1
  }
  if (byteLength < 0x100) {
    buf[pos] = 0xd9
    buf[pos + 1] = byteLength
    return pos + 2
  }
  if (byteLength < 0x10000) {
    buf[pos] = 0xda
    view.setUint16(pos + 1, byteLength)
    return pos + 3
  }
  buf[pos] = 0xdb
  view.setUint32(pos + 1, byteLength)
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
