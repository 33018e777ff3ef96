// report(): the agent's plain-text report (GET /report?task=a,b) for the tasks this client used.
// It resolves to a one-line explanation on any failure instead of rejecting: it never throws into
// the app.

// Above this the task list would make an unwieldy URL: the report then asks for every task.
const MAX_TASK_QUERY_CHARS = 4000

export function reportUrlFor(baseUrl: string, taskNames: readonly string[]): string {
  let query = ''
  for (let i = 0; i < taskNames.length; i++) {
    query += (i === 0 ? '' : ',') + encodeURIComponent(taskNames[i] ?? '')
    if (query.length > MAX_TASK_QUERY_CHARS) return `${baseUrl}/report`
  }
  return query === '' ? `${baseUrl}/report` : `${baseUrl}/report?task=${query}`
}

function describeFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError' || error.name === 'AbortError') return `no answer within ${timeoutMs} ms`
    const cause: unknown = error.cause
    if (cause instanceof Error) {
      const code = (cause as Error & { code?: unknown }).code
      return typeof code === 'string' && !cause.message.includes(code) ? `${code} ${cause.message}` : cause.message
    }
    return error.message
  }
  return String(error)
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}

export async function fetchReport(url: string, timeoutMs: number): Promise<string> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'text/plain' } })
    const text = await response.text()
    if (!response.ok) {
      const body = oneLine(text).slice(0, 200)
      return `taskmeter report unavailable: GET ${url} answered ${response.status} ${response.statusText}${body === '' ? '' : `: ${body}`}`
    }
    return text
  } catch (error) {
    return oneLine(`taskmeter report unavailable: GET ${url} failed: ${describeFailure(error, timeoutMs)}`)
  }
}
