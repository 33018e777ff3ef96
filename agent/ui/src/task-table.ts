// The overview of every task in the latest poll (busiest first, at most MAX_ROWS rows): req/s,
// active, error rate and window percentiles. Clicking a row selects the task.
import type { TaskSnapshot } from './dashboard-types.js'
import { exemplarLink } from './exemplar-link.js'
import { formatCount, formatMs, formatPercent, formatRate } from './number-format.js'

const MAX_ROWS = 200

export class TaskTable {
  private readonly body: HTMLTableSectionElement
  private readonly note: HTMLElement

  constructor(body: HTMLTableSectionElement, note: HTMLElement, onSelect: (id: string) => void) {
    this.body = body
    this.note = note
    body.addEventListener('click', (event) => {
      const row = (event.target as Element | null)?.closest('tr')
      const id = row?.dataset.task
      if (id !== undefined) onSelect(id)
    })
  }

  render(tasks: Record<string, TaskSnapshot>, selected: string | null): void {
    const entries = Object.entries(tasks).sort((a, b) => b[1].window.rps - a[1].window.rps || (a[0] < b[0] ? -1 : 1))
    const rows = document.createDocumentFragment()
    for (const [id, task] of entries.slice(0, MAX_ROWS)) {
      const row = document.createElement('tr')
      row.dataset.task = id
      if (id === selected) row.className = 'selected'
      const idle = task.window.requests === 0
      const l = task.window.latency_ms
      const cells = [
        id,
        formatRate(task.window.rps),
        String(task.active),
        idle ? '–' : formatPercent(task.window.error_rate),
        idle ? '–' : formatMs(l.p50),
        idle ? '–' : formatMs(l.p99),
        idle ? '–' : formatMs(l.p999),
        formatCount(task.completed),
      ]
      for (const text of cells) {
        const cell = document.createElement('td')
        cell.textContent = text
        row.append(cell)
      }
      // The slowest exemplar's trace, beside the task's name.
      const link = exemplarLink(task.exemplar)
      if (link !== null) row.firstElementChild?.append(' ', link)
      rows.append(row)
    }
    this.body.replaceChildren(rows)
    this.note.textContent =
      entries.length > MAX_ROWS ? `showing the ${MAX_ROWS} busiest of ${entries.length} tasks` : ''
  }
}
