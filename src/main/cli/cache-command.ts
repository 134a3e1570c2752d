import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  CACHE_CAUSE_TEXT,
  CacheCommandType,
  type CacheCause,
  type CacheReport
} from '@shared/contract/labs/cache'
import { cacheLab, cacheLabOf, type CacheLab } from '../engine/cache'
import { createEngine } from '../engine/engine'
import { redisReady } from './redis-check'
import type { RedisHost } from '../engine/redis/redis-host'
import { CACHE_USAGE, CacheFlagError, parseCacheFlags, type ParsedCacheFlags } from './cache-flags'
import { withProgress, type CliIo, type ProgressOut } from './io'

/** Violations listed in the human summary (all of them are in --json). */
const SUMMARY_VIOLATIONS_MAX = 20
const PROGRESS_BAR_WIDTH = 30

/** Extra seams for tests and the bench; the CLI passes none. */
export interface CacheCommandOptions {
  /** Use this (started) Redis host instead of creating one. */
  redis?: RedisHost
  /** Called with the lab once the run has started (tests press buttons through it). */
  onLab?: (lab: CacheLab) => void | Promise<void>
  /** Where the progress bar goes; defaults to stderr when it is a terminal. */
  progress?: ProgressOut
}

/**
 * `flowlab cache`: one Cache lab run from the command line (grading, CI, the bench).
 * @returns 0 when both guarantees held, 1 when one was violated, 2 for bad flags or setup errors
 * (a database file that is not SQLite, Redis missing), 130 when interrupted.
 */
export async function runCacheCommand(
  argv: string[],
  io: CliIo,
  opts: CacheCommandOptions = {}
): Promise<number> {
  let parsed: ParsedCacheFlags | 'help'
  try {
    parsed = parseCacheFlags(argv, io.env)
  } catch (err) {
    if (!(err instanceof CacheFlagError)) throw err
    io.stderr(`flowlab cache: ${err.message}\n${CACHE_USAGE}`)
    return 2
  }
  if (parsed === 'help') {
    io.stdout(CACHE_USAGE)
    return 0
  }
  const { settings, json } = parsed
  const dataDir = mkdtempSync(join(tmpdir(), 'flowlab-cache-'))
  const engine = createEngine({
    dataDir,
    door: 'cli',
    redisUrl: parsed.redisUrl,
    env: io.env,
    redisPersistence: settings.persistence !== false,
    ...(opts.redis ? { sharedRedis: opts.redis } : {}),
    labDefinitions: [cacheLab],
    // Without --db the lab keeps its database in its data folder, removed with it below.
    labs: { cache: parsed.dbPath ? { dbPath: parsed.dbPath } : {} },
    onTrace: (event) => {
      if (!json && event.level === 'error' && event.source === cacheLab.id) {
        io.stderr(`flowlab cache: ${event.message}`)
      }
    }
  })
  const cleanup = async (): Promise<void> => {
    await engine.close().catch(() => undefined)
    rmSync(dataDir, { recursive: true, force: true })
  }
  try {
    await engine.start()
    if (!redisReady(engine, io, 'cache')) {
      await cleanup()
      return 2
    }
    const lab = cacheLabOf(engine)
    let interrupted = false
    io.onShutdown(() => {
      interrupted = true
      void engine.execute({ type: CacheCommandType.Stop })
    })
    const started = await engine.execute({ type: CacheCommandType.Start, settings })
    if (!started.ok) {
      io.stderr(`flowlab cache: ${started.error.message}`)
      await cleanup()
      return 2
    }
    await opts.onLab?.(lab)
    const report = await withProgress(lab.waitForSettled(), () => progressLine(lab), {
      json,
      out: opts.progress
    })
    await cleanup()
    if (json) io.stdout(JSON.stringify(report))
    else for (const line of summary(report, parsed.dbPath !== null)) io.stdout(line)
    if (interrupted) return 130
    return report.verdict === 'held' ? 0 : 1
  } catch (err) {
    io.stderr(`flowlab cache: ${(err as Error).message}`)
    await cleanup()
    return 2
  }
}

