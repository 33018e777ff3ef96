// Tags embedded in the StatsD name (InfluxDB, Librato, SignalFx) next to DogStatsD's `|#` field:
// each format, each format off (its bytes are then part of the name, as before it existed),
// mixed styles, the tag limits, the SignalFx positions, bare tags; and the --statsd-tag-formats
// value parser. Rows run through the table runner of statsd-line.test-support.ts.
import { MAX_TAGS } from '@taskmeter/protocol'
import { describe, expect, it } from 'vitest'
import { TaskmeterError } from '../config/taskmeter-error.js'
import { type Row, itRows } from './statsd-line.test-support.js'
import { ALL_STATSD_TAG_FORMATS, STATSD_TAG_FORMATS, parseStatsdTagFormats } from './statsd-tag-formats.js'

const tags = (n: number, sep: string): string => Array.from({ length: n }, (_, i) => `k${i}${sep}v`).join(',')
const hits = (labels: Record<string, string>, value = 1): Row['effects'] => [{ counter: 'hits_total', labels, value }]
const EU = { env: 'prod', region: 'eu' }

const EACH_FORMAT: Row[] = [
  { text: 'hits,env=prod,region=eu:1|c', effects: hits(EU), kinds: { count: 1 } },
  { text: 'hits#env=prod,region=eu:1|c', effects: hits(EU), kinds: { count: 1 } },
  { text: 'hits:1|c|#env:prod,region:eu', effects: hits(EU), kinds: { count: 1 } },
  // SignalFx: the name is what stands around the brackets, wherever they are.
  {
    text: 'hi.[env=prod,region=eu]ts:1|c',
    effects: [{ counter: 'hi_ts_total', labels: EU, value: 1 }],
    kinds: { count: 1 },
  },
  { text: '[env=prod,region=eu]hits:1|c', effects: hits(EU), kinds: { count: 1 } },
  { text: 'hits[env=prod,region=eu]:1|c', effects: hits(EU), kinds: { count: 1 } },
  { text: 'hits.[]x:1|c', effects: [{ counter: 'hits_x_total', value: 1 }], kinds: { count: 1 } },
  // One family, one series per tag value; the same tags in any order or style are one series.
  {
    text: 'hits,code=200:1|c\nhits,code=500:1|c\nhits#code=200:1|c\nhits[code=200]:1|c\nhits:1|c|#code:200',
    effects: [...(hits({ code: '200' }, 4) ?? []), ...(hits({ code: '500' }) ?? [])],
    kinds: { count: 5 },
  },
  { text: 'hits,a=1,b=2:1|c\nhits,b=2,a=1:2|c', effects: hits({ a: '1', b: '2' }, 3), kinds: { count: 2 } },
  // Every type, several values and segments, rates, container ids and timestamps.
  {
    text: 'api,env=prod:7:3|ms|@0.5',
    effects: [{ task: 'api', labels: { env: 'prod' }, count: 4, sumMs: 20 }],
    kinds: { timing: 2 },
  },
  {
    text: 'temp#room=a:21|g\ntemp#room=a:+1|g',
    effects: [{ gauge: 'temp', labels: { room: 'a' }, value: 22 }],
    kinds: { gauge: 1, gauge_delta: 1 },
  },
  {
    text: 'size[q=x]:4|h:6|d',
    effects: [{ histogram: 'size', labels: { q: 'x' }, count: 2, sum: 10 }],
    kinds: { histogram: 2 },
  },
  { text: 'users,shard=1:alice|s', effects: [{ set: 'users', labels: { shard: '1' }, size: 1 }], kinds: { set: 1 } },
  {
    text: 'hits,env=prod:1|c|c:abc|T1700000000',
    effects: hits({ env: 'prod', container_id: 'abc' }),
    kinds: { count: 1 },
  },
  // Values split at the first '=' (as statsd_exporter); a bare tag is "true", as in DogStatsD.
  { text: 'hits,q=a=b:1|c', effects: hits({ q: 'a=b' }), kinds: { count: 1 } },
  { text: 'hits[canary,env=prod]:1|c', effects: hits({ canary: 'true', env: 'prod' }), kinds: { count: 1 } },
  { text: 'hits#canary:1|c', effects: hits({ canary: 'true' }), kinds: { count: 1 } },
  { text: 'hits,k=v:x|c', reasons: ['bad_value'] }, // a ':' ends the name: no value may hold one
  { text: 'hits,:1|c', effects: [{ counter: 'hits_total', value: 1 }], kinds: { count: 1 } }, // an empty list
  { text: 'hits,tag.a=1,tag_a=2:1|c', drops: { label_collision: 1 }, kinds: { count: 1 } },
  // Bytes that share a marker's low 5 bits (the name scan's first test) are plain name bytes.
  { text: 'Lcz=;<{}\\x:1|c', effects: [{ counter: 'Lcz______x_total', value: 1 }], kinds: { count: 1 } },
]

