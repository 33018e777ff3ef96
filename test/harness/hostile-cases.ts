// A table of hostile cases against one real agent: each case's datagrams go over real UDP, one case
// after another (so that each case's refusals can be told apart), then one scrape of every output
// is checked against every case and against the rules any exposition must keep.
import { BatchEncoder, type EventReason, type TagInput, encodeName, encodeTags } from '@taskmeter/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AgentDropReason } from '../../agent/src/aggregate/drop-counters.js'
import type { LineReason } from '../../agent/src/decode/statsd-reasons.js'
import { type AgentProcess, startAgentProcess } from './agent-process.js'
import { UDP_READERS, type UdpReaderUnderTest, readerArgs } from './udp-readers.js'
import {
  type CustomKind,
  type Labels,
  type Scrape,
  dashboardCustom,
  dashboardTasks,
  expectDashboardHoldsEverySeries,
  expectPromtoolAccepts,
  expectProtobufMatchesText,
  expectReportListsEveryTaskAlone,
  ownFamilies,
  promtoolCheck,
  protoValues,
  repeatedNames,
  scrape,
  sendGroups,
} from './hostile-exposition.js'
import { UdpSender } from './udp-sender.js'

/** A refusal counter: `taskmeter_<counter>_total{reason}` as `<counter>:<reason>`, or the series cap. */
export type Refusal =
  | `events_dropped:${AgentDropReason}`
  | `lines_invalid:${LineReason}`
  | `events_invalid:${EventReason}`
  | 'series_dropped'

export interface ExpectedTask {
  readonly name: string
  readonly labels?: Labels
  /** Requests recorded for it. */
  readonly count: number
}

export interface HostileCase {
  readonly title: string
  /** Datagrams in order: StatsD text (UTF-8) or raw bytes (protocol v1, or text that is not UTF-8). */
  readonly send: ReadonlyArray<string | Uint8Array>
  /** Exactly the refusal counters the case moves, by how much; none when absent. */
  readonly refused?: Readonly<Partial<Record<Refusal, number>>>
  readonly tasks?: readonly ExpectedTask[]
  /** /dashboard entries (keyed by the name as sent, plus tags): counter and gauge values, histogram counts. */
  readonly counters?: Readonly<Record<string, number>>
  readonly gauges?: Readonly<Record<string, number>>
  readonly histograms?: Readonly<Record<string, number>>
  /** Protobuf samples `[family, labels, value]` (a summary's value is its count). */
  readonly series?: ReadonlyArray<readonly [string, Labels, number]>
}

/** A msgpack str of any length, with none of the encoder's checks (for over-long names). */
export function rawStr(text: string | Uint8Array): Uint8Array {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : Buffer.from(text)
  const header =
    bytes.length < 32
      ? [0xa0 | bytes.length]
      : bytes.length < 0x100
        ? [0xd9, bytes.length]
        : [0xda, bytes.length >> 8, bytes.length & 0xff]
  return Buffer.concat([Buffer.from(header), bytes])
}

/** A msgpack map of `key, value, key, value…` as given: duplicate keys, empty keys and any count allowed. */
export function rawMap(...keysAndValues: string[]): Uint8Array {
  const pairs = keysAndValues.length / 2
  const header = pairs < 16 ? [0x80 | pairs] : [0xde, pairs >> 8, pairs & 0xff]
  return Buffer.concat([Buffer.from(header), ...keysAndValues.map((text) => rawStr(text))])
}

/** `[kind, name, value, tags?]`: a string name or tags go through the encoder, raw bytes as they are. */
export type V1Event = readonly [kind: number, name: string | Uint8Array, value: number, tags?: TagInput | Uint8Array]

function wire(encoded: Uint8Array | string | null, what: string): Uint8Array | null {
  if (typeof encoded === 'string') throw new Error(`the protocol encoder refuses ${what}: ${encoded}`)
  return encoded
}

/** One protocol v1 datagram of these events, built with the protocol package's encoder. */
export function v1(...events: V1Event[]): Uint8Array {
  const encoder = new BatchEncoder(8192)
  for (const [kind, text, value, tagInput] of events) {
    const name = typeof text === 'string' ? wire(encodeName(text), text) : text
    const tags =
      tagInput === undefined || tagInput instanceof Uint8Array ? (tagInput ?? null) : wire(encodeTags(tagInput), 'tags')
    if (name === null || !encoder.append(kind, name, value, 1, tags)) throw new Error('event does not fit')
  }
  return Buffer.from(encoder.datagram())
}

