// Writes protocol/vectors/*.json. The JSON files are the source of truth: the tests and clients
// in other languages read only them. This script is how they were authored, so that long names
// need no hand-counted hex. Hex is written byte by byte from SPEC.md and items by hand; nothing
// here calls our encoder or decoder (protocol/src/vectors*.test.ts check the files against both
// our codec and msgpackr). Run: node protocol/vectors/generate.mjs
import { writeFileSync } from 'node:fs'

const P = 'fe544d01' // prefix, SPEC §2
// timing "ok" 1 follows each rejected event: decoding goes on after an event reason (SPEC §5).
const OK = '93 01 a2 6f6b 01'

// A msgpack str in its shortest form (SPEC §4), for strings too long to write out.
function str(text) {
  const bytes = Buffer.from(text, 'utf8')
  const n = bytes.length
  const head =
    n < 32
      ? (0xa0 | n).toString(16)
      : n < 256
        ? 'd9' + n.toString(16).padStart(2, '0')
        : 'da' + n.toString(16).padStart(4, '0')
  return head + bytes.toString('hex')
}
const hexOf = (text) => Buffer.from(text, 'utf8').toString('hex')

const KIND = {
  timing: 1,
  count: 2,
  gauge: 3,
  gauge_delta: 4,
  histogram: 5,
  task_start: 6,
  task_end_success: 7,
  task_end_error: 8,
}
const ev = (kind, name, value, sampleRate = 1, tags = null) => ({ kind, name, value, sampleRate, tags })
const report = (clientId, sequence, flushIntervalMs, inflight) => ({
  kind: 'inflight_report',
  clientId,
  sequence,
  flushIntervalMs,
  inflight,
})
const bad = (reason) => ({ kind: 'invalid', reason })
const ok = ev('timing', 'ok', 1)

// Encoder calls that write an item; tags and entries as ordered pairs (map order is on the wire).
function encodeOp(item) {
  if (item.kind === 'inflight_report') {
    return {
      op: 'inflight',
      clientId: item.clientId,
      sequence: item.sequence,
      flushIntervalMs: item.flushIntervalMs,
      entries: Object.entries(item.inflight),
    }
  }
  return {
    op: 'append',
    kind: KIND[item.kind],
    name: item.name,
    value: item.value,
    sampleRate: item.sampleRate,
    tags: item.tags === null ? null : Object.entries(item.tags),
  }
}

function vector(name, description, hex, items, reason, canonical, encode) {
  const clean = hex.replace(/\s+/g, '')
  if (!/^([0-9a-f]{2})*$/.test(clean)) throw new Error(`${name}: bad hex`)
  const out = { name, description, hex: clean, canonical, items, reason }
  if (canonical) out.encode = encode ?? items.map(encodeOp)
  return out
}
const canon = (name, description, hex, items, encode) => vector(name, description, P + hex, items, null, true, encode)
const decodeOnly = (name, description, hex, items) => vector(name, description, P + hex, items, null, false)
const broken = (name, description, hex, items, reason) => vector(name, description, hex, items, reason, false)
const rejected = (name, description, eventHex, reason) =>
  vector(name, description, P + eventHex + OK, [bad(reason), ok], null, false)

const a200 = 'a'.repeat(200)
const e100 = 'é'.repeat(100) // 200 UTF-8 bytes in 100 characters
const K64 = 'K'.repeat(64)
const v200 = 'v'.repeat(200)
const id64 = 'c'.repeat(64)
const tags16 = { [K64]: v200 }
for (let i = 1; i < 16; i++) tags16[`k${String(i).padStart(2, '0')}`] = ''
const tags16Hex =
  'de0010' +
  Object.entries(tags16)
    .map(([k, v]) => str(k) + str(v))
    .join('')
const entries16 = {}
for (let i = 0; i < 16; i++) entries16[`t${String(i).padStart(2, '0')}`] = i
const entries16Hex =
  'de0010' +
  Object.entries(entries16)
    .map(([k, v]) => str(k) + v.toString(16).padStart(2, '0'))
    .join('')

