// The one logger shape every stage takes: the pino methods we call, structurally, so that decode,
// ingest and push never import pino (or fastify) and a test can pass a plain object. A pino logger
// and fastify's request logger both satisfy it.
export interface Logger {
  debug(obj: object, msg: string): void
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
  error(obj: object, msg: string): void
  /** Lets a hot path decide once whether a level is worth preparing lines for (pino has it). */
  isLevelEnabled?(level: string): boolean
}
