// Which StatsD tag syntaxes the agent reads. DogStatsD puts tags in a field after the type
// (`name:1|c|#k:v,k2:v2`); the others embed them in the name field: InfluxDB `name,k=v,k2=v2`,
// Librato `name#k=v,k2=v2`, SignalFx `name.[k=v,k2=v2]rest` (also `[k=v]name`, `name[k=v]`).
// A format turned off reads as before it existed: its bytes are part of the name (a DogStatsD
// `|#` field is then ignored like any unknown field). `--statsd-tag-formats` takes a comma list.
import { configError } from '../config/taskmeter-error.js'

export const STATSD_TAG_FORMATS = ['dogstatsd', 'influxdb', 'librato', 'signalfx'] as const
export type StatsdTagFormat = (typeof STATSD_TAG_FORMATS)[number]
export type StatsdTagFormats = ReadonlySet<StatsdTagFormat>

export const ALL_STATSD_TAG_FORMATS: StatsdTagFormats = new Set(STATSD_TAG_FORMATS)

const FLAG = '--statsd-tag-formats'

/** The value of `--statsd-tag-formats`: one or more names, comma separated (spaces around them ok). */
export function parseStatsdTagFormats(raw: string, flag = FLAG): StatsdTagFormats {
  const formats = new Set<StatsdTagFormat>()
  for (const part of raw.split(',')) {
    const name = part.trim()
    const known = STATSD_TAG_FORMATS.find((format) => format === name)
    if (known === undefined) {
      const what = name === '' ? 'an empty entry' : `unknown format ${JSON.stringify(name)}`
      throw configError(
        `${flag} has ${what} (got ${JSON.stringify(raw)}); give a comma list of ${STATSD_TAG_FORMATS.join(', ')}`,
      )
    }
    formats.add(known)
  }
  return formats
}

// Byte classes of a name field, one table per parser (built once from its formats): which bytes
// are tag markers of an enabled format.
/** An ordinary name byte. */
export const NAME_BYTE = 0
/** ',' with InfluxDB on: starts InfluxDB tags; inside any embedded list it separates tags. */
export const NAME_COMMA = 1
/** '#' with Librato on, '[' or ']' with SignalFx on: a tag marker that separates nothing. */
export const NAME_MARKER = 2

export function nameByteClasses(formats: StatsdTagFormats): Uint8Array {
  const classes = new Uint8Array(256)
  if (formats.has('influxdb')) classes[0x2c] = NAME_COMMA // ,
  if (formats.has('librato')) classes[0x23] = NAME_MARKER // #
  if (formats.has('signalfx')) {
    classes[0x5b] = NAME_MARKER // [
    classes[0x5d] = NAME_MARKER // ]
  }
  return classes
}
