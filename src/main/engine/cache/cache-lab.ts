import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Redis } from 'ioredis'
import { CommandError, ErrorCode, type Problem } from '@shared/contract'
import {
  CacheCommandType,
  CacheSettingsSchema,
  type CacheCommand,
  type CacheFaultAction,
  type CacheInfo,
  type CacheReport,
  type CacheSettings,
  type CacheSettingsInput,
  type CacheStatus
} from '@shared/contract/labs/cache'
import type { Lab, LabEmit, RedisFault } from '../lab'
import type { RedisHost } from '../redis/redis-host'
import { idleInfo } from './cache-info'
import { CacheRun } from './cache-run'
import { Database } from './database'
import { dbFileProblem } from './db-file'

export interface CacheLabOptions {
  redis: RedisHost
  emit: LabEmit
  /** The lab's data folder (the default database lives there). */
  dataDir: string
  /** The SQLite file; default `<dataDir>/cache.sqlite`. */
  dbPath?: string
  now?: () => number
}

/**
 * The Cache lab: a SQLite database behind a Redis cache, one run at a time (docs/labs/cache.md).
 *
 * Lifecycle: `startRun(settings)` (rejects, changing nothing, for bad settings, a database file
 * that is not SQLite or is read-only, or a live run) → faults, flushes → `waitForSettled()`
 * resolves with the report after the final flush and the check (also after `stop()`) → start
 * again, or `close()` (idempotent).
 */
export class CacheLab implements Lab<CacheInfo, CacheCommand> {
  readonly id = 'cache'
  readonly #o: CacheLabOptions
  readonly #now: () => number
  #run: CacheRun | null = null
  #client: Redis | null = null
  #starting = false
  #closing: Promise<void> | null = null
  #lastError: string | null = null

  constructor(opts: CacheLabOptions) {
    this.#o = opts
    this.#now = opts.now ?? Date.now
  }

  /** The database file runs use. */
  get dbPath(): string {
    return this.#o.dbPath ?? join(this.#o.dataDir, 'cache.sqlite')
  }

  get status(): CacheStatus {
    if (this.#starting) return 'starting'
    return this.#run?.status ?? 'idle'
  }

  /** Nothing to prepare: a run opens its database and connections when it starts. */
  async start(): Promise<void> {}

  /**
   * Starts a run.
   * @throws CommandError `invalid_state` while a run is live; `invalid_command` for bad settings or
   * an unusable database file; `redis_unavailable` / `redis_not_managed` when Redis cannot serve it.
   */
  async startRun(input: CacheSettingsInput): Promise<void> {
    if (this.#closing) throw new CommandError(ErrorCode.Closed, 'the Cache lab is closed')
    if (this.#starting || this.#live()) {
      throw new CommandError(ErrorCode.InvalidState, 'a cache run is already live; stop it first')
    }
    const settings = this.#parse(input)
    this.#starting = true
    try {
      const db = this.#openDb(settings)
      try {
        await this.#run?.teardown()
        const client = (this.#client ??= this.#o.redis.createClient('cache'))
        this.#run = await CacheRun.open({
          redis: this.#o.redis,
          client,
          db,
          settings,
          emit: this.#o.emit,
          now: this.#now
        })
        this.#lastError = null
      } catch (err) {
        db.close()
        this.#lastError = (err as Error).message
        throw err
      }
    } finally {
      this.#starting = false
    }
  }

  async execute(command: CacheCommand): Promise<unknown> {
    switch (command.type) {
      case CacheCommandType.Start:
        await this.startRun(command.settings)
        return null
      case CacheCommandType.Stop:
        await this.stop()
        return null
      case CacheCommandType.Fault:
        await this.fault(command.fault)
        return null
      case CacheCommandType.Flush:
        await this.#requireLive().flush()
        return null
    }
  }

  /** Applies one fault to the live run. */
  fault(action: CacheFaultAction): Promise<void> {
    return this.#requireLive().fault(action)
  }

  /**
   * While a run is live, the Redis panel's kill and restart go through the run's crash-cache path,
   * so the checker knows what the cache forgot.
   */
  async takeRedisFault(fault: RedisFault): Promise<boolean> {
    const run = this.#run
    if (!run || !this.#live()) return false
    await run.redisFault(fault.kind)
    return true
  }

  /** Ends the workload early; resolves with the report after the final flush and check. */
  async stop(): Promise<CacheReport | null> {
    return this.#run ? this.#run.stop() : null
  }

  /**
   * Resolves with the report once the run's final flush and check are done.
   * @throws CommandError `invalid_state` when there is no run.
   */
  waitForSettled(): Promise<CacheReport> {
    const run = this.#run
    if (!run) return Promise.reject(new CommandError(ErrorCode.InvalidState, 'no cache run'))
    return run.settled
  }

  problems(): Problem[] {
    if (!this.#live() || this.#o.redis.status === 'up') return []
    return [
      {
        id: 'cache:redis-lost',
        severity: 'warning',
        message: `Redis is ${this.#o.redis.status} during cache run ${this.#run?.labId ?? ''}: cache operations fail until it is back.`,
        hint: 'Restart Redis from the Redis panel; the checker accounts for what the cache lost.'
      }
    ]
  }

  toInfo(): CacheInfo {
    const run = this.#run
    if (!run) return idleInfo(this.status, this.#lastError)
    const info = run.toInfo()
    return this.#lastError ? { ...info, lastError: this.#lastError } : info
  }

  close(): Promise<void> {
    this.#closing ??= (async (): Promise<void> => {
      const run = this.#run
      if (run) {
        await run.stop().catch(() => undefined)
        await run.teardown().catch(() => undefined)
      }
      this.#client?.disconnect()
      this.#client = null
    })()
    return this.#closing
  }

  #parse(input: CacheSettingsInput): CacheSettings {
    const parsed = CacheSettingsSchema.safeParse(input)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      throw new CommandError(
        ErrorCode.InvalidCommand,
        `invalid cache settings: ${issue ? `${issue.path.join('.') || 'settings'}: ${issue.message}` : 'invalid'}`
      )
    }
    const settings = parsed.data
    const redis = this.#o.redis
    if (redis.status !== 'up') {
      throw new CommandError(
        ErrorCode.RedisUnavailable,
        `Redis is ${redis.status}; the Cache lab needs it`
      )
    }
    if (!redis.managed && (settings.persistence !== undefined || settings.crashCacheAtOp > 0)) {
      throw new CommandError(
        ErrorCode.RedisNotManaged,
        'cache crashes and persistence changes need the Redis Flowlab manages, not REDIS_URL'
      )
    }
    return settings
  }

  /** Checks the file before touching it, then opens it with a fresh table. */
  #openDb(settings: CacheSettings): Database {
    const path = this.dbPath
    if (!this.#o.dbPath) mkdirSync(this.#o.dataDir, { recursive: true })
    const problem = dbFileProblem(path)
    if (problem) throw new CommandError(ErrorCode.InvalidCommand, problem)
    try {
      return new Database(path, settings.keys, settings.dbLatencyMs)
    } catch (err) {
      throw new CommandError(ErrorCode.InvalidCommand, (err as Error).message)
    }
  }

  #live(): boolean {
    const status = this.#run?.status
    return status === 'running' || status === 'flushing'
  }

  #requireLive(): CacheRun {
    const run = this.#run
    if (!run || !this.#live()) {
      throw new CommandError(ErrorCode.InvalidState, 'no cache run is live; start one first')
    }
    return run
  }
}
