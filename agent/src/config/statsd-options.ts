// Flags for StatsD migration: the statsd_exporter mapping file, and whether protocol v1 names go
// through it too. The mapping file is read and checked here, at start (and on reload), so a bad
// rule stops the agent with its file and line instead of mapping nothing.
import { type Command, Option } from 'commander'
import type { MappingConfig } from '../mapping/mapping-rules.js'
import { readMappingFile } from './mapping-file.js'

export interface StatsdConfig {
  /** --mapping-config: the file's path (re-read on reload); null = no mapping file. */
  readonly mappingConfigPath: string | null
  /** The rules read at start; null = names are used as sent. */
  readonly mapping: MappingConfig | null
  /** --map-protocol: protocol v1 timings and task events are mapped like StatsD timers. */
  readonly mapProtocol: boolean
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
}

export function readStatsdOptions(options: Readonly<Record<string, unknown>>): StatsdConfig {
  const path = typeof options.mappingConfig === 'string' ? options.mappingConfig : null
  return {
    mappingConfigPath: path,
    mapping: path === null ? null : readMappingFile(path),
    mapProtocol: options.mapProtocol === true,
  }
}
