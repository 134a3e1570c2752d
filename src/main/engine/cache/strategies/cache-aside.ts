import { readThrough } from './read-through'
import type { Strategy, StrategyDeps } from './strategy'

/**
 * Cache-aside: reads fill the cache on a miss; a write goes to the database and then deletes (or
 * updates) the entry. The write is acknowledged once the database has it: a cache that cannot be
 * told leaves a stale entry until its TTL, which is this strategy's known risk.
 */
export function cacheAsideStrategy(deps: StrategyDeps): Strategy {
  return {
    name: 'cache-aside',
    read: (client, key) => readThrough(deps, client, key),
    write: async (client, key, value, version) => {
      await deps.db.write({ key, value, version })
      const tell =
        deps.asideWrite === 'delete'
          ? deps.store.delete(client, key)
          : deps.store.setIfNewer(client, key, value, version, { dirty: false, ttlMs: deps.ttlMs })
      await Promise.resolve(tell).catch(() => undefined)
    }
  }
}
