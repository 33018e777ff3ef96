// createClient(): the one entry point. Bad options throw a TaskmeterError (TM_ERR_INVALID_OPTION)
// here, at startup; after this the client never throws.
import { ClientCore } from './client-core.js'
import { TaskmeterClient } from './client.js'
import { TaskmeterError } from './errors.js'
import { NameCache } from './name-cache.js'
import { type ClientOptions, resolveOptions } from './options.js'
import { ScopeTags } from './tag-cache.js'

export function createClient(options?: ClientOptions): TaskmeterClient {
  const resolved = resolveOptions(options)
  const tags = ScopeTags.create(resolved.tags, null)
  if (typeof tags === 'string') {
    throw new TaskmeterError(
      'TM_ERR_INVALID_OPTION',
      `taskmeter client: tags must be at most 16 string pairs, keys 1..64 and values 0..200 bytes (${tags})`,
    )
  }
  return new TaskmeterClient(new ClientCore(resolved), new NameCache(resolved.prefix), tags, null)
}
