import { describe, expect, it } from 'vitest'
import { TaskmeterError } from './config-error.js'
import { type Config, DEFAULT_BUCKETS, type Env, loadConfig } from './load-config.js'
import { BASE_PROCESS_BYTES, bytesPerSeries, worstCaseBytes } from './memory-budget.js'

const MiB = 1024 ** 2
const GiB = 1024 ** 3

function load(argv: readonly string[], env: Env = {}): Config {
  const config = loadConfig(argv, env, () => {})
  if (config === null) throw new Error('unexpected --help')
  return config
}

/** The TaskmeterError a bad config throws (fails the test when it does not throw one). */
function configErrorOf(argv: readonly string[], env: Env = {}): TaskmeterError {
  try {
    loadConfig(argv, env, () => {})
  } catch (err) {
    if (err instanceof TaskmeterError) return err
    throw err
  }
  throw new Error(`no error for ${JSON.stringify(argv)} ${JSON.stringify(env)}`)
}

function expectRefused(argv: readonly string[], flag: string, env: Env = {}): TaskmeterError {
  const err = configErrorOf(argv, env)
  expect(err.code).toBe('TM_ERR_CONFIG')
  expect(err.name).toBe('TaskmeterError')
  expect(err.message.startsWith(`config: ${flag} `)).toBe(true)
  expect(err.message).not.toMatch(/[\r\n]/)
  return err
}

describe('loadConfig defaults', () => {
  it('gives every flag its documented default', () => {
    const config = load([])
    expect(config).toEqual({
      port: 3000,
      udpPort: 8125,
      host: '0.0.0.0',
      udpHost: '127.0.0.1',
      windowSeconds: 60,
      precision: 2,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      logLevel: 'info',
      prometheusUrl: null,
      maxSeries: 10_000,
      maxMemoryBytes: 512 * MiB,
      recvBufferBytes: 4 * MiB,
      metricsAuth: null,
      ttlSeconds: 600,
      workers: 1,
      tcpPort: null,
      demo: false,
      mode: 'agent',
      loadTest: {
        durationSeconds: 60,
        concurrency: 100,
        ratePerSecond: null,
        task: 'load_test',
        errorRate: 0.01,
        requests: 1000,
        target: null,
        targetUrl: null,
        json: false,
      },
      doctor: { agentUrl: null },
      worstCaseBytes: worstCaseBytes(2, 10_000),
      nativeHistograms: { enabled: true, schema: null, maxBuckets: 160 },
      remoteWrite: { urls: [], intervalSeconds: 15, bearerToken: null, basicAuth: null, labels: [], queueSamples: 1_000_000 },
    })
    expect(DEFAULT_BUCKETS.split(',').map(Number)).toEqual(config.buckets)
    // The defaults themselves fit the default memory budget.
    expect(config.worstCaseBytes).toBeLessThanOrEqual(config.maxMemoryBytes)
  })

  it('returns a frozen config', () => {
    const config = load([])
    expect(Object.isFrozen(config)).toBe(true)
    expect(Object.isFrozen(config.buckets)).toBe(true)
  })

  it('lists every flag with its default and env variable in --help, and returns null', () => {
    let help = ''
    expect(loadConfig(['--help'], {}, (text) => (help += text))).toBeNull()
    const flat = help.replace(/\s+/g, ' ')
    for (const flag of ['--port', '--udp-port', '--host', '--udp-host', '--window', '--precision', '--buckets', '--log-level', '--prometheus-url', '--max-series', '--max-memory', '--recv-buffer', '--demo', '--help']) {
      expect(flat).toContain(flag)
    }
    for (const text of [
      'default: "3000", env: METRICS_PORT',
      'default: "8125", env: UDP_PORT',
      'default: "60", env: WINDOW_SIZE',
      'default: "2", env: LATENCY_PRECISION',
      'default: "info", env: LOG_LEVEL',
      'env: PROMETHEUS_URL',
      'default: "10000"',
      'default: "512MiB"',
      `default: "${DEFAULT_BUCKETS}"`,
    ]) {
      expect(flat).toContain(text)
    }
  })
})

