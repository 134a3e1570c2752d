import { randomBytes } from 'node:crypto'
import type { Redis } from 'ioredis'
import { CommandError, ErrorCode, type Problem } from '@shared/contract'
import {
  DispatchCommandType,
  DispatchSettingsSchema,
  type DispatchCommand,
  type DispatchFaultAction,
  type DispatchInfo,
  type DispatchPage,
  type DispatchReport,
  type DispatchSettings,
  type DispatchSettingsInput,
  type DispatchStatus,
  type DispatchWorkerAction,
  type FlowEvent
} from '@shared/contract/labs/dispatch'
import type { Lab, LabEmit, RedisFault } from '../lab'
import type { ProcessRecorder } from '../process-registry'
import type { RedisHost } from '../redis/redis-host'
import { DispatchRun } from './dispatch-run'
import { dispatchKeys } from './keys'
import { RejectLog } from './reject-log'
import { idleInfo } from './run-info'
import { cleanRunKeys } from './run-store'
import { runWarnings } from './run-warnings'
import { planCurve, type CurveKeys, type CurvePlan } from '../zmq/curve'

/** Rejections and other bursty events are summarised in the trace at most this often. */
const LAB_TRACE_INTERVAL_MS = 100

export type DispatchEmit = LabEmit

export interface DispatchLabOptions {
  /** The engine's Redis (started). Workers get its secret URL; faults restart it. */
  redis: RedisHost
  /** Trace sink: the engine's `#emit` with source `dispatch`. */
  emit: DispatchEmit
  /** Bind a ZeroMQ PULL for telemetry from hand-started workers (`flowlab worker --telemetry`). */
  telemetryEndpoint?: string
  /** Records the worker processes (the engine's registry); none when the lab runs alone. */
  processes?: ProcessRecorder
  /**
   * Where the lab keeps its CURVE server key pair (made on first use, secret file mode 600);
   * none = a fresh pair in memory, for the lab's life.
   */
  dataDir?: string
}

/**
 * The Dispatch lab: dispatcher, FaultLink, managed workers and checker for one run at a time.
 * The seam the engine root, the CLI (`flowlab run`) and the bench use.
 *
 * Lifecycle: `startRun(settings)` (or `start(settings)`; throws if a run is live) → faults and
 * worker actions → `waitForSettled()` resolves with the report when every epoch is acked or given
 * up → `stop()` ends the run (kills its workers) → start again, or `close()` (idempotent).
 */
export class DispatchLab implements Lab<DispatchInfo, DispatchCommand> {
  readonly id = 'dispatch'
  readonly #redis: RedisHost
  readonly #emit: DispatchEmit
  readonly #telemetryBind: string | undefined
  readonly #processes: ProcessRecorder | undefined
  readonly #curveDir: string | null
  /** The in-memory key pair when there is no data dir (one per lab, not per run). */
  #memoryKeys: CurveKeys | null = null
  readonly #rejects: RejectLog
  /** The lab's own status (idle, starting, stopped, error); null while the run's phase is it. */
  #own: DispatchStatus | null = 'idle'
  #run: DispatchRun | null = null
  #client: Redis | null = null
  #flowView: { selected: number | null; until: number | null } = { selected: null, until: null }
  #page: DispatchPage = { type: 'dispatch:page', epochFrom: 1, violationsOnly: false, dedupFrom: 1 }
  #traceTimer: NodeJS.Timeout | null = null
  #closing: Promise<void> | null = null
  #starting = false

  constructor(opts: DispatchLabOptions) {
    this.#redis = opts.redis
    this.#emit = opts.emit
    this.#telemetryBind = opts.telemetryEndpoint
    this.#processes = opts.processes
    this.#curveDir = opts.dataDir ?? null
    this.#rejects = new RejectLog(opts.emit)
  }

  get status(): DispatchStatus {
    return this.#own ?? this.#run?.status ?? 'idle'
  }

  /**
   * Lab id, public endpoint, telemetry endpoint and CURVE public key (null when plain) of the live
   * run (null before one).
   */
  get endpoints(): {
    labId: string
    endpoint: string
    telemetry: string | null
    serverKey: string | null
  } | null {
    const run = this.#run
    return run
      ? {
          labId: run.labId,
          endpoint: run.settings.endpoint,
          telemetry: run.telemetryEndpoint,
          serverKey: run.curveServerKey
        }
      : null
  }

