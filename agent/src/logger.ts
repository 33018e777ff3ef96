// The one logger shape every stage takes: the pino methods we call, structurally, so that decode,
// ingest and push never import pino and a test can pass a plain object. A pino logger satisfies it.
export interface Logger {
  debug(obj: object, msg: string): void
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
  error(obj: object, msg: string): void
  /** Lets a hot path decide once whether a level is worth preparing lines for (pino has it). */
  isLevelEnabled?(level: string): boolean
}

/** The process's logger, whose level a config reload may change (pino's `level`). */
export interface AgentLogger extends Logger {
  level: string
}
