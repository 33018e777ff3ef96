// Exemplar vectors (SPEC §3.4), one list per vector file: `[11, traceId, spanId]` with bin ids of
// 16 and 8 bytes attaches to the next event of the datagram when that is a timing, task end or
// histogram; anything else is bad_exemplar and the next event is decoded as usual.
import {
  OK,
  P,
  bad,
  broken,
  canon,
  decodeOnly,
  ev,
  header,
  ok,
  rejectedEach,
  vector,
  withExemplar,
} from '../vector.mjs'

// The W3C trace context example ids.
const T = '4bf92f3577b34da6a3ce929d0e0e4736'
const S = '00f067aa0ba902b7'
const T2 = '0af7651916cd43dd8448eb211c80319c'
const S2 = 'b7ad6b7169203331'
const EX = `93 0b c410 ${T} c408 ${S}`
const EX2 = `93 0b c410 ${T2} c408 ${S2}`
const ZERO16 = '00'.repeat(16)
const ZERO8 = '00'.repeat(8)

const job5 = ev('timing', 'job', 5)
const job5x = withExemplar(job5, T, S)
const okx = withExemplar(ok, T, S)

export const exemplarValid = [
  canon('exemplar_timing', 'an exemplar, then the timing it belongs to (bin8 ids)', `${EX} 93 01 a3 6a6f62 05`, [
    job5x,
  ]),
  canon(
    'exemplar_task_ends',
    'exemplars on a task_end_success and a task_end_error with a tag',
    `${EX} 93 07 a3 6a6f62 05  ${EX2} 95 08 a3 6a6f62 ccfa c0 81 a4 636f6465 a3 353030`,
    [
      withExemplar(ev('task_end_success', 'job', 5), T, S),
      withExemplar(ev('task_end_error', 'job', 250, 1, { code: '500' }), T2, S2),
    ],
  ),
  canon('exemplar_histogram', 'an exemplar on a histogram observation', `${EX} 93 05 a4 73697a65 cb 4050100000000000`, [
    withExemplar(ev('histogram', 'size', 64.25), T, S),
  ]),
  canon(
    'exemplar_after_header',
    'a v1.1 header, then an exemplar and its timing, then a timing without one',
    `93 00 a1 61 05  ${EX} 93 01 a3 6a6f62 05  93 01 a3 6a6f62 05`,
    [header('a', 5), job5x, job5],
  ),
]

export const exemplarNonCanonical = [
  decodeOnly(
    'exemplar_bin16_bin32',
    'ids as bin16 and bin32 (canonical is bin8)',
    `93 0b c5 0010 ${T} c6 00000008 ${S} 93 01 a3 6a6f62 05`,
    [job5x],
  ),
  decodeOnly(
    'exemplar_array16',
    'the exemplar as an array16 of 3',
    `dc 0003 0b c410 ${T} c408 ${S} 93 01 a3 6a6f62 05`,
    [job5x],
  ),
]

