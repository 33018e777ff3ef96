import { describe, expect, it } from 'vitest'
import { TaskmeterError, createClient } from './index.js'
import { type ClientOptions, isLoopbackHost, resolveOptions } from './options.js'

function errorOf(options: ClientOptions): TaskmeterError {
  try {
    resolveOptions(options)
  } catch (error) {
    if (error instanceof TaskmeterError) return error
    throw error
  }
  throw new Error('expected a TaskmeterError')
}

describe('resolveOptions', () => {
  it('has hot-shots-like defaults', () => {
    const options = resolveOptions({ env: {} })
    expect(options).toMatchObject({
      host: '127.0.0.1',
      port: 8125,
      prefix: '',
      tags: null,
      maxDatagramBytes: 16384,
      flushIntervalMs: 100,
      sampleRate: 1,
      errorHandler: null,
      mock: false,
      reportUrl: 'http://127.0.0.1:3000',
      reportTimeoutMs: 2000,
    })
    expect(Object.isFrozen(options)).toBe(true)
  })

  it('keeps datagrams at 1432 bytes off loopback (SPEC.md §1)', () => {
    expect(resolveOptions({ host: 'agent.internal', env: {} }).maxDatagramBytes).toBe(1432)
    expect(resolveOptions({ host: '10.0.0.5', env: {} }).maxDatagramBytes).toBe(1432)
    expect(resolveOptions({ host: '10.0.0.5', maxBufferSize: 9000, env: {} }).maxDatagramBytes).toBe(9000)
    expect(['localhost', '127.0.0.1', '127.1.2.3', '::1'].every(isLoopbackHost)).toBe(true)
    expect(['127.0.0.1.example.com', '::ffff:10.0.0.1', 'local'].some(isLoopbackHost)).toBe(false)
  })

  it('falls back to TASKMETER_HOST and TASKMETER_PORT; options win', () => {
    const env = { TASKMETER_HOST: 'sidecar', TASKMETER_PORT: '9125' }
    expect(resolveOptions({ env })).toMatchObject({ host: 'sidecar', port: 9125, reportUrl: 'http://sidecar:3000' })
    expect(resolveOptions({ env, host: 'other', port: 1 })).toMatchObject({ host: 'other', port: 1 })
    expect(resolveOptions({ env: { TASKMETER_PORT: '' } }).port).toBe(8125)
  })

  it('brackets an IPv6 host in the default report URL and trims a given one', () => {
    expect(resolveOptions({ host: '::1', env: {} }).reportUrl).toBe('http://[::1]:3000')
    expect(resolveOptions({ reportUrl: 'http://agent:4000/', env: {} }).reportUrl).toBe('http://agent:4000')
  })

  it('rejects bad options with a one-line TM_ERR_INVALID_OPTION naming the option', () => {
    const cases: Array<[ClientOptions, RegExp]> = [
      [{ port: 0 }, /^taskmeter client: port must be an integer 1\.\.65535 \(got 0\)$/],
      [{ port: 1.5 }, /port must be an integer/],
      [
        { env: { TASKMETER_PORT: 'abc' } },
        /^taskmeter client: TASKMETER_PORT must be an integer 1\.\.65535 \(got "abc"\)$/,
      ],
      [{ env: { TASKMETER_PORT: '70000' } }, /TASKMETER_PORT must be/],
      [{ host: '' }, /host must be a non-empty string/],
      [{ prefix: 'p'.repeat(200) }, /prefix must be a string under 200 bytes/],
      [{ maxBufferSize: 63 }, /maxBufferSize must be an integer 64\.\.65507/],
      [{ maxBufferSize: 65508 }, /maxBufferSize/],
      [{ bufferFlushInterval: 0 }, /bufferFlushInterval must be an integer 1\.\.60000/],
      [{ bufferFlushInterval: 60_001 }, /bufferFlushInterval/],
      [{ sampleRate: 0 }, /sampleRate must be a number in \(0, 1\]/],
      [{ sampleRate: Number.NaN }, /sampleRate/],
      [{ reportUrl: 'ftp://x' }, /reportUrl must be an http\(s\) URL/],
      [{ reportUrl: 'not a url' }, /reportUrl/],
      [{ tags: { a: 'b' }, globalTags: { c: 'd' } }, /tags or globalTags/],
      [{ tags: 'a:b' as never }, /tags must be an object or Map of string to string, or an array of 'key:value'/],
      [{ errorHandler: 'log' as never }, /errorHandler must be a function \(got "log"\)/],
      [{ mock: 'yes' as never }, /mock must be a boolean/],
    ]
    for (const [options, message] of cases) {
      const error = errorOf({ env: {}, ...options })
      expect(error.code).toBe('TM_ERR_INVALID_OPTION')
      expect(error.message).toMatch(message)
      expect(error.message).not.toContain('\n')
    }
  })

  it('createClient rejects tags the protocol cannot carry', () => {
    expect(() => createClient({ mock: true, tags: { '': 'empty key' } })).toThrow(TaskmeterError)
    expect(() => createClient({ mock: true, tags: { k: 'v'.repeat(201) } })).toThrow(
      /tags must be at most 16 string pairs/,
    )
  })
})
