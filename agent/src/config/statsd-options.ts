// Flags for StatsD migration: the statsd_exporter mapping file, whether protocol v1 names go
// through it too, and which tag styles StatsD lines may use. The mapping file is read and checked
// here, at start (and on reload), so a bad rule stops the agent with its file and line instead of
// mapping nothing.
import { type Command, Option } from 'commander'
import type { MappingConfig } from '../mapping/mapping-rules.js'
import type { ConfigFile } from './config-file.js'
import { MappingReader, readMappingFile } from './mapping-file.js'
import { STATSD_TAG_FORMATS, type StatsdTagFormat, parseStatsdTagFormats } from '../decode/statsd-tag-formats.js'
import { configError } from './taskmeter-error.js'

export interface StatsdConfig {
  /** --mapping-config: the file's path (re-read on reload); null = no mapping file. */
  readonly mappingConfigPath: string | null
  /** The rules read at start; null = names are used as sent. */
  readonly mapping: MappingConfig | null
  /** --map-protocol: protocol v1 timings and task events are mapped like StatsD timers. */
  readonly mapProtocol: boolean
  /** --statsd-tag-formats: the tag styles StatsD lines may use, in STATSD_TAG_FORMATS order. */
  readonly statsdTagFormats: readonly StatsdTagFormat[]
}

export function addStatsdOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--mapping-config <file>',
        'statsd_exporter mapping rules (YAML): names → task or metric name + labels, or drop',
      ),
    )
    .addOption(new Option('--map-protocol', 'also map protocol v1 task names through the mapping rules').default(false))
    .addOption(
      new Option(
        '--statsd-tag-formats <list>',
        'StatsD tag styles read: DogStatsD |#k:v and, in the name, InfluxDB n,k=v, Librato n#k=v, SignalFx n.[k=v]',
      ).default(STATSD_TAG_FORMATS.join(',')),
    )
}

/** The mapping rules from --mapping-config, or from the --config file's `mappings:` (not both). */
export function readStatsdOptions(
  options: Readonly<Record<string, unknown>>,
  configFile: ConfigFile | null,
  label: (key: string, flag: string) => string,
): StatsdConfig {
  const formats = parseStatsdTagFormats(
    String(options.statsdTagFormats),
    label('statsdTagFormats', '--statsd-tag-formats'),
  )
  const path = typeof options.mappingConfig === 'string' ? options.mappingConfig : null
  const inFile = configFile !== null && (configFile.mappings !== null || configFile.mappingDefaults !== null)
  if (path !== null && inFile)
    throw configError(`--mapping-config ${path} and mappings: in --config ${configFile?.file.path}: keep one of them`)
  let mapping: MappingConfig | null = null
  if (path !== null) mapping = readMappingFile(path)
  else if (inFile && configFile !== null)
    mapping = new MappingReader(configFile.file).read(configFile.mappings, configFile.mappingDefaults)
  return {
    mappingConfigPath: path,
    mapping,
    mapProtocol: options.mapProtocol === true,
    statsdTagFormats: STATSD_TAG_FORMATS.filter((format) => formats.has(format)),
  }
}
