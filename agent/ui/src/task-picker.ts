// The task picker: a <select> kept in sync with the tasks of each poll. A task that disappears
// while selected stays listed, marked "(gone)", so the view does not jump under the reader; other
// gone tasks leave the list. The selection lives in the URL hash, so a reload keeps it.
// Task names come from the wire: they are only ever set as text, never as HTML.

export class TaskPicker {
  private readonly select: HTMLSelectElement
  private readonly onChange: (id: string | null) => void
  private selectedId: string | null

  constructor(select: HTMLSelectElement, onChange: (id: string | null) => void) {
    this.select = select
    this.onChange = onChange
    this.selectedId = TaskPicker.idFromHash()
    select.addEventListener('change', () => this.choose(select.value === '' ? null : select.value))
  }

  get selected(): string | null {
    return this.selectedId
  }

  choose(id: string | null): void {
    if (id === this.selectedId) return
    this.selectedId = id
    if (id !== null) history.replaceState(null, '', `#task=${encodeURIComponent(id)}`)
    if (this.select.value !== (id ?? '')) this.select.value = id ?? ''
    this.onChange(id)
  }

  /** Rebuilds the options from the ids of the latest poll (in order); picks a task when none is. */
  sync(ids: readonly string[]): void {
    const present = new Set(ids)
    const wanted: Array<{ id: string; gone: boolean }> = ids.map((id) => ({ id, gone: false }))
    if (this.selectedId !== null && !present.has(this.selectedId)) wanted.push({ id: this.selectedId, gone: true })
    if (wanted.length === 0) {
      this.renderOptions([{ id: '', label: 'waiting for tasks…' }])
      this.select.disabled = true
      return
    }
    this.select.disabled = false
    this.renderOptions(wanted.map(({ id, gone }) => ({ id, label: gone ? `${id} (gone)` : id })))
    if (this.selectedId === null) this.choose(ids[0] ?? null)
    else this.select.value = this.selectedId
  }

  private renderOptions(options: Array<{ id: string; label: string }>): void {
    const existing = this.select.options
    // Cheap path: same ids and labels as now, nothing to touch (keeps an open menu steady).
    let same = existing.length === options.length
    for (let i = 0; same && i < options.length; i++) {
      const option = existing[i] as HTMLOptionElement
      const wanted = options[i] as { id: string; label: string }
      same = option.value === wanted.id && option.text === wanted.label
    }
    if (same) return
    const fragment = document.createDocumentFragment()
    for (const { id, label } of options) {
      const option = document.createElement('option')
      option.value = id
      option.text = label
      fragment.append(option)
    }
    this.select.replaceChildren(fragment)
  }

  private static idFromHash(): string | null {
    const match = /^#task=(.+)$/.exec(location.hash)
    if (match === null) return null
    try {
      return decodeURIComponent(match[1] as string)
    } catch {
      return null
    }
  }
}
