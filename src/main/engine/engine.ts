import { join } from 'node:path'
import {
  CommandError,
  CommandType,
  ErrorCode,
  guardInput,
  parseCommand,
  SNAPSHOT_INTERVAL_MS,
  TRACE_STRING_MAX_BYTES,
  TraceSource,
  truncateUtf8,
  type Command,
  type CoreCommand,
  type ErrorInfo,
  type Frame,
  type LabContract,
  type LabInfos,
  type Problem,
  type Result,
  type Snapshot,
  type TraceData,
  type TraceEvent,
  type TraceLevel
} from '@shared/contract'
import { FrameStream } from './frame-stream'
import type { Lab, LabDefinition, LabHost } from './lab'
import { LAB_DEFINITIONS } from './labs'
import { ProcessRegistry } from './process-registry'
import { isKeyBrowserCommand, KeyBrowser } from './redis/key-browser'
import { RedisHost } from './redis/redis-host'
import { redisProblems } from './redis/redis-problems'
import { TraceLog } from './trace/trace-log'
import { ScenarioService, type ScenarioServiceCommand } from '../scenario/service'

export interface EngineConfig {
  /** Folder for everything the engine keeps on disk (the managed Redis lives below it). */
  dataDir: string
  /** Which door serves the UI, shown in the snapshot. */
  door: 'desktop' | 'browser' | 'cli'
  /** Use this Redis instead of starting one (REDIS_URL). */
  redisUrl?: string | undefined
  /** AOF persistence of the managed redis-server at start (default on). */
  redisPersistence?: boolean
  /**
   * An already started Redis host to share (tests and benches that run many engines against one
   * server); the engine then neither starts nor closes it, and `redisUrl` is ignored.
   */
  sharedRedis?: RedisHost
  /** Environment to find programs in (PATH, REDIS_SERVER_BIN); defaults to process.env. */
  env?: NodeJS.ProcessEnv
  /** App version shown in the UI. */
  version?: string
  /** Snapshot cadence; tests may lower it. */
  snapshotIntervalMs?: number
  /**
   * Settings per lab id, handed unparsed to that lab (each lab's definition documents its own).
   * Labs not named here get `{}`.
   */
  labs?: Readonly<Record<string, Readonly<Record<string, unknown>>>>
  /** Called with every trace event as it is emitted (headless commands print some of them). */
  onTrace?: (event: TraceEvent) => void
  /** The labs to run; defaults to every lab in the registry (`labs.ts`). Tests add their own. */
  labDefinitions?: readonly LabDefinition[]
  /**
   * The lessons' folder (`scenarios/`, one folder per lab): the engine then serves the `scenario:*`
   * commands and `snapshot.scenario`. None: those commands answer that there are no lessons.
   */
  scenarioDir?: string
}

/** A live frame subscription: ack each frame after rendering it; close to stop. */
export interface FrameSubscription {
  ack(seq: number): void
  close(): void
}

/** The engine as both doors and the CLI see it; nothing else of it is reachable from outside. */
export interface Engine extends LabHost {
  /** Starts every component (Redis first). Throws if called twice. */
  start(): Promise<void>
  /** Stops everything the engine started (Redis, workers). Idempotent. */
  close(): Promise<void>
  /** The current snapshot, freshly built. */
  getSnapshot(): Snapshot
  /**
   * Validates and runs one untrusted command. Never rejects: failures come back as
   * `{ ok: false, error }`, and an invalid command changes nothing. The input is held to the
   * door limits (`guardInput`) here too, for callers that are not doors (the CLI).
   */
  execute(command: unknown): Promise<Result<unknown>>
  /**
   * A door refused an input before `execute` (over a limit, not JSON, a bad envelope): counted in
   * `snapshot.inputs.rejected` and traced.
   * @param door - who refused it (`gateway`, `ipc`)
   */
  recordRejection(door: string, error: ErrorInfo): void
  /**
   * An unexpected failure caught at a door or in the engine: traced at level `error`, counted in
   * `snapshot.inputs.internalErrors` (and the `engine:internal-errors` problem).
   * @param where - the door or engine step that caught it
   * @returns the `internal` error to answer the caller with.
   */
  recordInternalError(where: string, err: unknown): ErrorInfo
  /** Pushes frames to `send`, paced by acks (see FrameStream). */
  subscribe(send: (frame: Frame) => void): FrameSubscription
  /** The Redis host, for labs and tests inside the main process. */
  readonly redis: RedisHost
  /**
   * A running lab by id, for the CLI and tests inside the main process (each lab folder exports a
   * typed accessor); undefined for an id the engine does not run.
   */
  lab(id: string): Lab | undefined
}

