import type { Redis } from 'ioredis'
import {
  CommandError,
  CommandType,
  ErrorCode,
  REDIS_KEY_NAME_MAX_BYTES,
  truncateUtf8,
  type CommandOf,
  type RedisKeyRow,
  type RedisReadKeyResult,
  type RedisScanKeysResult
} from '@shared/contract'
import { queueSize, readTyped, ttlOf } from './key-preview'
import { redisDownError } from './redis-errors'
import type { RedisHost } from './redis-host'

/**
 * SCAN calls one page makes at most. With a prefix that few keys match, one SCAN with COUNT n
 * walks n buckets and may find nothing; a few more rounds fill most pages, and the bound keeps
 * one click from walking a huge keyspace (the reply's cursor continues where it stopped).
 */
const SCAN_ROUNDS_MAX = 16
/** A key that changes type between TYPE and the MULTI that reads it is read again, this often. */
const READ_ATTEMPTS_MAX = 3
/** The browser's connection waits this long for Redis to answer a command, in ms. */
const KEYS_COMMAND_TIMEOUT_MS = 5_000
/** After a Redis restart the browser's connection reconnects on its own backoff; wait this long, in ms. */
const KEYS_READY_TIMEOUT_MS = 3_000

export type KeyBrowserCommand = CommandOf<
  typeof CommandType.RedisScanKeys | typeof CommandType.RedisReadKey
>

/** Is this one of the key browser's (read-only) commands? */
export function isKeyBrowserCommand(command: { type: string }): command is KeyBrowserCommand {
  return command.type === CommandType.RedisScanKeys || command.type === CommandType.RedisReadKey
}

/** `prefix` as a SCAN MATCH pattern that matches it literally, followed by anything. */
export function prefixPattern(prefix: string): string {
  return `${prefix.replace(/[*?[\]\\]/g, (c) => `\\${c}`)}*`
}

/**
 * The Redis panel's key browser: pages through keys with SCAN and previews values, over one
 * connection of its own (role `keys`), created on first use. It only reads: SCAN, TYPE, PTTL,
 * the size commands and each type's range reads, inside MULTI where they must agree. It turns on
 * CLIENT NO-TOUCH where the server has it (Redis 7.2+) so that looking does not even change a
 * key's idle time; TTLs are never changed by any of these commands.
 */
export class KeyBrowser {
  readonly #host: RedisHost
  #client: Redis | null = null
  /** Whether the server accepts CLIENT NO-TOUCH; null until first asked. */
  #noTouch: boolean | null = null
  #closed = false

  constructor(host: RedisHost) {
    this.#host = host
  }

