import type { LabFeature } from '../registry'
import { CachePanel } from './CachePanel'

/** The Cache lab as the app shell lists it. */
export const cache: LabFeature = {
  id: 'cache',
  title: 'Cache',
  about:
    'Redis in front of a SQLite database: cache-aside with TTL, write-through, write-back and write-behind; crash the cache and watch for stale reads and lost writes.',
  Panel: CachePanel
}
