// invalid-datagram.json: datagrams with a datagram reason (SPEC §5); the items before it are kept.
import { P, bad, brokenEach, ev, hexOf } from '../vector.mjs'

export const datagramInvalid = [
  ...brokenEach('bad_magic', [
    ['empty_datagram', 'an empty payload is not ours', ''],
    ['statsd_text', 'StatsD text "prediction:12.3|ms"', hexOf('prediction:12.3|ms')],
    ['wrong_magic_byte_2', 'FE 54 4E is not the magic', 'fe544e01 93 01 a1 61 05'],
    ['wrong_magic_short', 'two bytes that are not the start of the magic', 'fe55'],
  ]),
  ...brokenEach('truncated', [
    ['prefix_one_byte', 'FE alone: the prefix runs past the end', 'fe'],
    ['prefix_three_bytes', 'magic without the version byte', 'fe544d'],
  ]),
  ...brokenEach('unsupported_version', [
    ['unsupported_version_2', 'version 2 is dropped whole', 'fe544d02 93 01 a1 61 05'],
    ['unsupported_version_0_empty', 'the version is checked before emptiness', 'fe544d00'],
  ]),
  ...brokenEach('empty_batch', [['empty_batch', 'the prefix and nothing else', P]]),
  ...brokenEach('truncated', [
    [
      'truncated_float',
      'second event ends inside its float64; the first is kept',
      P + '93 01 a1 61 05  93 01 aa 70726564696374696f6e cb 4028',
      [ev('timing', 'a', 5)],
    ],
    ['truncated_missing_element', 'array of 3 with only 2 elements', P + '93 01 a1 61'],
    ['truncated_str_payload', 'str header says 10 bytes, 2 follow', P + '93 01 aa 7072'],
    ['truncated_str32_header', 'str32 header cut after 2 length bytes', P + '93 01 db 0000'],
    ['truncated_huge_str32', 'str32 length 2^32-1', P + '93 01 dbffffffff 61'],
    ['truncated_array32_header', 'array32 header cut short', P + 'dd 0000'],
    [
      'truncated_while_skipping',
      'a bad_type event that runs past the end is not counted as an event',
      P + '93 00 a1 61',
    ],
    [
      'truncated_after_rejected_event',
      'an event reason, then a cut-off event',
      P + '92 01 a1 61  93 01 a1',
      [bad('bad_shape')],
    ],
    [
      'truncated_inflight_entries',
      'map says 2 entries, 1 follows: no half report is delivered',
      P + '95 09 a2 6964 01 cd03e8 82 a1 61 01',
    ],
  ]),
  ...brokenEach('bad_encoding', [
    [
      'bad_encoding_c1',
      '0xC1 (never used) where an event starts; the event before is kept',
      P + '93 01 a1 61 05  c1',
      [ev('timing', 'a', 5)],
    ],
    ['bad_encoding_ext_value', 'fixext1 as the value', P + '93 01 a1 61 d4 01 00'],
    ['bad_encoding_ext_as_event', 'fixext4 where an event starts', P + 'd6 01 00000000'],
    [
      'bad_encoding_in_skipped_event',
      'ext8 inside a 6-element event being skipped ends the datagram',
      P + '93 01 a1 61 05  96 01 a1 61 05 c7 01 01 00 01 02',
      [ev('timing', 'a', 5)],
    ],
    ['bad_encoding_tag_key', 'fixext2 as a tag key', P + '95 03 a1 61 01 c0 81 d5 00 0000 a1 62'],
  ]),
]