/** Creates the engine: the one composition root that both doors and the CLI use. */
export function createEngine(config: EngineConfig): Engine {
  return new FlowlabEngine(config)
}

class FlowlabEngine implements Engine {
  readonly redis: RedisHost
  /** The labs, by id, in registry order (start order; closed in reverse). */
  readonly #labs = new Map<string, Lab>()
  /** The contracts of exactly the labs this engine runs: commands of any other lab are rejected. */
  readonly #contracts: Record<string, LabContract> = {}
  readonly #config: EngineConfig
  readonly #trace = new TraceLog()
  /** Every process the engine starts (workers, redis-server), in `<dataDir>/processes/`. */
  readonly #processes: ProcessRegistry
  readonly #streams = new Set<FrameStream>()
  /** The Redis panel's key browser (read-only, its own connection). */
  readonly #keys: KeyBrowser
  /** The lessons (scenario:* commands), when the config names a scenario folder. */
  readonly #scenarios: ScenarioService | null
  readonly #startedAt = Date.now()
  #tick = 0
  #rejected = 0
  #internalErrors = 0
  #lastInternalError = ''
  #timer: NodeJS.Timeout | null = null
  #started = false
  #closing: Promise<void> | null = null
  /** Mutating commands run one at a time, in arrival order (kill then restart must not interleave). */
  #queue: Promise<unknown> = Promise.resolve()

