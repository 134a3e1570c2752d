import { randomBytes } from 'node:crypto'
import type { Redis } from 'ioredis'
import {
  CACHE_INFO_VIOLATIONS_MAX,
  type CacheFaultAction,
  type CacheInfo,
  type CacheReport,
  type CacheSettings,
  type CacheStatus
} from '@shared/contract/labs/cache'
import type { LabEmit } from '../lab'
import type { RedisHost } from '../redis/redis-host'
import { AckLog } from './ack-log'
import { BehindQueue } from './behind-queue'
import { CacheFaults } from './cache-faults'
import { EMPTY_VIEW, readView, type CacheView } from './cache-info'
import { CacheStore } from './cache-store'
import { checkRun, type CheckResult } from './checker'
import type { Database } from './database'
import { cacheKeys } from './keys'
import { seededRandom } from './prng'
import { RunMetrics } from './run-metrics'
import { createStrategy } from './strategies'
import { Workload } from './workload'
import { WriteBackFlusher } from './write-back-flusher'

/** How often the panel's view of Redis is refreshed. */
const VIEW_MS = 250

export interface CacheRunOptions {
  redis: RedisHost
  /** The lab's own connection (flushers, faults, the panel's view). */
  client: Redis
  db: Database
  settings: CacheSettings
  emit: LabEmit
  now(): number
}

/**
 * One run: the workload through a strategy, the flusher, the faults, then — once `ops` are done
 * or the run is stopped — the final flush, the check and the report (`settled`).
 */
export class CacheRun {
  readonly labId: string
  readonly settings: CacheSettings
  readonly settled: Promise<CacheReport>
  readonly #o: CacheRunOptions
  readonly #log: AckLog
  readonly #metrics: RunMetrics
  readonly #store: CacheStore
  readonly #workload: Workload
  readonly #faults: CacheFaults
  readonly #writeBack: WriteBackFlusher | null
  readonly #behind: BehindQueue | null
  readonly #timers: NodeJS.Timeout[] = []
  readonly #startedAt: number
  #status: CacheStatus = 'running'
  #stopped = false
  #view: CacheView = EMPTY_VIEW
  #check: CheckResult | null = null
  #report: CacheReport | null = null
  #lastError: string | null = null
  #crashTriggered = false
  #downTriggered = false
  #tornDown = false

