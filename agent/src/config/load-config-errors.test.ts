// Every bad flag or env value is refused with one line naming the flag, and the memory budget.
import { describe, expect, it } from 'vitest'
import { exemplarStoreBytes } from '../aggregate/exemplar-store.js'
import { BASE_PROCESS_BYTES, agentWorstCaseBytes, bytesPerSeries } from './memory-budget.js'
import { MiB, load, configErrorOf, expectRefused } from './load-config.test-support.js'

describe('loadConfig refuses bad values with one line naming the flag', () => {
  const bad: ReadonlyArray<[string, string]> = [
    ['--port', 'abc'],
    ['--port', '65536'],
    ['--port', '-1'],
    ['--port', '80.5'],
    ['--port', ''],
    ['--udp-port', '70000'],
    ['--udp-port', 'x'],
    ['--host', 'bad host'],
    ['--host', 'a/b'],
    ['--udp-host', 'röot'],
    ['--window', '0'],
    ['--window', '3601'],
    ['--window', 'abc'],
    ['--window', '1.5'],
    ['--precision', '0'],
    ['--precision', '6'],
    ['--precision', 'two'],
    ['--buckets', ''],
    ['--buckets', '0.5,0.1'],
    ['--buckets', '0.1,0.1'],
    ['--buckets', '0,1'],
    ['--buckets', '-1,1'],
    ['--buckets', '0.1,,1'],
    ['--buckets', '0.1,abc'],
    ['--buckets', 'Infinity'],
    ['--buckets', Array.from({ length: 65 }, (_, i) => String(i + 1)).join(',')],
    ['--log-level', 'verbose'],
    ['--log-level', 'INFO'],
    ['--prometheus-url', 'not a url'],
    ['--prometheus-url', 'ftp://prom:9090'],
    ['--max-series', '0'],
    ['--max-series', '10000001'],
    ['--max-series', 'many'],
    ['--max-memory', '1MiB'],
    ['--max-memory', '12XB'],
    ['--max-memory', 'lots'],
    ['--max-memory', '-5GiB'],
    ['--recv-buffer', '2GiB'],
    ['--recv-buffer', '4 potatoes'],
    ['--udp-reader', 'fast'],
    ['--unix-socket-mode', '999'],
    ['--unix-socket-mode', 'rw-rw----'],
    ['--unix-socket', ''],
    ['--unix-socket', `/tmp/${'s'.repeat(120)}`],
  ]
  for (const [flag, value] of bad) {
    it(`${flag} ${JSON.stringify(value)}`, () => {
      const err = expectRefused([`${flag}=${value}`], flag)
      expect(err.message).toContain(JSON.stringify(value))
    })
  }

  it('says what is allowed', () => {
    expect(expectRefused(['--window', 'abc'], '--window').message).toBe(
      'config: --window must be an integer 1..3600 (got "abc")',
    )
    expect(expectRefused(['--port', '99999'], '--port').message).toBe(
      'config: --port must be an integer 0..65535 (got "99999")',
    )
    expect(expectRefused(['--log-level', 'loud'], '--log-level').message).toContain(
      'fatal, error, warn, info, debug, trace, silent',
    )
    expect(expectRefused(['--max-memory', '1MiB'], '--max-memory').message).toContain('512MiB')
    expect(expectRefused(['--prometheus-url', 'x'], '--prometheus-url').message).toContain('http')
  })

  it('refuses a unix socket the dgram reader cannot read', () => {
    expect(expectRefused(['--udp-reader', 'dgram', '--unix-socket', '/tmp/a.sock'], '--unix-socket').message).toBe(
      'config: --unix-socket needs the native reader: drop --udp-reader dgram or the unix socket',
    )
  })

  const badEnv: ReadonlyArray<[string, string, string]> = [
    ['METRICS_PORT', 'http', '--port'],
    ['UDP_PORT', '99999', '--udp-port'],
    ['WINDOW_SIZE', 'abc', '--window'],
    ['LATENCY_PRECISION', '9', '--precision'],
    ['LOG_LEVEL', 'chatty', '--log-level'],
    ['PROMETHEUS_URL', 'prom:9090', '--prometheus-url'],
  ]
  for (const [env, value, flag] of badEnv) {
    it(`${env}=${JSON.stringify(value)} names ${flag}`, () => {
      expectRefused([], flag, { [env]: value })
    })
  }

  it('a valid flag overrides a bad env value', () => {
    expect(load(['--window', '30'], { WINDOW_SIZE: 'abc' }).windowSeconds).toBe(30)
  })

  it('refuses unknown flags, missing values and stray arguments', () => {
    for (const argv of [['--nope'], ['--port'], ['extra'], ['--window', '10', 'extra']]) {
      const err = configErrorOf(argv)
      expect(err.code).toBe('TM_ERR_CONFIG')
      expect(err.message.startsWith('config: ')).toBe(true)
      expect(err.message).not.toMatch(/[\r\n]/)
    }
    expect(configErrorOf(['--nope']).message).toContain('--nope')
    expect(configErrorOf(['--port']).message).toContain('--port')
  })
})

