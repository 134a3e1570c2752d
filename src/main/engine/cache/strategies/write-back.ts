import { readThrough } from './read-through'
import type { Strategy, StrategyDeps } from './strategy'

/**
 * Write-back: a write updates the cache only, marked dirty (no TTL: a dirty entry must not
 * expire); the flusher writes dirty entries to the database later. Acknowledged once the cache
 * has it, so a cache crash loses the dirty entries.
 */
export function writeBackStrategy(deps: StrategyDeps): Strategy {
  return {
    name: 'write-back',
    read: (client, key) => readThrough(deps, client, key),
    write: async (client, key, value, version) => {
      await deps.store.setIfNewer(client, key, value, version, { dirty: true, ttlMs: 0 })
    }
  }
}