const valid = [
  canon(
    'timing_spec_example',
    'SPEC §4 example: timing prediction 12.3 ms, float64',
    '93 01 aa 70726564696374696f6e cb 402899999999999a',
    [ev('timing', 'prediction', 12.3)],
  ),
  canon('timing_positive_fixint', 'integer duration as positive fixint', '93 01 a8 64622e7175657279 05', [
    ev('timing', 'db.query', 5),
  ]),
  canon('timing_zero', 'zero duration is valid', '93 01 a3 6a6f62 00', [ev('timing', 'job', 0)]),
  canon('count_negative_fixint', 'count deltas may be negative', '93 02 a7 72657472696573 ff', [
    ev('count', 'retries', -1),
  ]),
  canon('count_sampled', 'sample rate 0.5 makes a 4-element array', '94 02 a4 68697473 01 cb 3fe0000000000000', [
    ev('count', 'hits', 1, 0.5),
  ]),
  canon(
    'count_min_sample_rate',
    'smallest positive double is a valid rate (interval is (0, 1])',
    '94 02 a4 68697473 01 cb 0000000000000001',
    [ev('count', 'hits', 1, 5e-324)],
  ),
  canon(
    'count_empty_tags_omitted',
    'an empty tag set is omitted (SPEC §4)',
    '93 02 a3 726571 01',
    [ev('count', 'req', 1)],
    [{ op: 'append', kind: 2, name: 'req', value: 1, sampleRate: 1, tags: [] }],
  ),
  canon(
    'gauge_unsigned_widths',
    'shortest int form at each unsigned boundary; 2^32 is float64',
    '93 03 a1 71 7f  93 03 a1 71 cc80  93 03 a1 71 ccff  93 03 a1 71 cd0100  93 03 a1 71 cdffff  93 03 a1 71 ce00010000  93 03 a1 71 ceffffffff  93 03 a1 71 cb41f0000000000000',
    [127, 128, 255, 256, 65535, 65536, 4294967295, 4294967296].map((n) => ev('gauge', 'q', n)),
  ),
  canon(
    'gauge_delta_negative_widths',
    'shortest int form at each negative boundary; -2^31-1 is float64',
    '93 04 a1 6d e0  93 04 a1 6d d0df  93 04 a1 6d d080  93 04 a1 6d d1ff7f  93 04 a1 6d d18000  93 04 a1 6d d2ffff7fff  93 04 a1 6d d280000000  93 04 a1 6d cbc1e0000000200000',
    [-32, -33, -128, -129, -32768, -32769, -2147483648, -2147483649].map((n) => ev('gauge_delta', 'm', n)),
  ),
  canon(
    'gauge_float_values',
    'non-integers and integers >= 2^32 are float64',
    '93 03 a4 74656d70 cb 7e37e43c8800759c  93 03 a4 74656d70 cb bfe0000000000000  93 03 a4 74656d70 cb 4340000000000000',
    [ev('gauge', 'temp', 1e300), ev('gauge', 'temp', -0.5), ev('gauge', 'temp', 9007199254740992)],
  ),
  canon('histogram_negative', 'histograms take any finite number', '93 05 a1 61 cb bfe0000000000000', [
    ev('histogram', 'a', -0.5),
  ]),
  canon(
    'histogram_tags_nil_rate',
    'tags without a rate write nil as the rate',
    '95 05 a7 7061796c6f6164 cb 3ff8000000000000 c0 81 a6 726567696f6e a2 6575',
    [ev('histogram', 'payload', 1.5, 1, { region: 'eu' })],
  ),
  canon(
    'count_rate_and_tags',
    'rate 0.25 and two tags, one with an empty value',
    '95 02 a3 726571 01 cb 3fd0000000000000 82 a1 61 a1 31 a1 62 a0',
    [ev('count', 'req', 1, 0.25, { a: '1', b: '' })],
  ),
  canon(
    'tags_non_ascii',
    'UTF-8 tag key and value',
    '95 05 a3 6c6174 cb 3f50624dd2f1a9fc cb 3fb999999999999a 81 a2 c3bc a6 e697a5e69cac',
    [ev('histogram', 'lat', 0.001, 0.1, { ü: '日本' })],
  ),
  canon(
    'task_lifecycle',
    'task_start (value 0), task_end_success, task_end_error',
    '93 06 a3 6a6f62 00  93 07 a3 6a6f62 2a  93 08 a3 6a6f62 cb 3fe0000000000000',
    [ev('task_start', 'job', 0), ev('task_end_success', 'job', 42), ev('task_end_error', 'job', 0.5)],
  ),
  canon(
    'task_start_negative_value',
    'task_start is not a duration kind: a negative value is not rejected',
    '93 06 a3 6a6f62 ff',
    [ev('task_start', 'job', -1)],
  ),
  canon(
    'names_non_ascii',
    'names are UTF-8: 2-, 3- and 4-byte sequences',
    '93 01 a6 e697a5e69cac 01  93 02 a5 636166c3a9 02  93 03 a4 f09f9880 03',
    [ev('timing', '日本', 1), ev('count', 'café', 2), ev('gauge', '😀', 3)],
  ),
  canon(
    'name_length_boundaries',
    '31 bytes (fixstr), 32 bytes (str8), 200 bytes ASCII and 200 bytes in 100 characters',
    `93 01 ${str('n'.repeat(31))} 01  93 01 ${str('n'.repeat(32))} 01  93 01 ${str(a200)} 01  93 01 ${str(e100)} 01`,
    [ev('timing', 'n'.repeat(31), 1), ev('timing', 'n'.repeat(32), 1), ev('timing', a200, 1), ev('timing', e100, 1)],
  ),
  canon(
    'tags_at_limits',
    '16 pairs (map16), a 64-byte key with a 200-byte value, empty values',
    `95 03 a1 67 01 c0 ${tags16Hex}`,
    [ev('gauge', 'g', 1, 1, tags16)],
  ),
  canon(
    'inflight_report',
    'in-flight report with two entries, one at zero',
    '95 09 b0 30313233343536373839616263646566 07 cd03e8 82 aa 70726564696374696f6e 03 a5 747261696e 00',
    [report('0123456789abcdef', 7, 1000, { prediction: 3, train: 0 })],
  ),
  canon(
    'inflight_heartbeat_empty',
    'a report with no entries (heartbeat: all zero), smallest interval',
    '95 09 a2 6964 00 01 80',
    [report('id', 0, 1, {})],
  ),
  canon(
    'inflight_at_limits',
    '64-byte client id, sequence and count 2^32-1, interval 60000',
    `95 09 ${str(id64)} ceffffffff cdea60 81 a3 6a6f62 ceffffffff`,
    [report(id64, 4294967295, 60000, { job: 4294967295 })],
  ),
  canon('inflight_map16', '16 entries use a map16 header', `95 09 a2 6964 01 cd03e8 ${entries16Hex}`, [
    report('id', 1, 1000, entries16),
  ]),
  canon(
    'mixed_batch',
    'a typical flush: timings, a sampled count, a tagged gauge, a report',
    '93 01 aa 70726564696374696f6e cb 402899999999999a  93 01 aa 70726564696374696f6e 05  94 02 a4 68697473 01 cb 3fe0000000000000' +
      '  95 03 a5 7175657565 0c c0 81 a6 726567696f6e a2 6575  95 09 a2 6964 02 cd03e8 81 aa 70726564696374696f6e 01',
    [
      ev('timing', 'prediction', 12.3),
      ev('timing', 'prediction', 5),
      ev('count', 'hits', 1, 0.5),
      ev('gauge', 'queue', 12, 1, { region: 'eu' }),
      report('id', 2, 1000, { prediction: 1 }),
    ],
  ),
]