export const exemplarEventInvalid = [
  ...rejectedEach('bad_exemplar', [
    ['exemplar_two_elements', 'an exemplar without a span id', `92 0b c410 ${T}`],
    ['exemplar_four_elements', 'an exemplar with a 4th element', `94 0b c410 ${T} c408 ${S} c0`],
    ['exemplar_six_elements', 'an exemplar of 6 elements', `96 0b c410 ${T} c408 ${S} c0 c0 c0`],
    ['exemplar_trace_15_bytes', 'a 15-byte trace id', `93 0b c40f ${T.slice(2)} c408 ${S}`],
    ['exemplar_trace_17_bytes', 'a 17-byte trace id', `93 0b c411 ${T}ff c408 ${S}`],
    ['exemplar_span_7_bytes', 'a 7-byte span id', `93 0b c410 ${T} c407 ${S.slice(2)}`],
    ['exemplar_span_9_bytes', 'a 9-byte span id', `93 0b c410 ${T} c409 ${S}ff`],
    ['exemplar_ids_swapped', 'the span id first', `93 0b c408 ${S} c410 ${T}`],
    ['exemplar_trace_str', 'a trace id as a 16-byte str, not bin', `93 0b b0 ${T} c408 ${S}`],
    ['exemplar_span_str', 'a span id as an 8-byte str, not bin', `93 0b c410 ${T} a8 ${S}`],
    ['exemplar_trace_nil', 'a nil trace id', `93 0b c0 c408 ${S}`],
    ['exemplar_trace_zero', 'an all-zero trace id (invalid in W3C trace context)', `93 0b c410 ${ZERO16} c408 ${S}`],
    ['exemplar_span_zero', 'an all-zero span id', `93 0b c410 ${T} c408 ${ZERO8}`],
  ]),
  vector(
    'exemplar_at_end',
    'an exemplar as the last event has nothing to attach to',
    P + OK + EX,
    [ok, bad('bad_exemplar')],
    null,
    false,
  ),
  vector(
    'exemplar_before_count',
    'an exemplar before a count: the count is kept, the exemplar is not',
    P + `${EX} 93 02 a1 63 01` + OK,
    [bad('bad_exemplar'), ev('count', 'c', 1), ok],
    null,
    false,
  ),
  vector(
    'exemplar_before_set_and_start',
    'before a set member and a task_start: kinds without a duration or observation',
    P + `${EX} 93 0a a1 73 a1 78  ${EX} 93 06 a3 6a6f62 00` + OK,
    [bad('bad_exemplar'), ev('set', 's', 'x'), bad('bad_exemplar'), ev('task_start', 'job', 0), ok],
    null,
    false,
  ),
  vector(
    'exemplar_before_inflight',
    'before an in-flight report',
    P + `${EX} 95 09 a2 6964 00 cd03e8 81 a1 61 01` + OK,
    [
      bad('bad_exemplar'),
      { kind: 'inflight_report', clientId: 'id', sequence: 0, flushIntervalMs: 1000, inflight: { a: 1 } },
      ok,
    ],
    null,
    false,
  ),
  vector(
    'exemplar_twice',
    'two exemplars in a row: the first is dropped, the second goes with the timing',
    P + `${EX2} ${EX}` + OK,
    [bad('bad_exemplar'), okx],
    null,
    false,
  ),
  vector(
    'exemplar_before_rejected_timing',
    'the event after the exemplar is itself rejected: both reasons, in wire order',
    P + `${EX} 93 01 a0 05` + OK,
    [bad('bad_exemplar'), bad('bad_name'), ok],
    null,
    false,
  ),
  vector(
    'exemplar_before_negative_timing',
    'a negative duration after the exemplar',
    P + `${EX} 93 01 a1 61 ff` + OK,
    [bad('bad_exemplar'), bad('negative_duration'), ok],
    null,
    false,
  ),
  vector(
    'exemplar_before_header',
    'first event an exemplar, so the header after it is not first',
    P + `${EX} 93 00 a1 61 05` + OK,
    [bad('bad_exemplar'), bad('bad_header'), ok],
    null,
    false,
  ),
  vector(
    'exemplar_not_carried_over',
    'an exemplar applies to the next event only, not to the one after',
    P + `${EX} 93 01 a3 6a6f62 05` + OK,
    [job5x, ok],
    null,
    false,
  ),
]

export const exemplarDatagramInvalid = [
  broken(
    'exemplar_then_truncated',
    'an exemplar, then a timing cut short: the exemplar is counted',
    P + `${EX} 93 01 a1 61`,
    [bad('bad_exemplar')],
    'truncated',
  ),
  broken(
    'exemplar_truncated_id',
    'an exemplar whose trace id runs past the end',
    P + `93 0b c410 ${T.slice(0, 8)}`,
    [],
    'truncated',
  ),
]
