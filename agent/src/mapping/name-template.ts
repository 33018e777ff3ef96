// A mapping's `name` and label values are templates: `$1` or `${1}` is the first capture of the
// match (a glob's first `*`, a regex's first group), `${host}` / `$host` a regex's named group, and
// `$$` a literal `$`. As in statsd_exporter, a reference to a capture the match does not have
// becomes the empty string, and the name after `$` is the longest run of [A-Za-z0-9_] (so `$1x` is
// the group named `1x`, which does not exist: write `${1}x`). Templates are compiled once at load.

/** A compiled template: literal text and capture references, alternating. */
export interface NameTemplate {
  readonly text: string
  /** Literal parts; parts.length === refs.length + 1. */
  readonly parts: readonly string[]
  /** Between parts[i] and parts[i + 1]: a capture number (1-based) or a group name. */
  readonly refs: ReadonlyArray<number | string>
}

const REF = /\$(?:\$|\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g

export function compileTemplate(text: string): NameTemplate {
  const parts: string[] = []
  const refs: Array<number | string> = []
  let literal = ''
  let last = 0
  for (const match of text.matchAll(REF)) {
    literal += text.slice(last, match.index)
    last = (match.index ?? 0) + match[0].length
    const name = match[1] ?? match[2]
    if (name === undefined) {
      literal += '$'
      continue
    }
    parts.push(literal)
    literal = ''
    refs.push(/^[0-9]+$/.test(name) ? Number(name) : name)
  }
  parts.push(literal + text.slice(last))
  return { text, parts, refs }
}

/** Expands with captures (index 0 = `$1`) and, for a regex, its named groups. */
export function expandTemplate(
  template: NameTemplate,
  captures: readonly string[],
  groups: Readonly<Record<string, string | undefined>> | undefined,
): string {
  const { parts, refs } = template
  let out = parts[0] ?? ''
  for (let i = 0; i < refs.length; i++) {
    const ref = refs[i]
    const value = typeof ref === 'number' ? captures[ref - 1] : groups?.[ref ?? '']
    out += (value ?? '') + (parts[i + 1] ?? '')
  }
  return out
}
