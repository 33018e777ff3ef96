// Reads flags (commander) and env fallbacks, validates each value once, and returns a frozen
// Config. Flags win over env; env wins over defaults. Nothing else in the agent reads process.env.
import { Command, Option } from 'commander'
import { configError } from './taskmeter-error.js'
import { attachEnvNames, envNamesOf } from './option-env.js'
import { type Env, parseFlags } from './parse-flags.js'
import { type DoctorConfig, addDoctorOptions, readDoctorOptions } from './doctor-options.js'
import { type FleetConfig, addFleetOptions, readFleetOptions } from './fleet-options.js'
import { agentWorstCaseBytes, formatMiB } from './memory-budget.js'
import { CGROUP_BUDGET_FRACTION, readCgroupMemoryLimit } from './cgroup-memory.js'
import { type LoadTestConfig, type RunMode, addLoadTestOptions, readRunMode } from './load-test-options.js'
import { type MetricsAuth, parseMetricsAuth } from './metrics-auth.js'
import {
  type ReceiveConfig,
  type SenderTrackingConfig,
  addReceiveOptions,
  readReceiveOptions,
} from './receive-options.js'
import { type StatsdConfig, addStatsdOptions, readStatsdOptions } from './statsd-options.js'
import { type ExemplarConfig, addExemplarOptions, readExemplarOptions } from './exemplar-options.js'
import { type StateConfig, addStateOptions, readStateOptions } from './state-options.js'
import { type LogConfig, addLogOptions, readLogOptions } from './log-options.js'
import { AGENT_VERSION } from '../version.js'
import { parseBuckets, parseBytes, parseChoice, parseHost, parseInteger, parseUrl } from './parse-values.js'

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

export const DEFAULT_BUCKETS = '0.001,0.005,0.01,0.025,0.05,0.1,0.25,0.5,1,2.5,5,10'

export interface Config
  extends StatsdConfig,
    ReceiveConfig,
    StateConfig,
    SenderTrackingConfig,
    ExemplarConfig,
    LogConfig {
  /** --config: the YAML file read at start (and again on reload); null = none. */
  readonly configPath: string | null
  /** --check-config: validate, print a summary and exit. */
  readonly checkConfig: boolean
  /** The argv and env this config was read from: a reload reads them again, with the files. */
  readonly source: { readonly argv: readonly string[]; readonly env: Env }
  readonly port: number
  readonly udpPort: number
  readonly host: string
  readonly udpHost: string
  readonly windowSeconds: number
  readonly precision: number
  readonly buckets: readonly number[]
  readonly logLevel: LogLevel
  readonly prometheusUrl: string | null
  readonly maxSeries: number
  readonly maxMemoryBytes: number
  /** Where the budget came from: --max-memory (or its env), the cgroup memory limit, or the default. */
  readonly memoryBudgetFrom: 'flag' | 'cgroup' | 'default'
  /** The container's memory limit, when there is one and --max-memory was not given. */
  readonly cgroupMemoryLimitBytes: number | null
  /** No new series once held ones could render a text /metrics body larger than this. */
  readonly maxScrapeBytes: number
  readonly recvBufferBytes: number
  /** --metrics-auth / METRICS_AUTH: bearer token or basic credentials for every HTTP route but the probes. */
  readonly metricsAuth: MetricsAuth | null
  /** StatsD text over TCP on --udp-host; null = no TCP listener. */
  readonly tcpPort: number | null
  /** Series not updated for this long are evicted; 0 = never. */
  readonly ttlSeconds: number
  /** Receiving processes sharing the UDP port, each aggregating a shard merged at scrape time. */
  readonly workers: number
  readonly demo: boolean
  /** 'agent' (serve), or one of the other modes: --load-test, --compare, doctor. */
  readonly mode: RunMode
  readonly loadTest: LoadTestConfig
  /** Options of `taskmeter-agent doctor`. */
  readonly doctor: DoctorConfig
  /** Worst-case bytes of the configured series (logged at start). */
  readonly worstCaseBytes: number
  /** Native histograms and remote-write push. */
  readonly nativeHistograms: FleetConfig['nativeHistograms']
  readonly remoteWrite: FleetConfig['remoteWrite']
}

function readMetricsAuth(flag: string, raw: string): MetricsAuth {
  const auth = parseMetricsAuth(raw)
  // The value is a secret: the message names the shape, never echoes it.
  if (auth === null) throw configError(`${flag} must be bearer:TOKEN or basic:USER:PASSWORD`)
  return auth
}

