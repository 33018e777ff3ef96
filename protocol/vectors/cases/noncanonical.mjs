// noncanonical.json: datagrams our encoder never writes (overlong ints, float32, explicit
// defaults...) that a decoder still reads to the same items.
import { decodeOnly, ev, header, report } from '../vector.mjs'

export const nonCanonical = [
  decodeOnly('set_member_str8', 'a 2-byte set member as str8 (canonical is fixstr)', '93 0a a1 73 d9 02 3432', [
    ev('set', 's', '42'),
  ]),
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
  decodeOnly(
    'header_overlong',
    'a header with its client id as str8 and its sequence as uint64 (canonical: fixstr, fixint)',
    '93 00 d9 02 6964 cf0000000000000003  93 01 a1 61 01',
    [header('id', 3), ev('timing', 'a', 1)],
  ),
  decodeOnly(
    'header_alone',
    'a header and no event: well-formed (clients send no empty datagram, but it decodes)',
    '93 00 a2 6964 09',
    [header('id', 9)],
  ),
]
