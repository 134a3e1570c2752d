import type { Redis } from 'ioredis'
import {
  CACHE_INFO_ENTRIES_MAX,
  type CacheEntryInfo,
  type CacheInfo,
  type CacheStatus
} from '@shared/contract/labs/cache'
import type { CacheStore } from './cache-store'
import type { Database } from './database'
import { keyName } from './keys'

/** The info before any run. */
export function idleInfo(status: CacheStatus, lastError: string | null): CacheInfo {
  return {
    status,
    settings: null,
    labId: null,
    dbPath: null,
    progress: { done: 0, total: 0 },
    counts: {
      reads: 0,
      writes: 0,
      hits: 0,
      misses: 0,
      staleReads: 0,
      lostWrites: 0,
      failedWrites: 0,
      failedReads: 0,
      dbReads: 0,
      dbWrites: 0,
      secondWrites: 0
    },
    hitRatio: null,
    latency: { readP50Ms: null, readP99Ms: null, writeP50Ms: null, writeP99Ms: null },
    entries: [],
    entriesTotal: 0,
    dirty: 0,
    queue: null,
    faults: {
      cacheCrashes: 0,
      dbSlowPeriods: 0,
      dbDownPeriods: 0,
      evictions: 0,
      expirations: 0,
      flusherCrashes: 0
    },
    db: { down: false, slowExtraMs: 0 },
    secondWriterP: 0,
    series: [],
    guarantees: [],
    verdict: null,
    violations: [],
    violationsTotal: 0,
    lastError
  }
}

/** What the panel shows of Redis, read in the background (toInfo is synchronous). */
export interface CacheView {
  entries: CacheEntryInfo[]
  dirty: number
  queueDepth: number
  queueOldestAt: number | null
}

export const EMPTY_VIEW: CacheView = { entries: [], dirty: 0, queueDepth: 0, queueOldestAt: null }

/**
 * Reads CACHE_INFO_ENTRIES_MAX keys, cache beside database, plus dirty and queue: the dirty ones
 * first (what a crash would take), then the first keys by name, so with many keys the rows that
 * matter are still on screen.
 */
export async function readView(
  client: Redis,
  store: CacheStore,
  db: Database,
  keys: number
): Promise<CacheView> {
  const max = Math.min(keys, CACHE_INFO_ENTRIES_MAX)
  const dirtyFirst = (await store.someDirtyKeys(client, max)).sort(byKeyNumber)
  const names = [
    ...new Set([...dirtyFirst, ...Array.from({ length: max }, (_, i) => keyName(i + 1))])
  ].slice(0, max)
  const [cached, dirty, queueDepth, head] = await Promise.all([
    Promise.all(names.map((key) => store.get(client, key))),
    store.dirtyCount(client),
    store.queueDepth(client),
    store.queueHead(client, 1)
  ])
  const entries = names.map((key, i): CacheEntryInfo => {
    const cache = cached[i] ?? null
    const row = db.peek(key)
    return {
      key,
      cache,
      db: row,
      differs:
        (cache !== null && row !== null && cache.version !== row.version) ||
        (cache !== null && cache.dirty && row === null)
    }
  })
  return { entries, dirty, queueDepth, queueOldestAt: head[0]?.at ?? null }
}

/** k2 before k10. */
function byKeyNumber(a: string, b: string): number {
  return Number(a.slice(1)) - Number(b.slice(1))
}
