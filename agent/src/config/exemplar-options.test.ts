// --exemplar-tags and --trace-url-template: their values from a flag, the env or the --config file,
// and one line naming the flag for a bad one.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { traceUrl } from './exemplar-options.js'
import { expectRefused, load } from './load-config.test-support.js'

describe('exemplar flags', () => {
  it('are off by default', () => {
    expect(load([]).exemplarTags).toBeNull()
    expect(load([]).traceUrlTemplate).toBeNull()
  })

  it('read the two tag keys and the template from flags and the config file', () => {
    expect(load(['--exemplar-tags', 'trace_id,span_id']).exemplarTags).toEqual(['trace_id', 'span_id'])
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'taskmeter-exemplar-')), 'agent.yml')
    writeFileSync(
      file,
      'exemplar-tags: dd.trace_id, dd.span_id\ntrace-url-template: http://jaeger:16686/trace/{trace_id}\n',
    )
    const config = load(['--config', file])
    expect(config.exemplarTags).toEqual(['dd.trace_id', 'dd.span_id'])
    expect(config.traceUrlTemplate).toBe('http://jaeger:16686/trace/{trace_id}')
  })

  it.each([['trace_id'], ['trace_id,span_id,x'], ['trace_id,trace_id'], ['trace_id,'], ['a:b,c'], ['a b,c']])(
    'refuses --exemplar-tags %s',
    (value) => {
      expectRefused(['--exemplar-tags', value], '--exemplar-tags')
    },
  )

  it.each([['jaeger/{trace_id}'], ['http://jaeger:16686/trace/'], ['ftp://x/{trace_id}']])(
    'refuses --trace-url-template %s',
    (value) => {
      expectRefused(['--trace-url-template', value], '--trace-url-template')
    },
  )

  it('fills both ids into the template', () => {
    expect(traceUrl('http://t/{trace_id}?span={span_id}&again={trace_id}', 'ab', 'cd')).toBe(
      'http://t/ab?span=cd&again=ab',
    )
  })
})
