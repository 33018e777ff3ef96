// doctor's memory check: the agent's resident memory against the budget it checked its flags
// against at start (--max-memory, or 90 % of the cgroup limit). The budget covers the worst case
// of the flags, so resident memory above it means the process holds more than the caps allow for,
// and a container limit sized from the budget is close to an OOM kill.
import { type CheckRow, fail, ok, skip, warn } from './doctor-checks.js'
import { sampleOf } from './doctor-scrape.js'

export const MEMORY_CHECK = 'memory budget'

/** Above this share of the budget, a warning: the headroom left is less than a burst of scrapes. */
export const MEMORY_WARN_FRACTION = 0.9

const MIB = 1024 * 1024
const mib = (bytes: number): string => `${(bytes / MIB).toFixed(0)} MiB`

export function memoryRow(metrics: string): CheckRow {
  const residentBytes = sampleOf(metrics, 'process_resident_memory_bytes')
  const budgetBytes = sampleOf(metrics, 'taskmeter_memory_budget_bytes')
  const worstCaseBytes = sampleOf(metrics, 'taskmeter_memory_worst_case_bytes')
  if (residentBytes === null || budgetBytes === null || budgetBytes <= 0)
    return skip(MEMORY_CHECK, 'no process_resident_memory_bytes or taskmeter_memory_budget_bytes in /metrics')
  const figures = {
    resident_bytes: residentBytes,
    budget_bytes: budgetBytes,
    worst_case_bytes: worstCaseBytes,
    budget_fraction: Math.round((residentBytes / budgetBytes) * 1000) / 1000,
  }
  const worst = worstCaseBytes === null ? '' : `, worst case of the flags ${mib(worstCaseBytes)}`
  const detail = `resident ${mib(residentBytes)} of a ${mib(budgetBytes)} budget (${Math.round((residentBytes / budgetBytes) * 100)} %${worst})`
  if (residentBytes > budgetBytes)
    return fail(
      MEMORY_CHECK,
      detail,
      'the process holds more than its caps allow for: lower --max-series or --max-scrape-bytes, or raise --max-memory and the memory limit with it; resident memory that keeps growing at a steady series count is a bug worth reporting',
      figures,
    )
  if (residentBytes > budgetBytes * MEMORY_WARN_FRACTION)
    return warn(
      MEMORY_CHECK,
      detail,
      `over ${MEMORY_WARN_FRACTION * 100} % of the budget: give the agent more room (--max-memory and the memory limit) before a burst of series or scrapes reaches it`,
      figures,
    )
  return ok(MEMORY_CHECK, detail, figures)
}
