import type { CacheSettings, CacheStrategy } from './commands'

/**
 * What the Cache lab shows and reports: the checker's violations and verdict, the bounded
 * `CacheInfo` in every snapshot (`snapshot.labs.cache`), and the complete `CacheReport` of a run.
 */

/** Cache entries and database rows listed in CacheInfo at most (the rest are counted). */
export const CACHE_INFO_ENTRIES_MAX = 200
/** Violations listed in CacheInfo at most (all of them are in the report). */
export const CACHE_INFO_VIOLATIONS_MAX = 200
/** Points per chart series (one a second). */
export const CACHE_SERIES_MAX = 120

/** What the checker can find. */
export type CacheViolationKind = 'stale-read' | 'lost-write'

/** Why a violation happened, as the checker attributes it from what it recorded. */
export const CACHE_CAUSES = [
  'cache-crash-dirty',
  'behind-queue-lost',
  'second-writer',
  'fill-race',
  'db-down-write-through',
  'flusher-crash',
  'expired-dirty',
  'unexplained'
] as const
export type CacheCause = (typeof CACHE_CAUSES)[number]
/** Each cause in plain words. */
export const CACHE_CAUSE_TEXT: Record<CacheCause, string> = {
  'cache-crash-dirty':
    'the cache crashed while the entry was dirty (never written to the database)',
  'behind-queue-lost': 'the write-behind queue was lost with the cache before the flusher wrote it',
  'second-writer':
    'a second writer updated the database directly, bypassing the cache; the cached entry lived on until its TTL',
  'fill-race':
    'a read miss filled the cache with a value a concurrent write had already replaced in the database',
  'db-down-write-through': 'the database was down during a write-through',
  'flusher-crash': 'the flusher crashed holding writes it had taken from the queue',
  'expired-dirty':
    'the entry expired while dirty (write-back), so its writes never reached the database',
  unexplained: 'no recorded fault explains it'
}

export interface CacheViolation {
  key: string
  kind: CacheViolationKind
  /** stale-read: the version the read returned; lost-write: the version that is missing. */
  version: number
  /** stale-read: the newest version acknowledged before the read began. */
  expectedVersion?: number
  cause: CacheCause
  /** Wall-clock ms of the read, or of the write's acknowledgement. */
  at: number
}

export interface CacheCounts {
  reads: number
  writes: number
  hits: number
  misses: number
  staleReads: number
  lostWrites: number
  /** Writes that failed (not acknowledged): not lost, the client was told. */
  failedWrites: number
  /** Reads that failed (cache and database unavailable). */
  failedReads: number
  dbReads: number
  dbWrites: number
  /** Writes of the second writer (to the database directly). */
  secondWrites: number
}

export interface CacheLatency {
  readP50Ms: number | null
  readP99Ms: number | null
  writeP50Ms: number | null
  writeP99Ms: number | null
}

/** What a strategy promises, and whether this run kept it. */
export interface CacheGuarantee {
  name: 'no-stale-reads' | 'no-lost-writes'
  /** What the strategy promises, in one line (e.g. "lost writes possible on a cache crash"). */
  expected: string
  held: boolean
}

export type CacheVerdict = 'held' | 'violated'

export type CacheStatus =
  'idle' | 'starting' | 'running' | 'flushing' | 'done' | 'stopped' | 'failed'

export interface CacheEntryInfo {
  key: string
  /** In the cache (null: not cached). */
  cache: { value: string; version: number; ttlMs: number | null; dirty: boolean } | null
  /** In the database (null: no row). */
  db: { value: string; version: number } | null
  /** Cache and database disagree (both present with different versions, or one missing while dirty). */
  differs: boolean
}

export interface CacheFaultCounters {
  cacheCrashes: number
  dbSlowPeriods: number
  dbDownPeriods: number
  evictions: number
  expirations: number
  flusherCrashes: number
}

export interface CacheSeriesPoint {
  /** Seconds since the run started. */
  t: number
  hitRatio: number | null
  readP50Ms: number | null
  readP99Ms: number | null
  writeP99Ms: number | null
  opsPerSec: number
  /** A fault was active during this second (the chart shades it). */
  fault: boolean
}

/** The Cache lab's bounded view (snapshot.labs.cache). */
export interface CacheInfo {
  status: CacheStatus
  /** Settings of the current or last run; null before the first. */
  settings: CacheSettings | null
  /** Redis key prefix of the run (`flowlab:<labId>:`). */
  labId: string | null
  /** The database file of the run. */
  dbPath: string | null
  /** Operations done so far / in the run. */
  progress: { done: number; total: number }
  counts: CacheCounts
  hitRatio: number | null
  latency: CacheLatency
  /** CACHE_INFO_ENTRIES_MAX keys, cache beside database: the dirty ones first, then k1, k2 … */
  entries: CacheEntryInfo[]
  entriesTotal: number
  /** Dirty entries now (write-back). */
  dirty: number
  /** Write-behind queue; null for the other strategies. */
  queue: { depth: number; oldestAgeMs: number | null; flushLagMs: number | null } | null
  faults: CacheFaultCounters
  /** Database faults in effect now. */
  db: { down: boolean; slowExtraMs: number }
  secondWriterP: number
  series: CacheSeriesPoint[]
  /** The checker's live view; final once status is done or stopped. */
  guarantees: CacheGuarantee[]
  verdict: CacheVerdict | null
  violations: CacheViolation[]
  violationsTotal: number
  /** Last failure in plain words (setup, Redis, database). */
  lastError: string | null
}

/** The whole result of a run (`flowlab cache --json`). */
export interface CacheReport {
  strategy: CacheStrategy
  verdict: CacheVerdict
  guarantees: CacheGuarantee[]
  settings: CacheSettings
  labId: string
  dbPath: string
  durationMs: number
  counts: CacheCounts
  hitRatio: number | null
  latency: CacheLatency
  violations: CacheViolation[]
  /** The newest acknowledged write per key (the database must hold it unless listed as lost). */
  lastAcked: Record<string, { value: string; version: number }>
  faults: CacheFaultCounters
  notes: string[]
}
