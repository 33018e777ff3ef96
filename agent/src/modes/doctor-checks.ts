// The checks of `taskmeter-agent doctor`, the troubleshooting checks in order: the agent reachable
// and ready, its /metrics and /dashboard, what it counted (kernel drops, invalid input, events and
// series dropped, senders losing datagrams), its memory against its budget; then, given a
// Prometheus URL, Prometheus reachable, a target for this agent, up, and its last scrape. Each check
// gives a row with the figures it read; a failed one says how to fix it. Network errors become
// rows, never exceptions.

/** ok and warn pass (exit 0), fail does not (exit 1); skip is a check that could not run. */
export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip'

/** What a check read, by name (snake_case, units in the name), for `doctor --json`. */
export type Figure = number | string | boolean | null | Readonly<Record<string, number>>
export type Figures = Readonly<Record<string, Figure>>

export interface CheckRow {
  readonly check: string
  readonly status: CheckStatus
  readonly detail: string
  /** What to do about a failed or warned check (null when it passed or was skipped). */
  readonly fix: string | null
  readonly figures: Figures
}

const NONE: Figures = Object.freeze({})

export const ok = (check: string, detail: string, figures: Figures = NONE): CheckRow => ({
  check,
  status: 'ok',
  detail,
  fix: null,
  figures,
})
export const warn = (check: string, detail: string, fix: string, figures: Figures = NONE): CheckRow => ({
  check,
  status: 'warn',
  detail,
  fix,
  figures,
})
export const fail = (check: string, detail: string, fix: string, figures: Figures = NONE): CheckRow => ({
  check,
  status: 'fail',
  detail,
  fix,
  figures,
})
export const skip = (check: string, why: string): CheckRow => ({
  check,
  status: 'skip',
  detail: `not checked: ${why}`,
  fix: null,
  figures: NONE,
})
