import type { Redis } from 'ioredis'
import { CommandError, ErrorCode } from '@shared/contract'
import type {
  CacheFaultAction,
  CacheFaultCounters,
  CacheStrategy
} from '@shared/contract/labs/cache'
import type { LabEmit } from '../lab'
import type { RedisHost } from '../redis/redis-host'
import type { AckLog } from './ack-log'
import type { BehindQueue } from './behind-queue'
import type { CacheStore } from './cache-store'
import type { Database } from './database'
import { keyName } from './keys'
import type { WriteBackFlusher } from './write-back-flusher'

export interface CacheFaultsOptions {
  redis: RedisHost
  /** The run's own connection. */
  client: Redis
  store: CacheStore
  db: Database
  log: AckLog
  strategy: CacheStrategy
  keys: number
  writeBack: WriteBackFlusher | null
  behind: BehindQueue | null
  /** AOF with `appendfsync always` for this run (re-applied after every restart). */
  fsyncAlways: boolean
  /** Turns the second writer on or off. */
  setSecondWriter(p: number): void
  emit: LabEmit
  now(): number
}

/**
 * Every fault of one run and its live counter. Cache crashes and restarts are serialised (a
 * restart never interleaves with a kill) and recorded in the ack log, so the checker can name
 * what a server without persistence forgot; database faults end by themselves after their time.
 */
export class CacheFaults {
  readonly counters: CacheFaultCounters = {
    cacheCrashes: 0,
    dbSlowPeriods: 0,
    dbDownPeriods: 0,
    evictions: 0,
    expirations: 0,
    flusherCrashes: 0
  }
  readonly #o: CacheFaultsOptions
  readonly #timers = new Set<NodeJS.Timeout>()
  #chain: Promise<void> = Promise.resolve()
  #slowUntil = 0
  #downUntil = 0

  constructor(opts: CacheFaultsOptions) {
    this.#o = opts
  }

  /** Resolves once every crash/restart asked for so far is done (never rejects). */
  get idle(): Promise<void> {
    return this.#chain
  }

  /** A database fault is in effect now. */
  get active(): boolean {
    return this.#o.db.down || this.#o.db.slowExtraMs > 0
  }

  apply(action: CacheFaultAction): Promise<void> {
    switch (action.kind) {
      case 'crash-cache':
        return this.crashCache()
      case 'db-slow':
        this.dbSlow(action.ms, action.extraMs)
        return Promise.resolve()
      case 'db-down':
        this.dbDown(action.ms)
        return Promise.resolve()
      case 'evict':
        return this.evict(action.key)
      case 'expire':
        return this.expire(action.key)
      case 'crash-flusher':
        this.crashFlusher()
        return Promise.resolve()
      case 'second-writer':
        this.#o.setSecondWriter(action.p)
        this.#o.emit('second-writer', 'info', `second writer p = ${action.p}`, { p: action.p })
        return Promise.resolve()
    }
  }

