import type { Redis } from 'ioredis'
import type { CacheKeys } from './keys'
import {
  CLEAN_IF_VERSION,
  EXPIRE_ENTRY,
  GET_ENTRY,
  SET_IF_NEWER,
  SET_QUEUED,
  runScript
} from './scripts'

/** One cached entry as Redis holds it. */
export interface CachedEntry {
  value: string
  version: number
  dirty: boolean
  /** ms left, null without a TTL. */
  ttlMs: number | null
}

/** One write-behind queue item (JSON in the Redis list). */
export interface QueueItem {
  key: string
  value: string
  version: number
  /** Wall-clock ms it was queued. */
  at: number
}

/** Keys deleted per UNLINK. */
const UNLINK_CHUNK = 500

/**
 * The Redis side of the lab: one hash per key (value, version, dirty), written only forward in
 * version, a set of dirty keys and the write-behind queue. Every method takes the connection to
 * use, so each workload client goes through its own.
 */
export class CacheStore {
  readonly keys: CacheKeys

  constructor(keys: CacheKeys) {
    this.keys = keys
  }

  async get(client: Redis, key: string): Promise<CachedEntry | null> {
    const reply = (await runScript(client, GET_ENTRY, [this.keys.entry(key)], [])) as [
      string | null,
      string | null,
      string | null,
      number
    ]
    const [value, version, dirty, pttl] = reply
    if (value === null || version === null) return null
    return { value, version: Number(version), dirty: dirty === '1', ttlMs: pttl >= 0 ? pttl : null }
  }

  /** Writes the entry unless the cache holds a newer version; true when written. */
  async setIfNewer(
    client: Redis,
    key: string,
    value: string,
    version: number,
    opts: { dirty: boolean; ttlMs: number }
  ): Promise<boolean> {
    const reply = await runScript(
      client,
      SET_IF_NEWER,
      [this.keys.entry(key), this.keys.dirty],
      [value, version, opts.dirty ? 1 : 0, opts.ttlMs, key]
    )
    return reply === 1
  }

  /** setIfNewer (dirty) and the write-behind queue append, atomically. */
  async setQueued(client: Redis, item: QueueItem): Promise<boolean> {
    const reply = await runScript(
      client,
      SET_QUEUED,
      [this.keys.entry(item.key), this.keys.dirty, this.keys.queue],
      [item.value, item.version, item.key, JSON.stringify(item)]
    )
    return reply === 1
  }

  /** After a flush wrote `version`: clean the entry if it still holds it. */
  async cleanIfVersion(client: Redis, key: string, version: number): Promise<void> {
    await runScript(
      client,
      CLEAN_IF_VERSION,
      [this.keys.entry(key), this.keys.dirty],
      [version, key]
    )
  }

  async delete(client: Redis, key: string): Promise<void> {
    await client.unlink(this.keys.entry(key))
  }

  async dirtyKeys(client: Redis): Promise<string[]> {
    return client.smembers(this.keys.dirty)
  }

  /** Up to `count` dirty keys (any of them: a sample when there are more). */
  async someDirtyKeys(client: Redis, count: number): Promise<string[]> {
    return client.srandmember(this.keys.dirty, count)
  }

  async dirtyCount(client: Redis): Promise<number> {
    return client.scard(this.keys.dirty)
  }

  /** Deletes the entries of these keys (eviction or expiry of all keys). */
  async deleteMany(client: Redis, keys: readonly string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += UNLINK_CHUNK) {
      await client.unlink(...keys.slice(i, i + UNLINK_CHUNK).map((key) => this.keys.entry(key)))
    }
  }

  /**
   * Expires these keys' entries (one atomic step per entry); returns the dirty ones that were
   * dropped with the version each held.
   */
  async expireMany(
    client: Redis,
    keys: readonly string[]
  ): Promise<{ key: string; version: number }[]> {
    const dropped: { key: string; version: number }[] = []
    for (let i = 0; i < keys.length; i += UNLINK_CHUNK) {
      const chunk = keys.slice(i, i + UNLINK_CHUNK)
      const results = await Promise.all(
        chunk.map(async (key) => ({
          key,
          version: await runScript(
            client,
            EXPIRE_ENTRY,
            [this.keys.entry(key), this.keys.dirty],
            [key]
          )
        }))
      )
      for (const { key, version } of results) {
        if (typeof version === 'number' && version >= 0) dropped.push({ key, version })
      }
    }
    return dropped
  }

  /** The queue's first `count` items, oldest first. */
  async queueHead(client: Redis, count: number): Promise<QueueItem[]> {
    const raw = await client.lrange(this.keys.queue, 0, count - 1)
    return raw.map((item) => JSON.parse(item) as QueueItem)
  }

  /** Takes the first `count` items off the queue. */
  async queueTake(client: Redis, count: number): Promise<QueueItem[]> {
    const raw = (await client.lpop(this.keys.queue, count)) ?? []
    return raw.map((item) => JSON.parse(item) as QueueItem)
  }

  /** Puts items taken by `queueTake` back at the head, in their order. */
  async queueGiveBack(client: Redis, items: readonly QueueItem[]): Promise<void> {
    if (items.length === 0) return
    await client.lpush(this.keys.queue, ...items.map((item) => JSON.stringify(item)).reverse())
  }

  async queueDepth(client: Redis): Promise<number> {
    return client.llen(this.keys.queue)
  }

  /** Deletes every key of the run (its prefix), at the start and at the close of a run. */
  async deleteAll(client: Redis): Promise<void> {
    let cursor = '0'
    do {
      const [next, found] = await client.scan(
        cursor,
        'MATCH',
        `${this.keys.prefix}*`,
        'COUNT',
        1000
      )
      cursor = next
      if (found.length > 0) await client.unlink(...found)
    } while (cursor !== '0')
  }
}