  private constructor(
    opts: CacheRunOptions,
    labId: string,
    parts: { store: CacheStore; workload: Workload; metrics: RunMetrics; log: AckLog }
  ) {
    this.#o = opts
    this.labId = labId
    this.settings = opts.settings
    this.#store = parts.store
    this.#workload = parts.workload
    this.#metrics = parts.metrics
    this.#log = parts.log
    this.#startedAt = opts.now()
    const { client, db, settings } = opts
    this.#writeBack =
      settings.strategy === 'write-back'
        ? new WriteBackFlusher({
            client,
            store: parts.store,
            db,
            everyMs: settings.flushEveryMs,
            onError: (err) => this.#error(`write-back flush failed: ${err.message}`)
          })
        : null
    this.#behind =
      settings.strategy === 'write-behind'
        ? new BehindQueue({
            client,
            store: parts.store,
            db,
            delayMs: settings.behindDelayMs,
            batch: settings.behindBatch,
            log: parts.log,
            now: opts.now
          })
        : null
    this.#faults = new CacheFaults({
      redis: opts.redis,
      client,
      store: parts.store,
      db,
      log: parts.log,
      strategy: settings.strategy,
      keys: settings.keys,
      writeBack: this.#writeBack,
      behind: this.#behind,
      fsyncAlways: settings.persistence === true && opts.redis.managed,
      setSecondWriter: (p) => (this.#workload.secondWriterP = p),
      emit: opts.emit,
      now: opts.now
    })
    this.settled = this.#settle()
    this.settled.catch(() => undefined)
  }

  /** Prepares Redis (persistence, a clean key space) and the clients, then starts the run. */
  static async open(opts: CacheRunOptions): Promise<CacheRun> {
    const { redis, client, settings } = opts
    const labId = randomBytes(4).toString('hex')
    if (settings.persistence !== undefined && redis.managed) {
      if (redis.toInfo().persistence !== settings.persistence) {
        await redis.setPersistence(settings.persistence)
      }
      if (settings.persistence) await client.config('SET', 'appendfsync', 'always')
    }
    const store = new CacheStore(cacheKeys(labId))
    await store.deleteAll(client)
    const log = new AckLog()
    const metrics = new RunMetrics(seededRandom(settings.seed + 1))
    const strategy = createStrategy(settings.strategy, {
      store,
      db: opts.db,
      ttlMs: settings.ttlMs,
      asideWrite: settings.asideWrite,
      now: opts.now
    })
    let run: CacheRun | null = null
    const workload = await Workload.open({
      redis,
      settings,
      strategy,
      db: opts.db,
      log,
      metrics,
      now: opts.now,
      onOpDone: (done) => {
        if (run) run.#afterOp(done)
      }
    })
    run = new CacheRun(opts, labId, { store, workload, metrics, log })
    opts.emit(
      'run-started',
      'info',
      `cache run ${labId}: ${settings.strategy}, ${settings.ops} ops`,
      {
        labId
      }
    )
    return run
  }

  get status(): CacheStatus {
    return this.#status
  }

  get report(): CacheReport | null {
    return this.#report
  }

  /** Ends the workload now; the final flush and the check still run. */
  async stop(): Promise<CacheReport> {
    this.#stopped = true
    this.#workload.stop()
    return this.settled
  }

  fault(action: CacheFaultAction): Promise<void> {
    this.#metrics.markFault()
    return this.#faults.apply(action)
  }

  /** A Redis kill or restart from the Redis panel, applied through the run so the checker knows. */
  redisFault(kind: 'redis-kill' | 'redis-restart'): Promise<void> {
    this.#metrics.markFault()
    return kind === 'redis-kill' ? this.#faults.kill() : this.#faults.restart()
  }

  /** Writes dirty entries / the queue to the database now (restarting a crashed flusher). */
  async flush(): Promise<void> {
    if (this.#writeBack) await this.#writeBack.flushAll()
    if (this.#behind) await this.#behind.drain(true)
  }

  toInfo(): CacheInfo {
    const check = this.#check ?? checkRun(this.#log, this.settings.strategy, null)
    const view = this.#view
    const db = this.#o.db
    const counts = this.#counts(check)
    return {
      status: this.#status,
      settings: this.settings,
      labId: this.labId,
      dbPath: db.path,
      progress: { done: this.#workload.done, total: this.settings.ops },
      counts,
      hitRatio: this.#metrics.hitRatio,
      latency: this.#metrics.latency(),
      entries: view.entries,
      entriesTotal: this.settings.keys,
      dirty: view.dirty,
      queue:
        this.settings.strategy === 'write-behind'
          ? {
              depth: view.queueDepth,
              oldestAgeMs: view.queueOldestAt === null ? null : this.#o.now() - view.queueOldestAt,
              flushLagMs: this.#behind?.flushLagMs ?? null
            }
          : null,
      faults: { ...this.#faults.counters },
      db: { down: db.down, slowExtraMs: db.slowExtraMs },
      secondWriterP: this.#workload.secondWriterP,
      series: [...this.#metrics.series],
      guarantees: check.guarantees,
      verdict: this.#check ? check.verdict : null,
      violations: check.violations.slice(0, CACHE_INFO_VIOLATIONS_MAX),
      violationsTotal: check.violations.length,
      lastError: this.#lastError
    }
  }

  /** Stops everything of the run (timers, clients, flushers, keys, database). Idempotent. */
  async teardown(): Promise<void> {
    if (this.#tornDown) return
    this.#tornDown = true
    this.#workload.stop()
    await this.settled.catch(() => undefined)
    this.#workload.close()
    this.#writeBack?.stop()
    await this.#behind?.stop()
    this.#faults.close()
    const { client, redis, db, settings } = this.#o
    if (redis.status === 'up') {
      await this.#store.deleteAll(client).catch(() => undefined)
      if (settings.persistence && redis.managed) {
        await client.config('SET', 'appendfsync', 'everysec').catch(() => undefined)
      }
    }
    db.close()
  }

  async #settle(): Promise<CacheReport> {
    this.#startTimers()
    this.#writeBack?.start()
    this.#behind?.start()
    try {
      await this.#workload.run()
      await this.#faults.idle
      this.#status = 'flushing'
      this.#writeBack?.stop()
      if (this.#writeBack) await this.#writeBack.flushAll()
      if (this.#behind) await this.#behind.drain(false)
      this.#faults.close()
      this.#check = checkRun(this.#log, this.settings.strategy, this.#o.db.versions())
      await this.#refreshView()
      this.#status = this.#stopped ? 'stopped' : 'done'
      this.#report = this.#buildReport(this.#check)
      this.#o.emit(
        'run-done',
        this.#check.verdict === 'held' ? 'info' : 'warn',
        `cache run ${this.labId}: ${this.#check.verdict}`,
        {
          verdict: this.#check.verdict,
          staleReads: this.#check.staleReads,
          lostWrites: this.#check.lostWrites
        }
      )
      return this.#report
    } catch (err) {
      this.#status = 'failed'
      this.#error(`cache run failed: ${(err as Error).message}`)
      throw err
    } finally {
      for (const timer of this.#timers) clearInterval(timer)
    }
  }

  #afterOp(done: number): void {
    const { crashCacheAtOp, dbDownAtOp, dbDownMs } = this.settings
    if (crashCacheAtOp > 0 && done >= crashCacheAtOp && !this.#crashTriggered) {
      this.#crashTriggered = true
      this.fault({ kind: 'crash-cache' }).catch((err: unknown) =>
        this.#error(`cache crash failed: ${(err as Error).message}`)
      )
    }
    if (dbDownAtOp > 0 && done >= dbDownAtOp && !this.#downTriggered) {
      this.#downTriggered = true
      void this.fault({ kind: 'db-down', ms: dbDownMs })
    }
  }

  #startTimers(): void {
    const series = setInterval(() => this.#metrics.tickSecond(this.#faults.active), 1_000)
    const view = setInterval(() => void this.#refreshView(), VIEW_MS)
    series.unref()
    view.unref()
    this.#timers.push(series, view)
  }

  async #refreshView(): Promise<void> {
    const { client, db, redis } = this.#o
    if (redis.status !== 'up' || this.#tornDown) return
    try {
      this.#view = await readView(client, this.#store, db, this.settings.keys)
    } catch {
      // Redis went away mid-read: keep the last view; the next tick tries again.
    }
  }

  #counts(check: CheckResult): CacheInfo['counts'] {
    const db = this.#o.db.counts
    return {
      ...this.#metrics.counts,
      staleReads: check.staleReads,
      lostWrites: check.lostWrites,
      dbReads: db.reads,
      dbWrites: db.writes
    }
  }

  #buildReport(check: CheckResult): CacheReport {
    return {
      strategy: this.settings.strategy,
      verdict: check.verdict,
      guarantees: check.guarantees,
      settings: this.settings,
      labId: this.labId,
      dbPath: this.#o.db.path,
      durationMs: this.#o.now() - this.#startedAt,
      counts: this.#counts(check),
      hitRatio: this.#metrics.hitRatio,
      latency: this.#metrics.latency(),
      violations: check.violations,
      lastAcked: this.#log.lastAcked(),
      faults: { ...this.#faults.counters },
      notes: check.notes
    }
  }

  #error(message: string): void {
    this.#lastError = message
    this.#o.emit('error', 'error', message)
  }
}
