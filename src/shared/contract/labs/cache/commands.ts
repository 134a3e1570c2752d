import { z } from 'zod'

/**
 * The Cache lab's settings and commands (`cache:<verb>`): a SQLite database behind a Redis cache,
 * a workload of concurrent clients going through one of five strategies, faults, and a checker
 * for stale reads and lost writes (docs/labs/cache.md).
 */

export const CacheCommandType = {
  Start: 'cache:start',
  Stop: 'cache:stop',
  Fault: 'cache:fault',
  Flush: 'cache:flush'
} as const

/**
 * How every read and write of the workload reaches the data.
 * `none`: the database only. `cache-aside`: read the cache, on a miss the database (then fill the
 * cache with a TTL); writes go to the database and delete (or update) the entry. `write-through`:
 * a write updates the cache and the database before it is acknowledged. `write-back`: a write
 * updates the cache only and marks it dirty; dirty entries reach the database on eviction, on a
 * flush, or every `flushEveryMs`. `write-behind`: a write updates the cache and appends to a queue
 * in Redis that a flusher writes to the database in batches after `behindDelayMs`.
 */
export const CACHE_STRATEGIES = [
  'none',
  'cache-aside',
  'write-through',
  'write-back',
  'write-behind'
] as const
export type CacheStrategy = (typeof CACHE_STRATEGIES)[number]
export const CacheStrategySchema = z.enum(CACHE_STRATEGIES)

/** Which key a client picks: every key equally, or Zipf (s = 1: a few hot keys). */
export const KEY_DISTRIBUTIONS = ['uniform', 'zipf'] as const
export type KeyDistribution = (typeof KEY_DISTRIBUTIONS)[number]

const ms = z.number().int().min(0).max(3_600_000)

/** Every setting of one run. Defaults are merged here and nowhere else. */
export const CacheSettingsSchema = z.strictObject({
  strategy: CacheStrategySchema.default('cache-aside'),
  /** Operations (reads + writes) in the whole run, shared by the clients. */
  ops: z.number().int().min(1).max(10_000_000).default(2_000),
  /** Keys `k1..kK` the workload reads and writes. */
  keys: z.number().int().min(1).max(1_000_000).default(100),
  /** Concurrent clients, each with its own Redis connection and async loop. */
  clients: z.number().int().min(1).max(64).default(4),
  /** Share of operations that are reads, 0..1. */
  readRatio: z.number().min(0).max(1).default(0.8),
  /** Operations per second across all clients; 0 = as fast as they go. */
  ratePerSec: z.number().min(0).max(1_000_000).default(0),
  keyDistribution: z.enum(KEY_DISTRIBUTIONS).default('uniform'),
  /** Seed of the workload's random choices (same seed, same sequence of operations). */
  seed: z.number().int().min(0).max(2_147_483_647).default(1),
  /** TTL of a cache-aside entry, in ms (0 = no TTL). */
  ttlMs: ms.default(5_000),
  /** Cache-aside writes: delete the cache entry (default) or update it. */
  asideWrite: z.enum(['delete', 'update']).default('delete'),
  /** Simulated latency of every database statement, in ms (a network database's round trip). */
  dbLatencyMs: ms.default(5),
  /** Write-back: flush every dirty entry this often (0 = only on eviction or an explicit flush). */
  flushEveryMs: ms.default(0),
  /** Write-behind: a queued write reaches the database this many ms after it was queued. */
  behindDelayMs: ms.default(200),
  /** Write-behind: most queued writes the flusher writes in one database transaction. */
  behindBatch: z.number().int().min(1).max(100_000).default(50),
  /** Probability per operation that a second writer updates the database directly. */
  secondWriterP: z.number().min(0).max(1).default(0),
  /** AOF persistence of the managed Redis for this run (absent = leave as is). */
  persistence: z.boolean().optional(),
  /** Kill the cache (SIGKILL redis-server) after this many operations, then restart it (0 = never). */
  crashCacheAtOp: z.number().int().min(0).max(10_000_000).default(0),
  /** Take the database down after this many operations (0 = never) … */
  dbDownAtOp: z.number().int().min(0).max(10_000_000).default(0),
  /** … for this many ms. */
  dbDownMs: ms.default(1_000)
})
/** Settings as given (defaults optional). */
export type CacheSettingsInput = z.input<typeof CacheSettingsSchema>
/** Settings with every default applied. */
export type CacheSettings = z.output<typeof CacheSettingsSchema>

/** Start a run (any previous run must have ended or been stopped). */
export const CacheStartSchema = z.strictObject({
  type: z.literal(CacheCommandType.Start),
  settings: CacheSettingsSchema
})
/** Stop the run's workload now; the final flush and the check still run. */
export const CacheStopSchema = z.strictObject({ type: z.literal(CacheCommandType.Stop) })
/** Write-back / write-behind: write every dirty entry or queued write to the database now. */
export const CacheFlushSchema = z.strictObject({ type: z.literal(CacheCommandType.Flush) })

const key = z.string().min(1).max(128)

/** The faults of the Cache lab (buttons, commands, CLI flags). */
export const CacheFaultActionSchema = z.discriminatedUnion('kind', [
  /** SIGKILL the managed redis-server, then start it again (what AOF keeps survives). */
  z.strictObject({ kind: z.literal('crash-cache') }),
  /** Every database statement takes `extraMs` more, for `ms`. */
  z.strictObject({
    kind: z.literal('db-slow'),
    ms: ms.default(2_000),
    extraMs: ms.default(50)
  }),
  /** Every database statement fails, for `ms`. */
  z.strictObject({ kind: z.literal('db-down'), ms: ms.default(1_000) }),
  /** Evict one key (absent: all keys) from the cache; write-back flushes a dirty entry first. */
  z.strictObject({ kind: z.literal('evict'), key: key.optional() }),
  /** Expire one key (absent: all keys) now, as its TTL would; nothing is flushed. */
  z.strictObject({ kind: z.literal('expire'), key: key.optional() }),
  /** Crash the write-back / write-behind flusher (it restarts on the next flush). */
  z.strictObject({ kind: z.literal('crash-flusher') }),
  /** Turn the second writer on (probability per operation) or off (0). */
  z.strictObject({ kind: z.literal('second-writer'), p: z.number().min(0).max(1) })
])
export type CacheFaultAction = z.infer<typeof CacheFaultActionSchema>
export const CacheFaultSchema = z.strictObject({
  type: z.literal(CacheCommandType.Fault),
  fault: CacheFaultActionSchema
})

export const CacheCommandSchema = z.discriminatedUnion('type', [
  CacheStartSchema,
  CacheStopSchema,
  CacheFaultSchema,
  CacheFlushSchema
])
export type CacheCommand = z.infer<typeof CacheCommandSchema>
