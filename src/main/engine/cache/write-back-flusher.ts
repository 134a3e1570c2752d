import type { Redis } from 'ioredis'
import type { CacheStore } from './cache-store'
import type { Database, DbWrite } from './database'
import { untilDone } from './timing'

/** Dirty keys read and written per database transaction. */
const FLUSH_CHUNK = 200

export interface WriteBackFlusherOptions {
  /** The run's own connection (not a workload client's). */
  client: Redis
  store: CacheStore
  db: Database
  /** Flush every dirty entry this often (0 = only on eviction or an explicit flush). */
  everyMs: number
  onError(err: Error): void
}

/**
 * Write-back's flusher: writes dirty entries to the database (conditionally) and marks them clean
 * if they still hold the version written. Periodic when `everyMs` > 0; a crash stops it (and
 * abandons a batch in flight: the entries stay dirty, nothing is lost) until the next flush.
 */
export class WriteBackFlusher {
  readonly #o: WriteBackFlusherOptions
  #timer: NodeJS.Timeout | null = null
  #abort = new AbortController()
  #chain: Promise<unknown> = Promise.resolve()
  #crashed = false
  #flushes = 0

  constructor(opts: WriteBackFlusherOptions) {
    this.#o = opts
  }

  get crashed(): boolean {
    return this.#crashed
  }

  get flushes(): number {
    return this.#flushes
  }

  start(): void {
    this.#crashed = false
    if (this.#o.everyMs <= 0 || this.#timer) return
    this.#timer = setInterval(() => {
      void this.#serial(() => this.#flush(null)).catch((err: unknown) =>
        this.#o.onError(err as Error)
      )
    }, this.#o.everyMs)
    this.#timer.unref()
  }

  /** Writes every dirty entry now (restarting a crashed flusher); resolves with rows written. */
  flushAll(): Promise<number> {
    if (this.#crashed) this.start()
    return this.#serial(() => untilDone(() => this.#flush(null)))
  }

  /** Writes these keys' dirty entries now (before an eviction). */
  flushKeys(keys: readonly string[]): Promise<number> {
    return this.#serial(() => untilDone(() => this.#flush(keys)))
  }

  /** The flusher dies: no more periodic flushes, a batch in flight is never committed. */
  crash(): void {
    this.stop()
    this.#crashed = true
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer)
    this.#timer = null
    this.#abort.abort()
    this.#abort = new AbortController()
  }

  async #flush(only: readonly string[] | null): Promise<number> {
    const { client, store, db } = this.#o
    const signal = this.#abort.signal
    const keys = only ?? (await store.dirtyKeys(client))
    let written = 0
    for (let i = 0; i < keys.length && !signal.aborted; i += FLUSH_CHUNK) {
      const chunk = keys.slice(i, i + FLUSH_CHUNK)
      const entries = await Promise.all(chunk.map((key) => store.get(client, key)))
      const rows: DbWrite[] = []
      chunk.forEach((key, n) => {
        const entry = entries[n]
        if (entry?.dirty) rows.push({ key, value: entry.value, version: entry.version })
      })
      if (!(await db.writeBatch(rows, signal))) return written
      written += rows.length
      await Promise.all(
        chunk.map((key, n) => store.cleanIfVersion(client, key, entries[n]?.version ?? -1))
      )
    }
    this.#flushes++
    return written
  }

  #serial<T>(op: () => Promise<T>): Promise<T> {
    const next = this.#chain.then(op)
    this.#chain = next.catch(() => undefined)
    return next
  }
}