const MIXED_AND_MALFORMED: Row[] = [
  // A name-embedded style with DogStatsD tags on one line: which labels were meant is a guess.
  { text: 'hits,a=1:1|c|#b:2', reasons: ['mixed_tag_styles'] },
  { text: 'hits#a=1:1|c|@0.5|#b:2', reasons: ['mixed_tag_styles'] },
  { text: 'hits[a=1]:1|c|#b:2', reasons: ['mixed_tag_styles'] },
  { text: 'hits.[]x:1|c|#b:2', reasons: ['mixed_tag_styles'] },
  { text: 'hits,a=1:1|c:2|c|#b:2', reasons: ['mixed_tag_styles'] },
  { text: 'hits,a=1:1|c|#', effects: hits({ a: '1' }), kinds: { count: 1 } }, // '|#' with no tags
  // Two embedded styles: rejected, never split one way or the other.
  { text: 'hits,a=1#b=2:1|c', reasons: ['mixed_tag_styles'] },
  { text: 'hits#a=1,b=[2]:1|c', reasons: ['mixed_tag_styles'] },
  { text: 'hits,a=1.[b=2]x:1|c', reasons: ['mixed_tag_styles'] },
  { text: '[a=1]hits,b=2:1|c', reasons: ['mixed_tag_styles'] },
  { text: 'hits[a=1]#b=2:1|c', reasons: ['mixed_tag_styles'] },
  { text: 'hits[a=1][b=2]:1|c', reasons: ['mixed_tag_styles'] },
  { text: 'hits[a=[1]]:1|c', reasons: ['mixed_tag_styles'] },
  { text: 'hits#a=1#b=2:1|c', reasons: ['mixed_tag_styles'] },
  // A bracket without its pair.
  { text: 'hits[a=1:1|c', reasons: ['bad_tags'] },
  { text: 'hits]a=1:1|c', reasons: ['bad_tags'] },
  { text: 'a=1]hits[:1|c', reasons: ['bad_tags'] },
  // The limits and reasons of DogStatsD tags.
  { text: 'hits,=v:1|c', reasons: ['bad_tags'] },
  { text: 'hits#k=:1|c', reasons: ['bad_tags'] },
  { text: 'hits[a=1,,b=2]:1|c', reasons: ['bad_tags'] },
  { text: 'hits,a=1,:1|c', reasons: ['bad_tags'] },
  {
    text: `hits,${tags(MAX_TAGS, '=')}:1|c`,
    effects: hits(Object.fromEntries(Array.from({ length: MAX_TAGS }, (_, i) => [`k${i}`, 'v']))),
    kinds: { count: 1 },
  },
  { text: `hits,${tags(MAX_TAGS + 1, '=')}:1|c`, reasons: ['too_many_tags'] },
  { text: `hits[${tags(MAX_TAGS + 1, '=')}]:1|c`, reasons: ['too_many_tags'] },
  { text: `hits#${'k'.repeat(65)}=v:1|c`, reasons: ['tag_too_long'] },
  { text: `hits,k=${'v'.repeat(201)}:1|c`, reasons: ['tag_too_long'] },
  { text: `hits[k=${'v'.repeat(200)}]:1|c`, effects: hits({ k: 'v'.repeat(200) }), kinds: { count: 1 } },
  // The name limits apply to the name without its tags.
  {
    text: `${'x'.repeat(200)},k=${'v'.repeat(100)}:1|c`,
    effects: [{ counter: `${'x'.repeat(200)}_total`, labels: { k: 'v'.repeat(100) }, value: 1 }],
    kinds: { count: 1 },
  },
  { text: `${'x'.repeat(100)}.[k=v]${'x'.repeat(100)}:1|c`, reasons: ['name_too_long'] },
  { text: ',k=v:1|c', reasons: ['empty_name'] },
  { text: '[k=v]:1|c', reasons: ['empty_name'] },
]