function progressLine(lab: CacheLab): string {
  const info = lab.toInfo()
  const { done, total } = info.progress
  const ratio = total > 0 ? done / total : 0
  const filled = Math.round(ratio * PROGRESS_BAR_WIDTH)
  const hits = info.hitRatio === null ? '–' : `${Math.round(info.hitRatio * 100)}%`
  const rate = info.series.at(-1)?.opsPerSec ?? 0
  return `\r[${'#'.repeat(filled)}${'.'.repeat(PROGRESS_BAR_WIDTH - filled)}] ${done}/${total} ops (${info.status}), hits ${hits}, dirty ${info.dirty}, ${Math.round(rate)} ops/s `
}

function ms(value: number | null): string {
  return value === null ? '–' : `${value} ms`
}

/** The report in a few lines a student can read: what ran, what it cost, what broke and why. */
function summary(r: CacheReport, kept: boolean): string[] {
  const c = r.counts
  const lines = [
    `Cache run ${r.labId}: ${r.strategy}, ${c.reads + c.writes} ops (${c.reads} reads, ${c.writes} writes) by ${r.settings.clients} clients in ${(r.durationMs / 1_000).toFixed(1)} s`,
    `Database: ${r.dbPath}${kept ? '' : ' (temporary, removed)'}; ${c.dbReads} reads, ${c.dbWrites} writes` +
      (c.secondWrites > 0 ? `, ${c.secondWrites} by the second writer` : ''),
    `Hit ratio ${r.hitRatio === null ? '–' : `${(r.hitRatio * 100).toFixed(1)}%`} (${c.hits} hits, ${c.misses} misses)`,
    `Latency: read p50 ${ms(r.latency.readP50Ms)}, p99 ${ms(r.latency.readP99Ms)}; write p50 ${ms(r.latency.writeP50Ms)}, p99 ${ms(r.latency.writeP99Ms)}`
  ]
  if (c.failedReads + c.failedWrites > 0) {
    lines.push(`Failed (the client was told): ${c.failedReads} reads, ${c.failedWrites} writes`)
  }
  const f = r.faults
  const faults = (
    [
      ['cache crash', 'cache crashes', f.cacheCrashes],
      ['database slow period', 'database slow periods', f.dbSlowPeriods],
      ['database down period', 'database down periods', f.dbDownPeriods],
      ['eviction', 'evictions', f.evictions],
      ['expiration', 'expirations', f.expirations],
      ['flusher crash', 'flusher crashes', f.flusherCrashes]
    ] as const
  ).filter(([, , n]) => n > 0)
  if (faults.length > 0) {
    lines.push(
      `Faults: ${faults.map(([one, many, n]) => `${n} ${n === 1 ? one : many}`).join(', ')}`
    )
  }
  for (const g of r.guarantees) {
    lines.push(`  ${g.name}: ${g.held ? 'held' : 'VIOLATED'} (expected: ${g.expected})`)
  }
  lines.push(`Verdict: ${r.verdict.toUpperCase()}`)
  if (r.violations.length > 0) {
    lines.push(`Violations: ${c.staleReads} stale reads, ${c.lostWrites} lost writes`)
    const byCause = new Map<CacheCause, number>()
    for (const v of r.violations) byCause.set(v.cause, (byCause.get(v.cause) ?? 0) + 1)
    for (const [cause, n] of byCause) lines.push(`  ${n} × ${cause}: ${CACHE_CAUSE_TEXT[cause]}`)
    for (const v of r.violations.slice(0, SUMMARY_VIOLATIONS_MAX)) {
      const what =
        v.kind === 'lost-write'
          ? `write v${v.version} lost`
          : `read v${v.version}, v${v.expectedVersion ?? '?'} was acknowledged`
      lines.push(`  ${v.key}: ${what} — ${v.cause}`)
    }
    if (r.violations.length > SUMMARY_VIOLATIONS_MAX) {
      lines.push(
        `  … and ${r.violations.length - SUMMARY_VIOLATIONS_MAX} more (--json lists them all)`
      )
    }
  }
  for (const note of r.notes) lines.push(`Note: ${note}`)
  return lines
}
