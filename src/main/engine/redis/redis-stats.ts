import type { Redis } from 'ioredis'

/** How often the stats (memory, keys, version) are refreshed for the Redis panel. */
const REDIS_STATS_INTERVAL_MS = 1_000

/**
 * The numbers the Redis panel shows (version, used memory, key count), polled over the host's
 * own connection while it is ready.
 */
export class RedisStats {
  #client: Redis | null = null
  #onPersistence: ((enabled: boolean) => void) | null = null
  #timer: NodeJS.Timeout | null = null
  #version: string | null = null
  #usedMemory: number | null = null
  #keys: number | null = null

  get version(): string | null {
    return this.#version
  }

  get usedMemoryBytes(): number | null {
    return this.#usedMemory
  }

  get keys(): number | null {
    return this.#keys
  }

  /**
   * Polls `client` from now on. `onPersistence`, when given, receives the server's AOF setting
   * on every poll (for a server Flowlab does not manage, so someone else may change it).
   */
  start(client: Redis, onPersistence?: (enabled: boolean) => void): void {
    this.stop()
    this.#client = client
    this.#onPersistence = onPersistence ?? null
    this.#timer = setInterval(() => void this.refresh(), REDIS_STATS_INTERVAL_MS)
    this.#timer.unref()
  }

  /** Stops polling (idempotent). */
  stop(): void {
    if (this.#timer) clearInterval(this.#timer)
    this.#timer = null
    this.#client = null
  }

  /** Reads the stats now; does nothing unless the connection is ready. */
  async refresh(): Promise<void> {
    const client = this.#client
    if (!client || client.status !== 'ready') return
    try {
      const [server, memory, keys] = await Promise.all([
        this.#version ? Promise.resolve('') : client.info('server'),
        client.info('memory'),
        client.dbsize()
      ])
      const version = /redis_version:(\S+)/.exec(server)?.[1]
      if (version) this.#version = version
      const used = /used_memory:(\d+)/.exec(memory)?.[1]
      this.#usedMemory = used ? Number(used) : null
      this.#keys = keys
      const onPersistence = this.#onPersistence
      if (onPersistence) {
        const aof = await client.config('GET', 'appendonly').catch(() => null)
        if (Array.isArray(aof) && aof[1]) onPersistence(aof[1] === 'yes')
      }
    } catch {
      // The next tick tries again; connection state is tracked by the client events.
    }
  }
}
