import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CACHE_STRATEGIES, type CacheReport } from '../src/shared/contract/labs/cache'
import { runCacheCommand } from '../src/main/cli/cache-command'
import type { CliIo } from '../src/main/cli/io'
import { RedisHost } from '../src/main/engine/redis/redis-host'

/** Reads through one strategy: what `bench/results.json` holds under `cache.reads.<strategy>`. */
export interface CacheReadFigure {
  readsPerSec: number
  readP50Ms: number
  readP99Ms: number
  hitRatio: number | null
}

/** Writes through one strategy: `cache.writes.<strategy>`. */
export interface CacheWriteFigure {
  writesPerSec: number
  writeP50Ms: number
  writeP99Ms: number
  /** Statements the database ran for those writes (write-back and write-behind batch them). */
  dbWrites: number
}

export interface CacheBenchResults {
  reads: Record<string, CacheReadFigure>
  writes: Record<string, CacheWriteFigure>
  /** cache-aside reads/s over none reads/s at the default database latency. */
  readSpeedup: number | null
  settings: { ops: number; keys: number; clients: number; dbLatencyMs: number }
}

export interface CacheBenchOptions {
  /** Operations per measured run (default 4,000). */
  ops?: number
  /** A started Redis to use; by default the bench starts a managed one in a temp folder. */
  redis?: RedisHost
}

/**
 * Keys per read run: every key misses once (the first read fills it), so with reads only and a
 * TTL longer than the run the hit ratio is 1 − keys / ops — 90 % at ops = 10 × keys.
 */
const READ_HIT_RATIO = 0.9
const TTL_MS = 600_000
const CLIENTS = 4
/** The lab's default, so the speed-up is the one a student sees with no settings changed. */
const DB_LATENCY_MS = 5

function round(n: number): number {
  return Math.round(n * 100) / 100
}

/** One `flowlab cache --json` run in-process against the bench's Redis. */
async function runOnce(args: string[], redis: RedisHost, dir: string): Promise<CacheReport> {
  const stdout: string[] = []
  const stderr: string[] = []
  const io: CliIo = {
    stdout: (line) => stdout.push(line),
    stderr: (line) => stderr.push(line),
    readFile: () => Promise.reject(new Error('the bench reads no files')),
    env: { ...process.env, REDIS_URL: '' },
    onShutdown: () => undefined
  }
  const db = join(dir, `bench-${Date.now()}-${Math.random().toString(36).slice(2)}.sqlite`)
  const code = await runCacheCommand(['--json', ...args, '--db', db], io, { redis })
  const json = stdout.at(-1)
  if (code === 2 || !json) throw new Error(`cache bench run failed (${code}): ${stderr.join('\n')}`)
  const report = JSON.parse(json) as CacheReport
  if (report.counts.failedReads + report.counts.failedWrites > 0) {
    throw new Error(`cache bench run was not clean: ${JSON.stringify(report.counts)}`)
  }
  return report
}

/**
 * Measures, in one run and with the lab's default 5 ms per database statement and 4 clients:
 * reads/s and read p99 for `none` against `cache-aside` at a 90 % hit ratio (reads only), then
 * writes/s for every strategy (writes only; a run's time includes its final flush, so write-back
 * and write-behind pay for the database writes they deferred). Prints nothing.
 */
export async function benchCache(opts: CacheBenchOptions = {}): Promise<CacheBenchResults> {
  const ops = opts.ops ?? 4_000
  const keys = Math.max(1, Math.round(ops * (1 - READ_HIT_RATIO)))
  const dir = mkdtempSync(join(tmpdir(), 'flowlab-bench-cache-'))
  let redis = opts.redis
  let own: RedisHost | null = null
  if (!redis) {
    own = redis = new RedisHost({ dataDir: dir })
    await redis.start()
  }
  const common = [
    ...['--ops', String(ops), '--keys', String(keys), '--clients', String(CLIENTS)],
    ...['--db-latency-ms', String(DB_LATENCY_MS), '--ttl-ms', String(TTL_MS)]
  ]
  try {
    if (redis.status !== 'up') throw new Error(`Redis is ${redis.status}`)
    // Warm-up: primes the JIT and SQLite before anything is measured.
    await runOnce([...common, '--strategy', 'write-through', '--ops', '500'], redis, dir)
    const reads: Record<string, CacheReadFigure> = {}
    for (const strategy of ['none', 'cache-aside'] as const) {
      const r = await runOnce([...common, '--strategy', strategy, '--read-ratio', '1'], redis, dir)
      reads[strategy] = {
        readsPerSec: round((r.counts.reads * 1_000) / r.durationMs),
        readP50Ms: r.latency.readP50Ms ?? 0,
        readP99Ms: r.latency.readP99Ms ?? 0,
        hitRatio: r.hitRatio === null ? null : round(r.hitRatio)
      }
    }
    const writes: Record<string, CacheWriteFigure> = {}
    for (const strategy of CACHE_STRATEGIES) {
      const r = await runOnce([...common, '--strategy', strategy, '--read-ratio', '0'], redis, dir)
      writes[strategy] = {
        writesPerSec: round((r.counts.writes * 1_000) / r.durationMs),
        writeP50Ms: r.latency.writeP50Ms ?? 0,
        writeP99Ms: r.latency.writeP99Ms ?? 0,
        dbWrites: r.counts.dbWrites
      }
    }
    const none = reads.none?.readsPerSec ?? 0
    const aside = reads['cache-aside']?.readsPerSec ?? 0
    return {
      reads,
      writes,
      readSpeedup: none > 0 ? round(aside / none) : null,
      settings: { ops, keys, clients: CLIENTS, dbLatencyMs: DB_LATENCY_MS }
    }
  } finally {
    if (own) await own.close()
    rmSync(dir, { recursive: true, force: true })
  }
}