describe('loadConfig flags and env', () => {
  const cases: ReadonlyArray<{ flag: string; env: string; key: keyof Config; envValue: string; flagValue: string; fromEnv: unknown; fromFlag: unknown }> = [
    { flag: '--port', env: 'METRICS_PORT', key: 'port', envValue: '9000', flagValue: '9001', fromEnv: 9000, fromFlag: 9001 },
    { flag: '--udp-port', env: 'UDP_PORT', key: 'udpPort', envValue: '9125', flagValue: '9126', fromEnv: 9125, fromFlag: 9126 },
    { flag: '--window', env: 'WINDOW_SIZE', key: 'windowSeconds', envValue: '30', flagValue: '120', fromEnv: 30, fromFlag: 120 },
    { flag: '--precision', env: 'LATENCY_PRECISION', key: 'precision', envValue: '1', flagValue: '2', fromEnv: 1, fromFlag: 2 },
    { flag: '--log-level', env: 'LOG_LEVEL', key: 'logLevel', envValue: 'debug', flagValue: 'warn', fromEnv: 'debug', fromFlag: 'warn' },
    {
      flag: '--prometheus-url',
      env: 'PROMETHEUS_URL',
      key: 'prometheusUrl',
      envValue: 'http://prom:9090/',
      flagValue: 'https://example.com/prom',
      fromEnv: 'http://prom:9090',
      fromFlag: 'https://example.com/prom',
    },
  ]

  for (const c of cases) {
    it(`${c.flag}: falls back to ${c.env}, and the flag wins over it`, () => {
      expect(load([], { [c.env]: c.envValue })[c.key]).toEqual(c.fromEnv)
      expect(load([c.flag, c.flagValue])[c.key]).toEqual(c.fromFlag)
      expect(load([c.flag, c.flagValue], { [c.env]: c.envValue })[c.key]).toEqual(c.fromFlag)
      expect(load([`${c.flag}=${c.flagValue}`], { [c.env]: c.envValue })[c.key]).toEqual(c.fromFlag)
    })
  }

  it('reads only the env it is given, and leaves process.env as it was', () => {
    const before = process.env.METRICS_PORT
    process.env.METRICS_PORT = '4444'
    try {
      expect(load([]).port).toBe(3000)
      expect(load([], { METRICS_PORT: '5555' }).port).toBe(5555)
      expect(process.env.METRICS_PORT).toBe('4444')
    } finally {
      if (before === undefined) delete process.env.METRICS_PORT
      else process.env.METRICS_PORT = before
    }
    load([], { WINDOW_SIZE: '10' })
    expect(process.env.WINDOW_SIZE).toBe(undefined)
  })

  it('takes the flags without env variables', () => {
    const config = load([
      '--host',
      '::1',
      '--udp-host',
      '0.0.0.0',
      '--buckets',
      '0.1, 0.5,2',
      '--max-series',
      '500',
      '--max-memory',
      '1GiB',
      '--recv-buffer',
      '0',
      '--demo',
    ])
    expect(config).toMatchObject({ host: '::1', udpHost: '0.0.0.0', buckets: [0.1, 0.5, 2], maxSeries: 500, maxMemoryBytes: GiB, recvBufferBytes: 0, demo: true })
    expect(config.worstCaseBytes).toBe(worstCaseBytes(2, 500))
  })

  it('accepts the limits of each range', () => {
    expect(load(['--port', '0', '--udp-port', '65535']).udpPort).toBe(65535)
    expect(load(['--window', '1']).windowSeconds).toBe(1)
    expect(load(['--window', '3600']).windowSeconds).toBe(3600)
    expect(load(['--precision', '1']).precision).toBe(1)
    expect(load(['--max-series', '1']).maxSeries).toBe(1)
    // 16MiB is a valid size, but below the process baseline: the budget (not the parser) refuses it.
    expect(configErrorOf(['--max-memory', '16MiB', '--max-series', '1']).message).toContain('above --max-memory 16.0 MiB')
    expect(load(['--recv-buffer', '1GiB']).recvBufferBytes).toBe(GiB)
    for (const level of ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) expect(load(['--log-level', level]).logLevel).toBe(level)
  })
})

