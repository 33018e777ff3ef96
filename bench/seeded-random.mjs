// xorshift32: the same values on every run, so benchmark figures compare across commits.
export function random(start) {
  let x = start >>> 0
  return () => {
    x ^= x << 13
    x >>>= 0
    x ^= x >>> 17
    x ^= x << 5
    x >>>= 0
    return x / 0x100000000
  }
}