export function expectCase(c: HostileCase, refused: Record<string, number>, s: Scrape): void {
  expect(refused, 'refusal counters moved').toEqual(c.refused ?? {})
  for (const task of c.tasks ?? []) {
    const labels = task.labels ?? {}
    const where = `task ${JSON.stringify(task.name)} ${JSON.stringify(labels)}`
    expect(dashboardTasks(s, task.name, labels), `/dashboard ${where}`).toEqual([task.count])
    expect(protoValues(s, 'tasks_completed_total', { task: task.name, ...labels }), `/metrics ${where}`).toEqual([
      task.count,
    ])
  }
  const custom: Array<[CustomKind, Readonly<Record<string, number>> | undefined]> = [
    ['counters', c.counters],
    ['gauges', c.gauges],
    ['histograms', c.histograms],
  ]
  for (const [kind, expected] of custom)
    for (const [id, value] of Object.entries(expected ?? {})) {
      const shown = dashboardCustom(s, kind).filter(([name]) => name === id)
      expect(shown, `/dashboard ${kind}[${JSON.stringify(id)}]`).toEqual([[id, value]])
    }
  for (const [family, labels, value] of c.series ?? [])
    expect(protoValues(s, family, labels), `${family} ${JSON.stringify(labels)}`).toEqual([value])
}

const shownNames = (s: Scrape, kind: CustomKind): string[] =>
  dashboardCustom(s, kind)
    .map(([name]) => name)
    .sort()

/** The user series on /dashboard are exactly those the cases expect: no refused event made one. */
export function expectNothingUnexpected(cases: readonly HostileCase[], s: Scrape): void {
  const union = (pick: (c: HostileCase) => Readonly<Record<string, number>> | undefined): string[] =>
    cases.flatMap((c) => Object.keys(pick(c) ?? {})).sort()
  expect({
    tasks: Object.values(s.dashboard.tasks).length,
    counters: shownNames(s, 'counters'),
    gauges: shownNames(s, 'gauges'),
    histograms: shownNames(s, 'histograms'),
  }).toEqual({
    tasks: cases.reduce((n, c) => n + (c.tasks?.length ?? 0), 0),
    counters: union((c) => c.counters),
    gauges: union((c) => c.gauges),
    histograms: union((c) => c.histograms),
  })
}

export interface AgentRun {
  readonly refused: Array<Record<string, number>>
  readonly scrape: Scrape
}

/** Starts an agent for the describe block, sends the groups in order and scrapes once. */
export function agentRun(
  groups: () => ReadonlyArray<ReadonlyArray<string | Uint8Array>>,
  reader: UdpReaderUnderTest = 'native',
): () => AgentRun {
  let agent: AgentProcess | null = null
  let run: AgentRun | null = null
  beforeAll(async () => {
    agent = await startAgentProcess(readerArgs(reader))
    const sender = new UdpSender(agent.udpPort)
    const bytes = groups().map((group) => group.map((d) => (typeof d === 'string' ? Buffer.from(d, 'utf8') : d)))
    try {
      const own = await ownFamilies(agent.baseUrl)
      const refused = await sendGroups(agent.baseUrl, bytes, (d) => sender.sendRaw(d))
      run = { refused, scrape: await scrape(agent.baseUrl, own) }
    } finally {
      sender.close()
    }
  })
  afterAll(async () => {
    const code = await agent?.stop()
    expect(code).toBe(0) // the agent survived every case
  })
  return () => {
    if (run === null) throw new Error('the agent run did not complete')
    return run
  }
}

/** One agent per reader, every case in order, one `it` per case plus the exposition-wide rules. */
export function describeHostileCases(title: string, cases: readonly HostileCase[]): void {
  describe.each(UDP_READERS)(`${title}, %s reader`, (reader) => {
    const run = agentRun(() => cases.map((c) => c.send), reader)
    it.each(cases.map((c, i) => [c.title, i] as const))('%s', (_title, i) => {
      expectCase(cases[i] as HostileCase, run().refused[i] ?? {}, run().scrape)
    })
    it('makes no series that no case expects', () => expectNothingUnexpected(cases, run().scrape))
    it('/metrics text passes promtool check metrics', async () =>
      expectPromtoolAccepts(await promtoolCheck(run().scrape.text), run().scrape))
    it('/metrics protobuf decodes, one family a name, with the text types and values', () => {
      expect(repeatedNames(run().scrape.families)).toEqual([])
      expectProtobufMatchesText(run().scrape)
    })
    it('/dashboard holds every task and user series of /metrics', () => expectDashboardHoldsEverySeries(run().scrape))
    it('/report lists every task, one section each, and no line a name injected', () =>
      expectReportListsEveryTaskAlone(run().scrape))
  })
}
