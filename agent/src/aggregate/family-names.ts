// Which names a user metric may take: the agent's own families and their sample names are
// reserved, each user metric occupies every name it renders, and one family has one spelling.
import type { CustomSeries } from './custom-series.js'
import { type CustomKind, NATIVE_COMPANION_SUFFIX } from './custom-series.js'
import type { AgentDropReason } from './drop-counters.js'

// Families the agent itself exposes. A user metric may take none of their names, nor any name a
// Prometheus parser reads as a sample of them: a user gauge `task_duration_seconds_bucket` would
// otherwise land inside the task histogram and make every scrape fail to parse. Counters are also
// reserved without `_total`, the family name OpenMetrics gives them.
const AGENT_FAMILIES = [
  'task_duration_seconds',
  'task_duration_window_seconds',
  'requests_total',
  'requests_per_second',
  'tasks_active',
  'tasks_completed_total',
  'tasks_failed_total',
] as const
/** Sample-name suffixes of histograms, summaries and counters, and the native companion's. */
const SAMPLE_SUFFIXES = ['', '_bucket', '_sum', '_count', '_total', '_created', NATIVE_COMPANION_SUFFIX]
const RESERVED_NAMES = new Set(
  AGENT_FAMILIES.flatMap((family) => [family, family.replace(/_total$/, '')]).flatMap((family) =>
    SAMPLE_SUFFIXES.map((suffix) => family + suffix),
  ),
)

export function isReservedFamily(family: string): boolean {
  return (
    RESERVED_NAMES.has(family) ||
    family.startsWith('taskmeter_') ||
    family.startsWith('process_') ||
    family.startsWith('nodejs_')
  )
}

/**
 * Every name a user metric occupies: its family, a counter's name without `_total` (the family
 * name OpenMetrics gives it, so counter `x_total` and gauge `x` cannot both exist), a summary's
 * _sum and _count lines, and the native histogram family a protobuf scrape adds beside it.
 */
export function exposedNames(kind: CustomKind, family: string): string[] {
  if (kind === 'histogram') return [family, family + '_sum', family + '_count', family + NATIVE_COMPANION_SUFFIX]
  if (kind === 'counter') return [family, spellingOf(kind, family)]
  return [family]
}

/** A counter's name with or without `_total` is one spelling: StatsD apps send both for one counter. */
export function spellingOf(kind: CustomKind, name: string): string {
  return kind === 'counter' && name.endsWith('_total') ? name.slice(0, -'_total'.length) : name
}

interface Claim {
  readonly kind: CustomKind
  readonly family: string
}

/** The family names user series hold now: which family holds each name, and the spelling that owns it. */
export class FamilyClaims {
  /**
   * exposed name → the kind and family holding it. A name used as a counter cannot also be a
   * gauge, and a name one family renders cannot be another's: histogram `x` renders `x_sum`, so
   * a second histogram `x_sum` would put a second HELP line for `x` in the text exposition.
   */
  private readonly claims = new Map<string, Claim>()
  /** family → the name as first sent, so two spellings never share one family. */
  private readonly spellings = new Map<string, string>()

  /** Why a new series of `kind` named `name` may not take `family`; null when it may. */
  refusal(kind: CustomKind, name: string, family: string): AgentDropReason | null {
    for (const exposed of exposedNames(kind, family)) {
      if (isReservedFamily(exposed)) return 'reserved_name'
      const taken = this.claims.get(exposed)
      if (taken === undefined) continue
      if (taken.kind !== kind) return 'type_conflict'
      if (taken.family !== family) return 'name_collision'
    }
    const spelling = this.spellings.get(family)
    return spelling !== undefined && spelling !== spellingOf(kind, name) ? 'name_collision' : null
  }

  claim(kind: CustomKind, name: string, family: string): void {
    const claim: Claim = { kind, family }
    for (const exposed of exposedNames(kind, family)) this.claims.set(exposed, claim)
    this.spellings.set(family, spellingOf(kind, name))
  }

  /** After evictions: only the series still held keep their names (the maps must not grow forever). */
  rebuild(held: Iterable<CustomSeries>): void {
    this.claims.clear()
    this.spellings.clear()
    for (const series of held) this.claim(series.kind, series.name, series.family)
  }
}