  /**
   * Without settings: the engine's Lab start, with nothing to prepare (a run binds its sockets
   * when it starts). With settings: the same as `startRun(settings)`, which the CLI, the bench
   * and the tests have always called as `start(settings)`.
   */
  start(): Promise<void>
  start(input: DispatchSettingsInput): Promise<DispatchInfo>
  async start(input?: DispatchSettingsInput): Promise<DispatchInfo | void> {
    if (input !== undefined) return this.startRun(input)
  }

  /**
   * Starts a run: cleans the lab's keys, binds the FaultLink, starts the workers and waits until
   * they are ready; the dispatcher begins once a worker is connected to the endpoint.
   * @throws CommandError `invalid_state` while a run is live; `invalid_command` for bad settings
   * or a taken endpoint; `redis_unavailable` / `redis_not_managed` when Redis cannot serve it.
   */
  async startRun(input: DispatchSettingsInput): Promise<DispatchInfo> {
    if (this.#closing) throw new CommandError(ErrorCode.Closed, 'the Dispatch lab is closed')
    if (this.#starting || (this.#run && !this.#run.report && this.status !== 'stopped')) {
      throw new CommandError(
        ErrorCode.InvalidState,
        'a dispatch run is already live; stop it first'
      )
    }
    const parsed = DispatchSettingsSchema.safeParse(input)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      throw new CommandError(
        ErrorCode.InvalidCommand,
        `invalid dispatch settings: ${issue ? `${issue.path.join('.') || 'settings'}: ${issue.message}` : 'invalid'}`
      )
    }
    this.#starting = true
    try {
      await this.#run?.teardown()
      return await this.#open(parsed.data)
    } finally {
      this.#starting = false
    }
  }

  /** Runs one command of the lab's contract (already validated by the engine). */
  async execute(command: DispatchCommand): Promise<unknown> {
    switch (command.type) {
      case DispatchCommandType.Start:
        await this.startRun(command.settings)
        return null
      case DispatchCommandType.Stop:
        await this.stop()
        return null
      case DispatchCommandType.Fault:
        return this.fault(command.fault)
      case DispatchCommandType.Worker:
        return this.worker(command.worker)
      case DispatchCommandType.Page:
        this.setPage(command)
        return null
      case DispatchCommandType.Flow:
        this.#flowView = { selected: command.selected, until: command.until }
        return null
    }
  }

