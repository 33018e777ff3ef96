// Flags for fleet-wide percentiles: native histograms on /metrics and the remote-write
// push. They live in the agent's one command so that --help shows them; this file declares and
// validates them. Remote-write flags without --remote-write are an error, not silently ignored.
import { type Command, Option } from 'commander'
import { configError } from './taskmeter-error.js'
import { parseInteger, parseUrl } from './parse-values.js'

export interface NativeHistogramConfig {
  readonly enabled: boolean
  /** −4..8; null = from --precision (native-histogram.ts defaultNativeSchema). */
  readonly schema: number | null
  readonly maxBuckets: number
}

export interface RemoteWriteConfig {
  /** Empty = no push. Credentials in a URL (https://user:pass@host/…) become basic auth. */
  readonly urls: readonly string[]
  readonly intervalSeconds: number
  readonly bearerToken: string | null
  readonly basicAuth: { readonly username: string; readonly password: string } | null
  /** --label k=v: added to every pushed series (a series' own label of that name wins). */
  readonly labels: ReadonlyArray<readonly [string, string]>
  /** Samples (a native histogram counts as one) held per endpoint while it cannot be reached. */
  readonly queueSamples: number
}

export interface FleetConfig {
  readonly nativeHistograms: NativeHistogramConfig
  readonly remoteWrite: RemoteWriteConfig
}

type Env = Readonly<Record<string, string | undefined>>

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value]

export function addFleetOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--native-histograms [bool]',
        'native histograms in protobuf scrapes and remote write (true|false)',
      ).default('true'),
    )
    .addOption(
      new Option('--native-schema <n>', 'native histogram schema -4..8 (default: from --precision, 7 at precision 2)'),
    )
    .addOption(
      new Option(
        '--native-max-buckets <n>',
        'per series: lower the schema (merging bucket pairs) while more buckets hold data',
      ).default('160'),
    )
    .addOption(
      new Option('--remote-write <url>', 'push to this Prometheus remote-write 1.0 endpoint (repeatable)').argParser(
        collect,
      ),
    )
    .addOption(new Option('--remote-write-interval <s>', '--remote-write: seconds between pushes').default('15'))
    .addOption(
      new Option(
        '--remote-write-bearer-token <token>',
        '--remote-write: Authorization: Bearer token (env REMOTE_WRITE_BEARER_TOKEN)',
      ),
    )
    .addOption(
      new Option(
        '--remote-write-basic-auth <user:password>',
        '--remote-write: basic auth (env REMOTE_WRITE_BASIC_AUTH)',
      ),
    )
    .addOption(
      new Option(
        '--remote-write-queue <samples>',
        '--remote-write: samples kept per endpoint while it is down; the oldest overflow',
      ).default('1000000'),
    )
    .addOption(
      new Option(
        '--label <k=v>',
        '--remote-write: label on every pushed series, e.g. job=api or instance=pod-1 (repeatable)',
      ).argParser(collect),
    )
}

function parseBool(flag: string, raw: string | boolean): boolean {
  if (raw === true || raw === 'true' || raw === '1' || raw === 'on') return true
  if (raw === false || raw === 'false' || raw === '0' || raw === 'off') return false
  throw configError(`${flag} must be true or false (got ${JSON.stringify(raw)})`)
}

const RESERVED_PUSH_LABELS = new Set(['task', 'status', 'le', 'quantile'])

function parseLabel(raw: string): [string, string] {
  const eq = raw.indexOf('=')
  const name = eq < 0 ? '' : raw.slice(0, eq)
  if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name) || name.startsWith('__') || RESERVED_PUSH_LABELS.has(name)) {
    throw configError(
      `--label must be name=value with a Prometheus label name other than task, status, le, quantile or __* (got ${JSON.stringify(raw)})`,
    )
  }
  return [name, raw.slice(eq + 1)]
}

function parseBasicAuth(flag: string, raw: string): { username: string; password: string } {
  const colon = raw.indexOf(':')
  if (colon <= 0) throw configError(`${flag} must be user:password (got a value without a user)`)
  return { username: raw.slice(0, colon), password: raw.slice(colon + 1) }
}

const PUSH_ONLY: ReadonlyArray<readonly [string, string]> = [
  ['remoteWriteInterval', '--remote-write-interval'],
  ['remoteWriteBearerToken', '--remote-write-bearer-token'],
  ['remoteWriteBasicAuth', '--remote-write-basic-auth'],
  ['remoteWriteQueue', '--remote-write-queue'],
  ['label', '--label'],
]

export function readFleetOptions(command: Command, env: Env): FleetConfig {
  const o = command.opts<Record<string, string | boolean | string[] | undefined>>()
  const urls = (o.remoteWrite as string[] | undefined) ?? []
  if (urls.length === 0) {
    for (const [key, flag] of PUSH_ONLY)
      if (command.getOptionValueSource(key) === 'cli') throw configError(`${flag} only applies with --remote-write`)
  }
  const bearer = (o.remoteWriteBearerToken as string | undefined) ?? env.REMOTE_WRITE_BEARER_TOKEN ?? null
  const basicRaw = (o.remoteWriteBasicAuth as string | undefined) ?? env.REMOTE_WRITE_BASIC_AUTH ?? null
  if (bearer !== null && basicRaw !== null && urls.length > 0)
    throw configError('--remote-write-bearer-token and --remote-write-basic-auth cannot be combined: pick one')
  const labels = ((o.label as string[] | undefined) ?? []).map(parseLabel)
  return {
    nativeHistograms: Object.freeze({
      enabled: parseBool('--native-histograms', o.nativeHistograms as string | boolean),
      schema: o.nativeSchema === undefined ? null : parseInteger('--native-schema', String(o.nativeSchema), -4, 8),
      maxBuckets: parseInteger('--native-max-buckets', String(o.nativeMaxBuckets), 4, 65536),
    }),
    remoteWrite: Object.freeze({
      urls: Object.freeze(urls.map((url) => parseUrl('--remote-write', url))),
      intervalSeconds: parseInteger('--remote-write-interval', String(o.remoteWriteInterval), 1, 3600),
      bearerToken: bearer,
      basicAuth:
        basicRaw === null
          ? null
          : parseBasicAuth(
              o.remoteWriteBasicAuth === undefined
                ? '--remote-write-basic-auth (from REMOTE_WRITE_BASIC_AUTH)'
                : '--remote-write-basic-auth',
              basicRaw,
            ),
      labels: Object.freeze(labels),
      queueSamples: parseInteger('--remote-write-queue', String(o.remoteWriteQueue), 100, 1_000_000_000),
    }),
  }
}
