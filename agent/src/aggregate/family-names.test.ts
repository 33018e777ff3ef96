// Which names and labels a user series may take: reserved names, collisions, one spelling.
import { describe, expect, it } from 'vitest'
import type { CustomSeries } from './custom-series.js'
import { aggregator, seriesOf, taskOf } from './aggregator.test-support.js'

describe('names a user series may take', () => {
  it("keeps a user histogram's native family name to itself, in either order", () => {
    const first = aggregator()
    expect(first.series('histogram', 'x', null)).not.toBeNull()
    expect(first.series('gauge', 'x_histogram', null)).toBeNull()
    expect(first.lastRefusal).toBe('type_conflict')
    const second = aggregator()
    expect(second.series('gauge', 'y_histogram', null)).not.toBeNull()
    expect(second.series('histogram', 'y', null)).toBeNull()
    expect(second.drops.get('type_conflict')).toBe(1)
  })

  it('refuses the families the agent exposes itself', () => {
    const agg = aggregator()
    const refused: Array<[CustomSeries['kind'], string]> = [
      ['counter', 'requests'], // becomes requests_total
      ['counter', 'requests_total'],
      ['gauge', 'requests_total'],
      ['gauge', 'requests_per_second'],
      ['gauge', 'tasks_active'],
      ['counter', 'tasks_completed'],
      ['counter', 'tasks_failed_total'],
      ['histogram', 'task_duration_seconds'],
      ['gauge', 'task_duration_window_seconds'],
      ['gauge', 'taskmeter_x'],
      ['counter', 'taskmeter_series_dropped'],
      ['histogram', 'taskmeter.latency'], // sanitized to taskmeter_latency
      ['gauge', 'process_cpu_seconds_total'],
      ['gauge', 'nodejs_heap_size_total_bytes'],
      // Sample names of those families: each would land inside the agent's own family.
      ['gauge', 'task_duration_seconds_bucket'],
      ['histogram', 'task_duration_seconds_sum'],
      ['set', 'task_duration_seconds_count'],
      ['gauge', 'task_duration_window_seconds_sum'],
      ['histogram', 'task_duration_window_seconds_count'],
      ['gauge', 'requests_created'],
      ['gauge', 'task_duration_seconds_histogram'],
    ]
    for (const [kind, name] of refused) {
      expect(agg.series(kind, name, null), `${kind} ${name}`).toBeNull()
      expect(agg.lastRefusal, `${kind} ${name}`).toBe('reserved_name')
    }
    expect(agg.drops.get('reserved_name')).toBe(refused.length)
    expect(agg.drops.get('type_conflict')).toBe(0)
    expect(agg.seriesCount).toBe(0)
    // Tasks are label values, not families: every task name is fine.
    expect(agg.task('requests_total', null)).not.toBeNull()
  })

  it('refuses an event whose tag keys sanitize to one label name, counted, never merged', () => {
    const agg = aggregator()
    const colliding: Array<[string, string]> = [
      ['a.b', '1'],
      ['a-b', '2'],
    ]
    expect(agg.task('predict', colliding)).toBeNull()
    expect(
      agg.series('gauge', 'g', [
        ['a_b', '1'],
        ['a b', '2'],
      ]),
    ).toBeNull()
    expect(agg.drops.get('label_collision')).toBe(2)
    expect(agg.seriesCount).toBe(0)
    expect(agg.task('predict', [['a.b', '1']])?.labels).toEqual([['a_b', '1']])
  })

  it('leaves out a tag with an empty value: Prometheus reads it as absent, so it is one series', () => {
    const agg = aggregator()
    const plain = taskOf(agg, 'predict', null)
    expect(agg.task('predict', [['k', '']])).toBe(plain)
    expect(
      agg.task('predict', [
        ['k', ''],
        ['r', 'eu'],
      ])?.labels,
    ).toEqual([['r', 'eu']])
  })

  it('gives a family to the first spelling of a name and refuses the others', () => {
    const agg = aggregator()
    const first = seriesOf(agg, 'counter', 'a.b')
    for (const other of ['a_b', 'a-b', 'a b', 'a_b_total']) expect(agg.series('counter', other, null), other).toBeNull()
    expect(agg.series('counter', 'a.b', [['r', 'eu']])).not.toBeNull()
    expect(agg.series('counter', 'a_b', [['r', 'eu']])).toBeNull()
    expect(agg.drops.get('name_collision')).toBe(5)
    expect(agg.series('counter', 'a.b', null)).toBe(first)
    expect(agg.series('counter', 'a.b_total', null)).toBe(first)
  })

  it("refuses a histogram named like another histogram's _sum or _count lines, in either order", () => {
    const agg = aggregator()
    seriesOf(agg, 'histogram', 'x')
    for (const name of ['x_sum', 'x_count']) {
      expect(agg.series('histogram', name, null), name).toBeNull()
      expect(agg.lastRefusal, name).toBe('name_collision')
    }
    const reverse = aggregator()
    seriesOf(reverse, 'histogram', 'y_count')
    expect(reverse.series('histogram', 'y', null)).toBeNull()
    expect(reverse.drops.get('name_collision')).toBe(1)
    // Another label set of the same histogram is still the same family.
    expect(agg.series('histogram', 'x', [['r', 'eu']])).not.toBeNull()
  })

  // A counter's family is its name with _total appended, so the conflict is looked up by the
  // family both names would take, not by the name as sent ("foo" the counter is "foo_total").
  it.each<{ kind: CustomSeries['kind']; name: string; second: CustomSeries['kind']; other: string }>([
    { kind: 'counter', name: 'foo', second: 'gauge', other: 'foo' },
    { kind: 'counter', name: 'bar_total', second: 'gauge', other: 'bar' },
    { kind: 'gauge', name: 'baz', second: 'counter', other: 'baz_total' },
  ])('refuses the $second $other after the $kind $name: one name, one type', ({ kind, name, second, other }) => {
    const agg = aggregator()
    seriesOf(agg, kind, name)
    expect(agg.series(second, other, null)).toBeNull()
    expect(agg.lastRefusal).toBe('type_conflict')
    expect(agg.drops.get('type_conflict')).toBe(1)
  })

  it('keeps a task whose name looks like a tagged series apart from the tagged task', () => {
    const agg = aggregator()
    const plain = taskOf(agg, 'al{k="v"}')
    const tagged = taskOf(agg, 'al', [['k', 'v']])
    expect(tagged).not.toBe(plain)
    expect(plain.id).not.toBe(tagged.id)
    expect(taskOf(agg, '"al"').id).not.toBe(taskOf(agg, 'al').id)
    const counterA = seriesOf(agg, 'counter', 'ca{k="v"}')
    const counterB = seriesOf(agg, 'counter', 'ca', [['k', 'v']])
    expect(counterA.displayId).not.toBe(counterB.displayId)
  })

  it('keeps the tag-key spelling a series was created with; another spelling of it is refused', () => {
    const agg = aggregator()
    const dotted = taskOf(agg, 'predict', [['a.b', '1']])
    expect(agg.task('predict', [['a_b', '1']])).toBeNull()
    expect(agg.task('predict', [['a-b', '1']])).toBeNull()
    expect(agg.task('predict', [['a.b', '1']])).toBe(dotted)
    const plain = seriesOf(agg, 'counter', 'c', [['k_1', 'x']])
    expect(agg.series('counter', 'c', [['k.1', 'x']])).toBeNull()
    expect(agg.lastRefusal).toBe('label_collision')
    expect(agg.series('counter', 'c', [['k_1', 'x']])).toBe(plain)
    expect(agg.drops.get('label_collision')).toBe(3)
  })
})
