import { describe, expect, it } from 'vitest'
import { loadConfig } from './load-config.js'

describe('--log-format', () => {
  const NO_LIMIT = (): null => null
  it('defaults to pretty on a terminal and json otherwise; the flag and its env win', () => {
    expect(loadConfig([], {}, () => {}, NO_LIMIT, true)?.logFormat).toBe('pretty')
    expect(loadConfig([], {}, () => {}, NO_LIMIT, false)?.logFormat).toBe('json')
    expect(loadConfig(['--log-format', 'json'], {}, () => {}, NO_LIMIT, true)?.logFormat).toBe('json')
    expect(loadConfig([], { TASKMETER_LOG_FORMAT: 'pretty' }, () => {}, NO_LIMIT, false)?.logFormat).toBe('pretty')
  })

  it('refuses another value, naming where it was written', () => {
    expect(() => loadConfig([], { TASKMETER_LOG_FORMAT: 'xml' }, () => {}, NO_LIMIT, false)).toThrow(
      'config: --log-format (from TASKMETER_LOG_FORMAT) must be json or pretty (got "xml")',
    )
  })
})
