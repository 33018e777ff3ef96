// How the start went with --state-file, counted in taskmeter_state_restore_total{result} (declared
// in self-metrics/agent-self-metrics.ts). A fixed set, so that every result is a series at 0 from
// the start and an alert can watch for corrupt or discarded ones.
export const STATE_RESTORE_RESULTS = [
  'restored', // the file was read: series, counters and window slots go on
  'absent', // no file yet (the first start): nothing to read
  'corrupt', // truncated, flipped or not a state file: kept as PATH.corrupt-<time>, started fresh
  'incompatible', // written with another --precision, --window, --buckets or format: refused (exit 2)
  'discarded', // incompatible, ignored under --state-discard-incompatible: started fresh
] as const
export type StateRestoreResult = (typeof STATE_RESTORE_RESULTS)[number]

export class StateRestores {
  private readonly counts = new Float64Array(STATE_RESTORE_RESULTS.length)

  count(result: StateRestoreResult): void {
    const index = STATE_RESTORE_RESULTS.indexOf(result)
    this.counts[index] = (this.counts[index] ?? 0) + 1
  }

  read(index: number): number {
    return this.counts[index] ?? 0
  }
}

/** The logger calls state/ makes (pino's shape, without importing it). */
export interface StateLog {
  info(fields: Record<string, unknown>, message: string): void
  warn(fields: Record<string, unknown>, message: string): void
}
