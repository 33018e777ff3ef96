// Hostile names and tags in protocol v1, where a name or a tag may hold what StatsD text cannot: a
// newline, a colon, a NUL, an empty tag value, a key given twice in one map. Built with the
// protocol package's encoder; what it refuses on the client side is sent as raw msgpack.
import { EVENT_KIND } from '@taskmeter/protocol'
import { type HostileCase, rawMap, rawStr, v1 } from './hostile-cases.js'

const { timing, count, gauge, gauge_delta, histogram, task_start, task_end_success } = EVENT_KIND

export const V1_CASES: readonly HostileCase[] = [
  {
    title: 'a newline in a task name or tag value is escaped in /metrics and /report, never a new line',
    send: [
      v1(
        [timing, 'nl\nTask: injected', 1],
        [timing, 'nl\r\n  Total requests: 999', 1],
        [timing, 'nltag', 1, { note: 'a\nb\n# TYPE x counter' }],
        [count, 'nl\nc', 1],
      ),
    ],
    tasks: [
      { name: 'nl\nTask: injected', count: 1 },
      { name: 'nl\r\n  Total requests: 999', count: 1 },
      { name: 'nltag', labels: { note: 'a\nb\n# TYPE x counter' }, count: 1 },
    ],
    counters: { 'nl\nc': 1 },
    series: [['nl_c_total', {}, 1]],
  },
  {
    title: 'a colon is kept in metric names (Prometheus allows it) and in task names',
    send: [v1([timing, 'co:lon', 1], [count, 'co:lon', 2], [gauge, 'g:1', 3])],
    tasks: [{ name: 'co:lon', count: 1 }],
    counters: { 'co:lon': 2 },
    gauges: { 'g:1': 3 },
    series: [
      ['co:lon_total', {}, 2],
      ['g:1', {}, 3],
    ],
  },
  {
    title: 'a NUL byte in a task name is kept, in a metric name it sanitizes to _',
    send: [v1([timing, 'nul\0name', 1], [count, 'nul\0c', 1])],
    tasks: [{ name: 'nul\0name', count: 1 }],
    counters: { 'nul\0c': 1 },
    series: [['nul_c_total', {}, 1]],
  },
  {
    title: 'an empty tag value (k="") is an absent label, as Prometheus reads it: one series with the untagged',
    send: [
      v1(
        [timing, 'ev1', 1, { k: '' }],
        [timing, 'ev1', 1],
        [timing, 'ev1', 1, { k: '', j: 'x' }],
        [count, 'evc', 1, { k: '' }],
        [count, 'evc', 1],
      ),
    ],
    tasks: [
      { name: 'ev1', count: 2 },
      { name: 'ev1', labels: { j: 'x' }, count: 1 },
    ],
    counters: { evc: 2 },
  },
  {
    title: 'a tag map with one key twice, or two keys that sanitize to one label, is label_collision',
    send: [
      v1(
        [timing, 'dupv', 1, rawMap('k', 'a', 'k', 'b')],
        [count, 'dupv', 1, rawMap('k', 'a', 'k', 'a')],
        [gauge, 'dupv', 1, rawMap('a.b', '1', 'a_b', '2')],
        [histogram, 'dupv', 1, rawMap('a-b', '1', 'a.b', '2')],
        [timing, 'dupv', 1, { k: 'a' }],
      ),
    ],
    tasks: [{ name: 'dupv', labels: { k: 'a' }, count: 1 }],
    refused: { 'events_dropped:label_collision': 4 },
  },
  {
    title: 'Object.prototype names as gauge, counter, histogram, gauge delta, tracked task and tag keys',
    send: [
      v1(
        [gauge, '__proto__', 1],
        [count, 'constructor', 2],
        [histogram, 'toString', 3],
        [gauge_delta, 'hasOwnProperty', -4],
        [task_start, '__proto__', 0],
        [task_end_success, '__proto__', 5],
        [timing, 'valueOf', 1, rawMap('__proto__', 'p', 'constructor', 'c')],
      ),
    ],
    tasks: [
      { name: '__proto__', count: 1 },
      { name: 'valueOf', labels: { tag__proto__: 'p', constructor: 'c' }, count: 1 },
    ],
    gauges: { ['__proto__']: 1, hasOwnProperty: -4 }, // computed: a plain __proto__ key would set the prototype
    counters: { constructor: 2 },
    histograms: { toString: 1 },
  },
  {
    title: 'names of 200 bytes are accepted, 201 bytes (or 101 two-byte characters) are name_too_long',
    send: [
      v1(
        [timing, 'v'.repeat(200), 1],
        [timing, 'é'.repeat(100), 1],
        [timing, rawStr('v'.repeat(201)), 1],
        [count, rawStr('é'.repeat(101)), 1],
      ),
    ],
    tasks: [
      { name: 'v'.repeat(200), count: 1 },
      { name: 'é'.repeat(100), count: 1 },
    ],
    refused: { 'events_invalid:name_too_long': 2 },
  },
  {
    title: 'an empty name is bad_name; an empty tag key or 17 tags are bad_tags; a key of 65 bytes is tag_too_long',
    send: [
      v1(
        [timing, rawStr(''), 1],
        [timing, 'tv', 1, rawMap('', 'v')],
        [timing, 'tv', 1, rawMap(...Array.from({ length: 17 }, (_, i) => [`t${i}`, 'v']).flat())],
        [timing, 'tv', 1, rawMap('k'.repeat(65), 'v')],
        [timing, 'tv', 1, rawMap('k', 'v'.repeat(201))],
        [timing, 'tv', 1, { ['k'.repeat(64)]: 'v'.repeat(200) }],
      ),
    ],
    tasks: [{ name: 'tv', labels: { ['k'.repeat(64)]: 'v'.repeat(200) }, count: 1 }],
    refused: { 'events_invalid:bad_name': 1, 'events_invalid:bad_tags': 2, 'events_invalid:tag_too_long': 2 },
  },
  {
    title: "the agent's family and sample names as v1 counters, gauges and histograms are reserved_name",
    send: [
      v1(
        [count, 'taskmeter_events', 1],
        [gauge, 'task_duration_seconds_sum', 1],
        [histogram, 'requests_total', 1],
        [gauge_delta, 'tasks_active', 1],
        [count, 'task_duration_window_seconds_count', 1],
      ),
    ],
    refused: { 'events_dropped:reserved_name': 5 },
  },
  {
    title: 'a v1 counter vc then gauge vc_total is type_conflict, counters vc.x then vc_x name_collision',
    send: [v1([count, 'vc', 1], [gauge, 'vc_total', 1], [count, 'vc.x', 1], [count, 'vc_x', 1])],
    counters: { vc: 1, 'vc.x': 1 },
    refused: { 'events_dropped:type_conflict': 1, 'events_dropped:name_collision': 1 },
  },
]