describe('loadConfig memory budget', () => {
  const budget = (maxSeries: number, workers = 1, precision = 2, maxScrapeBytes = 64 * MiB): number =>
    agentWorstCaseBytes({ precision, maxSeries, maxScrapeBytes, workers, buckets: 12 })
  // The largest --max-series that fits `memory` with the other flags at their defaults.
  const fittingSeries = (memory: number, workers = 1): number => {
    let low = 1
    let high = 10_000_000
    while (low < high) {
      const mid = Math.ceil((low + high) / 2)
      if (budget(mid, workers) <= memory) low = mid
      else high = mid - 1
    }
    return low
  }

  it('refuses precision 5 at the default --max-series, naming the flags that change it', () => {
    const err = configErrorOf(['--precision', '5'])
    expect(err.code).toBe('TM_ERR_CONFIG')
    expect(err.message).not.toMatch(/[\r\n]/)
    for (const flag of ['--precision', '--max-series', '--max-scrape-bytes', '--max-memory'])
      expect(err.message).toContain(flag)
    expect(err.message).toContain('--precision 5')
    expect(err.message).toContain('--max-series 10000')
    expect(err.message).toContain('1280.0 MiB')
  })

  it('refuses precision 5 from LATENCY_PRECISION too', () => {
    expect(configErrorOf([], { LATENCY_PRECISION: '5' }).message).toContain('--max-memory')
  })

  it('allows precision 5 when --max-series is small enough', () => {
    const config = load(['--precision', '5', '--max-series', '1'])
    expect(config.worstCaseBytes).toBe(budget(1, 1, 5))
    expect(config.worstCaseBytes).toBeLessThanOrEqual(config.maxMemoryBytes)
  })

  it('refuses a --max-series that does not fit --max-memory, and accepts it with more memory', () => {
    const fitting = fittingSeries(1280 * MiB)
    expect(load(['--max-series', String(fitting)]).maxSeries).toBe(fitting)
    const err = configErrorOf(['--max-series', String(fitting + 1)])
    for (const flag of ['--precision', '--max-series', '--max-memory']) expect(err.message).toContain(flag)
    expect(load(['--max-series', String(fitting + 1), '--max-memory', '2GiB']).maxSeries).toBe(fitting + 1)
    expect(configErrorOf(['--max-series', '1000000', '--max-memory', '2GiB']).message).toContain('--max-series 1000000')
  })

  it('a smaller --max-scrape-bytes makes room for more series', () => {
    expect(configErrorOf(['--max-series', '20000']).message).toContain('--max-scrape-bytes 64.0 MiB')
    expect(load(['--max-series', '20000', '--max-scrape-bytes', '8MiB']).maxScrapeBytes).toBe(8 * MiB)
  })

  it('counts every --workers process for the series: N shards and the primary; scrapes once', () => {
    const one = load(['--max-series', '1000'])
    const scrape = 8 * 64 * MiB
    expect(load(['--max-series', '1000', '--workers', '3']).worstCaseBytes - scrape).toBe(
      (one.worstCaseBytes - scrape) * 4,
    )
    const fitting = fittingSeries(1280 * MiB)
    const err = configErrorOf(['--max-series', String(fitting), '--workers', '2'])
    for (const flag of ['--max-series', '--workers 2', '--max-memory']) expect(err.message).toContain(flag)
  })

  it('costs more per series at a higher precision', () => {
    for (let precision = 1; precision < 5; precision++)
      expect(bytesPerSeries(precision + 1)).toBeGreaterThan(bytesPerSeries(precision))
    // Precision 5 costs megabytes per task.
    expect(bytesPerSeries(5)).toBeGreaterThan(MiB)
  })

  it('counts label text at the protocol limits until the scrape cap bounds it', () => {
    // Each series may hold an exemplar store too: 968 bytes with the 12 default buckets.
    const series = (n: number): number => BASE_PROCESS_BYTES + n * (bytesPerSeries(2) + exemplarStoreBytes(12))
    // 1 000 series of 4 424 label bytes each, held 6 times; the scrape cap 8 times.
    expect(budget(1000) - series(1000)).toBe(6 * 1000 * 4424 + 8 * 64 * MiB)
    // 100 000 series could carry 420 MiB of labels; a 64 MiB body cannot show more than 64 MiB.
    expect(budget(100_000) - series(100_000)).toBe(6 * 64 * MiB + 8 * 64 * MiB)
  })
})
