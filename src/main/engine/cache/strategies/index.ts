import type { CacheStrategy } from '@shared/contract/labs/cache'
import { cacheAsideStrategy } from './cache-aside'
import { noneStrategy } from './none'
import type { Strategy, StrategyDeps } from './strategy'
import { writeBackStrategy } from './write-back'
import { writeBehindStrategy } from './write-behind'
import { writeThroughStrategy } from './write-through'

export type { ReadResult, Strategy, StrategyDeps } from './strategy'

const STRATEGIES: Record<CacheStrategy, (deps: StrategyDeps) => Strategy> = {
  none: noneStrategy,
  'cache-aside': cacheAsideStrategy,
  'write-through': writeThroughStrategy,
  'write-back': writeBackStrategy,
  'write-behind': writeBehindStrategy
}

export function createStrategy(name: CacheStrategy, deps: StrategyDeps): Strategy {
  return STRATEGIES[name](deps)
}
