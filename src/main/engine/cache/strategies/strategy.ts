import type { Redis } from 'ioredis'
import type { CacheStrategy } from '@shared/contract/labs/cache'
import type { CacheStore } from '../cache-store'
import type { Database } from '../database'

/** What a read returned; `hit` null when the strategy has no cache (none). */
export interface ReadResult {
  value: string
  version: number
  hit: boolean | null
}

/** How one strategy reads and writes; `client` is the calling workload client's own connection. */
export interface Strategy {
  readonly name: CacheStrategy
  read(client: Redis, key: string): Promise<ReadResult>
  /** Resolves when the write may be acknowledged; rejects when it must not be. */
  write(client: Redis, key: string, value: string, version: number): Promise<void>
}

export interface StrategyDeps {
  store: CacheStore
  db: Database
  /** TTL of entries filled from the database (and of cache-aside / write-through writes). */
  ttlMs: number
  asideWrite: 'delete' | 'update'
  now(): number
}
