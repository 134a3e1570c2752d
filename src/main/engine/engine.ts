import {
  CHANNELS_DEFAULT_ENDPOINT,
  CommandError,
  CommandType,
  DispatchCommandType,
  ErrorCode,
  parseCommand,
  SNAPSHOT_INTERVAL_MS,
  TraceSource,
  type Command,
  type Frame,
  type LabInfo,
  type Problem,
  type Result,
  type Snapshot,
  type TraceData,
  type TraceLevel
} from '@shared/contract'
import { ChannelsLab } from './channels/channels-lab'
import { DispatchLab } from './dispatch/dispatch-lab'
import { FrameStream } from './frame-stream'
import { RedisHost } from './redis/redis-host'
import { TraceLog } from './trace/trace-log'

export interface EngineConfig {
  /** Folder for everything the engine keeps on disk (the managed Redis lives below it). */
  dataDir: string
  /** Which door serves the UI, shown in the snapshot. */
  door: 'desktop' | 'browser'
  /** Use this Redis instead of starting one (REDIS_URL). */
  redisUrl?: string | undefined
  /** Environment to find programs in (PATH, REDIS_SERVER_BIN); defaults to process.env. */
  env?: NodeJS.ProcessEnv
  /** App version shown in the UI. */
  version?: string
  /** Snapshot cadence; tests may lower it. */
  snapshotIntervalMs?: number
  /**
   * Where remote channel clients connect (docs/CHANNELS-PROTOCOL.md). Default
   * CHANNELS_DEFAULT_ENDPOINT; when that port is taken a free one is used (and said); null = none.
   */
  channelsEndpoint?: string | null
}

/** A live frame subscription: ack each frame after rendering it; close to stop. */
export interface FrameSubscription {
  ack(seq: number): void
  close(): void
}

/** The engine as both doors and the CLI see it; nothing else of it is reachable from outside. */
export interface Engine {
  /** Starts every component (Redis first). Throws if called twice. */
  start(): Promise<void>
  /** Stops everything the engine started (Redis, workers). Idempotent. */
  close(): Promise<void>
  /** The current snapshot, freshly built. */
  getSnapshot(): Snapshot
  /**
   * Validates and runs one untrusted command. Never rejects: failures come back as
   * `{ ok: false, error }`, and an invalid command changes nothing.
   */
  execute(command: unknown): Promise<Result<unknown>>
  /** Pushes frames to `send`, paced by acks (see FrameStream). */
  subscribe(send: (frame: Frame) => void): FrameSubscription
  /** The Redis host, for labs and tests inside the main process. */
  readonly redis: RedisHost
  /** The Dispatch lab, for the CLI and tests inside the main process. */
  readonly dispatch: DispatchLab
  /** The Channels lab, for tests inside the main process. */
  readonly channels: ChannelsLab
}

const LABS: LabInfo[] = [
  { id: 'dispatch', title: 'Dispatch', status: 'ready' },
  { id: 'channels', title: 'Channels', status: 'ready' },
  { id: 'cache', title: 'Cache', status: 'coming' },
  { id: 'cluster', title: 'Cluster', status: 'coming' }
]

/** Creates the engine: the one composition root that both doors and the CLI use. */
export function createEngine(config: EngineConfig): Engine {
  return new FlowlabEngine(config)
}

class FlowlabEngine implements Engine {
  readonly redis: RedisHost
  readonly dispatch: DispatchLab
  #channels: ChannelsLab
  readonly #config: EngineConfig
  readonly #trace = new TraceLog()
  readonly #streams = new Set<FrameStream>()
  readonly #startedAt = Date.now()
  #tick = 0
  #timer: NodeJS.Timeout | null = null
  #started = false
  #closing: Promise<void> | null = null
  /** Mutating commands run one at a time, in arrival order (kill then restart must not interleave). */
  #queue: Promise<unknown> = Promise.resolve()

