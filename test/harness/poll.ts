// Polls for a condition with a deadline instead of sleeping a fixed time, which is either too long
// (a slow suite) or too short (a flaky one).
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 10_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const value = await probe()
      if (value !== undefined) return value
    } catch (err) {
      last = err
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`,
      )
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
}

export async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url)
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`)
  return (await response.json()) as T
}

export async function getText(url: string): Promise<string> {
  const response = await fetch(url)
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`)
  return await response.text()
}

/** Polls the agent's /metrics until `ready` accepts the text, and returns that text. */
export async function metricsWhen(
  agent: { baseUrl: string },
  what: string,
  ready: (text: string) => boolean,
  timeoutMs = 10_000,
): Promise<string> {
  return await waitFor(
    what,
    async () => {
      const text = await getText(`${agent.baseUrl}/metrics`)
      return ready(text) ? text : undefined
    },
    timeoutMs,
  )
}
