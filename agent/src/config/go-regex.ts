// Regex rules of mapping files are written for Go's RE2. The common syntax is the same in
// JavaScript; two spellings differ and are translated: named groups `(?P<name>…)` become
// `(?<name>…)`, and leading flags `(?i)` / `(?s)` / `(?m)` become RegExp flags.

/** The RegExp for a Go regular expression, or null when it does not compile. */
export function regexFromGo(source: string): RegExp | null {
  let body = source
  let flags = ''
  const leading = /^\(\?([ims]+)\)/.exec(body)
  if (leading !== null) {
    flags = [...new Set(leading[1])].join('')
    body = body.slice(leading[0].length)
  }
  body = body.replace(/\(\?P</g, '(?<')
  try {
    return new RegExp(body, flags)
  } catch {
    return null
  }
}
