// What a route hands back: a status, headers and a whole body. Every answer of the agent is small
// enough to build before the first byte is written (the largest, /metrics, is already one buffer),
// so a route never touches the socket and the listener alone decides how the bytes go out.

export interface HttpAnswer {
  readonly status: number
  /** Lower-case header names. */
  readonly headers: Record<string, string>
  readonly body: Buffer | string
}

const JSON_TYPE = 'application/json; charset=utf-8'
export const TEXT_TYPE = 'text/plain; charset=utf-8'

export function jsonAnswer(status: number, value: unknown, headers: Record<string, string> = {}): HttpAnswer {
  return { status, headers: { 'content-type': JSON_TYPE, ...headers }, body: JSON.stringify(value) }
}

export function textAnswer(status: number, text: string, contentType: string = TEXT_TYPE): HttpAnswer {
  return { status, headers: { 'content-type': contentType }, body: text }
}

export function bytesAnswer(
  status: number,
  body: Buffer | string,
  contentType: string,
  headers: Record<string, string> = {},
): HttpAnswer {
  return { status, headers: { 'content-type': contentType, ...headers }, body }
}

/** A status with no body (304, HEAD-only replies). */
export function emptyAnswer(status: number, headers: Record<string, string> = {}): HttpAnswer {
  return { status, headers, body: '' }
}