describe('loadConfig sizes', () => {
  const sizes: ReadonlyArray<[string, number]> = [
    ['512MiB', 512 * MiB],
    ['1GiB', GiB],
    ['1gib', GiB],
    ['2 GiB', 2 * GiB],
    ['1.5GiB', 1.5 * GiB],
    ['536870912', 536_870_912],
    ['600MB', 600e6],
    ['600m', 600e6],
    ['1g', 1e9],
    ['500000kib', 500_000 * 1024],
    ['600000000b', 600_000_000],
  ]
  for (const [text, bytes] of sizes) {
    it(`parses --max-memory ${text}`, () => {
      expect(load(['--max-memory', text]).maxMemoryBytes).toBe(bytes)
    })
  }

  it('turns the StatsD TCP listener on with --tcp-port (0 = an ephemeral port) and refuses bad ports', () => {
    expect(load(['--tcp-port', '8126']).tcpPort).toBe(8126)
    expect(load(['--tcp-port', '0']).tcpPort).toBe(0)
    expect(() => load(['--tcp-port', '65536'])).toThrow(/^config: --tcp-port must be an integer 0\.\.65535 \(got "65536"\)$/)
    expect(() => load(['--tcp-port', 'tcp'])).toThrow(/--tcp-port/)
  })

  it('parses --recv-buffer in the same units', () => {
    expect(load(['--recv-buffer', '64kb']).recvBufferBytes).toBe(64_000)
    expect(load(['--recv-buffer', '8MiB']).recvBufferBytes).toBe(8 * MiB)
    expect(load(['--recv-buffer', '212992']).recvBufferBytes).toBe(212_992)
    expect(load(['--recv-buffer', '20000kib']).recvBufferBytes).toBe(20_000 * 1024)
    expect(load(['--recv-buffer', '17000b']).recvBufferBytes).toBe(17_000)
  })
})

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
  ]
  for (const [flag, value] of bad) {
    it(`${flag} ${JSON.stringify(value)}`, () => {
      const err = expectRefused([`${flag}=${value}`], flag)
      expect(err.message).toContain(JSON.stringify(value))
    })
  }

  it('says what is allowed', () => {
    expect(expectRefused(['--window', 'abc'], '--window').message).toBe('config: --window must be an integer 1..3600 (got "abc")')
    expect(expectRefused(['--port', '99999'], '--port').message).toBe('config: --port must be an integer 0..65535 (got "99999")')
    expect(expectRefused(['--log-level', 'loud'], '--log-level').message).toContain('fatal, error, warn, info, debug, trace, silent')
    expect(expectRefused(['--max-memory', '1MiB'], '--max-memory').message).toContain('512MiB')
    expect(expectRefused(['--prometheus-url', 'x'], '--prometheus-url').message).toContain('http')
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
  it('refuses precision 5 at the default --max-series, naming the three flags', () => {
    const err = configErrorOf(['--precision', '5'])
    expect(err.code).toBe('TM_ERR_CONFIG')
    expect(err.message).not.toMatch(/[\r\n]/)
    for (const flag of ['--precision', '--max-series', '--max-memory']) expect(err.message).toContain(flag)
    expect(err.message).toContain('--precision 5')
    expect(err.message).toContain('--max-series 10000')
    expect(err.message).toContain('512.0 MiB')
  })

  it('refuses precision 5 from LATENCY_PRECISION too', () => {
    expect(configErrorOf([], { LATENCY_PRECISION: '5' }).message).toContain('--max-memory')
  })

  it('allows precision 5 when --max-series is small enough', () => {
    const config = load(['--precision', '5', '--max-series', '1'])
    expect(config.worstCaseBytes).toBe(BASE_PROCESS_BYTES + bytesPerSeries(5))
    expect(config.worstCaseBytes).toBeLessThanOrEqual(config.maxMemoryBytes)
  })

  it('refuses a --max-series that does not fit --max-memory, and accepts it with more memory', () => {
    const perSeries = bytesPerSeries(2)
    const fitting = Math.floor((512 * MiB - BASE_PROCESS_BYTES) / perSeries)
    expect(load(['--max-series', String(fitting)]).maxSeries).toBe(fitting)
    const err = configErrorOf(['--max-series', String(fitting + 1)])
    for (const flag of ['--precision', '--max-series', '--max-memory']) expect(err.message).toContain(flag)
    expect(load(['--max-series', String(fitting + 1), '--max-memory', '1GiB']).maxSeries).toBe(fitting + 1)
    expect(configErrorOf(['--max-series', '1000000', '--max-memory', '1GiB']).message).toContain('--max-series 1000000')
  })

  it('costs more per series at a higher precision', () => {
    for (let precision = 1; precision < 5; precision++) expect(bytesPerSeries(precision + 1)).toBeGreaterThan(bytesPerSeries(precision))
    // Issue 14: precision 5 costs megabytes per task.
    expect(bytesPerSeries(5)).toBeGreaterThan(MiB)
  })
})
