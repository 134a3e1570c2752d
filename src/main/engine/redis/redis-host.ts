import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
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

/** How long a managed redis-server may take to say "Ready to accept connections". */
const REDIS_READY_TIMEOUT_MS = 10_000
/** How long a graceful stop (SIGTERM: flush AOF, exit) may take before SIGKILL. */
const REDIS_STOP_TIMEOUT_MS = 5_000
/** How often the stats (memory, keys, version) are refreshed for the Redis panel. */
const REDIS_STATS_INTERVAL_MS = 1_000
/** A first start that loses the race for its port retries on a new one this many times. */
const REDIS_START_ATTEMPTS = 3
/** Keep this many lines of redis-server output to explain a failed start. */
const REDIS_LOG_TAIL_LINES = 20

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
}

interface Endpoint {
  host: string
  port: number
  password: string | undefined
  username: string | undefined
  db: number
  tls: boolean
}

function parseRedisUrl(url: string): Endpoint {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new CommandError(ErrorCode.InvalidCommand, `REDIS_URL is not a URL: ${redactUrl(url)}`)
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new CommandError(
      ErrorCode.InvalidCommand,
      `REDIS_URL must start with redis:// or rediss:// (got ${parsed.protocol})`
    )
  }
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0
  return {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 6379,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    db: Number.isInteger(db) ? db : 0,
    tls: parsed.protocol === 'rediss:'
  }
}

/** Replaces any password in a Redis URL with `***` so it can be shown and logged. */
export function redactUrl(url: string): string {
  return url.replace(/^(rediss?:\/\/)([^@/]*)@/, (_m, scheme: string, auth: string) => {
    const user = auth.includes(':') ? auth.slice(0, auth.indexOf(':')) : ''
    return `${scheme}${user}:***@`
  })
}

