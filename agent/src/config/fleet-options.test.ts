// Flags for fleet-wide percentiles: native histograms and remote write, with defaults, ranges and one-line errors.
import { describe, expect, it } from 'vitest'
import { loadConfig } from './load-config.js'

function load(argv: string[], env: Record<string, string> = {}) {
  const config = loadConfig(argv, env, () => {})
  if (config === null) throw new Error('help')
  return config
}

describe('native histogram flags', () => {
  it('defaults to on, schema from --precision, 160 buckets', () => {
    expect(load([]).nativeHistograms).toEqual({ enabled: true, schema: null, maxBuckets: 160 })
  })

  it('accepts --native-histograms=false, --native-schema -4..8 and --native-max-buckets', () => {
    expect(load(['--native-histograms=false']).nativeHistograms.enabled).toBe(false)
    expect(load(['--native-histograms']).nativeHistograms.enabled).toBe(true)
    expect(load(['--native-schema', '-4', '--native-max-buckets', '40']).nativeHistograms).toEqual({
      enabled: true,
      schema: -4,
      maxBuckets: 40,
    })
    expect(() => load(['--native-schema', '9'])).toThrow('config: --native-schema must be an integer -4..8 (got "9")')
    expect(() => load(['--native-histograms=maybe'])).toThrow(
      'config: --native-histograms must be true or false (got "maybe")',
    )
    expect(() => load(['--native-max-buckets', '2'])).toThrow(/--native-max-buckets must be an integer 4\.\.65536/)
  })
})

describe('remote write flags', () => {
  it('is off by default and refuses its flags without --remote-write', () => {
    expect(load([]).remoteWrite.urls).toEqual([])
    expect(() => load(['--label', 'job=x'])).toThrow('config: --label only applies with --remote-write')
    expect(() => load(['--remote-write-interval', '5'])).toThrow(
      'config: --remote-write-interval only applies with --remote-write',
    )
  })

  it('takes repeated URLs and labels, an interval, a queue and one kind of auth', () => {
    const config = load([
      '--remote-write',
      'http://127.0.0.1:9090/api/v1/write',
      '--remote-write',
      'https://mimir.example/api/v1/push',
      '--remote-write-interval',
      '5',
      '--label',
      'job=api',
      '--label',
      'instance=pod-1',
      '--remote-write-queue',
      '5000',
      '--remote-write-bearer-token',
      's3cret',
    ])
    expect(config.remoteWrite).toEqual({
      urls: ['http://127.0.0.1:9090/api/v1/write', 'https://mimir.example/api/v1/push'],
      intervalSeconds: 5,
      bearerToken: 's3cret',
      basicAuth: null,
      labels: [
        ['job', 'api'],
        ['instance', 'pod-1'],
      ],
      queueSamples: 5000,
    })
    expect(config.remoteWrite.intervalSeconds).toBe(5)
    const basic = load(['--remote-write', 'http://h/w'], { REMOTE_WRITE_BASIC_AUTH: 'user:pa:ss' }).remoteWrite
    expect([basic.basicAuth, basic.intervalSeconds, basic.queueSamples]).toEqual([
      { username: 'user', password: 'pa:ss' },
      15,
      1_000_000,
    ])
  })

  it('rejects bad URLs, labels and combined auth in one line', () => {
    expect(() => load(['--remote-write', 'ftp://x'])).toThrow(/config: --remote-write must be an http\(s\) URL/)
    expect(() => load(['--remote-write', 'http://h/w', '--label', 'le=1'])).toThrow(
      /config: --label must be name=value/,
    )
    expect(() => load(['--remote-write', 'http://h/w', '--label', 'no-equals'])).toThrow(
      /config: --label must be name=value/,
    )
    expect(() =>
      load(['--remote-write', 'http://h/w', '--remote-write-bearer-token', 't', '--remote-write-basic-auth', 'u:p']),
    ).toThrow(/cannot be combined/)
    expect(() => load(['--remote-write', 'http://h/w', '--remote-write-basic-auth', 'nopassword'])).toThrow(
      /must be user:password/,
    )
  })
})