const nonCanonical = [
  decodeOnly(
    'value_float32',
    'float32 value (canonical is float64 or int)',
    '93 01 aa 70726564696374696f6e ca 41460000',
    [ev('timing', 'prediction', 12.375)],
  ),
  decodeOnly('value_float32_inexact', 'float32 12.3 decodes to its exact double', '93 01 a1 61 ca 4144cccd', [
    ev('timing', 'a', 12.300000190734863),
  ]),
  decodeOnly('value_float64_integral', 'float64 5.0 (canonical is fixint 05)', '93 03 a1 61 cb 4014000000000000', [
    ev('gauge', 'a', 5),
  ]),
  decodeOnly(
    'value_overlong_ints',
    '5 as uint8, uint16, uint32, uint64, int8, int16, int32, int64',
    '93 03 a1 61 cc05  93 03 a1 61 cd0005  93 03 a1 61 ce00000005  93 03 a1 61 cf0000000000000005  93 03 a1 61 d005  93 03 a1 61 d10005  93 03 a1 61 d200000005  93 03 a1 61 d30000000000000005',
    Array.from({ length: 8 }, () => ev('gauge', 'a', 5)),
  ),
  decodeOnly(
    'value_64bit_ints',
    'uint64 2^53, int64 -1, int64 -2^31, uint64 2^32',
    '93 03 a1 61 cf0020000000000000  93 04 a1 61 d3ffffffffffffffff  93 04 a1 61 d3ffffffff80000000  93 03 a1 61 cf0000000100000000',
    [
      ev('gauge', 'a', 9007199254740992),
      ev('gauge_delta', 'a', -1),
      ev('gauge_delta', 'a', -2147483648),
      ev('gauge', 'a', 4294967296),
    ],
  ),
  decodeOnly(
    'name_long_str_forms',
    '"job" as str8, str16, str32',
    '93 01 d903 6a6f62 05  93 01 da0003 6a6f62 05  93 01 db00000003 6a6f62 05',
    [ev('timing', 'job', 5), ev('timing', 'job', 5), ev('timing', 'job', 5)],
  ),
  decodeOnly(
    'event_array16_array32',
    'events as array16 and array32',
    'dc0003 01 a3 6a6f62 05  dd00000003 01 a3 6a6f62 05',
    [ev('timing', 'job', 5), ev('timing', 'job', 5)],
  ),
  decodeOnly(
    'tags_map16_map32',
    'one tag pair as map16 and as map32',
    '95 03 a1 61 01 c0 de0001 a1 6b a1 76  95 03 a1 61 01 c0 df00000001 a1 6b a1 76',
    [ev('gauge', 'a', 1, 1, { k: 'v' }), ev('gauge', 'a', 1, 1, { k: 'v' })],
  ),
  decodeOnly(
    'rate_explicit_one',
    'rate 1 written as fixint and as float64 (canonical omits it)',
    '94 02 a1 61 01 01  94 02 a1 61 01 cb 3ff0000000000000',
    [ev('count', 'a', 1), ev('count', 'a', 1)],
  ),
  decodeOnly('rate_float32', 'rate 0.5 as float32', '94 02 a1 61 01 ca 3f000000', [ev('count', 'a', 1, 0.5)]),
  decodeOnly(
    'rate_nil_and_tags_nil',
    'nil rate in a 4-element event; nil rate and nil tags in a 5-element one',
    '94 02 a1 61 01 c0  95 02 a1 61 01 c0 c0',
    [ev('count', 'a', 1), ev('count', 'a', 1)],
  ),
  decodeOnly('tags_empty_map', 'an empty tag map decodes as no tags', '95 02 a1 61 01 c0 80', [ev('count', 'a', 1)]),
  decodeOnly(
    'tags_with_rate_one',
    'rate 1 written explicitly before tags (canonical writes nil)',
    '95 02 a1 61 01 01 81 a1 6b a1 76',
    [ev('count', 'a', 1, 1, { k: 'v' })],
  ),
  decodeOnly('type_overlong_ints', 'type codes as uint8 and int8', '93 cc01 a1 61 05  93 d002 a1 61 05', [
    ev('timing', 'a', 5),
    ev('count', 'a', 5),
  ]),
  decodeOnly(
    'inflight_overlong_forms',
    'report with str8 id, uint64 sequence, int16 interval, map16 entries, int32 count',
    '95 09 d902 6964 cf0000000000000007 d103e8 de0001 a1 61 d200000003',
    [report('id', 7, 1000, { a: 3 })],
  ),
  decodeOnly(
    'name_invalid_utf8',
    'names are not UTF-8-checked on the wire; a lone 0xFF decodes to U+FFFD',
    '93 01 a3 61ff62 05',
    [ev('timing', 'a\uFFFDb', 5)],
  ),
]

