import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { Redis, type RedisOptions } from 'ioredis'
import {
  CommandError,
  ErrorCode,
  type RedisInfo,
  type RedisStatus,
  type TraceData,
  type TraceLevel
} from '@shared/contract'
import { findRedisServer, REDIS_INSTALL_HINTS } from './find-redis-server'
import { freePort } from './free-port'
import { parseRedisUrl, redactUrl, type RedisEndpoint } from './redis-endpoint'
import { RedisProcess, REDIS_READY_TIMEOUT_MS } from './redis-process'
import { REDIS_MISSING_MESSAGE, redisNotManagedError, redisUnavailableError } from './redis-errors'
import { RedisStats } from './redis-stats'
import type { ProcessRecorder } from '../process-registry'

export { redactUrl } from './redis-endpoint'

/** A first start that loses the race for its port retries on a new one this many times. */
const REDIS_START_ATTEMPTS = 3

export interface RedisHostOptions {
  /** Folder for the managed server's config, pidfile and AOF (created if missing). */
  dataDir: string
  /** Use this server instead of starting one (REDIS_URL). */
  url?: string | undefined
  /** Environment to find redis-server in (PATH, REDIS_SERVER_BIN). */
  env?: NodeJS.ProcessEnv
  /** AOF persistence of the managed server at start. */
  persistence?: boolean
  /** Receives one line per thing that happened, for the engine's trace. */
  onTrace?: (type: string, level: TraceLevel, message: string, data?: TraceData) => void
  /** Records the managed redis-server, so the next start can end it if this one is killed. */
  processes?: ProcessRecorder
}

/**
 * The Redis every lab uses: a managed `redis-server` child (loopback only, random password, its own
 * data folder) or an existing server named by REDIS_URL. It owns one ioredis connection for its
 * own stats and hands out new connections per role with {@link RedisHost.createClient}.
 *
 * Lifecycle: `start()` once; `kill()`, `restart()` and `setPersistence()` any number of times;
 * `close()` stops the server it started (idempotent).
 */
