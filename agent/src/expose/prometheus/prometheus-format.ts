// Text exposition format 0.0.4 primitives: label escaping and number formatting.

export function escapeLabelValue(value: string): string {
  return /[\\"\n]/.test(value) ? value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') : value
}

export function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')
}

export function formatNumber(value: number): string {
  if (value === Infinity) return '+Inf'
  if (value === -Infinity) return '-Inf'
  if (Number.isNaN(value)) return 'NaN'
  return String(value)
}

/** `{a="1",b="2"}` from label pairs, plus an optional trailing pair (le, quantile, status). */
export function labelBlock(
  pairs: ReadonlyArray<readonly [string, string]>,
  extraName?: string,
  extraValue?: string,
): string {
  let out = ''
  for (let i = 0; i < pairs.length; i++) {
    const pair = pairs[i] as readonly [string, string]
    out += (out === '' ? '' : ',') + pair[0] + '="' + escapeLabelValue(pair[1]) + '"'
  }
  if (extraName !== undefined)
    out += (out === '' ? '' : ',') + extraName + '="' + escapeLabelValue(extraValue ?? '') + '"'
  return out === '' ? '' : '{' + out + '}'
}

export function familyHeader(name: string, type: string, help: string): string {
  return '# HELP ' + name + ' ' + escapeHelp(help) + '\n# TYPE ' + name + ' ' + type + '\n'
}
