import { Redis, type RedisOptions } from 'ioredis'

/** An admin command to a node that does not answer within this fails (a paused node), in ms. */
export const ADMIN_COMMAND_TIMEOUT_MS = 2_000
/**
 * Slot moves get their own connections with a longer timeout: MIGRATE of a batch of big keys can
 * take longer than an admin command may, and must never be abandoned half-way by the client.
 */
export const BULK_COMMAND_TIMEOUT_MS = 30_000
/** Reconnect backoff cap for node connections, in ms. */
const RECONNECT_MAX_MS = 500

/** How to log in to every node of the cluster (one password for all, as Redis Cluster needs). */
export interface ClusterAuth {
  password?: string
  username?: string
  tls?: boolean
}

/**
 * The connections to single nodes, cached by address: one admin connection per node for the host's
 * own commands (with a command timeout, so a paused node cannot hang a refresh, and no retries, so
 * a dead one fails at once) and one plain connection per node handed out to callers.
 */
export class NodeConnections {
  readonly #auth: ClusterAuth
  readonly #admin = new Map<string, Redis>()
  readonly #clients = new Map<string, Redis>()
  readonly #bulk = new Map<string, Redis>()
  #closed = false

  constructor(auth: ClusterAuth) {
    this.#auth = auth
  }

  /** Options every node connection needs (the password), for an ioredis Cluster too. */
  redisOptions(): { password?: string; username?: string } {
    const out: { password?: string; username?: string } = {}
    if (this.#auth.password !== undefined) out.password = this.#auth.password
    if (this.#auth.username !== undefined) out.username = this.#auth.username
    return out
  }

  /** The host's own connection to one node (created on first use). */
  admin(host: string, port: number): Redis {
    return this.#get(this.#admin, host, port, {
      connectionName: 'flowlab:cluster-admin',
      commandTimeout: ADMIN_COMMAND_TIMEOUT_MS,
      maxRetriesPerRequest: 0
    })
  }

  /** The host's connection to one node for slot moves (MIGRATE), with a long timeout. */
  bulk(host: string, port: number): Redis {
    return this.#get(this.#bulk, host, port, {
      connectionName: 'flowlab:cluster-migrate',
      commandTimeout: BULK_COMMAND_TIMEOUT_MS,
      maxRetriesPerRequest: 0
    })
  }

  /** A caller's connection to one node (cached; closed with the host). */
  client(host: string, port: number): Redis {
    return this.#get(this.#clients, host, port, { connectionName: 'flowlab:cluster-node' })
  }

  /** Closes every connection. Idempotent. */
  closeAll(): void {
    this.#closed = true
    for (const cache of [this.#admin, this.#clients, this.#bulk]) {
      for (const client of cache.values()) client.disconnect()
      cache.clear()
    }
  }

  #get(cache: Map<string, Redis>, host: string, port: number, extra: RedisOptions): Redis {
    if (this.#closed) throw new Error('the cluster host is closed')
    const key = `${host}:${port}`
    const cached = cache.get(key)
    if (cached) return cached
    const client = new Redis({
      host,
      port,
      ...this.redisOptions(),
      tls: this.#auth.tls ? {} : undefined,
      retryStrategy: (times) => Math.min(50 * times, RECONNECT_MAX_MS),
      ...extra
    })
    // A dead node makes its connection emit 'error' on every reconnect attempt; the topology
    // (refresh) is where that shows, and an unhandled 'error' event would crash the process.
    client.on('error', () => undefined)
    cache.set(key, client)
    return client
  }
}
