import { readThrough } from './read-through'
import type { Strategy, StrategyDeps } from './strategy'

/**
 * Write-through: the cache first, then the database, and only then the ack. When the database
 * refuses (down), the entry is deleted again so no reader sees a version the database lacks, and
 * the write fails; deleting is always safe here, as the database holds every acknowledged write.
 */
export function writeThroughStrategy(deps: StrategyDeps): Strategy {
  return {
    name: 'write-through',
    read: (client, key) => readThrough(deps, client, key),
    write: async (client, key, value, version) => {
      await deps.store.setIfNewer(client, key, value, version, { dirty: false, ttlMs: deps.ttlMs })
      try {
        await deps.db.write({ key, value, version })
      } catch (err) {
        await deps.store.delete(client, key).catch(() => undefined)
        throw err
      }
    }
  }
}
