// doctor's two outputs: the ✓/!/✗ table with the fix under each ✗ and !, and `--json`, one object
// holding every check with its figures, for scripts and CI jobs that gate on the agent's health.
import type { CheckRow, CheckStatus, Figures } from './doctor-checks.js'

const MARK: Record<CheckStatus, string> = { ok: '✓', warn: '!', fail: '✗', skip: '–' }

export interface DoctorReport {
  readonly agentUrl: string
  /** null: none given, the agent is checked alone. */
  readonly prometheusUrl: string | null
  readonly rows: readonly CheckRow[]
}

const named = (rows: readonly CheckRow[], status: CheckStatus): string[] =>
  rows.filter((row) => row.status === status).map((row) => row.check)

/** 0 when no check failed (warnings pass), 1 otherwise. */
export function exitCodeOf(rows: readonly CheckRow[]): number {
  return rows.some((row) => row.status === 'fail') ? 1 : 0
}

export function renderTable(rows: readonly CheckRow[]): string {
  const width = Math.max(...rows.map((row) => row.check.length))
  let out = ''
  for (const row of rows) {
    out += `  ${MARK[row.status]} ${row.check.padEnd(width)}  ${row.detail}\n`
    if (row.fix !== null) out += `    ${' '.repeat(width)}  fix: ${row.fix}\n`
  }
  return out
}

export function renderText(report: DoctorReport): string {
  const prometheus = report.prometheusUrl ?? '(none given: the agent is checked alone)'
  const failed = named(report.rows, 'fail')
  const warned = named(report.rows, 'warn')
  const warnings =
    warned.length === 0 ? '' : `; ${warned.length} warning${warned.length === 1 ? '' : 's'}: ${warned.join(', ')}`
  const summary =
    failed.length === 0
      ? `all checks passed${warnings}`
      : `${failed.length} problem${failed.length === 1 ? '' : 's'}: ${failed.join(', ')}${warnings}; see the fix under each ✗`
  return `taskmeter doctor: agent ${report.agentUrl}, Prometheus ${prometheus}\n\n${renderTable(report.rows)}\n${summary}\n`
}

interface JsonCheck {
  name: string
  status: 'ok' | 'warn' | 'fail'
  message: string
  fix: string | null
  figures: Figures
}

export function renderJson(report: DoctorReport): string {
  const checks: JsonCheck[] = []
  const skipped: Array<{ name: string; reason: string }> = []
  for (const row of report.rows) {
    if (row.status === 'skip') skipped.push({ name: row.check, reason: row.detail.replace(/^not checked: /, '') })
    else checks.push({ name: row.check, status: row.status, message: row.detail, fix: row.fix, figures: row.figures })
  }
  const failed = named(report.rows, 'fail')
  const warned = named(report.rows, 'warn')
  const body = {
    agent_url: report.agentUrl,
    prometheus_url: report.prometheusUrl,
    status: failed.length > 0 ? 'fail' : warned.length > 0 ? 'warn' : 'ok',
    exit_code: exitCodeOf(report.rows),
    failed,
    warned,
    checks,
    skipped,
  }
  return `${JSON.stringify(body, null, 2)}\n`
}
