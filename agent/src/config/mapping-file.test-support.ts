// Builds a MetricMapper from YAML text, as --mapping-config would from a file.
import { MetricMapper } from '../mapping/metric-mapper.js'
import type { MappingConfig } from '../mapping/mapping-rules.js'
import { MappingReader } from './mapping-file.js'
import { YamlFile } from './yaml-fields.js'

export function mappingFrom(yaml: string, path = 'mapping.yml'): MappingConfig {
  const file = new YamlFile(path, yaml)
  const top = new Map(file.entries(file.root, 'a mapping file').map((e) => [e.key, e.value]))
  return new MappingReader(file).read(top.get('mappings') ?? null, top.get('defaults') ?? null)
}

export function mapperFrom(yaml: string): MetricMapper {
  return new MetricMapper(mappingFrom(yaml))
}
