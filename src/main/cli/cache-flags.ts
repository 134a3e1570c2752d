import { FlagError, numberFlag as num, oneOfFlag, parseFlagValues } from './flags'
import { resolve } from 'node:path'
import {
  CACHE_STRATEGIES,
  CacheSettingsSchema,
  KEY_DISTRIBUTIONS,
  type CacheSettings,
  type CacheSettingsInput
} from '@shared/contract/labs/cache'

/** `flowlab cache --help`, and what a bad flag is answered with. */
export const CACHE_USAGE = `usage: flowlab cache [options]
  Runs the Cache lab headless: C clients read and write K keys through a Redis cache in front of
  a SQLite database, then prints a report and exits 0 when no stale read and no lost write was
  found, 1 when one was, 2 on bad flags or setup errors.
  --strategy S            none | cache-aside | write-through | write-back | write-behind
                          (default cache-aside)
  --ops N                 operations in the run, all clients together (default 2000)
  --keys K                keys k1..kK (default 100)
  --clients C             concurrent clients, each with its own Redis connection (default 4)
  --read-ratio R          share of reads, 0..1 (default 0.8)
  --rate PER_S            operations per second; 0 = as fast as they go (default 0)
  --distribution D        uniform | zipf (default uniform)
  --seed S                seed of the workload's choices (default 1)
  --ttl-ms MS             cache-aside entry TTL; 0 = none (default 5000)
  --aside-write W         cache-aside writes delete | update the entry (default delete)
  --db-latency-ms MS      added to every database statement (default 5)
  --flush-every-ms MS     write-back: flush dirty entries this often; 0 = on eviction or
                          flush only (default 0)
  --behind-delay-ms MS    write-behind: a queued write reaches the database after MS (default 200)
  --behind-batch N        write-behind: most queued writes per database transaction (default 50)
  --crash-cache-at OP     SIGKILL the managed redis-server after OP operations, then restart it
  --db-down-at OP         take the database down after OP operations …
  --db-down-ms MS         … for MS (default 1000)
  --second-writer P       a second writer updates the database directly with probability P
                          per operation
  --persistence on|off    AOF of the managed Redis for the run (default: as the server runs)
  --db FILE               the SQLite database, kept after the run (default: a temporary file
                          removed at exit)
  --redis-url URL         use this Redis (default: REDIS_URL, else a managed redis-server)
  --json                  print the report as one JSON object on stdout`

/** A flag the user got wrong: exit 2 with the message and the usage, nothing started. */
/** A bad `flowlab cache` flag (the same class as every command's flag errors). */
export const CacheFlagError = FlagError

/** What `flowlab cache` runs with, once its flags made sense. */
export interface ParsedCacheFlags {
  /** Every setting of the run, defaults applied (what `cache:start` is sent). */
  settings: CacheSettings
  /** The database file, absolute; null = a temporary one. */
  dbPath: string | null
  json: boolean
  redisUrl: string | undefined
}

const STRING_FLAGS = [
  'strategy',
  'ops',
  'keys',
  'clients',
  'read-ratio',
  'rate',
  'distribution',
  'seed',
  'ttl-ms',
  'aside-write',
  'db-latency-ms',
  'flush-every-ms',
  'behind-delay-ms',
  'behind-batch',
  'crash-cache-at',
  'db-down-at',
  'db-down-ms',
  'second-writer',
  'persistence',
  'db',
  'redis-url'
] as const

const MS_MAX = 3_600_000
const OPS_MAX = 10_000_000

/** Fault points past the end of the run would never fire: say so rather than run without them. */
function checkFaultPoints(settings: CacheSettings, redisUrl: string | undefined): void {
  for (const [flag, at] of [
    ['crash-cache-at', settings.crashCacheAtOp],
    ['db-down-at', settings.dbDownAtOp]
  ] as const) {
    if (at > settings.ops) {
      throw new CacheFlagError(`--${flag} ${at} is past the end of the run (--ops ${settings.ops})`)
    }
  }
  if (settings.crashCacheAtOp > 0 && redisUrl !== undefined) {
    throw new CacheFlagError(
      '--crash-cache-at needs the managed redis-server (it cannot kill a Redis given by URL)'
    )
  }
}

/**
 * Parses `flowlab cache` flags into the run's settings; every range is the contract's.
 * @throws CacheFlagError naming the flag and what it must be.
 */
export function parseCacheFlags(argv: string[], env: NodeJS.ProcessEnv): ParsedCacheFlags | 'help' {
  const values = parseFlagValues(argv, STRING_FLAGS)
  if (values.help) return 'help'
  const persistence = oneOfFlag('persistence', values.persistence, ['on', 'off'] as const)
  const downMs = num('db-down-ms', values['db-down-ms'], { max: MS_MAX })
  if (downMs !== undefined && values['db-down-at'] === undefined) {
    throw new CacheFlagError('--db-down-ms needs --db-down-at')
  }
  const redisUrl = values['redis-url'] ?? (env.REDIS_URL || undefined)
  if (redisUrl !== undefined && !/^rediss?:\/\//.test(redisUrl)) {
    throw new CacheFlagError('--redis-url must start with redis:// or rediss://')
  }
  const db = values.db
  if (db !== undefined && db.trim() === '') throw new CacheFlagError('--db needs a file name')
  const input: CacheSettingsInput = {
    strategy: oneOfFlag('strategy', values.strategy, CACHE_STRATEGIES),
    ops: num('ops', values.ops, { min: 1, max: OPS_MAX }),
    keys: num('keys', values.keys, { min: 1, max: 1_000_000 }),
    clients: num('clients', values.clients, { min: 1, max: 64 }),
    readRatio: num('read-ratio', values['read-ratio'], { int: false, max: 1 }),
    ratePerSec: num('rate', values.rate, { int: false, max: 1_000_000 }),
    keyDistribution: oneOfFlag('distribution', values.distribution, KEY_DISTRIBUTIONS),
    seed: num('seed', values.seed, { max: 2_147_483_647 }),
    ttlMs: num('ttl-ms', values['ttl-ms'], { max: MS_MAX }),
    asideWrite: oneOfFlag('aside-write', values['aside-write'], ['delete', 'update'] as const),
    dbLatencyMs: num('db-latency-ms', values['db-latency-ms'], { max: MS_MAX }),
    flushEveryMs: num('flush-every-ms', values['flush-every-ms'], { max: MS_MAX }),
    behindDelayMs: num('behind-delay-ms', values['behind-delay-ms'], { max: MS_MAX }),
    behindBatch: num('behind-batch', values['behind-batch'], { min: 1, max: 100_000 }),
    secondWriterP: num('second-writer', values['second-writer'], { int: false, max: 1 }),
    persistence: persistence === undefined ? undefined : persistence === 'on',
    crashCacheAtOp: num('crash-cache-at', values['crash-cache-at'], { min: 1, max: OPS_MAX }),
    dbDownAtOp: num('db-down-at', values['db-down-at'], { min: 1, max: OPS_MAX }),
    dbDownMs: downMs
  }
  for (const key of Object.keys(input) as (keyof CacheSettingsInput)[]) {
    if (input[key] === undefined) delete input[key]
  }
  // The contract applies the defaults (and would catch a range this parser got wrong).
  const parsed = CacheSettingsSchema.safeParse(input)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new CacheFlagError(
      `${issue?.path.join('.') ?? 'settings'}: ${issue?.message ?? 'invalid'}`
    )
  }
  checkFaultPoints(parsed.data, redisUrl)
  return {
    settings: parsed.data,
    dbPath: db === undefined ? null : resolve(db),
    json: values.json ?? false,
    redisUrl
  }
}
