// --state-file at 10 000 busy tasks (40 requests in each of 12 window slots, bench/busy-tasks.mjs),
// precision 2 and 3: bytes per task, and the time to encode + write the file (temporary file,
// fsync, rename, fsync of the directory) and to read + check + restore it into a new aggregator.
// In-process on the built agent. Run: npm run build && node bench/state.bench.mjs
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Aggregator } from '../agent/dist/aggregate/aggregator.js'
import { DeltaWriter } from '../agent/dist/aggregate/delta-bytes.js'
import { writeStateFile } from '../agent/dist/state/state-file.js'
import { encodeState, openState, restoreBody } from '../agent/dist/state/state-format.js'
import { fill, median } from './busy-tasks.mjs'

const TASKS = Number(process.env.BENCH_TASKS ?? 10_000)
const RUNS = Number(process.env.BENCH_RUNS ?? 5)
const BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
const dir = mkdtempSync(path.join(tmpdir(), 'taskmeter-state-bench-'))
const file = path.join(dir, 'state.bin')

for (const precision of [2, 3]) {
  const clock = { ms: 0 }
  const source = fill(TASKS, 40, clock, null, precision)
  const flags = { precision, windowSeconds: 60, buckets: BUCKETS }
  const writer = new DeltaWriter(1 << 20)
  const writes = []
  let bytes = 0
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now()
    const encoded = encodeState(source, flags, Date.now(), writer)
    await writeStateFile(file, encoded)
    writes.push(performance.now() - started)
    bytes = encoded.length
  }
  const reads = []
  for (let run = 0; run < RUNS; run++) {
    const target = new Aggregator({ windowSeconds: 60, precision, maxSeries: 1_000_000, now: () => 0 })
    const started = performance.now()
    const content = readFileSync(file)
    if (openState(content, flags).kind !== 'state') throw new Error('the bench file did not open')
    restoreBody(target, content, 0)
    reads.push(performance.now() - started)
    if (target.tasks.size !== TASKS) throw new Error('not every task restored')
  }
  console.log(
    JSON.stringify({
      precision,
      tasks: TASKS,
      file_mb: Number((bytes / 1e6).toFixed(2)),
      bytes_per_task: Math.round(bytes / TASKS),
      write_ms: Number(median(writes).toFixed(1)),
      read_ms: Number(median(reads).toFixed(1)),
    }),
  )
}
rmSync(dir, { recursive: true, force: true })
