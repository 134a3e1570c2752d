import Sqlite from 'better-sqlite3'
import { DbDownError } from './db-down-error'
import { keyName } from './keys'
import { sleep } from './timing'

/** One row of `items`. */
export interface DbRow {
  value: string
  version: number
}

/** A row to write, conditionally (only a newer version replaces the row). */
export interface DbWrite extends DbRow {
  key: string
}

/**
 * The lab's SQLite database (better-sqlite3, WAL): the table `items(key, value, version)` with a
 * simulated latency per statement (a network database's round trip, so a cache hit is visibly
 * cheaper), and the "slow" and "down" faults. Writes are conditional: a row only ever moves to a
 * newer version, so concurrent writers cannot reorder it.
 */
export class Database {
  readonly path: string
  readonly #db: Sqlite.Database
  readonly #get: Sqlite.Statement<[string], DbRow>
  readonly #upsert: Sqlite.Statement<[string, string, number]>
  readonly #latencyMs: number
  #slowExtraMs = 0
  #down = false
  #reads = 0
  #writes = 0

  /**
   * Opens (or creates) the file and starts it from a fresh table seeded with `k1..kK` at `v0`,
   * version 0. Throws a plain Error when the file is not a database SQLite can use.
   */
  constructor(path: string, keys: number, latencyMs: number) {
    this.path = path
    this.#latencyMs = latencyMs
    try {
      this.#db = new Sqlite(path)
    } catch (err) {
      throw new Error(`cannot open the database ${path}: ${(err as Error).message}`, {
        cause: err
      })
    }
    try {
      this.#db.pragma('journal_mode = WAL')
      this.#db.exec(
        'DROP TABLE IF EXISTS items; CREATE TABLE items(key TEXT PRIMARY KEY, value TEXT NOT NULL, version INTEGER NOT NULL)'
      )
      const seed = this.#db.prepare('INSERT INTO items(key, value, version) VALUES (?, ?, 0)')
      this.#db.transaction(() => {
        for (let n = 1; n <= keys; n++) seed.run(keyName(n), 'v0')
      })()
    } catch (err) {
      this.#db.close()
      throw new Error(`cannot use the database ${path}: ${(err as Error).message}`, {
        cause: err
      })
    }
    this.#get = this.#db.prepare<[string], DbRow>('SELECT value, version FROM items WHERE key = ?')
    this.#upsert = this.#db.prepare(
      'INSERT INTO items(key, value, version) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, version = excluded.version WHERE excluded.version > items.version'
    )
  }

  get down(): boolean {
    return this.#down
  }

  set down(down: boolean) {
    this.#down = down
  }

  get slowExtraMs(): number {
    return this.#slowExtraMs
  }

  set slowExtraMs(ms: number) {
    this.#slowExtraMs = ms
  }

  /** Statements that read / rows written (counted when they succeed). */
  get counts(): { reads: number; writes: number } {
    return { reads: this.#reads, writes: this.#writes }
  }

  /** One read, after the latency. @throws DbDownError while the database is down. */
  async read(key: string): Promise<DbRow | null> {
    await this.#roundTrip()
    this.#reads++
    return this.#get.get(key) ?? null
  }

  /** One conditional write, after the latency. @throws DbDownError while the database is down. */
  async write(row: DbWrite): Promise<void> {
    await this.#roundTrip()
    this.#upsert.run(row.key, row.value, row.version)
    this.#writes++
  }

  /**
   * Writes the rows in one transaction after one round trip; nothing when `signal` is aborted by
   * then (a flusher that crashed mid-batch never commits it).
   */
  async writeBatch(rows: readonly DbWrite[], signal?: AbortSignal): Promise<boolean> {
    if (rows.length === 0) return true
    await this.#roundTrip()
    if (signal?.aborted) return false
    this.#db.transaction(() => {
      for (const row of rows) this.#upsert.run(row.key, row.value, row.version)
    })()
    this.#writes += rows.length
    return true
  }

  /** The row as it is now, without latency or faults (ground truth for the panel and checker). */
  peek(key: string): DbRow | null {
    return this.#get.get(key) ?? null
  }

  /** Every row's version, without latency or faults (the checker's ground truth). */
  versions(): Map<string, number> {
    const rows = this.#db.prepare('SELECT key, version FROM items').all() as {
      key: string
      version: number
    }[]
    return new Map(rows.map((row) => [row.key, row.version]))
  }

  close(): void {
    if (this.#db.open) this.#db.close()
  }

  async #roundTrip(): Promise<void> {
    await sleep(this.#latencyMs + this.#slowExtraMs)
    if (this.#down) throw new DbDownError()
  }
}