function isOrphanRedis(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
    return comm.startsWith('redis-server') && ppid === 1
  } catch {
    return false
  }
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
  readonly #opts: Required<Omit<RedisHostOptions, 'url'>> & { url: string | undefined }
  readonly #managed: boolean
  #bin: string | null = null
  #endpoint: Endpoint | null = null
  #child: ChildProcess | null = null
  #status: RedisStatus = 'starting'
  #persistence: boolean
  #version: string | null = null
  #usedMemory: number | null = null
  #keys: number | null = null
  #lastError: string | null = null
  #client: Redis | null = null
  #statsTimer: NodeJS.Timeout | null = null
  #logTail: string[] = []
  #closing: Promise<void> | null = null
  #started = false
  readonly #clients = new Set<Redis>()

  constructor(opts: RedisHostOptions) {
    this.#opts = {
      dataDir: opts.dataDir,
      url: opts.url,
      env: opts.env ?? process.env,
      persistence: opts.persistence ?? true,
      onTrace: opts.onTrace ?? ((): void => undefined)
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
    this.#bin = findRedisServer(this.#opts.env)
    if (!this.#bin) {
      this.#status = 'missing'
      this.#lastError =
        'redis-server was not found on PATH. Install it (see below) or set REDIS_URL to a running Redis, then restart Flowlab.'
      this.#trace('missing', 'error', this.#lastError)
      return
    }
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
        const portTaken = this.#logTail.some((l) => /Address already in use/i.test(l))
        if (!portTaken || attempt === REDIS_START_ATTEMPTS) {
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
      version: this.#version,
      usedMemoryBytes: this.#status === 'up' ? this.#usedMemory : null,
      keys: this.#status === 'up' ? this.#keys : null,
      persistence: this.#persistence,
      pid: this.#child?.pid ?? null,
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
      throw new CommandError(
        this.#status === 'missing' ? ErrorCode.RedisMissing : ErrorCode.RedisUnavailable,
        this.#lastError ?? 'Redis is not available'
      )
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
    const child = this.#child
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      throw new CommandError(
        ErrorCode.InvalidState,
        'Redis is not running; press Restart to start it'
      )
    }
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    this.#expectedExit = child
    child.kill('SIGKILL')
    await exited
    this.#status = 'down'
    this.#trace('killed', 'warn', `redis-server (pid ${child.pid}) killed with SIGKILL`, {
      pid: child.pid ?? null
    })
  }

  /** Stops the managed server if it runs (gracefully) and starts it again on the same port. */
  async restart(): Promise<void> {
    this.#requireManaged('restart')
    if (!this.#bin || !this.#endpoint) {
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
    if (!this.#client) await this.#connectClient()
  }

  /** Turns AOF persistence on or off now (CONFIG SET) and for every later restart. */
  async setPersistence(enabled: boolean): Promise<void> {
    this.#requireManaged('change persistence of')
    this.#persistence = enabled
    if (this.#endpoint) this.#writeConfig()
    if (this.#client && this.#status === 'up') {
      await this.#client.config('SET', 'appendonly', enabled ? 'yes' : 'no')
    }
    this.#trace('persistence', 'info', `AOF persistence ${enabled ? 'on' : 'off'}`, { enabled })
  }

  /** Stops the managed server and closes every connection. Idempotent; runs every cleanup. */
  close(): Promise<void> {
    this.#closing ??= (async (): Promise<void> => {
      if (this.#statsTimer) clearInterval(this.#statsTimer)
      this.#statsTimer = null
      for (const client of this.#clients) client.disconnect()
      this.#clients.clear()
      this.#client = null
      await this.#stopServer().catch(() => undefined)
    })()
    return this.#closing
  }

  #expectedExit: ChildProcess | null = null

  #requireManaged(what: string): void {
    if (!this.#managed) {
      throw new CommandError(
        ErrorCode.RedisNotManaged,
        `Flowlab is using REDIS_URL, so it cannot ${what} that server; only a Redis it started itself`
      )
    }
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

  get #redisDir(): string {
    return join(this.#opts.dataDir, 'redis')
  }

  #writeConfig(): string {
    const endpoint = this.#endpoint
    if (!endpoint) throw new Error('no endpoint')
    mkdirSync(this.#redisDir, { recursive: true, mode: 0o700 })
    const file = join(this.#redisDir, 'redis.conf')
    // The password goes in a 0600 file rather than argv, where any local user could read it.
    const lines = [
      `port ${endpoint.port}`,
      `bind ${endpoint.host}`,
      'protected-mode yes',
      `requirepass ${endpoint.password ?? ''}`,
      `dir ${JSON.stringify(this.#redisDir)}`,
      `pidfile ${JSON.stringify(join(this.#redisDir, 'redis.pid'))}`,
      `appendonly ${this.#persistence ? 'yes' : 'no'}`,
      'save ""',
      'daemonize no',
      'logfile ""',
      'loglevel notice'
    ]
    writeFileSync(file, lines.join('\n') + '\n', { mode: 0o600 })
    return file
  }

  /** A redis-server left by an engine that died without cleaning up holds our data folder. */
  #reapOrphan(): void {
    let pid: number
    try {
      pid = Number(readFileSync(join(this.#redisDir, 'redis.pid'), 'utf8').trim())
    } catch {
      return
    }
    if (Number.isInteger(pid) && pid > 0 && isOrphanRedis(pid)) {
      // SIGTERM lets it flush its AOF, so nothing it acknowledged is lost to the next server.
      process.kill(pid, 'SIGTERM')
      this.#trace('orphan', 'warn', `stopped redis-server pid ${pid} left by an earlier run`, {
        pid
      })
      const deadline = Date.now() + REDIS_STOP_TIMEOUT_MS
      while (isOrphanRedis(pid) && Date.now() < deadline) {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20)
      }
    }
    rmSync(join(this.#redisDir, 'redis.pid'), { force: true })
  }

  #spawnServer(): Promise<void> {
    const bin = this.#bin
    if (!bin) return Promise.reject(new Error('no redis-server binary'))
    this.#reapOrphan()
    const config = this.#writeConfig()
    this.#status = 'starting'
    this.#logTail = []
    const child = spawn(bin, [config], { stdio: ['ignore', 'pipe', 'pipe'] })
    this.#child = child
    return new Promise<void>((resolve, reject) => {
      let ready = false
      const timer = setTimeout(() => {
        child.kill('SIGKILL')
        reject(new Error(`no answer within ${REDIS_READY_TIMEOUT_MS} ms`))
      }, REDIS_READY_TIMEOUT_MS)
      const onData = (chunk: Buffer): void => {
        for (const line of chunk.toString('utf8').split('\n')) {
          if (!line.trim()) continue
          this.#logTail.push(line.trim())
          if (this.#logTail.length > REDIS_LOG_TAIL_LINES) this.#logTail.shift()
          if (!ready && /Ready to accept connections/.test(line)) {
            ready = true
            clearTimeout(timer)
            this.#status = this.#client?.status === 'ready' ? 'up' : 'starting'
            this.#lastError = null
            this.#trace(
              'started',
              'info',
              `redis-server started (pid ${child.pid}, port ${this.#endpoint?.port})`,
              {
                pid: child.pid ?? null,
                port: this.#endpoint?.port ?? null
              }
            )
            resolve()
          }
        }
      }
      child.stdout?.on('data', onData)
      child.stderr?.on('data', onData)
      child.once('error', (err) => {
        clearTimeout(timer)
        reject(err)
      })
      child.once('exit', (code, signal) => {
        clearTimeout(timer)
        if (this.#child === child) this.#child = null
        if (!ready) {
          const last = this.#logTail.slice(-3).join(' | ')
          reject(
            new Error(
              `exited (${signal ?? `code ${code}`}) before it was ready${last ? `: ${last}` : ''}`
            )
          )
          return
        }
        if (this.#expectedExit === child) {
          this.#expectedExit = null
          return
        }
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
      })
    })
  }

  async #stopServer(): Promise<void> {
    const child = this.#child
    if (!child || child.exitCode !== null || child.signalCode !== null) return
    this.#expectedExit = child
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), REDIS_STOP_TIMEOUT_MS)
    await exited
    clearTimeout(timer)
    this.#status = 'down'
    this.#trace('stopped', 'info', `redis-server (pid ${child.pid}) stopped`)
  }

  async #connectClient(): Promise<void> {
    const client = this.createClient('host', { enableOfflineQueue: false, maxRetriesPerRequest: 0 })
    this.#client = client
    client.on('ready', () => {
      this.#status = 'up'
      this.#lastError = null
      this.#trace('connected', 'info', 'connected to Redis')
      void this.#refreshStats()
    })
    client.on('reconnecting', () => {
      // A dead managed server is "down", not merely "reconnecting": say what the user can do.
      if (this.#managed && !this.#child) return
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
    this.#statsTimer = setInterval(() => void this.#refreshStats(), REDIS_STATS_INTERVAL_MS)
    this.#statsTimer.unref()
    await new Promise<void>((resolve) => {
      if (client.status === 'ready') return resolve()
      const timer = setTimeout(resolve, REDIS_READY_TIMEOUT_MS)
      client.once('ready', () => {
        clearTimeout(timer)
        resolve()
      })
    })
  }

  async #refreshStats(): Promise<void> {
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
      if (!this.#managed) {
        const aof = await client.config('GET', 'appendonly').catch(() => null)
        if (Array.isArray(aof) && aof[1]) this.#persistence = aof[1] === 'yes'
      }
    } catch {
      // The next tick tries again; connection state is tracked by the client events.
    }
  }
}