const datagramInvalid = [
  broken('empty_datagram', 'an empty payload is not ours', '', [], 'bad_magic'),
  broken('statsd_text', 'StatsD text "prediction:12.3|ms"', hexOf('prediction:12.3|ms'), [], 'bad_magic'),
  broken('wrong_magic_byte_2', 'FE 54 4E is not the magic', 'fe544e01 93 01 a1 61 05', [], 'bad_magic'),
  broken('wrong_magic_short', 'two bytes that are not the start of the magic', 'fe55', [], 'bad_magic'),
  broken('prefix_one_byte', 'FE alone: the prefix runs past the end', 'fe', [], 'truncated'),
  broken('prefix_three_bytes', 'magic without the version byte', 'fe544d', [], 'truncated'),
  broken('unsupported_version_2', 'version 2 is dropped whole', 'fe544d02 93 01 a1 61 05', [], 'unsupported_version'),
  broken(
    'unsupported_version_0_empty',
    'the version is checked before emptiness',
    'fe544d00',
    [],
    'unsupported_version',
  ),
  broken('empty_batch', 'the prefix and nothing else', P, [], 'empty_batch'),
  broken(
    'truncated_float',
    'second event ends inside its float64; the first is kept',
    P + '93 01 a1 61 05  93 01 aa 70726564696374696f6e cb 4028',
    [ev('timing', 'a', 5)],
    'truncated',
  ),
  broken('truncated_missing_element', 'array of 3 with only 2 elements', P + '93 01 a1 61', [], 'truncated'),
  broken('truncated_str_payload', 'str header says 10 bytes, 2 follow', P + '93 01 aa 7072', [], 'truncated'),
  broken('truncated_str32_header', 'str32 header cut after 2 length bytes', P + '93 01 db 0000', [], 'truncated'),
  broken('truncated_huge_str32', 'str32 length 2^32-1', P + '93 01 dbffffffff 61', [], 'truncated'),
  broken('truncated_array32_header', 'array32 header cut short', P + 'dd 0000', [], 'truncated'),
  broken(
    'truncated_while_skipping',
    'a bad_type event that runs past the end is not counted as an event',
    P + '93 00 a1 61',
    [],
    'truncated',
  ),
  broken(
    'truncated_after_rejected_event',
    'an event reason, then a cut-off event',
    P + '92 01 a1 61  93 01 a1',
    [bad('bad_shape')],
    'truncated',
  ),
  broken(
    'truncated_inflight_entries',
    'map says 2 entries, 1 follows: no half report is delivered',
    P + '95 09 a2 6964 01 cd03e8 82 a1 61 01',
    [],
    'truncated',
  ),
  broken(
    'bad_encoding_c1',
    '0xC1 (never used) where an event starts; the event before is kept',
    P + '93 01 a1 61 05  c1',
    [ev('timing', 'a', 5)],
    'bad_encoding',
  ),
  broken('bad_encoding_ext_value', 'fixext1 as the value', P + '93 01 a1 61 d4 01 00', [], 'bad_encoding'),
  broken('bad_encoding_ext_as_event', 'fixext4 where an event starts', P + 'd6 01 00000000', [], 'bad_encoding'),
  broken(
    'bad_encoding_in_skipped_event',
    'ext8 inside a 6-element event being skipped ends the datagram',
    P + '93 01 a1 61 05  96 01 a1 61 05 c7 01 01 00 01 02',
    [ev('timing', 'a', 5)],
    'bad_encoding',
  ),
  broken(
    'bad_encoding_tag_key',
    'fixext2 as a tag key',
    P + '95 03 a1 61 01 c0 81 d5 00 0000 a1 62',
    [],
    'bad_encoding',
  ),
]

