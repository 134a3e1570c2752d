import type { Redis } from 'ioredis'
import type { ReadResult, StrategyDeps } from './strategy'

/**
 * The read every caching strategy shares: the cache; on a miss the database, then fill the cache
 * (clean, with the TTL) unless it already holds a newer version. A cache that does not answer is
 * a miss (the database still serves); a failed fill only costs the next read a miss.
 */
export async function readThrough(
  deps: StrategyDeps,
  client: Redis,
  key: string
): Promise<ReadResult> {
  let cacheUp = true
  try {
    const cached = await deps.store.get(client, key)
    if (cached) return { value: cached.value, version: cached.version, hit: true }
  } catch {
    cacheUp = false
  }
  const row = await deps.db.read(key)
  if (!row) throw new Error(`no row for ${key}`)
  if (cacheUp) {
    await deps.store
      .setIfNewer(client, key, row.value, row.version, { dirty: false, ttlMs: deps.ttlMs })
      .catch(() => undefined)
  }
  return { value: row.value, version: row.version, hit: false }
}