  /**
   * Runs a key browser command.
   * @throws CommandError `redis_unavailable`/`redis_missing` (with what to do) when Redis is not
   *   up or stops answering, `invalid_state` when Redis refuses a command.
   */
  async execute(command: KeyBrowserCommand): Promise<RedisScanKeysResult | RedisReadKeyResult> {
    const client = await this.#ready()
    try {
      const noTouch = await this.#armNoTouch(client)
      return command.type === CommandType.RedisScanKeys
        ? await this.#scan(client, command, noTouch)
        : await this.#read(client, command.key, noTouch)
    } catch (err) {
      if (err instanceof CommandError) throw err
      if (isReplyError(err)) {
        throw new CommandError(
          ErrorCode.InvalidState,
          `Redis refused to read: ${truncateUtf8(err.message, 256)}`
        )
      }
      // Connection closed, timed out: say what the host knows and what to do.
      throw redisDownError(this.#host.toInfo(), err instanceof Error ? err.message : String(err))
    }
  }

  /** Disconnects the browser's connection. Idempotent. */
  close(): void {
    this.#closed = true
    this.#client?.disconnect()
    this.#client = null
  }

  async #ready(): Promise<Redis> {
    if (this.#closed) throw new CommandError(ErrorCode.Closed, 'Flowlab is shutting down')
    const info = this.#host.toInfo()
    if (info.status !== 'up') throw redisDownError(info)
    this.#client ??= this.#host.createClient('keys', {
      // Fail at once while disconnected instead of queueing reads that nobody waits for.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: KEYS_COMMAND_TIMEOUT_MS
    })
    const client = this.#client
    if (client.status === 'ready') return client
    const ready = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), KEYS_READY_TIMEOUT_MS)
      client.once('ready', () => {
        clearTimeout(timer)
        resolve(true)
      })
    })
    if (!ready) throw redisDownError(this.#host.toInfo(), 'the key browser could not connect')
    return client
  }

  /**
   * Turns on CLIENT NO-TOUCH for this connection (again after a reconnect: it is per connection).
   * @returns false on a server that does not know it (before 7.2).
   */
  async #armNoTouch(client: Redis): Promise<boolean> {
    if (this.#noTouch === false) return false
    try {
      await client.call('CLIENT', 'NO-TOUCH', 'ON')
      this.#noTouch = true
    } catch (err) {
      if (!isReplyError(err)) throw err
      this.#noTouch = false
    }
    return this.#noTouch
  }

  async #scan(
    client: Redis,
    command: CommandOf<typeof CommandType.RedisScanKeys>,
    noTouch: boolean
  ): Promise<RedisScanKeysResult> {
    const pattern = prefixPattern(command.prefix)
    const seen = new Set<string>()
    const names: Buffer[] = []
    let cursor = command.cursor
    for (let round = 0; round < SCAN_ROUNDS_MAX && names.length < command.count; round++) {
      const [next, batch] = await client.scanBuffer(
        cursor,
        'MATCH',
        pattern,
        'COUNT',
        command.count - names.length
      )
      cursor = next.toString()
      for (const name of batch) {
        // SCAN may return a key twice (when the table is resized between calls).
        const id = name.toString('latin1')
        if (seen.has(id)) continue
        seen.add(id)
        names.push(name)
      }
      if (cursor === '0') break
    }
    return { cursor, keys: await this.#rows(client, names), noTouch }
  }

  /** TYPE and PTTL of every key in one pipeline, then their sizes in another. */
  async #rows(client: Redis, names: Buffer[]): Promise<RedisKeyRow[]> {
    if (names.length === 0) return []
    const meta = client.pipeline()
    for (const name of names) meta.type(name).pttl(name)
    const metaReplies = (await meta.exec()) ?? []
    const rows: { name: Buffer; type: string; pttl: number }[] = []
    names.forEach((name, i) => {
      const [typeErr, type] = metaReplies[2 * i] ?? [null, 'none']
      const [ttlErr, pttl] = metaReplies[2 * i + 1] ?? [null, -2]
      if (typeErr) throw typeErr
      if (ttlErr) throw ttlErr
      // Deleted or expired since SCAN listed it: not a key any more.
      if (type === 'none' || pttl === -2) return
      rows.push({ name, type: String(type), pttl: Number(pttl) })
    })
    const sizes = client.pipeline()
    const sized = rows.map((row) => queueSize(sizes, row.type, row.name))
    const sizeReplies = sized.some(Boolean) ? ((await sizes.exec()) ?? []) : []
    let next = 0
    return rows.map((row, i): RedisKeyRow => {
      let size: number | null = null
      if (sized[i]) {
        const [err, value] = sizeReplies[next++] ?? [null, null]
        // WRONGTYPE: the key was replaced by one of another type in between; its size is unknown.
        size = err || value === null ? null : Number(value)
      }
      return { ...nameOf(row.name), type: row.type, ttlMs: ttlOf(row.pttl), size }
    })
  }

  async #read(client: Redis, key: string, noTouch: boolean): Promise<RedisReadKeyResult> {
    for (let attempt = 0; attempt < READ_ATTEMPTS_MAX; attempt++) {
      const type = await client.type(key)
      if (type === 'none') return { key, exists: false }
      const read = await readTyped(client, key, type)
      if (read === 'missing') return { key, exists: false }
      if (read !== 'changed') return { key, exists: true, ...read, noTouch }
    }
    throw new CommandError(
      ErrorCode.InvalidState,
      'the key kept changing type while it was read; read it again'
    )
  }
}

/** A key name for the UI: decoded as UTF-8, cut if long; `readable` when it names the key exactly. */
function nameOf(name: Buffer): { key: string; readable: boolean } {
  const text = name.toString('utf8')
  if (name.length > REDIS_KEY_NAME_MAX_BYTES) {
    return { key: truncateUtf8(text, REDIS_KEY_NAME_MAX_BYTES), readable: false }
  }
  return { key: text, readable: Buffer.from(text, 'utf8').equals(name) }
}

/**
 * An error Redis itself answered (ERR, WRONGTYPE, NOPERM), as opposed to a lost connection or a
 * timeout. ioredis exports ReplyError typed `any`, so the check is by name.
 */
function isReplyError(err: unknown): err is Error {
  return err instanceof Error && err.name === 'ReplyError'
}