export class RedisHost {
  readonly #opts: Required<Omit<RedisHostOptions, 'url' | 'processes'>> & {
    url: string | undefined
    processes: ProcessRecorder | undefined
  }
  readonly #managed: boolean
  /** The managed server, once its binary is found. */
  #process: RedisProcess | null = null
  #endpoint: RedisEndpoint | null = null
  #status: RedisStatus = 'starting'
  #persistence: boolean
  #lastError: string | null = null
  #client: Redis | null = null
  readonly #stats = new RedisStats()
  #closing: Promise<void> | null = null
  #started = false
  readonly #clients = new Set<Redis>()

  constructor(opts: RedisHostOptions) {
    this.#opts = {
      dataDir: opts.dataDir,
      url: opts.url,
      env: opts.env ?? process.env,
      persistence: opts.persistence ?? true,
      onTrace: opts.onTrace ?? ((): void => undefined),
      processes: opts.processes
    }
    this.#managed = !opts.url
    this.#persistence = this.#opts.persistence
  }

  /**
   * Starts the managed server (or connects to REDIS_URL) and waits until it answers. Never throws
   * for a missing binary or a failed start: the status says so, and the app stays usable.
   */
  async start(): Promise<void> {
    if (this.#started) throw new Error('RedisHost already started')
    this.#started = true
    if (!this.#managed) {
      try {
        this.#endpoint = parseRedisUrl(this.#opts.url ?? '')
      } catch (err) {
        this.#fail((err as Error).message)
        return
      }
      this.#trace('external', 'info', `using the Redis at ${this.url}`)
      await this.#connectClient()
      return
    }
    const bin = findRedisServer(this.#opts.env)
    if (!bin) {
      this.#status = 'missing'
      this.#lastError = REDIS_MISSING_MESSAGE
      this.#trace('missing', 'error', this.#lastError)
      return
    }
    const server = this.#createProcess(bin)
    this.#process = server
    const password = randomBytes(24).toString('hex')
    for (let attempt = 1; attempt <= REDIS_START_ATTEMPTS; attempt++) {
      this.#endpoint = {
        host: '127.0.0.1',
        port: await freePort(),
        password,
        username: undefined,
        db: 0,
        tls: false
      }
      try {
        await this.#spawnServer()
        break
      } catch (err) {
        if (!server.portTaken || attempt === REDIS_START_ATTEMPTS) {
          this.#fail(`redis-server did not start: ${(err as Error).message}`)
          return
        }
      }
    }
    await this.#connectClient()
  }
  /** True when Flowlab started this server (false with REDIS_URL). */
  get managed(): boolean {
    return this.#managed
  }

  /** Connection URL with the password hidden, or null before there is one. */
  get url(): string | null {
    if (!this.#managed) return this.#opts.url ? redactUrl(this.#opts.url) : null
    if (!this.#endpoint) return null
    return `redis://:***@${this.#endpoint.host}:${this.#endpoint.port}`
  }

  /**
   * The full URL including the password, for child processes of this app (workers) and for
   * users who connect an external worker. Never logged or put in a snapshot.
   */
  get secretUrl(): string | null {
    if (!this.#managed) return this.#opts.url ?? null
    if (!this.#endpoint) return null
    const pw = encodeURIComponent(this.#endpoint.password ?? '')
    return `redis://:${pw}@${this.#endpoint.host}:${this.#endpoint.port}`
  }

  get status(): RedisStatus {
    return this.#status
  }

  /** Plain-JSON view for the snapshot. */
  toInfo(): RedisInfo {
    return {
      status: this.#status,
      managed: this.#managed,
      url: this.url,
      version: this.#stats.version,
      usedMemoryBytes: this.#status === 'up' ? this.#stats.usedMemoryBytes : null,
      keys: this.#status === 'up' ? this.#stats.keys : null,
      persistence: this.#persistence,
      pid: this.#process?.pid ?? null,
      lastError: this.#lastError,
      install: this.#status === 'missing' ? REDIS_INSTALL_HINTS : null
    }
  }

  /**
   * A new ioredis connection for one role (commands, blocking reads and subscriptions each need
   * their own). It reconnects by itself; the host closes it on `close()`.
   */
  createClient(name: string, extra: RedisOptions = {}): Redis {
    if (!this.#endpoint) {
      throw redisUnavailableError(this.#status, this.#lastError)
    }
    const client = new Redis({
      host: this.#endpoint.host,
      port: this.#endpoint.port,
      password: this.#endpoint.password,
      username: this.#endpoint.username,
      db: this.#endpoint.db,
      tls: this.#endpoint.tls ? {} : undefined,
      connectionName: `flowlab:${name}`,
      retryStrategy: (times) => Math.min(50 * times, 500),
      lazyConnect: false,
      ...extra
    })
    // ioredis reports connection errors as 'error' events; the host's status already shows them,
    // and an unhandled 'error' event would crash the process.
    client.on('error', () => undefined)
    this.#clients.add(client)
    client.once('end', () => this.#clients.delete(client))
    return client
  }

  /** SIGKILLs the managed server, as a crash would. Its clients go to "reconnecting". */
  async kill(): Promise<void> {
    this.#requireManaged('kill')
    const server = this.#process
    if (!server?.running) {
      throw new CommandError(
        ErrorCode.InvalidState,
        'Redis is not running; press Restart to start it'
      )
    }
    const pid = server.pid
    await server.kill()
    this.#status = 'down'
    this.#trace('killed', 'warn', `redis-server (pid ${pid}) killed with SIGKILL`, { pid })
  }

  /** Stops the managed server if it runs (gracefully) and starts it again on the same port. */
  async restart(): Promise<void> {
    this.#requireManaged('restart')
    if (!this.#process || !this.#endpoint) {
      throw new CommandError(ErrorCode.InvalidState, this.#lastError ?? 'Redis was never started')
    }
    await this.#stopServer()
    this.#trace('restarting', 'info', 'restarting redis-server')
    try {
      await this.#spawnServer()
    } catch (err) {
      this.#fail(`redis-server did not restart: ${(err as Error).message}`)
      throw new CommandError(ErrorCode.RedisUnavailable, this.#lastError ?? 'restart failed')
    }
    // The host's client reconnects on its own backoff: resolve once it is back, so a caller that
    // awaited the restart finds Redis "up", not still "starting".
    if (!this.#client) await this.#connectClient()
    else await untilReady(this.#client)
  }

  /** Turns AOF persistence on or off now (CONFIG SET) and for every later restart. */
  async setPersistence(enabled: boolean): Promise<void> {
    this.#requireManaged('change persistence of')
    this.#persistence = enabled
    if (this.#endpoint) this.#process?.writeConfig(this.#endpoint, enabled)
    if (this.#client && this.#status === 'up') {
      await this.#client.config('SET', 'appendonly', enabled ? 'yes' : 'no')
    }
    this.#trace('persistence', 'info', `AOF persistence ${enabled ? 'on' : 'off'}`, { enabled })
  }

  /** Stops the managed server and closes every connection. Idempotent; runs every cleanup. */
  close(): Promise<void> {
    this.#closing ??= (async (): Promise<void> => {
      this.#stats.stop()
      for (const client of this.#clients) client.disconnect()
      this.#clients.clear()
      this.#client = null
      await this.#stopServer().catch(() => undefined)
    })()
    return this.#closing
  }

  #requireManaged(what: string): void {
    if (!this.#managed) throw redisNotManagedError(what)
    if (this.#status === 'missing') {
      throw new CommandError(ErrorCode.RedisMissing, this.#lastError ?? 'redis-server is missing')
    }
  }

  #fail(message: string): void {
    this.#status = 'error'
    this.#lastError = message
    this.#trace('error', 'error', message)
  }

  #trace(type: string, level: TraceLevel, message: string, data?: TraceData): void {
    this.#opts.onTrace(type, level, message, data)
  }

  /** The managed server's process, reporting its readiness and crashes into the status. */
  #createProcess(bin: string): RedisProcess {
    return new RedisProcess({
      bin,
      dir: join(this.#opts.dataDir, 'redis'),
      processes: this.#opts.processes,
      onTrace: (type, level, message, data) => this.#trace(type, level, message, data),
      onReady: (pid) => {
        this.#status = this.#client?.status === 'ready' ? 'up' : 'starting'
        this.#lastError = null
        const port = this.#endpoint?.port ?? null
        this.#trace('started', 'info', `redis-server started (pid ${pid}, port ${port})`, {
          pid,
          port
        })
      },
      onUnexpectedExit: (code, signal) => {
        this.#status = 'down'
        this.#trace(
          'exited',
          'error',
          `redis-server exited unexpectedly (${signal ?? `code ${code}`})`,
          {
            code: code ?? null,
            signal: signal ?? null
          }
        )
      }
    })
  }

  #spawnServer(): Promise<void> {
    const server = this.#process
    const endpoint = this.#endpoint
    if (!server) return Promise.reject(new Error('no redis-server binary'))
    if (!endpoint) return Promise.reject(new Error('no endpoint'))
    const started = server.spawn(endpoint, this.#persistence)
    this.#status = 'starting'
    return started
  }

  async #stopServer(): Promise<void> {
    const server = this.#process
    const pid = server?.pid
    if (!server || !(await server.stop())) return
    this.#status = 'down'
    this.#trace('stopped', 'info', `redis-server (pid ${pid}) stopped`)
  }

  async #connectClient(): Promise<void> {
    const client = this.createClient('host', { enableOfflineQueue: false, maxRetriesPerRequest: 0 })
    this.#client = client
    client.on('ready', () => {
      this.#status = 'up'
      this.#lastError = null
      this.#trace('connected', 'info', 'connected to Redis')
      void this.#stats.refresh()
    })
    client.on('reconnecting', () => {
      // A dead managed server is "down", not merely "reconnecting": say what the user can do.
      if (this.#managed && !this.#process?.spawned) return
      if (this.#status === 'up') {
        this.#status = 'reconnecting'
        this.#trace('reconnecting', 'warn', 'lost the connection to Redis; reconnecting')
      }
    })
    client.on('error', (err: Error) => {
      if (!this.#managed && this.#status !== 'reconnecting') {
        this.#status = 'reconnecting'
        this.#lastError = `cannot reach ${this.url}: ${err.message}`
      }
    })
    // Someone else may change the AOF setting of a server Flowlab does not manage.
    const onPersistence = (enabled: boolean): void => {
      this.#persistence = enabled
    }
    this.#stats.start(client, this.#managed ? undefined : onPersistence)
    await untilReady(client)
  }
}

/** Resolves when the client is ready, or after REDIS_READY_TIMEOUT_MS (the status then says why). */
function untilReady(client: Redis): Promise<void> {
  return new Promise<void>((resolve) => {
    if (client.status === 'ready') return resolve()
    const timer = setTimeout(resolve, REDIS_READY_TIMEOUT_MS)
    client.once('ready', () => {
      clearTimeout(timer)
      resolve()
    })
  })
}
