// Reading `taskmeter-agent doctor` output in the tests.

/** The table row of one check: its mark and text, with the fix line under it when there is one. */
export function row(stdout: string, check: string): string {
  const lines = stdout.split('\n')
  const at = lines.findIndex((line) => new RegExp(`^  [✓✗–] ${check} `).test(line))
  if (at < 0) throw new Error(`no row "${check}" in:\n${stdout}`)
  const next = lines[at + 1] ?? ''
  return /^\s+fix: /.test(next) ? `${lines[at]}\n${next}` : (lines[at] as string)
}