export type { Env }

function buildCommand(): Command {
  const command = new Command('taskmeter-agent')
    .description(
      'taskmeter sidecar agent: receives protocol v1 and StatsD over UDP, serves Prometheus /metrics and /dashboard',
    )
    .version(AGENT_VERSION, '-V, --version', 'print the version and exit')
    .addOption(new Option('--port <n>', 'HTTP port for /metrics, /dashboard, /report').default('3000'))
    .addOption(new Option('--udp-port <n>', 'UDP port for events').default('8125'))
    .addOption(new Option('--host <addr>', 'HTTP bind address').default('0.0.0.0'))
    .addOption(
      new Option(
        '--udp-host <addr>',
        'UDP bind address (a sidecar shares the pod network: loopback is enough)',
      ).default('127.0.0.1'),
    )
    .addOption(new Option('--window <s>', 'sliding window in seconds for req/s and windowed percentiles').default('60'))
    .addOption(new Option('--precision <d>', 'HdrHistogram significant digits, 1..5').default('2'))
    .addOption(new Option('--buckets <list>', 'task_duration_seconds le bounds in seconds').default(DEFAULT_BUCKETS))
    .addOption(new Option('--log-level <level>', LOG_LEVELS.join('|')).default('info'))
    .addOption(new Option('--prometheus-url <url>', 'Prometheus that scrapes this agent (linked from the dashboard)'))
    .addOption(new Option('--max-series <n>', 'cap on user series (tasks + custom metrics)').default('10000'))
    .addOption(
      new Option('--max-memory <bytes>', 'refuse to start if the worst case exceeds this (e.g. 512MiB)').default(
        '1.25GiB',
      ),
    )
    .addOption(
      new Option('--max-scrape-bytes <bytes>', 'refuse new series once /metrics could grow past this').default('64MiB'),
    )
    .addOption(new Option('--ttl <s>', 'evict series not updated for this many seconds (0 = never)').default('600'))
    .addOption(
      new Option(
        '--metrics-auth <spec>',
        'require bearer:TOKEN or basic:USER:PASSWORD on HTTP routes (not /healthz, /ready)',
      ),
    )
    .addOption(new Option('--recv-buffer <bytes>', 'SO_RCVBUF for the UDP socket (0 = kernel default)').default('4MiB'))
    .addOption(
      new Option(
        '--workers <n>',
        'receiving processes sharing the UDP port, merged exactly at scrape time (1 = one process)',
      ).default('1'),
    )
    .addOption(
      new Option('--tcp-port <n>', 'also accept StatsD text over TCP on this port, newline framed (off unless given)'),
    )
    .addOption(new Option('--demo', 'also run a demo traffic generator through the real client').default(false))
    .addOption(
      new Option('--config <file>', 'YAML file: flags by their names, and mappings (flags and env win over it)'),
    )
    .addOption(new Option('--check-config', 'check the config and mapping files, print a summary, exit 0 or 2'))
  const full = addDoctorOptions(
    addLoadTestOptions(
      addFleetOptions(addExemplarOptions(addStatsdOptions(addLogOptions(addStateOptions(addReceiveOptions(command)))))),
    ),
  )
    .helpOption('-h, --help', 'show this help')
    .showHelpAfterError(false)
    .allowExcessArguments(false)
  attachEnvNames(full)
  return full
}

// Every env name the flags read (TASKMETER_* and the aliases); the tests clear them for child agents.
export const ENV_NAMES: readonly string[] = envNamesOf(buildCommand())

/**
 * Parses argv (without node and script). Throws TaskmeterError (one line) on any bad value;
 * `--help` and `--version` output go through `writeOut` and return null.
 */
