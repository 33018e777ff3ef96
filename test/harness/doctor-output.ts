// Reading `taskmeter-agent doctor` output in the tests.

/** The table row of one check: its mark and text, with the fix line under it when there is one. */
export function row(stdout: string, check: string): string {
  const lines = stdout.split('\n')
  const at = lines.findIndex((line) => new RegExp(`^  [✓✗–] ${check} `).test(line))
  if (at < 0) throw new Error(`no row "${check}" in:\n${stdout}`)
  const next = lines[at + 1] ?? ''
  return /^\s+fix: /.test(next) ? `${lines[at]}\n${next}` : (lines[at] as string)
}

/** The agent's checks, in the order doctor runs them. */
export const AGENT_CHECKS = [
  'agent reachable',
  'agent ready',
  'agent /metrics',
  'agent /dashboard',
  'kernel drops',
  'invalid datagrams',
  'events dropped',
  'series cap',
  'sender loss',
  'memory budget',
] as const

/** The checks that need a Prometheus URL, after the agent's. */
export const PROMETHEUS_CHECKS = ['prometheus reachable', 'scrape target', 'target up', 'last scrape'] as const
