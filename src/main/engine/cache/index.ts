import { cacheContract, type CacheCommand, type CacheInfo } from '@shared/contract/labs/cache'
import type { LabDefinition, LabHost } from '../lab'
import { CacheLab } from './cache-lab'

/**
 * The Cache lab as the registry makes it. Setting `dbPath`: the SQLite file (default
 * `<lab data dir>/cache.sqlite`; `flowlab cache --db FILE` sets it).
 */
export const cacheLab: LabDefinition<CacheInfo, CacheCommand> = {
  id: 'cache',
  contract: cacheContract,
  create: (context) => {
    const dbPath = context.settings.dbPath
    return new CacheLab({
      redis: context.redis,
      emit: context.emit,
      dataDir: context.dataDir,
      now: () => context.now(),
      ...(typeof dbPath === 'string' ? { dbPath } : {})
    })
  }
}

/** The engine's Cache lab, typed (for the CLI and tests in the main process). */
export function cacheLabOf(engine: LabHost): CacheLab {
  const lab = engine.lab(cacheLab.id)
  if (!(lab instanceof CacheLab)) throw new Error('this engine runs no Cache lab')
  return lab
}

export { CacheLab }
