// `taskmeter-agent doctor`: checks a running agent and, given a Prometheus URL, the Prometheus
// that should scrape it; prints a ✓/✗ table (--json: one JSON object) and exits 1 when a check
// failed. It reads the agent's own
// flags and env (--port / METRICS_PORT, --host, --prometheus-url / PROMETHEUS_URL,
// --metrics-auth / METRICS_AUTH), so run beside the agent with the same environment it finds it
// with no flag at all; --agent-url points it at an agent elsewhere.
import { type Command, Option } from 'commander'
import { configError } from './taskmeter-error.js'
import type { LoadTestConfig, RunMode } from './load-test-options.js'
import { parseUrl } from './parse-values.js'

export const DOCTOR_COMMAND = 'doctor'

export interface DoctorConfig {
  /** The agent's HTTP base URL; null = http://<--host>:<--port>, a wildcard host read as loopback. */
  readonly agentUrl: string | null
  /** --json: the checks as one JSON object on stdout instead of the table. */
  readonly json: boolean
}

export function addDoctorOptions(command: Command): Command {
  return command
    .argument(
      '[command]',
      `"${DOCTOR_COMMAND}": check the agent (and, with --prometheus-url, Prometheus and its scrape target), print a ✓/✗ table, exit 1 on a problem`,
    )
    .addOption(
      new Option(
        '--agent-url <url>',
        `${DOCTOR_COMMAND}: the agent to check (default http://<--host>:<--port>, 0.0.0.0 read as 127.0.0.1)`,
      ),
    )
}

/** Turns the run mode into 'doctor' when the command is given; checks the flags that go with it. */
export function readDoctorOptions(
  command: Command,
  opts: Record<string, string | boolean | undefined>,
  run: { mode: RunMode; loadTest: LoadTestConfig },
): { mode: RunMode; loadTest: LoadTestConfig; doctor: DoctorConfig } {
  const given = command.args[0]
  if (given !== undefined && given !== DOCTOR_COMMAND)
    throw configError(`unknown command ${JSON.stringify(given)}: the only command is ${DOCTOR_COMMAND} (see --help)`)
  const doctor = given === DOCTOR_COMMAND
  if (doctor && run.mode !== 'agent')
    throw configError(`${DOCTOR_COMMAND} cannot be combined with --${run.mode}: it only checks a running agent`)
  if (doctor && opts.demo === true)
    throw configError(`${DOCTOR_COMMAND} cannot be combined with --demo: it only checks a running agent`)
  if (!doctor && opts.agentUrl !== undefined) throw configError(`--agent-url only applies with ${DOCTOR_COMMAND}`)
  const json = command.getOptionValueSource('json') === 'cli'
  if (json && !doctor && run.mode === 'agent')
    throw configError(`--json only applies with --load-test, --compare or ${DOCTOR_COMMAND}`)
  return {
    mode: doctor ? 'doctor' : run.mode,
    loadTest: run.loadTest,
    doctor: Object.freeze({
      agentUrl: opts.agentUrl === undefined ? null : parseUrl('--agent-url', String(opts.agentUrl)),
      json: doctor && opts.json === true,
    }),
  }
}
