// The tags InfluxDB, Librato and SignalFx embed in a StatsD name field, found on bytes. The name
// scan in statsd-line.ts notes the first tag marker; only a line with one comes here.
//   InfluxDB  name,k=v,k2=v2      Librato  name#k=v,k2=v2      (the list runs to the end)
//   SignalFx  name.[k=v,k2=v2]rest, [k=v]name, name[k=v]     (the name is what is around [ ])
// A name holds one list. Another marker of an enabled style inside the list or after a SignalFx
// ']' ("a,k=v#x=y", "[k=v]a,x=y") rejects the line as mixed_tag_styles, rather than guessing which
// bytes are tags; with that style off, its marker is an ordinary byte (of a value, or of the name).
// A ']' before any '[', or a '[' never closed, is bad_tags. The limits are those of DogStatsD tags,
// and the bare name (without the list) is what MAX_NAME_BYTES and empty_name apply to.
import { MAX_NAME_BYTES } from '@taskmeter/protocol'
import type { LineReason } from './statsd-reasons.js'
import { NAME_BYTE, NAME_MARKER } from './statsd-tag-formats.js'
import { EMBEDDED_SEPARATOR, checkTags } from './statsd-tags.js'

const OPEN_BRACKET = 0x5b
const CLOSE_BRACKET = 0x5d

/** Where parseNameTags leaves an accepted list (StatsdLine's fields). */
export interface NameTags {
  nameTagsStart: number
  nameTagsEnd: number
  nameRest: number
}

/**
 * The tags of the name field [start, end) whose first marker is at `marker`, under the byte
 * classes of the parser's formats. Returns null and fills `out` when valid, else why not.
 */
export function parseNameTags(
  buf: Uint8Array,
  start: number,
  marker: number,
  end: number,
  classes: Uint8Array,
  out: NameTags,
): LineReason | null {
  let tagsEnd = end
  let rest = end
  if (buf[marker] === OPEN_BRACKET) {
    tagsEnd = marker + 1
    while (tagsEnd < end && buf[tagsEnd] !== CLOSE_BRACKET) tagsEnd++
    if (tagsEnd === end) return 'bad_tags'
    rest = tagsEnd + 1
    for (let i = rest; i < end; i++) if ((classes[buf[i] ?? 0] ?? 0) !== NAME_BYTE) return 'mixed_tag_styles'
  } else if (buf[marker] === CLOSE_BRACKET) return 'bad_tags'
  // In the list, ',' separates tags; any other marker is another style.
  for (let i = marker + 1; i < tagsEnd; i++) if (classes[buf[i] ?? 0] === NAME_MARKER) return 'mixed_tag_styles'
  const reason = checkTags(buf, marker + 1, tagsEnd, EMBEDDED_SEPARATOR)
  if (reason !== null) return reason
  const nameBytes = marker - start + (end - rest)
  if (nameBytes === 0) return 'empty_name'
  if (nameBytes > MAX_NAME_BYTES) return 'name_too_long'
  out.nameTagsStart = marker + 1
  out.nameTagsEnd = tagsEnd
  out.nameRest = rest
  return null
}
