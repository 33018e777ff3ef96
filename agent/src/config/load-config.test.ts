import { describe, expect, it } from 'vitest'
import { type Config, DEFAULT_BUCKETS, loadConfig } from './load-config.js'
import { agentWorstCaseBytes } from './memory-budget.js'
import { MiB, GiB, load, configErrorOf } from './load-config.test-support.js'

// The worst case of the flags' defaults but --max-series and the number of --buckets.
const worstAtPrecision2 = (maxSeries: number, buckets: number): number =>
  agentWorstCaseBytes({ precision: 2, maxSeries, maxScrapeBytes: 64 * MiB, workers: 1, buckets })
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
      // Not a terminal here: JSON lines, as a sidecar logs.
      logFormat: 'json',
      prometheusUrl: null,
      maxSeries: 10_000,
      maxMemoryBytes: 1280 * MiB,
      memoryBudgetFrom: 'default',
      cgroupMemoryLimitBytes: null,
      maxScrapeBytes: 64 * MiB,
      recvBufferBytes: 4 * MiB,
      metricsAuth: null,
      ttlSeconds: 600,
      workers: 1,
      tcpPort: null,
      udpReader: 'auto',
      unixSocket: null,
      unixSocketMode: 0o660,
      stateFile: null,
      stateIntervalSeconds: 30,
      stateDiscardIncompatible: false,
      maxClients: 1024,
      exemplarTags: null,
      traceUrlTemplate: null,
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
      doctor: { agentUrl: null, json: false },
      worstCaseBytes: worstAtPrecision2(10_000, 12),
      nativeHistograms: { enabled: true, schema: null, maxBuckets: 160 },
      remoteWrite: {
        urls: [],
        intervalSeconds: 15,
        bearerToken: null,
        basicAuth: null,
        labels: [],
        queueSamples: 1_000_000,
      },
      mappingConfigPath: null,
      mapping: null,
      mapProtocol: false,
      statsdTagFormats: ['dogstatsd', 'influxdb', 'librato', 'signalfx'],
      configPath: null,
      checkConfig: false,
      source: { argv: [], env: {} },
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
    for (const flag of [
      '--port',
      '--udp-port',
      '--host',
      '--udp-host',
      '--window',
      '--precision',
      '--buckets',
      '--log-level',
      '--prometheus-url',
      '--max-series',
      '--max-memory',
      '--recv-buffer',
      '--demo',
      '--help',
    ]) {
      expect(flat).toContain(flag)
    }
    for (const text of [
      '[or env METRICS_PORT] (default: "3000", env: TASKMETER_PORT)',
      '[or env UDP_PORT] (default: "8125", env: TASKMETER_UDP_PORT)',
      '[or env WINDOW_SIZE] (default: "60", env: TASKMETER_WINDOW)',
      '[or env LATENCY_PRECISION] (default: "2", env: TASKMETER_PRECISION)',
      '[or env LOG_LEVEL] (default: "info", env: TASKMETER_LOG_LEVEL)',
      '[or env PROMETHEUS_URL] (env: TASKMETER_PROMETHEUS_URL)',
      'env: TASKMETER_MAX_SERIES',
      'env: TASKMETER_CONFIG',
      'default: "10000"',
      'default: "1.25GiB"',
      'default: "64MiB"',
      `default: "${DEFAULT_BUCKETS}"`,
    ]) {
      expect(flat).toContain(text)
    }
  })
})

describe('loadConfig flags and env', () => {
  const cases: ReadonlyArray<{
    flag: string
    env: string
    key: keyof Config
    envValue: string
    flagValue: string
    fromEnv: unknown
    fromFlag: unknown
  }> = [
    {
      flag: '--port',
      env: 'METRICS_PORT',
      key: 'port',
      envValue: '9000',
      flagValue: '9001',
      fromEnv: 9000,
      fromFlag: 9001,
    },
    {
      flag: '--udp-port',
      env: 'UDP_PORT',
      key: 'udpPort',
      envValue: '9125',
      flagValue: '9126',
      fromEnv: 9125,
      fromFlag: 9126,
    },
    {
      flag: '--window',
      env: 'WINDOW_SIZE',
      key: 'windowSeconds',
      envValue: '30',
      flagValue: '120',
      fromEnv: 30,
      fromFlag: 120,
    },
    {
      flag: '--precision',
      env: 'LATENCY_PRECISION',
      key: 'precision',
      envValue: '1',
      flagValue: '2',
      fromEnv: 1,
      fromFlag: 2,
    },
    {
      flag: '--log-level',
      env: 'LOG_LEVEL',
      key: 'logLevel',
      envValue: 'debug',
      flagValue: 'warn',
      fromEnv: 'debug',
      fromFlag: 'warn',
    },
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
    expect(config).toMatchObject({
      host: '::1',
      udpHost: '0.0.0.0',
      buckets: [0.1, 0.5, 2],
      maxSeries: 500,
      maxMemoryBytes: GiB,
      recvBufferBytes: 0,
      demo: true,
    })
    expect(config.worstCaseBytes).toBe(worstAtPrecision2(500, 3))
  })

  it('accepts the limits of each range', () => {
    expect(load(['--port', '0', '--udp-port', '65535']).udpPort).toBe(65535)
    expect(load(['--window', '1']).windowSeconds).toBe(1)
    expect(load(['--window', '3600']).windowSeconds).toBe(3600)
    expect(load(['--precision', '1']).precision).toBe(1)
    expect(load(['--max-series', '1']).maxSeries).toBe(1)
    // 16MiB is a valid size, but below the process baseline: the budget (not the parser) refuses it.
    expect(configErrorOf(['--max-memory', '16MiB', '--max-series', '1']).message).toContain(
      'above --max-memory 16.0 MiB',
    )
    expect(load(['--recv-buffer', '1GiB']).recvBufferBytes).toBe(GiB)
    for (const level of ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      expect(load(['--log-level', level]).logLevel).toBe(level)
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
      // Few series and a small scrape cap keep the worst case under the smallest of these sizes.
      expect(load(['--max-memory', text, '--max-series', '1000', '--max-scrape-bytes', '8MiB']).maxMemoryBytes).toBe(
        bytes,
      )
    })
  }

  it('turns the StatsD TCP listener on with --tcp-port (0 = an ephemeral port) and refuses bad ports', () => {
    expect(load(['--tcp-port', '8126']).tcpPort).toBe(8126)
    expect(load(['--tcp-port', '0']).tcpPort).toBe(0)
    expect(() => load(['--tcp-port', '65536'])).toThrow(
      /^config: --tcp-port must be an integer 0\.\.65535 \(got "65536"\)$/,
    )
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
