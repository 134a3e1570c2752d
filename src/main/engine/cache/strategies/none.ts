import type { Strategy, StrategyDeps } from './strategy'

/** No cache: every read and write is a database statement. */
export function noneStrategy(deps: StrategyDeps): Strategy {
  return {
    name: 'none',
    read: async (_client, key) => {
      const row = await deps.db.read(key)
      if (!row) throw new Error(`no row for ${key}`)
      return { value: row.value, version: row.version, hit: null }
    },
    write: (_client, key, value, version) => deps.db.write({ key, value, version })
  }
}