  /**
   * SIGKILL the managed redis-server, then start it again: one serialized step, so `idle` covers
   * the restart too (a run never settles between the kill and the restart).
   */
  crashCache(): Promise<void> {
    return this.#serial(async () => {
      await this.#kill()
      await this.#restart()
    })
  }

  /** SIGKILL the managed redis-server; what it held but not on disk is recorded as lost. */
  kill(): Promise<void> {
    return this.#serial(() => this.#kill())
  }

  /** Restarts the managed redis-server (a graceful restart without AOF forgets everything too). */
  restart(): Promise<void> {
    return this.#serial(() => this.#restart())
  }

  async #kill(): Promise<void> {
    this.#requireManaged()
    const held = await this.#held()
    await this.#o.redis.kill()
    this.counters.cacheCrashes++
    await this.#recordLoss('killed', held)
  }

  async #restart(): Promise<void> {
    this.#requireManaged()
    const { redis, client } = this.#o
    const forgets = redis.status === 'up' && !redis.toInfo().persistence
    const held = forgets ? await this.#held() : null
    await redis.restart()
    if (held) await this.#recordLoss('restarted', held)
    if (this.#o.fsyncAlways) await client.config('SET', 'appendfsync', 'always')
  }

  dbSlow(ms: number, extraMs: number): void {
    const db = this.#o.db
    db.slowExtraMs = extraMs
    this.counters.dbSlowPeriods++
    this.#slowUntil = this.#o.now() + ms
    this.#o.emit('db-slow', 'warn', `database +${extraMs} ms per statement for ${ms} ms`)
    this.#after(ms, () => {
      if (this.#o.now() >= this.#slowUntil) db.slowExtraMs = 0
    })
  }

  dbDown(ms: number): void {
    const { db, log, now } = this.#o
    if (!db.down) log.dbDown.push({ from: now(), to: null })
    db.down = true
    this.counters.dbDownPeriods++
    this.#downUntil = now() + ms
    this.#o.emit('db-down', 'warn', `database down for ${ms} ms`)
    this.#after(ms, () => {
      if (now() < this.#downUntil) return
      db.down = false
      const period = log.dbDown.at(-1)
      if (period && period.to === null) period.to = now()
    })
  }

  /** Evicts one key or all: write-back and write-behind write what is dirty first. */
  async evict(key: string | undefined): Promise<void> {
    const { client, store, writeBack, behind } = this.#o
    const keys = key ? [key] : this.#allKeys()
    if (writeBack) await writeBack.flushKeys(keys)
    if (behind) await behind.drain(!behind.crashed)
    await store.deleteMany(client, keys)
    this.counters.evictions++
  }

  /**
   * Expires one key or all now, as a TTL would: nothing is flushed, so a dirty entry (write-back)
   * is gone with its writes; the ack log records each so the checker can name the cause.
   */
  async expire(key: string | undefined): Promise<void> {
    const { client, store, log, now, emit } = this.#o
    const dropped = await store.expireMany(client, key ? [key] : this.#allKeys())
    for (const entry of dropped) log.expiredDirty(entry.key, entry.version, now())
    this.counters.expirations++
    if (dropped.length > 0) {
      emit(
        'cache-expire-dirty',
        'warn',
        `${dropped.length} dirty entr${dropped.length === 1 ? 'y' : 'ies'} expired before the flusher wrote them`,
        { dirty: dropped.length }
      )
    }
  }

  crashFlusher(): void {
    const flusher = this.#o.writeBack ?? this.#o.behind
    if (!flusher) {
      throw new CommandError(
        ErrorCode.InvalidState,
        `strategy ${this.#o.strategy} has no flusher (only write-back and write-behind)`
      )
    }
    flusher.crash()
    this.counters.flusherCrashes++
    this.#o.emit('flusher-crash', 'warn', 'the flusher crashed; it restarts on the next flush')
  }

  close(): void {
    for (const timer of this.#timers) clearTimeout(timer)
    this.#timers.clear()
    this.#o.db.down = false
    this.#o.db.slowExtraMs = 0
    const period = this.#o.log.dbDown.at(-1)
    if (period && period.to === null) period.to = this.#o.now()
  }

  /** Dirty entries and queued writes the cache holds now (before a crash; 0 when down). */
  async #held(): Promise<{ dirty: number; queued: number }> {
    const { redis, client, store } = this.#o
    if (redis.toInfo().persistence || redis.status !== 'up') return { dirty: 0, queued: 0 }
    const [dirty, queued] = await Promise.all([store.dirtyCount(client), store.queueDepth(client)])
    return { dirty, queued }
  }

  /**
   * Records that the cache lost its memory, stamped after the kill or restart has happened (and
   * after pending replies were handled), so every write acknowledged by the old server is ordered
   * before the loss and the checker can attribute it.
   */
  async #recordLoss(what: string, held: { dirty: number; queued: number }): Promise<void> {
    const { redis, log, now, emit } = this.#o
    if (redis.toInfo().persistence) return
    await new Promise<void>((resolve) => setImmediate(resolve))
    const { dirty, queued } = held
    log.loss(now(), dirty, queued)
    emit(
      'cache-crash',
      'warn',
      `cache ${what} without persistence: ${dirty} dirty entries, ${queued} queued writes lost`,
      { dirty, queued }
    )
  }

  #requireManaged(): void {
    if (!this.#o.redis.managed) {
      throw new CommandError(
        ErrorCode.RedisNotManaged,
        'crashing the cache needs the Redis Flowlab manages, not REDIS_URL'
      )
    }
  }

  #allKeys(): string[] {
    return Array.from({ length: this.#o.keys }, (_, i) => keyName(i + 1))
  }

  #after(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer)
      fn()
    }, ms)
    this.#timers.add(timer)
  }

  #serial(op: () => Promise<void>): Promise<void> {
    const next = this.#chain.then(op)
    this.#chain = next.catch(() => undefined)
    return next
  }
}