  constructor(config: EngineConfig) {
    this.#config = config
    this.#processes = new ProcessRegistry(join(config.dataDir, 'processes'))
    this.redis =
      config.sharedRedis ??
      new RedisHost({
        dataDir: config.dataDir,
        url: config.redisUrl,
        env: config.env ?? process.env,
        processes: this.#processes,
        ...(config.redisPersistence === undefined ? {} : { persistence: config.redisPersistence }),
        onTrace: (type, level, message, data) =>
          this.#emit(TraceSource.Redis, type, level, message, data)
      })
    this.#keys = new KeyBrowser(this.redis)
    this.#scenarios = config.scenarioDir ? new ScenarioService(this, config.scenarioDir) : null
    for (const definition of config.labDefinitions ?? LAB_DEFINITIONS) {
      if (this.#labs.has(definition.id)) throw new Error(`lab '${definition.id}' registered twice`)
      if (definition.contract.id !== definition.id) {
        throw new Error(
          `lab '${definition.id}' comes with the contract of '${definition.contract.id}'`
        )
      }
      this.#contracts[definition.id] = definition.contract
      const lab = definition.create({
        redis: this.redis,
        emit: (type, level, message, data) =>
          this.#emit(definition.id as TraceSource, type, level, message, data),
        dataDir: join(config.dataDir, 'labs', definition.id),
        now: Date.now,
        settings: config.labs?.[definition.id] ?? {},
        processes: this.#processes
      })
      this.#labs.set(definition.id, lab)
    }
  }

  lab(id: string): Lab | undefined {
    return this.#labs.get(id)
  }

  /** Ends what an engine killed earlier (SIGKILL, power loss) left running from this data folder. */
  #reapEarlier(): void {
    let reaped
    try {
      reaped = this.#processes.start()
    } catch (err) {
      const message = `cannot keep the process registry: ${(err as Error).message}`
      this.#emit(TraceSource.Engine, 'registry-error', 'warn', message)
      return
    }
    for (const p of reaped) {
      this.#emit(
        TraceSource.Engine,
        'orphan-reaped',
        'warn',
        `ended ${p.kind} pid ${p.pid}${p.wasPaused ? ' (paused)' : ''} left by engine pid ${p.owner}`,
        { pid: p.pid, kind: p.kind, owner: p.owner, paused: p.wasPaused }
      )
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
    this.#reapEarlier()
    if (!this.#config.sharedRedis) await this.redis.start()
    for (const lab of this.#labs.values()) await lab.start()
    this.#emit(TraceSource.Engine, 'started', 'info', 'engine started')
  }

  close(): Promise<void> {
    this.#closing ??= (async (): Promise<void> => {
      if (this.#timer) clearInterval(this.#timer)
      this.#timer = null
      for (const stream of this.#streams) stream.close()
      this.#streams.clear()
      await this.#queue.catch(() => undefined)
      this.#keys.close()
      // Labs first, last started first (their workers talk to Redis), then Redis; each cleanup
      // runs even if one fails.
      for (const lab of [...this.#labs.values()].reverse()) {
        await lab.close().catch(() => undefined)
      }
      if (!this.#config.sharedRedis) await this.redis.close().catch(() => undefined)
      this.#processes.close()
    })()
    return this.#closing
  }

  getSnapshot(): Snapshot {
    const labs: Record<string, unknown> = {}
    for (const [id, lab] of this.#labs) labs[id] = lab.toInfo()
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
      // The registry and the contract list the same labs (a test holds them together).
      labs: labs as unknown as LabInfos,
      ...(this.#scenarios ? { scenario: this.#scenarios.toInfo() } : {}),
      problems: this.#problems(),
      inputs: { rejected: this.#rejected, internalErrors: this.#internalErrors },
      trace: { total: this.#trace.total, evicted: this.#trace.evicted }
    }
  }

  async execute(input: unknown): Promise<Result<unknown>> {
    try {
      return await this.#execute(input)
    } catch (err) {
      return { ok: false, error: this.recordInternalError('engine', err) }
    }
  }

  recordRejection(door: string, error: ErrorInfo): void {
    this.#rejected++
    this.#emit(TraceSource.Command, 'rejected', 'warn', `${door}: ${error.message}`, {
      code: error.code,
      ...(error.details && typeof error.details.limit === 'string'
        ? { limit: error.details.limit }
        : {})
    })
  }

  recordInternalError(where: string, err: unknown): ErrorInfo {
    const message = describeError(err)
    this.#internalErrors++
    this.#lastInternalError = `${where}: ${message}`
    try {
      this.#emit(TraceSource.Engine, 'internal-error', 'error', this.#lastInternalError)
    } catch {
      // The count above is what must survive; a failing trace listener must not turn into a crash.
    }
    return { code: ErrorCode.Internal, message: `internal error (a bug in Flowlab): ${message}` }
  }

  async #execute(input: unknown): Promise<Result<unknown>> {
    if (this.#closing) {
      return { ok: false, error: { code: ErrorCode.Closed, message: 'Flowlab is shutting down' } }
    }
    const refused = guardInput(input)
    if (refused) {
      this.recordRejection('engine', refused.error)
      return refused
    }
    const parsed = parseCommand(input, this.#contracts)
    if (!parsed.ok) {
      this.#rejected++
      this.#emit(TraceSource.Command, 'rejected', 'warn', parsed.error.message, {
        field: parsed.error.field ?? null
      })
      return parsed
    }
    const command = parsed.value
    if (command.type === CommandType.EngineGetSnapshot)
      return { ok: true, value: this.getSnapshot() }
    // Key browsing only reads: it neither waits behind a queued Redis restart nor is traced (a
    // panel refresh every few seconds would flood the trace); its failures are traced below.
    let run: Promise<unknown>
    if (isKeyBrowserCommand(command)) run = this.#keys.execute(command)
    else if (command.type.startsWith('scenario:')) {
      // Lessons run in the background through execute (their own commands queue as usual), so
      // the scenario commands never wait in the queue themselves.
      run = this.#scenario(command as ScenarioServiceCommand)
    } else {
      run = this.#queue.then(() => this.#run(command))
      this.#queue = run.catch(() => undefined)
    }
    try {
      const value = await run
      return { ok: true, value: value ?? null }
    } catch (err) {
      if (err instanceof CommandError) {
        this.#emit(TraceSource.Command, 'failed', 'warn', `${command.type}: ${err.message}`)
        return {
          ok: false,
          error: err.details
            ? { code: err.code, message: err.message, details: err.details }
            : { code: err.code, message: err.message }
        }
      }
      return { ok: false, error: this.recordInternalError(command.type, err) }
    }
  }

  async #scenario(command: ScenarioServiceCommand): Promise<unknown> {
    this.#emit(TraceSource.Command, 'executed', 'info', command.type)
    if (!this.#scenarios) {
      throw new CommandError(ErrorCode.InvalidState, 'this engine serves no lessons')
    }
    return this.#scenarios.execute(command)
  }

  subscribe(send: (frame: Frame) => void): FrameSubscription {
    const stream = new FrameStream(send, this.#trace)
    this.#streams.add(stream)
    try {
      stream.offer(this.getSnapshot())
    } catch (err) {
      // The next tick offers again; a failing snapshot must not fail the door that subscribed.
      this.recordInternalError('subscribe', err)
    }
    return {
      ack: (seq) => stream.ack(seq),
      close: () => {
        stream.close()
        this.#streams.delete(stream)
      }
    }
  }

  /** Runs a validated command: a lab's goes to that lab (by the domain before `:`). */
  async #run(command: Command): Promise<unknown> {
    this.#emit(TraceSource.Command, 'executed', 'info', command.type)
    const lab = this.#labs.get(command.type.slice(0, command.type.indexOf(':')))
    if (lab) return lab.execute(command)
    return this.#runCore(command as CoreCommand)
  }

  async #runCore(command: CoreCommand): Promise<unknown> {
    switch (command.type) {
      case CommandType.RedisKill:
        if (await this.#offerRedisFault('redis-kill')) return null
        return this.redis.kill()
      case CommandType.RedisRestart:
        if (await this.#offerRedisFault('redis-restart')) return null
        return this.redis.restart()
      case CommandType.RedisSetPersistence:
        return this.redis.setPersistence(command.enabled)
      case CommandType.RedisScanKeys:
      case CommandType.RedisReadKey:
        return this.#keys.execute(command)
      case CommandType.TraceClear:
        this.#trace.clear()
        return null
      case CommandType.EngineGetSnapshot:
        return this.getSnapshot()
      case CommandType.ScenarioList:
      case CommandType.ScenarioRun:
      case CommandType.ScenarioCompare:
      case CommandType.ScenarioStop:
      case CommandType.ScenarioExport:
        return this.#scenario(command)
    }
  }

  /**
   * A lab may need to apply a Redis fault itself (a checker that must know the server's memory was
   * lost), so the Redis panel's buttons are offered to the labs first.
   */
  async #offerRedisFault(kind: 'redis-kill' | 'redis-restart'): Promise<boolean> {
    for (const lab of this.#labs.values()) {
      if (await lab.takeRedisFault?.({ kind })) return true
    }
    return false
  }

  /** Runs on a timer: a throw here would be an uncaught exception, so it is caught and counted. */
  #publish(): void {
    if (this.#streams.size === 0) return
    try {
      this.#tick++
      const snapshot = this.getSnapshot()
      for (const stream of this.#streams) stream.offer(snapshot)
    } catch (err) {
      this.recordInternalError('snapshot', err)
    }
  }

  #problems(): Problem[] {
    const problems = redisProblems(this.redis.toInfo())
    for (const lab of this.#labs.values()) problems.push(...lab.problems())
    if (this.#internalErrors > 0) {
      problems.push({
        id: 'engine:internal-errors',
        severity: 'error',
        message: `${this.#internalErrors} internal error(s) caught; the last: ${truncateUtf8(this.#lastInternalError, TRACE_STRING_MAX_BYTES)}`,
        hint: 'Flowlab kept running. This is a bug: the trace has each one (type internal-error).'
      })
    }
    return problems
  }

  #emit(
    source: TraceSource,
    type: string,
    level: TraceLevel,
    message: string,
    data?: TraceData
  ): void {
    const event = this.#trace.emit(
      data ? { source, type, level, message, data } : { source, type, level, message }
    )
    this.#config.onTrace?.(event)
  }
}

/** An error's message for the trace and the caller; never throws, whatever was thrown. */
function describeError(err: unknown): string {
  try {
    return err instanceof Error ? `${err.name}: ${err.message}` : String(err)
  } catch {
    return 'an unprintable value was thrown'
  }
}