const FORMATS_OFF: Row[] = [
  // Off: the syntax is part of the name (then sanitized), exactly as before the format existed.
  {
    text: 'hits,env=prod:1|c',
    formats: ['dogstatsd', 'librato', 'signalfx'],
    effects: [{ counter: 'hits_env_prod_total', value: 1 }],
    kinds: { count: 1 },
  },
  {
    text: 'hits#env=prod:1|c',
    formats: ['dogstatsd', 'influxdb', 'signalfx'],
    effects: [{ counter: 'hits_env_prod_total', value: 1 }],
    kinds: { count: 1 },
  },
  {
    text: 'hi.[env=prod]ts:1|c',
    formats: ['dogstatsd', 'influxdb', 'librato'],
    effects: [{ counter: 'hi__env_prod_ts_total', value: 1 }],
    kinds: { count: 1 },
  },
  // DogStatsD off: the '|#' field is ignored like any unknown field, and cannot mix.
  { text: 'hits:1|c|#env:prod', formats: ['influxdb', 'librato', 'signalfx'], effects: hits({}), kinds: { count: 1 } },
  { text: 'hits:1|c|#:bad', formats: ['influxdb'], effects: hits({}), kinds: { count: 1 } },
  { text: 'hits,a=1:1|c|#b:2', formats: ['influxdb'], effects: hits({ a: '1' }), kinds: { count: 1 } },
  // The marker of a style that is off is an ordinary byte of a value or of the name.
  {
    text: 'hits,color=#fff:1|g',
    formats: ['influxdb'],
    effects: [{ gauge: 'hits', labels: { color: '#fff' }, value: 1 }],
    kinds: { gauge: 1 },
  },
  { text: 'hits#k=a,b=[c]:1|c', formats: ['librato'], effects: hits({ k: 'a', b: '[c]' }), kinds: { count: 1 } },
  {
    text: 'hits,a=1.[b=2]x:1|c',
    formats: ['signalfx'],
    effects: [{ counter: 'hits_a_1_x_total', labels: { b: '2' }, value: 1 }],
    kinds: { count: 1 },
  },
  { text: 'hits]x:1|c', formats: ['dogstatsd'], effects: [{ counter: 'hits_x_total', value: 1 }], kinds: { count: 1 } },
  {
    text: 'hits,a=1#b=2[c]:1|c|#d:4',
    formats: [],
    effects: [{ counter: 'hits_a_1_b_2_c__total', value: 1 }],
    kinds: { count: 1 },
  },
  // All four on, given explicitly, is the default.
  { text: 'hits,env=prod,region=eu:1|c', formats: STATSD_TAG_FORMATS, effects: hits(EU), kinds: { count: 1 } },
]

describe('StatsD tags embedded in the name', () => {
  describe('each format', () => itRows(EACH_FORMAT))
  describe('mixed styles and malformed lists', () => itRows(MIXED_AND_MALFORMED))
  describe('formats turned off', () => itRows(FORMATS_OFF))
})

describe('parseStatsdTagFormats (--statsd-tag-formats)', () => {
  it('reads a comma list of the four formats, spaces around names allowed, repeats harmless', () => {
    expect([...parseStatsdTagFormats('dogstatsd,influxdb,librato,signalfx')]).toEqual([...STATSD_TAG_FORMATS])
    expect([...parseStatsdTagFormats(' influxdb , dogstatsd ')]).toEqual(['influxdb', 'dogstatsd'])
    expect([...parseStatsdTagFormats('librato,librato')]).toEqual(['librato'])
    expect([...ALL_STATSD_TAG_FORMATS].sort()).toEqual([...STATSD_TAG_FORMATS].sort())
  })

  for (const [raw, entry] of [
    ['dogstatsd,graphite', '"graphite"'],
    ['DogStatsD', '"DogStatsD"'],
    ['', 'an empty entry'],
    ['influxdb,,librato', 'an empty entry'],
    ['influxdb,', 'an empty entry'],
  ] as const) {
    it(`refuses ${JSON.stringify(raw)} in one line naming ${entry}`, () => {
      const call = (): unknown => parseStatsdTagFormats(raw)
      expect(call).toThrow(TaskmeterError)
      expect(call).toThrow(expect.objectContaining({ code: 'TM_ERR_CONFIG' }))
      // One line (no 's' flag: '.' stops at a newline) naming the flag, the entry and the choices.
      const escaped = entry.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      expect(call).toThrow(
        new RegExp(
          `^config: --statsd-tag-formats has (unknown format )?${escaped} \\(got .*\\); give a comma list of dogstatsd, influxdb, librato, signalfx$`,
        ),
      )
    })
  }
})
