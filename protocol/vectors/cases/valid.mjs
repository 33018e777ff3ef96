// valid.json: canonical datagrams. Each decodes to its items, and encoding its `encode` calls
// gives back its hex byte for byte.
import { canon, e100, ev, header, report, str } from '../vector.mjs'

const a200 = 'a'.repeat(200)
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

export const valid = [
  canon(
    'set_member',
    'set users gets member "42" (type 10, the member is a str where other types have a number)',
    '93 0a a5 7573657273 a2 3432',
    [ev('set', 'users', '42')],
  ),
  canon(
    'set_sampled_tagged',
    'a set member with rate 0.5 (accepted, not applied) and a tag',
    '95 0a a5 7573657273 a5 616c696365 cb 3fe0000000000000 81 a6 726567696f6e a2 6575',
    [ev('set', 'users', 'alice', 0.5, { region: 'eu' })],
  ),
  canon(
    'set_tags_nil_rate',
    'a tagged set member without a rate writes nil as the rate',
    '95 0a a5 7573657273 a2 3432 c0 81 a6 726567696f6e a2 6575',
    [ev('set', 'users', '42', 1, { region: 'eu' })],
  ),
  canon(
    'set_member_length_boundaries',
    'members of 1 byte, 200 bytes ASCII and 200 bytes in 100 characters (str8)',
    `93 0a a1 73 a1 78  93 0a a1 73 ${str(a200)}  93 0a a1 73 ${str(e100)}`,
    [ev('set', 's', 'x'), ev('set', 's', a200), ev('set', 's', e100)],
  ),
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
  canon(
    'header_timing',
    'v1.1: the header [0, clientId, sequence] first, then the events (SPEC §3.3)',
    `93 00 ${str('app:1234:abcd')} 00  93 01 a3 6a6f62 05`,
    [header('app:1234:abcd', 0), ev('timing', 'job', 5)],
  ),
  canon(
    'header_sequence_widths',
    'the sequence in its shortest int form: uint16 here',
    '93 00 a2 6964 cd012c  93 02 a1 6e 01',
    [header('id', 300), ev('count', 'n', 1)],
  ),
  canon(
    'header_at_limits',
    'a 64-byte client id and sequence 2^32-1 (it wraps to 0 next)',
    `93 00 ${str(id64)} ceffffffff  93 03 a1 67 07`,
    [header(id64, 4294967295), ev('gauge', 'g', 7)],
  ),
  canon(
    'header_with_report',
    'a header, then an in-flight report: the report keeps its own client id and sequence',
    '93 00 a2 6964 07  95 09 a2 6964 02 cd03e8 80',
    [header('id', 7), report('id', 2, 1000, {})],
  ),
]