export function loadConfig(
  argv: readonly string[],
  env: Env,
  writeOut: (text: string) => void = (t) => process.stdout.write(t),
  memoryLimit: () => number | null = readCgroupMemoryLimit,
  stdoutIsTty: boolean = process.stdout.isTTY === true,
): Config | null {
  const parsed = parseFlags(buildCommand, argv, env, writeOut)
  if (parsed === null) return null
  const { command } = parsed
  const o = command.opts<Record<string, string | boolean | undefined>>()
  const str = (key: string): string => String(o[key])
  // Name where a bad value was written (flag, env variable, file:line): the user must know where to fix it.
  const from = (key: string, flag: string): string => parsed.label(key, flag)
  const precision = parseInteger(from('precision', '--precision'), str('precision'), 1, 5)
  const maxSeries = parseInteger(from('maxSeries', '--max-series'), str('maxSeries'), 1, 10_000_000)
  const memoryFromFlag = command.getOptionValueSource('maxMemory') !== 'default'
  const cgroupLimit = memoryFromFlag ? null : memoryLimit()
  const maxMemoryBytes =
    cgroupLimit === null
      ? parseBytes(from('maxMemory', '--max-memory'), str('maxMemory'), 16 * 1024 * 1024, 2 ** 48)
      : Math.floor(cgroupLimit * CGROUP_BUDGET_FRACTION)
  const workers = parseInteger(from('workers', '--workers'), str('workers'), 1, 64)
  const maxScrapeBytes = parseBytes(
    from('maxScrapeBytes', '--max-scrape-bytes'),
    str('maxScrapeBytes'),
    1024 * 1024,
    2 ** 40,
  )
  const buckets = Object.freeze(parseBuckets(from('buckets', '--buckets'), str('buckets')))
  const worst = agentWorstCaseBytes({ precision, maxSeries, maxScrapeBytes, workers, buckets: buckets.length })
  if (worst > maxMemoryBytes) {
    const withWorkers = workers > 1 ? ` and --workers ${workers}` : ''
    const flags = `--precision ${precision} with --max-series ${maxSeries}, --max-scrape-bytes ${formatMiB(maxScrapeBytes)}${withWorkers}`
    const lower = `lower --precision, --max-series or --max-scrape-bytes${workers > 1 ? ' or --workers' : ''}`
    if (cgroupLimit !== null)
      throw configError(
        `${flags} needs up to ${formatMiB(worst)}, above the memory budget ${formatMiB(maxMemoryBytes)} (${Math.round(CGROUP_BUDGET_FRACTION * 100)} % of the cgroup memory limit ${formatMiB(cgroupLimit)}): ${lower}, raise the container's memory limit, or give --max-memory`,
      )
    throw configError(
      `${flags} needs up to ${formatMiB(worst)}, above --max-memory ${formatMiB(maxMemoryBytes)}: ${lower}, or raise --max-memory`,
    )
  }
  const config: Config = {
    port: parseInteger(from('port', '--port'), str('port'), 0, 65535),
    udpPort: parseInteger(from('udpPort', '--udp-port'), str('udpPort'), 0, 65535),
    host: parseHost(from('host', '--host'), str('host')),
    udpHost: parseHost(from('udpHost', '--udp-host'), str('udpHost')),
    windowSeconds: parseInteger(from('window', '--window'), str('window'), 1, 3600),
    precision,
    buckets,
    logLevel: parseChoice(from('logLevel', '--log-level'), str('logLevel'), LOG_LEVELS),
    prometheusUrl:
      o.prometheusUrl === undefined ? null : parseUrl(from('prometheusUrl', '--prometheus-url'), str('prometheusUrl')),
    maxSeries,
    maxMemoryBytes,
    memoryBudgetFrom: cgroupLimit !== null ? 'cgroup' : memoryFromFlag ? 'flag' : 'default',
    cgroupMemoryLimitBytes: cgroupLimit,
    maxScrapeBytes,
    recvBufferBytes: parseBytes(from('recvBuffer', '--recv-buffer'), str('recvBuffer'), 0, 1024 ** 3),
    metricsAuth:
      o.metricsAuth === undefined ? null : readMetricsAuth(from('metricsAuth', '--metrics-auth'), str('metricsAuth')),
    tcpPort: o.tcpPort === undefined ? null : parseInteger(from('tcpPort', '--tcp-port'), str('tcpPort'), 0, 65535),
    ttlSeconds: parseInteger(from('ttl', '--ttl'), str('ttl'), 0, 31_536_000),
    workers,
    demo: o.demo === true,
    ...readDoctorOptions(command, o, readRunMode(command, o)),
    worstCaseBytes: worst,
    ...readFleetOptions(command, env),
    ...readStatsdOptions(o, parsed.configFile, parsed.label),
    ...readReceiveOptions(o, parsed.label),
    ...readExemplarOptions(o, parsed.label),
    ...readStateOptions(o, parsed.label),
    ...readLogOptions(o, parsed.label, stdoutIsTty),
    configPath: typeof o.config === 'string' ? o.config : null,
    checkConfig: o.checkConfig === true,
    source: { argv: [...argv], env: { ...env } },
  }
  return Object.freeze(config)
}

export { configError }