  /**
   * During a live run the lab must know Redis went away (its checker explains repeats by a lost
   * dedup table), so the Redis panel's kill and restart act through the run then.
   */
  async takeRedisFault(fault: RedisFault): Promise<boolean> {
    if (!this.#live()) return false
    await this.fault({ kind: fault.kind })
    return true
  }

  /** Why a live run cannot progress, in plain words with the fix (see runWarnings). */
  problems(): Problem[] {
    const run = this.#run
    if (!run || !this.#live()) return []
    return runWarnings(run.health())
  }

  /**
   * Resolves with the full report once every epoch is acked or given up (or the run is stopped).
   * @throws CommandError `invalid_state` when there is no run.
   */
  waitForSettled(): Promise<DispatchReport> {
    const run = this.#run
    if (!run) return Promise.reject(new CommandError(ErrorCode.InvalidState, 'no dispatch run'))
    return run.settled
  }

  /** The message-flow events the last run recorded, oldest first (bounded by its ring). */
  recordedFlow(): FlowEvent[] {
    return this.#run?.flow.events() ?? []
  }

  /** Ends the run (verdict over what happened so far) and kills its workers. */
  async stop(): Promise<DispatchReport | null> {
    const run = this.#run
    if (!run) return null
    const report = await run.finish(false)
    await run.teardown()
    this.#own = 'stopped'
    return report
  }

  /** Stops any run and releases everything (workers, sockets, Redis connection). Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async (): Promise<void> => {
      const run = this.#run
      if (run && !run.report) await run.finish(false).catch(() => undefined)
      await run?.teardown().catch(() => undefined)
      if (this.#traceTimer) clearInterval(this.#traceTimer)
      this.#traceTimer = null
      this.#client?.disconnect()
      this.#client = null
      if (this.status !== 'idle') this.#own = 'stopped'
    })()
    return this.#closing
  }

  /** Applies one fault (link, Redis, dispatcher). */
  fault(action: DispatchFaultAction): Promise<void> {
    return this.#requireRun().fault(action)
  }

  /** Applies one worker action. */
  worker(action: DispatchWorkerAction): Promise<void> {
    return this.#requireRun().worker(action)
  }

  /** Chooses the page of the per-epoch and dedup tables that `toInfo()` carries. */
  setPage(page: Omit<DispatchPage, 'type'> & { type?: 'dispatch:page' }): void {
    this.#page = { ...page, type: 'dispatch:page' }
    this.#run?.setDedupFrom(page.dedupFrom)
  }

  /** Bounded plain-JSON view for the UI (well under 256 KB whatever the run size). */
  toInfo(): DispatchInfo {
    const run = this.#run
    return run
      ? run.toInfo(this.status, this.#page, this.#flowView)
      : idleInfo(this.status, this.#redis, this.#rejects.toInfo())
  }

  async #open(settings: DispatchSettings): Promise<DispatchInfo> {
    const redis = this.#redis
    if (redis.status !== 'up' || !redis.secretUrl) {
      throw new CommandError(
        ErrorCode.RedisUnavailable,
        `Redis is ${redis.status}; the Dispatch lab needs it`
      )
    }
    if (!redis.managed && (settings.redisRestartAtAcks || settings.persistence !== undefined)) {
      throw new CommandError(
        ErrorCode.RedisNotManaged,
        'Redis restarts and persistence changes need the Redis Flowlab manages, not REDIS_URL'
      )
    }
    if (settings.persistence !== undefined && settings.persistence !== redis.toInfo().persistence) {
      await redis.setPersistence(settings.persistence)
    }
    const curve = this.#planCurve(settings)
    const client = (this.#client ??= redis.createClient('dispatch'))
    const labId = settings.labId ?? randomBytes(4).toString('hex')
    await cleanRunKeys(client, dispatchKeys(labId))
    this.#own = 'starting'
    this.#rejects.clear()
    const options = {
      settings,
      redis,
      client,
      emit: this.#emit,
      rejects: this.#rejects,
      telemetryBind: this.#telemetryBind,
      processes: this.#processes,
      dedupFrom: this.#page.dedupFrom,
      curve
    }
    let run: DispatchRun
    try {
      run = await DispatchRun.open(options, labId)
    } catch (err) {
      this.#own = 'error'
      throw err
    }
    this.#run = run
    this.#own = null
    if (!this.#traceTimer) {
      this.#traceTimer = setInterval(() => this.#rejects.summarise(), LAB_TRACE_INTERVAL_MS)
      this.#traceTimer.unref()
    }
    await run.launch()
    return this.toInfo()
  }

  /**
   * CURVE on the work endpoint by the rule of planCurve; the telemetry endpoint follows it (or the
   * same rule for its own address).
   * @throws CommandError `invalid_command` for a network address without CURVE or unusable keys
   */
  #planCurve(settings: DispatchSettings): { work: CurvePlan; telemetry: CurvePlan } {
    try {
      const plan = (what: string, endpoint: string, curve: boolean | undefined): CurvePlan => {
        const p = planCurve(what, endpoint, curve, this.#curveDir)
        if (!p.on || this.#curveDir !== null) return p
        this.#memoryKeys ??= p.keys
        return { on: true, keys: this.#memoryKeys }
      }
      const work = plan('work endpoint', settings.endpoint, settings.curve)
      const bind = this.#telemetryBind
      const telemetry =
        work.on || bind === undefined ? work : plan('telemetry endpoint', bind, undefined)
      return { work, telemetry }
    } catch (err) {
      throw new CommandError(ErrorCode.InvalidCommand, (err as Error).message)
    }
  }

  #live(): boolean {
    const status = this.status
    return status === 'starting' || status === 'running' || status === 'settling'
  }

  #requireRun(): DispatchRun {
    const run = this.#run
    if (!run || this.status === 'stopped') {
      throw new CommandError(ErrorCode.InvalidState, 'no dispatch run is live; start one first')
    }
    return run
  }
}
