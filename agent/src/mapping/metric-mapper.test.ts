// Matching semantics: the cases are our own, written to behave as statsd_exporter's mapper does
// (glob fields, first rule wins, glob before regex, captures, honor_labels, metric types).
import { describe, expect, it } from 'vitest'
import { mapperFrom } from '../config/mapping-file.test-support.js'

const DISPATCH = `
mappings:
- match: test.dispatcher.*.*.*
  name: dispatch_events
  labels: { processor: "$1", action: "$2", outcome: "$3", team: "core" }
- match: "*.*"
  name: catchall
  labels: { first: "$1", second: "\${2}", joined: "$1-$2-$3" }
- match: (.*)\\.(.*)-(.*)\\.(.*)
  match_type: regex
  name: proxy_requests
  labels: { instance_name: "$1", proto: "$2", endpoint: "$3", outcome: "$4" }
`

describe('MetricMapper', () => {
  it('maps glob captures into the name and labels, $1 and its braced form alike', () => {
    const mapper = mapperFrom(DISPATCH)
    expect(mapper.map('test.dispatcher.Foo.send.ok', 'counter', null)).toMatchObject({
      action: 'map',
      name: 'dispatch_events',
      labels: [
        ['processor', 'Foo'],
        ['action', 'send'],
        ['outcome', 'ok'],
        ['team', 'core'],
      ],
    })
    // A capture the rule does not have is empty.
    expect(mapper.map('foo.bar', 'gauge', null)?.labels).toEqual([
      ['first', 'foo'],
      ['second', 'bar'],
      ['joined', 'foo-bar-'],
    ])
  })

  it('matches a glob field by field: * is one whole field, also an empty one', () => {
    const mapper = mapperFrom(DISPATCH)
    expect(mapper.map('foo.bar.baz', 'counter', null)).toBeNull()
    expect(mapper.map('foo.', 'counter', null)?.labels[1]).toEqual(['second', ''])
    expect(mapper.map('test.dispatcher.a.b', 'counter', null)).toBeNull()
  })

  it('tries regex rules (unanchored, in order) only when no glob rule matched', () => {
    const mapper = mapperFrom(DISPATCH)
    expect(mapper.map('proxy-1.http-goober.success', 'counter', null)).toMatchObject({
      name: 'proxy_requests',
      labels: [
        ['instance_name', 'proxy-1'],
        ['proto', 'http'],
        ['endpoint', 'goober'],
        ['outcome', 'success'],
      ],
    })
  })

  it('gives the first matching rule in the file, unless glob ordering is disabled', () => {
    const rules = `
mappings:
- { match: order.*.*, name: first, labels: { l: "$1" } }
- { match: order.*.bbb, name: second, labels: { l: "$1" } }
- { match: order.ccc.bbb, name: third }
`
    expect(mapperFrom(rules).map('order.good.bbb', 'counter', null)?.name).toBe('first')
    expect(mapperFrom(rules).map('order.ccc.bbb', 'counter', null)?.name).toBe('first')
    const unordered = `defaults: { glob_disable_ordering: true }\n${rules}`
    expect(mapperFrom(unordered).map('order.good.bbb', 'counter', null)?.name).toBe('second')
    expect(mapperFrom(unordered).map('order.ccc.bbb', 'counter', null)?.name).toBe('third')
    expect(mapperFrom(unordered).map('order.good.zzz', 'counter', null)).toMatchObject({ name: 'first' })
  })

  it('keeps the captures of the rule that won, not of a later branch that failed', () => {
    const mapper = mapperFrom(`
mappings:
- { match: "*.dummy.*", name: one, labels: { system: "$1", attribute: "$2" } }
- { match: full.name.*, name: two, labels: { system: static, attribute: "$1" } }
`)
    expect(mapper.map('full.name.other', 'counter', null)?.labels).toEqual([
      ['system', 'static'],
      ['attribute', 'other'],
    ])
    expect(mapper.map('x.dummy.y', 'counter', null)?.labels).toEqual([
      ['system', 'x'],
      ['attribute', 'y'],
    ])
  })

  it('filters by match_metric_type: c is counter, g and s gauge, ms/h/d observer', () => {
    const mapper = mapperFrom(`
mappings:
- { match: api.*, name: api_calls, match_metric_type: counter }
- { match: api.*, name: api_latency, match_metric_type: observer }
- { match: "api\\\\.(.*)", match_type: regex, name: api_level, match_metric_type: gauge }
`)
    expect(mapper.map('api.get', 'counter', null)?.name).toBe('api_calls')
    expect(mapper.map('api.get', 'observer', null)?.name).toBe('api_latency')
    expect(mapper.map('api.get', 'gauge', null)?.name).toBe('api_level')
  })

  it('lets the rule override line tags, or the line win with honor_labels', () => {
    const rules = (honor: boolean): string => `
mappings:
- { match: svc.*, name: svc, honor_labels: ${honor}, labels: { env: "$1", team: core } }
`
    const tags: Array<[string, string]> = [
      ['env', 'from-line'],
      ['region', 'eu'],
    ]
    expect(mapperFrom(rules(false)).map('svc.prod', 'counter', tags)?.labels).toEqual([
      ['env', 'prod'],
      ['region', 'eu'],
      ['team', 'core'],
    ])
    expect(mapperFrom(rules(true)).map('svc.prod', 'counter', tags)?.labels).toEqual([
      ['env', 'from-line'],
      ['region', 'eu'],
      ['team', 'core'],
    ])
  })

  it('reports drop rules, and regex named groups expand', () => {
    const mapper = mapperFrom(`
mappings:
- { match: debug.*, action: drop }
- { match: "^job\\\\.(?P<queue>\\\\w+)\\\\.done$", match_type: regex, name: "jobs_\${queue}", labels: { q: "$queue" } }
- { match: "(?i)^LOUD\\\\.(\\\\w+)", match_type: regex, name: loud, labels: { what: "$1" } }
`)
    expect(mapper.map('debug.x', 'counter', null)?.action).toBe('drop')
    expect(mapper.map('job.mail.done', 'counter', null)).toMatchObject({ name: 'jobs_mail', labels: [['q', 'mail']] })
    expect(mapper.map('loud.Bang', 'counter', null)).toMatchObject({ name: 'loud', labels: [['what', 'Bang']] })
    expect(mapper.map('other', 'counter', null)).toBeNull()
  })

  it('finds the one rule of 50 that share every field but the last', () => {
    let rules = 'mappings:\n'
    for (let i = 0; i < 50; i++) rules += `- { match: "a.*.*.*.*.*.*.*.*.*.*.x${i}", name: r${i} }\n`
    const mapper = mapperFrom(rules)
    const name = 'a.b.c.d.e.f.g.h.i.j.k.x49'
    expect(mapper.map(name, 'counter', null)?.name).toBe('r49')
    expect(mapper.map('a.b.c.d.e.f.g.h.i.j.k.none', 'counter', null)).toBeNull()
  })
})