const eventInvalid = [
  rejected('shape_positive_int', 'an event that is a number', '05', 'bad_shape'),
  rejected('shape_nil', 'an event that is nil', 'c0', 'bad_shape'),
  rejected('shape_map', 'an event that is a map', '81 a1 61 a1 62', 'bad_shape'),
  rejected('shape_str', 'an event that is a str', 'a3 6a6f62', 'bad_shape'),
  rejected('shape_two_elements', 'fewer than 3 elements', '92 01 a1 61', 'bad_shape'),
  rejected('shape_empty_array', 'no elements', '90', 'bad_shape'),
  rejected(
    'shape_six_elements',
    'more than 5 elements (no trailing extensions in v1, SPEC §6)',
    '96 01 a1 61 05 c0 c0 c0',
    'bad_shape',
  ),
  rejected('shape_before_type', 'the element count is checked before the type', '92 00 a1 61', 'bad_shape'),
  rejected(
    'shape_inflight_four',
    'an in-flight report must have exactly 5 elements',
    '94 09 a2 6964 00 01',
    'bad_shape',
  ),
  rejected('type_zero', 'type 0', '93 00 a1 61 05', 'bad_type'),
  rejected('type_future', 'type 10 (a later v1 type) is skipped', '93 0a a1 61 05', 'bad_type'),
  rejected(
    'type_future_five_elements',
    'a later type with rate and tags is skipped whole',
    '95 0a a1 61 05 c0 81 a1 6b a1 76',
    'bad_type',
  ),
  rejected('type_negative', 'type -1', '93 ff a1 61 05', 'bad_type'),
  rejected('type_str', 'type as a str', '93 a1 31 a1 61 05', 'bad_type'),
  rejected('type_fraction', 'type 1.5', '93 cb 3ff8000000000000 a1 61 05', 'bad_type'),
  rejected('type_nil', 'type nil', '93 c0 a1 61 05', 'bad_type'),
  rejected('type_uint64_large', 'type 2^32+1', '93 cf0000000100000001 a1 61 05', 'bad_type'),
  rejected('name_empty', 'empty name', '93 01 a0 05', 'bad_name'),
  rejected('name_nil', 'nil name', '93 01 c0 05', 'bad_name'),
  rejected('name_int', 'name as an int', '93 01 05 05', 'bad_name'),
  rejected('name_bin', 'name as bin, not str', '93 01 c401 61 05', 'bad_name'),
  rejected('name_array', 'name as an array (skipped whole)', '93 01 91 a1 61 05', 'bad_name'),
  rejected('name_201_ascii', '201-byte name', `93 01 ${str('a'.repeat(201))} 05`, 'name_too_long'),
  rejected(
    'name_201_utf8',
    '101 characters, 201 bytes: the limit is in bytes',
    `93 01 ${str(e100 + 'a')} 05`,
    'name_too_long',
  ),
  rejected('name_too_long_str16', '201-byte name as str16', `93 01 da00c9${'61'.repeat(201)} 05`, 'name_too_long'),
  rejected('value_nil', 'nil value', '93 01 a1 61 c0', 'bad_value'),
  rejected('value_str', 'value as a str', '93 02 a1 61 a1 31', 'bad_value'),
  rejected('value_bool', 'value true', '93 03 a1 61 c3', 'bad_value'),
  rejected('value_nested_arrays', 'nested arrays are skipped whole', '93 05 a1 61 91 91 91 90', 'bad_value'),
  rejected('value_map', 'value as a map', '93 05 a1 61 81 a1 61 01', 'bad_value'),
  rejected('value_bin', 'value as bin', '93 05 a1 61 c400', 'bad_value'),
  rejected('value_nan', 'NaN float64', '93 01 a1 61 cb 7ff8000000000000', 'non_finite_value'),
  rejected('value_infinity', '+Infinity float64', '93 03 a1 61 cb 7ff0000000000000', 'non_finite_value'),
  rejected('value_minus_infinity_f32', '-Infinity float32', '93 02 a1 61 ca ff800000', 'non_finite_value'),
  rejected('value_nan_f32', 'NaN float32', '93 05 a1 61 ca 7fc00000', 'non_finite_value'),
  rejected(
    'duration_minus_infinity',
    '-Infinity timing is non-finite before it is negative',
    '93 01 a1 61 cb fff0000000000000',
    'non_finite_value',
  ),
  rejected('duration_negative_timing', 'timing -1', '93 01 a1 61 ff', 'negative_duration'),
  rejected(
    'duration_negative_success',
    'task_end_success -0.5',
    '93 07 a1 61 cb bfe0000000000000',
    'negative_duration',
  ),
  rejected('duration_negative_error', 'task_end_error -100 as int8', '93 08 a1 61 d09c', 'negative_duration'),
  rejected('duration_negative_tiny', 'timing -5e-324', '93 01 a1 61 cb 8000000000000001', 'negative_duration'),
  rejected(
    'duration_negative_with_tags',
    'the rest of the event (rate, tags) is skipped',
    '95 07 a1 61 ff c0 81 a1 6b a1 76',
    'negative_duration',
  ),
  rejected('rate_zero', 'rate 0', '94 02 a1 61 01 00', 'bad_sample_rate'),
  rejected('rate_above_one', 'rate 1.1', '94 02 a1 61 01 cb 3ff199999999999a', 'bad_sample_rate'),
  rejected('rate_two', 'rate 2 as an int', '94 02 a1 61 01 02', 'bad_sample_rate'),
  rejected('rate_negative', 'rate -0.5', '94 02 a1 61 01 cb bfe0000000000000', 'bad_sample_rate'),
  rejected('rate_str', 'rate as a str', '94 02 a1 61 01 a1 31', 'bad_sample_rate'),
  rejected('rate_nan', 'rate NaN', '94 02 a1 61 01 cb 7ff8000000000000', 'bad_sample_rate'),
  rejected('rate_bool', 'rate true', '94 02 a1 61 01 c3', 'bad_sample_rate'),
  rejected(
    'rate_bad_with_tags',
    'a bad rate skips the tags too',
    '95 02 a1 61 01 00 81 a1 6b a1 76',
    'bad_sample_rate',
  ),
  rejected('tags_array', 'tags as an array', '95 02 a1 61 01 c0 91 a1 61', 'bad_tags'),
  rejected('tags_str', 'tags as a str', '95 02 a1 61 01 c0 a1 61', 'bad_tags'),
  rejected('tags_bool', 'tags true', '95 02 a1 61 01 c0 c3', 'bad_tags'),
  rejected(
    'tags_17_pairs',
    'more than 16 pairs',
    `95 02 a1 61 01 c0 de0011 ${Array.from({ length: 17 }, (_, i) => str(`k${i}`) + 'a0').join('')}`,
    'bad_tags',
  ),
  rejected('tags_empty_key', 'an empty key', '95 02 a1 61 01 c0 81 a0 a1 76', 'bad_tags'),
  rejected('tags_int_key', 'an int key', '95 02 a1 61 01 c0 81 01 a1 76', 'bad_tags'),
  rejected('tags_nil_key', 'a nil key', '95 02 a1 61 01 c0 81 c0 a1 76', 'bad_tags'),
  rejected('tags_int_value', 'an int value', '95 02 a1 61 01 c0 81 a1 6b 01', 'bad_tags'),
  rejected('tags_nil_value', 'a nil value', '95 02 a1 61 01 c0 81 a1 6b c0', 'bad_tags'),
  rejected('tags_bin_value', 'a bin value', '95 02 a1 61 01 c0 81 a1 6b c401 76', 'bad_tags'),
  rejected(
    'tags_bad_second_pair',
    'a good pair, then an empty key',
    '95 02 a1 61 01 c0 82 a1 6b a1 76 a0 a1 76',
    'bad_tags',
  ),
  rejected(
    'tags_bad_before_long',
    'pairs are checked in order: the empty key comes first',
    `95 02 a1 61 01 c0 82 a0 a1 76 ${str('k'.repeat(65))} a1 76`,
    'bad_tags',
  ),
  rejected('tag_key_65', 'a 65-byte key', `95 02 a1 61 01 c0 81 ${str('k'.repeat(65))} a1 76`, 'tag_too_long'),
  rejected('tag_value_201', 'a 201-byte value', `95 02 a1 61 01 c0 81 a1 6b ${str('v'.repeat(201))}`, 'tag_too_long'),
  rejected(
    'tag_long_before_bad',
    'pairs are checked in order: the long key comes first',
    `95 02 a1 61 01 c0 82 ${str('k'.repeat(65))} a1 76 a0 a1 76`,
    'tag_too_long',
  ),
  rejected('inflight_id_empty', 'empty client id', '95 09 a0 00 cd03e8 80', 'bad_inflight'),
  rejected('inflight_id_65', '65-byte client id', `95 09 ${str('c'.repeat(65))} 00 cd03e8 80`, 'bad_inflight'),
  rejected('inflight_id_int', 'client id as an int', '95 09 05 00 cd03e8 80', 'bad_inflight'),
  rejected('inflight_seq_negative', 'sequence -1', '95 09 a2 6964 ff cd03e8 80', 'bad_inflight'),
  rejected('inflight_seq_2pow32', 'sequence 2^32', '95 09 a2 6964 cf0000000100000000 cd03e8 80', 'bad_inflight'),
  rejected('inflight_seq_fraction', 'sequence 1.5', '95 09 a2 6964 cb 3ff8000000000000 cd03e8 80', 'bad_inflight'),
  rejected('inflight_seq_nil', 'sequence nil', '95 09 a2 6964 c0 cd03e8 80', 'bad_inflight'),
  rejected('inflight_interval_zero', 'interval 0', '95 09 a2 6964 00 00 80', 'bad_inflight'),
  rejected('inflight_interval_60001', 'interval 60001', '95 09 a2 6964 00 cdea61 80', 'bad_inflight'),
  rejected('inflight_entries_nil', 'entries nil', '95 09 a2 6964 00 cd03e8 c0', 'bad_inflight'),
  rejected('inflight_entries_array', 'entries as an array', '95 09 a2 6964 00 cd03e8 91 a1 61', 'bad_inflight'),
  rejected(
    'inflight_entry_name_empty',
    'an entry with an empty name',
    '95 09 a2 6964 00 cd03e8 81 a0 01',
    'bad_inflight',
  ),
  rejected(
    'inflight_entry_name_201',
    'an entry with a 201-byte name',
    `95 09 a2 6964 00 cd03e8 81 ${str('a'.repeat(201))} 01`,
    'bad_inflight',
  ),
  rejected('inflight_entry_count_negative', 'an entry count -1', '95 09 a2 6964 00 cd03e8 81 a1 61 ff', 'bad_inflight'),
  rejected(
    'inflight_entry_count_2pow32',
    'an entry count 2^32',
    '95 09 a2 6964 00 cd03e8 81 a1 61 cf0000000100000000',
    'bad_inflight',
  ),
  rejected(
    'inflight_entry_count_fraction',
    'an entry count 0.5',
    '95 09 a2 6964 00 cd03e8 81 a1 61 cb 3fe0000000000000',
    'bad_inflight',
  ),
  rejected(
    'inflight_entry_count_str',
    'an entry count as a str',
    '95 09 a2 6964 00 cd03e8 81 a1 61 a1 31',
    'bad_inflight',
  ),
  rejected(
    'inflight_bad_second_entry',
    'one bad entry skips the whole report, good entries included',
    '95 09 a2 6964 00 cd03e8 82 a1 61 01 a1 62 ff',
    'bad_inflight',
  ),
  vector(
    'several_rejected_in_a_row',
    'three different event reasons, then a valid event',
    P + '92 01 a1 61  93 00 a1 61 05  93 01 a0 05' + OK,
    [bad('bad_shape'), bad('bad_type'), bad('bad_name'), ok],
    null,
    false,
  ),
]

const files = {
  'valid.json': valid,
  'noncanonical.json': nonCanonical,
  'invalid-datagram.json': datagramInvalid,
  'invalid-event.json': eventInvalid,
}
const seen = new Set()
for (const [file, vectors] of Object.entries(files)) {
  for (const v of vectors) {
    if (seen.has(v.name)) throw new Error(`duplicate vector name ${v.name}`)
    seen.add(v.name)
  }
  writeFileSync(new URL(file, import.meta.url), JSON.stringify(vectors, null, 2) + '\n')
  console.log(`${file}: ${vectors.length} vectors`)
}
