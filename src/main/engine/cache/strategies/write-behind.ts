import { readThrough } from './read-through'
import type { Strategy, StrategyDeps } from './strategy'

/**
 * Write-behind: a write updates the cache (dirty) and appends to the queue in Redis in one atomic
 * step; the flusher writes the queue to the database after a delay. Acknowledged once Redis has
 * both, so the queue survives a crash only with AOF persistence.
 */
export function writeBehindStrategy(deps: StrategyDeps): Strategy {
  return {
    name: 'write-behind',
    read: (client, key) => readThrough(deps, client, key),
    write: async (client, key, value, version) => {
      await deps.store.setQueued(client, { key, value, version, at: deps.now() })
    }
  }
}
