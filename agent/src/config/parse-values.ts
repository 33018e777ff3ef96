// Parsers for flag and env values. Each returns the value or throws a config error that names the
// flag, what is allowed, and what was given.
import { configError } from './taskmeter-error.js'

export function parseInteger(flag: string, raw: string, min: number, max: number): number {
  const value = Number(raw)
  if (raw.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
    throw configError(`${flag} must be an integer ${min}..${max} (got ${JSON.stringify(raw)})`)
  }
  return value
}

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1e3,
  kb: 1e3,
  kib: 1024,
  m: 1e6,
  mb: 1e6,
  mib: 1024 ** 2,
  g: 1e9,
  gb: 1e9,
  gib: 1024 ** 3,
}

/** Bytes: "536870912", "512MiB", "1GiB", "64kb". */
export function parseBytes(flag: string, raw: string, min: number, max: number): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(raw)
  const unit = match === null ? undefined : SIZE_UNITS[(match[2] ?? '').toLowerCase()]
  const value = match === null || unit === undefined ? NaN : Math.round(Number(match[1]) * unit)
  if (!(value >= min && value <= max)) {
    throw configError(`${flag} must be a size ${min}..${max} bytes, e.g. 512MiB (got ${JSON.stringify(raw)})`)
  }
  return value
}

export function parseBuckets(flag: string, raw: string): number[] {
  const parts = raw.split(',').map((part) => part.trim())
  const values = parts.map(Number)
  const ok =
    parts.length >= 1 &&
    parts.length <= 64 &&
    values.every((v, i) => Number.isFinite(v) && v > 0 && parts[i] !== '' && (i === 0 || v > (values[i - 1] ?? 0)))
  if (!ok)
    throw configError(
      `${flag} must be 1..64 increasing positive numbers of seconds, comma-separated (got ${JSON.stringify(raw)})`,
    )
  return values
}

export function parseChoice<T extends string>(flag: string, raw: string, choices: readonly T[]): T {
  const found = choices.find((choice) => choice === raw)
  if (found === undefined)
    throw configError(`${flag} must be one of ${choices.join(', ')} (got ${JSON.stringify(raw)})`)
  return found
}

export function parseHost(flag: string, raw: string): string {
  if (!/^[A-Za-z0-9.:_-]+$/.test(raw))
    throw configError(`${flag} must be an IP address or host name (got ${JSON.stringify(raw)})`)
  return raw
}

export function parseUrl(flag: string, raw: string): string {
  let url: URL | null = null
  try {
    url = new URL(raw)
  } catch {
    url = null
  }
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw configError(`${flag} must be an http(s) URL such as http://localhost:9090 (got ${JSON.stringify(raw)})`)
  }
  return raw.replace(/\/+$/, '')
}
