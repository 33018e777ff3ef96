// Hostile StatsD / DogStatsD names, tag keys and tag values, each with what the agent must make of
// it. The limits are the README's ("Limits and guarantees"): names 1–200 bytes, at most 16 tags,
// keys ≤ 64 bytes, values ≤ 200 bytes, all counted in bytes of UTF-8, never in characters.
import type { HostileCase } from './hostile-cases.js'

const reserved = (n: number) => ({ 'events_dropped:reserved_name': n }) as const

export const STATSD_CASES: readonly HostileCase[] = [
  {
    title: "the agent's own families as gauges, counters, histograms and sets are reserved_name",
    send: [
      'task_duration_seconds:1|g',
      'task_duration_window_seconds:1|h',
      'requests:1|c',
      'requests_total:1|g',
      'requests_per_second:1|c',
      'tasks_active:m|s',
      'tasks_completed:1|g',
      'tasks_failed_total:1|d',
    ],
    refused: reserved(8),
  },
  {
    title: "sample names of the agent's histogram and summary (_bucket, _sum, _count, …) are reserved_name",
    send: [
      'task_duration_seconds_bucket:1|g',
      'task_duration_seconds_sum:1|c',
      'task_duration_seconds_count:1|h',
      'task_duration_seconds_created:1|g',
      'task_duration_seconds_histogram:1|g',
      'task_duration_window_seconds_sum:1|g',
      'task_duration_window_seconds_count:1|d',
      'tasks_active_total:1|c',
    ],
    refused: reserved(8),
  },
  {
    title: 'taskmeter_, process_ and nodejs_ names, and names that sanitize into a reserved one, are reserved_name',
    send: [
      'taskmeter_events_dropped:1|c',
      'taskmeter_series:1|g',
      'taskmeter_build_info:m|s',
      'taskmeter_anything:1|h',
      'process_cpu_seconds_total:1|c',
      'nodejs_version_info:1|g',
      'task.duration.seconds.bucket:1|g',
      'taskmeter-series:1|g',
    ],
    refused: reserved(8),
  },
  {
    title: "the agent's family names as task names are just task label values",
    send: ['task_duration_seconds_bucket:1|ms', 'taskmeter_series:2|ms', 'requests_total:3|ms'],
    tasks: [
      { name: 'task_duration_seconds_bucket', count: 1 },
      { name: 'taskmeter_series', count: 1 },
      { name: 'requests_total', count: 1 },
    ],
  },
  {
    title: 'Object.prototype names as task names are tasks like any other',
    send: ['__proto__:1|ms', 'constructor:2|ms', 'toString:3|ms', 'hasOwnProperty:4|ms'],
    tasks: ['__proto__', 'constructor', 'toString', 'hasOwnProperty'].map((name) => ({ name, count: 1 })),
  },
  {
    title: 'Object.prototype names as counter, gauge, histogram and set names are series like any other',
    send: ['__proto__:2|c', 'constructor:3|g', 'hasOwnProperty:4|h', 'toString:m|s'],
    counters: { ['__proto__']: 2 }, // computed: a plain __proto__ key would set the prototype
    gauges: { constructor: 3, toString: 1 },
    histograms: { hasOwnProperty: 1 },
    series: [
      ['__proto___total', {}, 2],
      ['constructor', {}, 3],
      ['hasOwnProperty', {}, 1],
      ['toString', {}, 1],
    ],
  },
  {
    title: 'Object.prototype names as tag keys are labels (a __ prefix becomes tag__)',
    send: ['protokeys:1|ms|#__proto__:a,constructor:b,toString:c,hasOwnProperty:d', 'protokeys:1|c|#__proto__:a'],
    tasks: [
      {
        name: 'protokeys',
        labels: { tag__proto__: 'a', constructor: 'b', toString: 'c', hasOwnProperty: 'd' },
        count: 1,
      },
    ],
    counters: { 'protokeys{tag__proto__="a"}': 1 },
    series: [['protokeys_total', { tag__proto__: 'a' }, 1]],
  },
  {
    title: 'quotes, backslashes, =, braces and spaces in task names are kept as sent',
    send: ['ta"sk:1|ms', 'ta\\sk:1|ms', 'ta=sk:1|ms', 'ta{sk:1|ms', 'ta}sk:1|ms', 'ta sk:1|ms'],
    tasks: ['ta"sk', 'ta\\sk', 'ta=sk', 'ta{sk', 'ta}sk', 'ta sk'].map((name) => ({ name, count: 1 })),
  },
  {
    title:
      'comma, # and brackets in a name start InfluxDB, Librato and SignalFx tags; a name of only tags is empty_name',
    send: ['tm,sk:1|ms', 'tm#sk:1|ms', 'tm[sk]:1|ms', '#task:1|ms', 'tm]x:1|ms'],
    tasks: [{ name: 'tm', labels: { sk: 'true' }, count: 3 }],
    refused: { 'lines_invalid:empty_name': 1, 'lines_invalid:bad_tags': 1 },
  },
  {
    title: 'the same characters in counter names sanitize to _, each its own family',
    send: ['c"1:1|c', 'c\\2:1|c', 'c=3:1|c', 'c{5}:1|c', 'c 6:1|c'],
    counters: { 'c"1': 1, 'c\\2': 1, 'c=3': 1, 'c{5}': 1, 'c 6': 1 },
    series: [
      ['c_1_total', {}, 1],
      ['c_2_total', {}, 1],
      ['c_5__total', {}, 1],
    ],
  },
  {
    title: 'a counter named like a tagged series, ck{k="v"}, is one family of its own',
    send: ['ck{k="v"}:4|c'],
    counters: { 'ck{k="v"}': 4 },
    series: [['ck_k__v___total', {}, 4]],
  },
  {
    title: 'quotes, backslashes, =, braces and colons in tag values are label values as sent',
    send: ['tagvals:1|ms|#q:"x",b:\\y,e:=z,br:{},url:http://h:1/p'],
    tasks: [{ name: 'tagvals', labels: { q: '"x"', b: '\\y', e: '=z', br: '{}', url: 'http://h:1/p' }, count: 1 }],
  },
  {
    title: 'label-format characters in tag keys sanitize to _',
    send: ['tagkeys:1|ms|#k"1:a,k\\2:b,k=3:c,k{4:d,5k:e'],
    tasks: [{ name: 'tagkeys', labels: { k_1: 'a', k_2: 'b', k_3: 'c', k_4: 'd', _5k: 'e' }, count: 1 }],
  },
  {
    title: 'reserved label names as tag keys are renamed tag_<key>',
    send: ['rl:1|ms|#task:t,status:s,le:l,quantile:q,job:j,instance:i,__name__:n', 'rh:1|h|#quantile:q'],
    tasks: [
      {
        name: 'rl',
        labels: {
          tag_task: 't',
          tag_status: 's',
          tag_le: 'l',
          tag_quantile: 'q',
          tag_job: 'j',
          tag_instance: 'i',
          tag__name__: 'n',
        },
        count: 1,
      },
    ],
    histograms: { 'rh{tag_quantile="q"}': 1 },
  },
  {
    title: 'unicode task names are kept; unicode in metric names sanitizes, and two that meet are name_collision',
    send: ['café:1|ms', '日本:1|ms', '🚀:1|ms', 'naïve:1|c', 'naíve:1|c', 'ü:5|g', 'é:6|g'],
    tasks: ['café', '日本', '🚀'].map((name) => ({ name, count: 1 })),
    counters: { naïve: 1 },
    gauges: { ü: 5 },
    refused: { 'events_dropped:name_collision': 2 },
    series: [
      ['na_ve_total', {}, 1],
      ['_', {}, 5],
    ],
  },
  {
    title: 'CR, tab, U+2028 and U+0085 inside task names are kept as sent',
    send: ['cr\rin:1|ms', 'tab\tin:1|ms', 'ls\u2028in:1|ms', 'nel\u0085in:1|ms'],
    tasks: ['cr\rin', 'tab\tin', 'ls\u2028in', 'nel\u0085in'].map((name) => ({ name, count: 1 })),
  },
  {
    title: 'a name that is not UTF-8 is read with U+FFFD in place of the bad byte',
    send: [Buffer.concat([Buffer.from('bad'), Buffer.from([0xff]), Buffer.from(':1|ms')])],
    tasks: [{ name: 'bad\ufffd', count: 1 }],
  },
  {
    title: 'names of 200 bytes are accepted, 201 bytes are name_too_long (bytes, not characters)',
    send: [`${'n'.repeat(200)}:1|ms`, `${'n'.repeat(201)}:1|ms`, `${'é'.repeat(100)}:1|ms`, `${'€'.repeat(67)}:1|ms`],
    tasks: [
      { name: 'n'.repeat(200), count: 1 },
      { name: 'é'.repeat(100), count: 1 },
    ],
    refused: { 'lines_invalid:name_too_long': 2 },
  },
  {
    title: 'a counter name of 200 bytes is a family of 206',
    send: [`${'c'.repeat(200)}:1|c`],
    counters: { ['c'.repeat(200)]: 1 },
    series: [[`${'c'.repeat(200)}_total`, {}, 1]],
  },
  {
    title: 'tag keys of 64 bytes and values of 200 are accepted, one byte more is tag_too_long',
    send: [
      `taglen:1|ms|#${'k'.repeat(64)}:v`,
      `taglen:1|ms|#k${'é'.repeat(31)}k:v`,
      `taglen:1|ms|#k:${'v'.repeat(200)}`,
      `taglen:1|ms|#${'k'.repeat(65)}:v`,
      `taglen:1|ms|#k${'é'.repeat(32)}:v`,
      `taglen:1|ms|#k:${'v'.repeat(201)}`,
    ],
    tasks: [
      { name: 'taglen', labels: { ['k'.repeat(64)]: 'v' }, count: 1 },
      { name: 'taglen', labels: { [`k${'_'.repeat(31)}k`]: 'v' }, count: 1 },
      { name: 'taglen', labels: { k: 'v'.repeat(200) }, count: 1 },
    ],
    refused: { 'lines_invalid:tag_too_long': 3 },
  },
  {
    title: '16 tags are accepted, 17 are too_many_tags',
    send: [16, 17].map((n) => `tagcount:1|ms|#${Array.from({ length: n }, (_, i) => `t${i}:v`).join(',')}`),
    tasks: [
      { name: 'tagcount', labels: Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`t${i}`, 'v'])), count: 1 },
    ],
    refused: { 'lines_invalid:too_many_tags': 1 },
  },
  {
    title: 'tag keys of one line that sanitize to one label (a.b, a_b, a-b, task/tag_task) are label_collision',
    send: [
      'lc:1|ms|#a.b:1,a_b:2',
      'lc:1|c|#a-b:1,a.b:2',
      'lc:1|g|#a b:1,a_b:2',
      'lc:1|h|#a.b:1,a-b:1',
      'lc:1|ms|#task:x,tag_task:y',
      'lc:1|ms|#1a:x,_1a:y',
      'lc:1|ms',
    ],
    tasks: [{ name: 'lc', count: 1 }],
    refused: { 'events_dropped:label_collision': 6 },
  },
  {
    title: 'a tag key given twice is label_collision, even with the same value',
    send: ['dup:1|ms|#k:a,k:b', 'dup:1|c|#k:a,k:a', 'dup:1|ms|#k:a'],
    tasks: [{ name: 'dup', labels: { k: 'a' }, count: 1 }],
    refused: { 'events_dropped:label_collision': 2 },
  },
  {
    title: 'an empty tag value (k:), an empty key or a trailing comma is bad_tags; a bare tag is "true"',
    send: ['ev:1|ms|#k:', 'ev:1|c|#:v', 'ev:1|ms|#canary', 'ev:1|ms|#k:v,', 'ev:1|ms|#k:v'],
    tasks: [
      { name: 'ev', labels: { k: 'v' }, count: 1 },
      { name: 'ev', labels: { canary: 'true' }, count: 1 },
    ],
    refused: { 'lines_invalid:bad_tags': 3 },
  },
  {
    title: 'counters a.b, a_b, a-b and a b are one family: the first spelling keeps it, the others name_collision',
    send: ['sp.c:1|c', 'sp_c:1|c', 'sp-c:1|c', 'sp c:1|c', 'sp.c_total:2|c'],
    counters: { 'sp.c': 3 },
    refused: { 'events_dropped:name_collision': 3 },
    series: [['sp_c_total', {}, 3]],
  },
  {
    title: 'gauges and histograms a.b and a_b are name_collision too',
    send: ['sg.x:1|g', 'sg_x:2|g', 'sh.x:1|h', 'sh-x:1|d'],
    gauges: { 'sg.x': 1 },
    histograms: { 'sh.x': 1 },
    refused: { 'events_dropped:name_collision': 2 },
  },
  {
    title: 'a name used with two kinds is type_conflict (counter foo then gauge foo_total, and others)',
    send: ['foo:1|c', 'foo_total:1|g', 'tg:1|g', 'tg:1|c', 'th:1|h', 'th_sum:1|g', 'th_count:1|c', 'ts:m|s', 'ts:1|g'],
    counters: { foo: 1 },
    gauges: { tg: 1, ts: 1 },
    histograms: { th: 1 },
    refused: { 'events_dropped:type_conflict': 5 },
  },
  {
    title: "a gauge named like a histogram's native companion, then that histogram, is type_conflict",
    send: ['tq_histogram:1|g', 'tq:1|h'],
    gauges: { tq_histogram: 1 },
    refused: { 'events_dropped:type_conflict': 1 },
  },
]