  constructor(config: EngineConfig) {
    this.#config = config
    this.redis = new RedisHost({
      dataDir: config.dataDir,
      url: config.redisUrl,
      env: config.env ?? process.env,
      onTrace: (type, level, message, data) =>
        this.#emit(TraceSource.Redis, type, level, message, data)
    })
    this.dispatch = new DispatchLab({
      redis: this.redis,
      emit: (type, level, message, data) =>
        this.#emit(TraceSource.Dispatch, type, level, message, data)
    })
    this.#channels = this.#newChannelsLab(config.channelsEndpoint)
  }

  get channels(): ChannelsLab {
    return this.#channels
  }

  #newChannelsLab(endpoint: string | null | undefined): ChannelsLab {
    return new ChannelsLab({
      redis: this.redis,
      endpoint: endpoint === undefined ? CHANNELS_DEFAULT_ENDPOINT : endpoint,
      emit: (type, level, message, data) =>
        this.#emit(TraceSource.Channels, type, level, message, data)
    })
  }

  /** Starts the Channels lab; if its usual port is taken, on a free one instead (and says so). */
  async #startChannels(): Promise<void> {
    try {
      await this.#channels.start()
    } catch (err) {
      if (this.#config.channelsEndpoint !== undefined) throw err
      await this.#channels.close().catch(() => undefined)
      this.#emit(
        TraceSource.Channels,
        'endpoint-busy',
        'warn',
        `${CHANNELS_DEFAULT_ENDPOINT} is not available (${(err as Error).message}); remote clients use a free port instead`
      )
      this.#channels = this.#newChannelsLab('tcp://127.0.0.1:0')
      await this.#channels.start()
    }
  }

  async start(): Promise<void> {
    if (this.#started) throw new Error('engine already started')
    this.#started = true
    this.#emit(TraceSource.Engine, 'starting', 'info', 'engine starting')
    this.#timer = setInterval(
      () => this.#publish(),
      this.#config.snapshotIntervalMs ?? SNAPSHOT_INTERVAL_MS
    )
    this.#timer.unref()
    await this.redis.start()
    await this.#startChannels()
    this.#emit(TraceSource.Engine, 'started', 'info', 'engine started')
  }

  close(): Promise<void> {
    this.#closing ??= (async (): Promise<void> => {
      if (this.#timer) clearInterval(this.#timer)
      this.#timer = null
      for (const stream of this.#streams) stream.close()
      this.#streams.clear()
      await this.#queue.catch(() => undefined)
      // Workers first (they talk to Redis), then Redis; each cleanup runs even if one fails.
      await this.dispatch.close().catch(() => undefined)
      await this.#channels.close().catch(() => undefined)
      await this.redis.close()
    })()
    return this.#closing
  }

  getSnapshot(): Snapshot {
    return {
      tick: this.#tick,
      at: Date.now(),
      uptimeMs: Date.now() - this.#startedAt,
      app: {
        version: this.#config.version ?? '0.0.0',
        door: this.#config.door,
        dataDir: this.#config.dataDir
      },
      redis: this.redis.toInfo(),
      labs: LABS,
      dispatch: this.dispatch.toInfo(),
      channels: this.#channels.toInfo(),
      problems: this.#problems(),
      trace: { total: this.#trace.total, evicted: this.#trace.evicted }
    }
  }

  async execute(input: unknown): Promise<Result<unknown>> {
    if (this.#closing) {
      return { ok: false, error: { code: ErrorCode.Closed, message: 'Flowlab is shutting down' } }
    }
    const parsed = parseCommand(input)
    if (!parsed.ok) {
      this.#emit(TraceSource.Command, 'rejected', 'warn', parsed.error.message, {
        field: parsed.error.field ?? null
      })
      return parsed
    }
    const command = parsed.value
    if (command.type === CommandType.EngineGetSnapshot)
      return { ok: true, value: this.getSnapshot() }
    const run = this.#queue.then(() => this.#run(command))
    this.#queue = run.catch(() => undefined)
    try {
      const value = await run
      return { ok: true, value: value ?? null }
    } catch (err) {
      if (err instanceof CommandError) {
        this.#emit(TraceSource.Command, 'failed', 'warn', `${command.type}: ${err.message}`)
        return { ok: false, error: { code: err.code, message: err.message } }
      }
      const message = err instanceof Error ? err.message : String(err)
      this.#emit(TraceSource.Command, 'failed', 'error', `${command.type} failed: ${message}`)
      return { ok: false, error: { code: ErrorCode.Internal, message } }
    }
  }

  subscribe(send: (frame: Frame) => void): FrameSubscription {
    const stream = new FrameStream(send, this.#trace)
    this.#streams.add(stream)
    stream.offer(this.getSnapshot())
    return {
      ack: (seq) => stream.ack(seq),
      close: () => {
        stream.close()
        this.#streams.delete(stream)
      }
    }
  }

  async #run(command: Exclude<Command, { type: 'engine:getSnapshot' }>): Promise<unknown> {
    this.#emit(TraceSource.Command, 'executed', 'info', command.type)
    switch (command.type) {
      // During a dispatch run the lab must know Redis went away (its checker explains repeats
      // by a lost dedup table), so the Redis panel's buttons act through the lab then.
      case CommandType.RedisKill:
        return this.#dispatchLive()
          ? this.dispatch.fault({ kind: 'redis-kill' })
          : this.redis.kill()
      case CommandType.RedisRestart:
        return this.#dispatchLive()
          ? this.dispatch.fault({ kind: 'redis-restart' })
          : this.redis.restart()
      case CommandType.RedisSetPersistence:
        return this.redis.setPersistence(command.enabled)
      case CommandType.TraceClear:
        this.#trace.clear()
        return null
      case DispatchCommandType.Start:
        await this.dispatch.start(command.settings)
        return null
      case DispatchCommandType.Stop:
        await this.dispatch.stop()
        return null
      case DispatchCommandType.Fault:
        return this.dispatch.fault(command.fault)
      case DispatchCommandType.Worker:
        return this.dispatch.worker(command.worker)
      case DispatchCommandType.Page:
        this.dispatch.setPage(command)
        return null
      default:
        return this.#channels.execute(command)
    }
  }

  #dispatchLive(): boolean {
    const status = this.dispatch.status
    return status === 'starting' || status === 'running' || status === 'settling'
  }

  #publish(): void {
    if (this.#streams.size === 0) return
    this.#tick++
    const snapshot = this.getSnapshot()
    for (const stream of this.#streams) stream.offer(snapshot)
  }

  #problems(): Problem[] {
    const redis = this.redis.toInfo()
    switch (redis.status) {
      case 'missing':
        return [
          {
            id: 'redis:missing',
            severity: 'error',
            message: 'redis-server is not installed, so the labs that need Redis cannot run.',
            hint: 'Install it (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis) or set REDIS_URL, then restart Flowlab.'
          }
        ]
      case 'down':
        return [
          {
            id: 'redis:down',
            severity: 'warning',
            message: 'Redis is down.',
            hint: redis.managed
              ? 'Press Restart in the Redis panel.'
              : 'Start the server at REDIS_URL.'
          }
        ]
      case 'reconnecting':
        return [
          { id: 'redis:reconnecting', severity: 'warning', message: 'Reconnecting to Redis…' }
        ]
      case 'error':
        return [
          {
            id: 'redis:error',
            severity: 'error',
            message: redis.lastError ?? 'Redis failed.',
            hint: redis.managed ? 'Press Restart in the Redis panel.' : 'Check REDIS_URL.'
          }
        ]
      default:
        return []
    }
  }

  #emit(
    source: TraceSource,
    type: string,
    level: TraceLevel,
    message: string,
    data?: TraceData
  ): void {
    this.#trace.emit(
      data ? { source, type, level, message, data } : { source, type, level, message }
    )
  }
}
