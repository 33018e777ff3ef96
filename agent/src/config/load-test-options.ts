// Flags of the two demo modes: `--load-test` and `--compare`. They live beside the
// agent's flags in one command so that --help shows everything; this file declares and validates
// them. A flag of one mode given without that mode is an error, not silently ignored.
import { type Command, Option } from 'commander'
import { configError } from './taskmeter-error.js'
import { parseHost, parseInteger, parseUrl } from './parse-values.js'

export type RunMode = 'agent' | 'load-test' | 'compare' | 'doctor'

export interface LoadTestConfig {
  readonly durationSeconds: number
  readonly concurrency: number
  /** Requests per second cap, null = as fast as the concurrency allows. */
  readonly ratePerSecond: number | null
  readonly task: string
  readonly errorRate: number
  /** --compare: requests per implementation. */
  readonly requests: number
  /** A running agent to measure through (UDP host:port), null = start one in-process. */
  readonly target: { readonly host: string; readonly port: number } | null
  /** That agent's HTTP base URL (default http://<target host>:3000). */
  readonly targetUrl: string | null
  readonly json: boolean
}

export function addLoadTestOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--load-test',
        'run a synthetic async workload through the real client and report what the agent measured',
      ).default(false),
    )
    .addOption(
      new Option(
        '--compare',
        'run the same workload sync (one at a time, blocking) and async (concurrent) and compare',
      ).default(false),
    )
    .addOption(new Option('--duration <s>', '--load-test: seconds to run').default('60'))
    .addOption(new Option('--concurrency <n>', '--load-test/--compare: requests in flight at once').default('100'))
    .addOption(new Option('--rate <n>', '--load-test: cap on requests per second (default: no cap)'))
    .addOption(new Option('--task <name>', '--load-test: task name to report under').default('load_test'))
    .addOption(
      new Option('--error-rate <p>', '--load-test/--compare: fraction of requests that fail, 0..1').default('0.01'),
    )
    .addOption(new Option('--requests <n>', '--compare: requests per implementation').default('1000'))
    .addOption(
      new Option(
        '--target <host:port>',
        '--load-test: send to a running agent at this UDP address instead of starting one',
      ),
    )
    .addOption(
      new Option('--target-url <url>', "--load-test with --target: that agent's HTTP URL (default http://<host>:3000)"),
    )
    .addOption(
      new Option('--json', '--load-test/--compare: print only the JSON summary; doctor: the checks as JSON').default(
        false,
      ),
    )
}

function parseFraction(flag: string, raw: string): number {
  const value = Number(raw)
  if (raw.trim() === '' || !(value >= 0 && value <= 1))
    throw configError(`${flag} must be a number 0..1 (got ${JSON.stringify(raw)})`)
  return value
}

function parseTarget(raw: string): { host: string; port: number } {
  const match = /^(.+):(\d+)$/.exec(raw)
  if (match === null) throw configError(`--target must be host:port, e.g. 127.0.0.1:8125 (got ${JSON.stringify(raw)})`)
  return {
    host: parseHost('--target', (match[1] as string).replace(/^\[|\]$/g, '')),
    port: parseInteger('--target', match[2] as string, 1, 65535),
  }
}

const ONLY_LOAD_TEST = ['duration', 'rate', 'task', 'target', 'targetUrl'] as const
const ONLY_COMPARE = ['requests'] as const
// --json also goes with doctor, which doctor-options.ts checks once it knows the command.
const EITHER = ['concurrency', 'errorRate'] as const
const FLAG_OF: Record<string, string> = {
  duration: '--duration',
  rate: '--rate',
  task: '--task',
  target: '--target',
  targetUrl: '--target-url',
  requests: '--requests',
  concurrency: '--concurrency',
  errorRate: '--error-rate',
}

export function readRunMode(
  command: Command,
  opts: Record<string, string | boolean | undefined>,
): { mode: RunMode; loadTest: LoadTestConfig } {
  const loadTest = opts.loadTest === true
  const compare = opts.compare === true
  if (loadTest && compare) throw configError('--load-test and --compare cannot be combined: run one, then the other')
  if ((loadTest || compare) && opts.demo === true)
    throw configError('--demo cannot be combined with --load-test or --compare: they bring their own traffic')
  const mode: RunMode = loadTest ? 'load-test' : compare ? 'compare' : 'agent'
  const given = (key: string): boolean => command.getOptionValueSource(key) === 'cli'
  const misplaced = [
    ...ONLY_LOAD_TEST.filter((k) => given(k) && !loadTest),
    ...ONLY_COMPARE.filter((k) => given(k) && !compare),
    ...EITHER.filter((k) => given(k) && mode === 'agent'),
  ]
  if (misplaced.length > 0) {
    const key = misplaced[0] as string
    const needs = (ONLY_LOAD_TEST as readonly string[]).includes(key)
      ? '--load-test'
      : (ONLY_COMPARE as readonly string[]).includes(key)
        ? '--compare'
        : '--load-test or --compare'
    throw configError(`${FLAG_OF[key]} only applies with ${needs}`)
  }
  if (opts.targetUrl !== undefined && opts.target === undefined)
    throw configError('--target-url only applies with --target')
  const target = opts.target === undefined ? null : parseTarget(String(opts.target))
  return {
    mode,
    loadTest: Object.freeze({
      durationSeconds: parseInteger('--duration', String(opts.duration), 1, 86_400),
      concurrency: parseInteger('--concurrency', String(opts.concurrency), 1, 100_000),
      ratePerSecond: opts.rate === undefined ? null : parseInteger('--rate', String(opts.rate), 1, 10_000_000),
      task: String(opts.task),
      errorRate: parseFraction('--error-rate', String(opts.errorRate)),
      requests: parseInteger('--requests', String(opts.requests), 1, 10_000_000),
      target,
      targetUrl:
        opts.targetUrl !== undefined
          ? parseUrl('--target-url', String(opts.targetUrl))
          : target === null
            ? null
            : `http://${target.host.includes(':') ? `[${target.host}]` : target.host}:3000`,
      json: opts.json === true,
    }),
  }
}
