// A task's exemplar as a link to its trace (the agent's --trace-url-template filled in), for the
// task table: from a slow window to the request behind it. Without a url there is nothing to open.
import type { TaskExemplar } from './dashboard-types.js'
import { formatMs } from './number-format.js'

export function exemplarLink(exemplar: TaskExemplar | undefined): HTMLAnchorElement | null {
  if (exemplar?.url === undefined) return null
  const link = document.createElement('a')
  link.className = 'exemplar'
  link.href = exemplar.url
  link.target = '_blank'
  link.rel = 'noopener'
  link.textContent = `trace ${formatMs(exemplar.value_ms)}`
  link.title = `trace ${exemplar.trace_id}, span ${exemplar.span_id}`
  return link
}
