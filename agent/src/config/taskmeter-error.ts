// The one error the agent throws on purpose: a bad flag or env value at startup. cli.ts prints its
// message as one line and exits 2.
export class TaskmeterError extends Error {
  readonly code: string
  constructor(code: `TM_ERR_${string}`, message: string) {
    super(message)
    this.name = 'TaskmeterError'
    this.code = code
  }
}

// A value read from a --config file is labelled `path:line: key` (parse-flags.ts): its message is
// then already in the file form, without the `config:` prefix.
const FILE_LABEL = /^\S+:\d+: /

export function configError(message: string): TaskmeterError {
  if (FILE_LABEL.test(message)) return new TaskmeterError('TM_ERR_CONFIG_FILE', message)
  return new TaskmeterError('TM_ERR_CONFIG', `config: ${message}`)
}

/** A bad config or mapping file: `path:line: what to fix`, the form editors and CI logs link. */
export function fileError(path: string, line: number, message: string): TaskmeterError {
  return new TaskmeterError('TM_ERR_CONFIG_FILE', `${path}:${line}: ${message}`)
}
