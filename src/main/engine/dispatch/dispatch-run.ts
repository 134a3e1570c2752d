import type { Redis } from 'ioredis'
import { CommandError, ErrorCode } from '@shared/contract'
import {
  DISPATCH_INFO_LIST_MAX,
  DISPATCH_WORKERS_MAX,
  LINK_DIRECTIONS,
  type DispatchFaultAction,
  type DispatchFlowView,
  type DispatchInfo,
  type DispatchPage,
  type DispatchReport,
  type DispatchSettings,
  type DispatchStatus,
  type DispatchWorkerAction,
  type DispatchWorkerInfo
} from '@shared/contract/labs/dispatch'
import type { LabEmit } from '../lab'
import type { ProcessRecorder } from '../process-registry'
import type { RedisHost } from '../redis/redis-host'
import { check, type CheckContext, type CheckResult } from './checker'
import { Dispatcher } from './dispatcher'
import { EpochFlag, EpochLedger } from './epoch-ledger'
import type { FaultLink } from './fault-link'
import type { FlowLog } from './flow-log'
import { dispatchKeys, type DispatchKeys } from './keys'
import { RedisFaults } from './redis-faults'
import type { RejectLog } from './reject-log'
import { applyFault, applyWorkerAction, createLink } from './run-actions'
import { dispatcherInfo, linkInfo, runInfo } from './run-info'
import { buildReport, traceVerdict } from './run-report'
import { RunSeries, SERIES_INTERVAL_MS } from './run-series'
import { linkCut, linkFaultStanding, type RunHealth } from './run-warnings'
import { crashAndRestart } from './dispatcher-script'
import { catchUpTelemetry, quiesce } from './run-settling'
import { readDedupPage, readEffects } from './run-store'
import { RunTelemetry } from './run-telemetry'
import { TelemetrySocket } from './telemetry-socket'
import { WorkerPool } from './worker-pool'
import type { CurvePlan } from '../zmq/curve'

/** The dedup page is re-read from Redis this often while a run is live. */
const DEDUP_REFRESH_MS = 500
/** The live verdict is recomputed at most this often (it walks every epoch). */
const LIVE_CHECK_MAX_AGE_MS = 250
/** Worker crash instants kept for the checker. */
const CRASH_TIMES_MAX = 10_000

/** A run's phase; the lab adds `idle`, `stopped` and `error` around it. */
export type RunStatus = Extract<DispatchStatus, 'starting' | 'running' | 'settling' | 'done'>

export interface DispatchRunOptions {
  settings: DispatchSettings
  /** The engine's Redis (up); workers get its secret URL, faults restart it. */
  redis: RedisHost
  /** The lab's commands connection. */
  client: Redis
  emit: LabEmit
  /** The lab's reject counters (they outlive a run in the view). */
  rejects: RejectLog
  /** Where to bind the PULL for hand-started workers' telemetry; none when undefined. */
  telemetryBind: string | undefined
  /** First epoch of the dedup page the UI shows. */
  dedupFrom: number
  /** Records the run's worker processes. */
  processes: ProcessRecorder | undefined
  /** CURVE on the work endpoint (and on the telemetry one), planned by the lab, or off. */
  curve: { work: CurvePlan; telemetry: CurvePlan }
}

/** What `open()` prepared (the started link, the bound telemetry socket) for the constructor. */
interface Opened {
  labId: string
  keys: DispatchKeys
  ledger: EpochLedger
  link: FaultLink
  telemetry: RunTelemetry
  socket: TelemetrySocket | null
}

/**
 * One dispatch run: its ledger, FaultLink, managed workers, dispatcher and telemetry, from
 * `open()` to `teardown()`. `finish()` ends it with the checker's report; the report stays
 * readable after teardown.
 */
export class DispatchRun {
  readonly settings: DispatchSettings
  readonly labId: string
  readonly #o: DispatchRunOptions
  readonly #keys: DispatchKeys
  readonly #ledger: EpochLedger
  readonly #link: FaultLink
  readonly #pool: WorkerPool
  readonly #dispatcher: Dispatcher
  readonly #telemetry: RunTelemetry
  readonly #socket: TelemetrySocket | null
  readonly #faults: RedisFaults
  readonly #series = new RunSeries()
  readonly #crashTimes: number[] = []
  readonly #settled: Promise<DispatchReport>
  #resolveSettled: (report: DispatchReport) => void = () => undefined
  #timers: NodeJS.Timeout[]
  #status: RunStatus = 'starting'
  #startedAt = Date.now()
  #endedAt: number | null = null
  /** finish() was called by a stop or a close, not by the run settling on its own. */
  #stoppedEarly = false
  /** Wall-clock ms of the latest ack (throughput is measured up to it). */
  #lastAckAt = 0
  #report: DispatchReport | null = null
  #finishing: Promise<DispatchReport> | null = null
  #dedup: DispatchInfo['dedup']
  #liveCheck: { at: number; result: CheckResult } | null = null
  #closed = false
  #teardown: Promise<void> | null = null
  #dispatcherCrashScripted = false

  /**
   * Binds the FaultLink on the public endpoint and the telemetry PULL. The lab has cleaned what an
   * earlier run with `labId` left in Redis.
   * @throws CommandError `invalid_command` when the endpoint cannot be bound (e.g. taken).
   */
  static async open(opts: DispatchRunOptions, labId: string): Promise<DispatchRun> {
    const { settings, rejects, emit } = opts
    const keys = dispatchKeys(labId)
    const ledger = new EpochLedger(settings.messages)
    const telemetry = new RunTelemetry(ledger, rejects, emit)
    const link = createLink(settings, ledger, telemetry, rejects, emit, opts.curve.work)
    try {
      await link.start()
    } catch (err) {
      throw new CommandError(ErrorCode.InvalidCommand, (err as Error).message)
    }
    const socket =
      opts.telemetryBind === undefined
        ? null
        : await TelemetrySocket.bind(
            opts.telemetryBind,
            (msg) => telemetry.onExternal(msg),
            rejects,
            emit,
            opts.curve.telemetry
          )
    return new DispatchRun(opts, { labId, keys, ledger, link, telemetry, socket })
  }

  private constructor(opts: DispatchRunOptions, opened: Opened) {
    const { settings, emit } = opts
    this.#o = opts
    this.settings = settings
    this.labId = opened.labId
    this.#keys = opened.keys
    this.#ledger = opened.ledger
    this.#link = opened.link
    this.#telemetry = opened.telemetry
    this.#socket = opened.socket
    this.#dedup = { from: opts.dedupFrom, items: [] }
    this.#settled = new Promise((resolve) => (this.#resolveSettled = resolve))
    for (const direction of LINK_DIRECTIONS) {
      const rule = direction === 'to-worker' ? settings.toWorker : settings.toDispatcher
      if (rule) this.#link.setRule(direction, rule)
    }
    this.#faults = new RedisFaults({
      redis: opts.redis,
      client: opts.client,
      ledger: this.#ledger,
      keys: this.#keys,
      emit,
      restartAtAcks: settings.redisRestartAtAcks
    })
    this.#pool = new WorkerPool({
      endpoint: settings.endpoint,
      serverKey: this.curveServerKey,
      redisUrl: opts.redis.secretUrl ?? '',
      labId: this.labId,
      processes: opts.processes,
      onBatch: (batch) => this.#telemetry.onBatch(batch),
      onCrash: (id, epoch) => {
        if (this.#crashTimes.length < CRASH_TIMES_MAX) this.#crashTimes.push(Date.now())
        if (epoch !== null) {
          this.#ledger.flag(epoch, EpochFlag.CrashedHolding)
          this.#telemetry.flow.add(epoch, 'crash', id, this.#ledger.attempts[epoch] as number)
        }
      },
      onEvent: (type, level, message, data) => emit(type, level, message, data)
    })
    this.#dispatcher = new Dispatcher({
      labId: this.labId,
      settings,
      ledger: this.#ledger,
      keys: this.#keys,
      connect: (id, onReplies) => this.#link.connect(id, onReplies),
      redis: opts.client,
      onAck: (_epoch, latency) => this.#onAck(latency),
      onFlow: (epoch, kind, attempt) =>
        this.#telemetry.flow.add(epoch, kind, 'dispatcher', attempt),
      onReject: (reason, detail) => opts.rejects.add(reason, detail),
      onTrace: (type, level, message, data) => emit(type, level, message, data),
      onError: (err) => emit('dispatcher-error', 'error', `dispatcher: ${err.message}`),
      onSettled: () => void this.finish(true)
    })
    this.#timers = [
      setInterval(() => {
        this.#series.sample(linkFaultStanding(this.#link))
        this.#telemetry.flow.tick()
      }, SERIES_INTERVAL_MS)
    ]
    if (settings.semantics.startsWith('exactly-once')) {
      this.#timers.push(setInterval(() => void this.#refreshDedup(), DEDUP_REFRESH_MS))
    }
    for (const t of this.#timers) t.unref()
  }

  get status(): RunStatus {
    return this.#status
  }

  /** Set once the run has ended. */
  get report(): DispatchReport | null {
    return this.#report
  }

  /** Resolves with the report once every epoch is acked or given up (or the run is stopped). */
  get settled(): Promise<DispatchReport> {
    return this.#settled
  }
  get flow(): FlowLog {
    return this.#telemetry.flow
  }

  /** What the run's warnings look at (cheap: read every snapshot while the run is live). */
  health(): RunHealth {
    return {
      labId: this.labId,
      settings: this.settings,
      workers: this.#workers(),
      cut: linkCut(this.#link),
      inFlight: this.#dispatcher.inFlight,
      unsettled: this.#ledger.n - this.#ledger.settled,
      quietForMs: this.quietForMs,
      redisStatus: this.#o.redis.status
    }
  }

  /** The engine's CURVE public key when the work endpoint uses CURVE; null when it is plain. */
  get curveServerKey(): string | null {
    const work = this.#o.curve.work
    return work.on ? work.keys.publicKey : null
  }

  /** Where hand-started workers send telemetry; null without a telemetry socket. */
  get telemetryEndpoint(): string | null {
    return this.#socket?.endpoint ?? null
  }

  /** Ms since the last ack (or since dispatching began) while the run is dispatching. */
  get quietForMs(): number {
    if (this.#status !== 'running') return 0
    return Date.now() - Math.max(this.#lastAckAt, this.#startedAt)
  }

  /**
   * Starts the managed workers and waits until they are ready; the dispatcher begins once a
   * worker (managed or external) is connected to the endpoint.
   */
  async launch(): Promise<void> {
    const { settings } = this
    this.#pool.add(settings.workers, {
      workMs: settings.workMs,
      crashAt: settings.crashAt ?? null,
      crashEvery: settings.crashEvery,
      concurrency: settings.workerConcurrency
    })
    await this.#pool.waitReady()
    this.#o.emit(
      'run-starting',
      'info',
      `run ${this.labId}: ${settings.messages} epochs, ${settings.semantics}, ${settings.workers} worker(s) on ${settings.endpoint}`,
      {
        labId: this.labId,
        semantics: settings.semantics,
        messages: settings.messages,
        workers: settings.workers,
        endpoint: settings.endpoint
      }
    )
    void this.#begin()
  }

  /** Applies one fault (link, Redis, dispatcher). */
  async fault(action: DispatchFaultAction): Promise<void> {
    this.#series.markFault()
    await applyFault(
      { faults: this.#faults, dispatcher: this.#dispatcher, link: this.#link },
      action
    )
  }

  /** Applies one worker action to the managed workers. */
  worker(action: DispatchWorkerAction): Promise<void> {
    if (action.action !== 'add' && action.action !== 'resume') this.#series.markFault()
    return applyWorkerAction(this.#pool, this.settings, action)
  }

  /** Shows the dedup page from `from` (empty until the next read from Redis). */
  setDedupFrom(from: number): void {
    this.#dedup = { from, items: [] }
    void this.#refreshDedup()
  }

  toInfo(
    status: DispatchStatus,
    page: DispatchPage,
    view: Omit<DispatchFlowView, 'type'>
  ): DispatchInfo {
    return runInfo({
      status,
      labId: this.labId,
      settings: this.settings,
      curveServerKey: this.curveServerKey,
      redis: this.#o.redis,
      startedAt: this.#startedAt,
      endedAt: this.#endedAt,
      ledger: this.#ledger,
      dispatcher: this.#dispatcher,
      link: linkInfo(this.#link, this.#o.rejects.toInfo()),
      workers: this.#workers(),
      page,
      dedup: this.#dedup,
      series: this.#series.toInfo(),
      redisRestarts: this.#faults.restarts,
      result: this.#check(),
      context: this.#context(this.#report !== null),
      flow: this.#telemetry.flow.toInfo(view.selected, view.until),
      report: this.#report
    })
  }

  /**
   * Ends the run: waits until nothing moves (`settledNormally`), reads the effects hash, waits for
   * the telemetry behind it, checks, builds the report, resolves `settled`. Runs once.
   */
  finish(settledNormally: boolean): Promise<DispatchReport> {
    this.#finishing ??= (async (): Promise<DispatchReport> => {
      this.#status = 'settling'
      this.#stoppedEarly = !settledNormally
      if (settledNormally) await quiesce(this.#link, this.#pool, this.#telemetry)
      await this.#faults.idle
      this.#dispatcher.stop()
      this.#endedAt = Date.now()
      const notes: string[] = []
      try {
        await this.#readEffects()
        await catchUpTelemetry(
          this.#ledger,
          this.#telemetry,
          this.#pool,
          this.#crashTimes,
          () => this.#readEffects(),
          { settledNormally, telemetrySocket: this.#socket !== null }
        )
      } catch (err) {
        notes.push(
          `could not read the effects hash (${(err as Error).message}); executions are the workers' own reports`
        )
      }
      const report = buildReport({
        settings: this.settings,
        labId: this.labId,
        ledger: this.#ledger,
        context: this.#context(true),
        startedAt: this.#startedAt,
        endedAt: this.#endedAt,
        lastAckAt: this.#lastAckAt,
        dedupLost: this.#faults.dedupLost,
        effectsLost: this.#faults.effectsLost,
        redisRestarts: this.#faults.restarts,
        persistence: this.#o.redis.toInfo().persistence,
        paused: this.#workers()
          .filter((w) => w.state === 'paused')
          .map((w) => w.id),
        dispatcher: dispatcherInfo(this.#dispatcher, this.settings.durableDispatcher),
        link: linkInfo(this.#link, this.#o.rejects.toInfo()),
        workers: this.#workers(),
        notes
      })
      this.#report = report
      this.#liveCheck = null
      this.#clearTimers()
      this.#status = 'done'
      traceVerdict(report, this.#o.emit)
      this.#resolveSettled(report)
      return report
    })()
    return this.#finishing
  }

  /** Releases the run's processes and sockets (its report stays readable). Idempotent. */
  teardown(): Promise<void> {
    this.#teardown ??= this.#release()
    return this.#teardown
  }

  async #release(): Promise<void> {
    this.#closed = true
    this.#clearTimers()
    this.#dispatcher.stop()
    const results = await Promise.allSettled([
      this.#pool.close(),
      this.#link.close(),
      this.#faults.idle
    ])
    this.#socket?.close()
    for (const r of results) {
      if (r.status === 'rejected')
        this.#o.emit('teardown-error', 'warn', `cleanup: ${String(r.reason)}`)
    }
  }

  /** The dispatcher starts once someone is there to receive (external workers may come later). */
  async #begin(): Promise<void> {
    const { settings } = this
    if (settings.workers === 0) {
      this.#o.emit('waiting', 'info', `waiting for external workers on ${settings.endpoint}`, {
        endpoint: settings.endpoint
      })
    }
    await this.#link.waitForPeer()
    if (this.#closed || this.#finishing) return
    this.#status = 'running'
    this.#startedAt = Date.now()
    this.#dispatcher.start()
    this.#o.emit('run-started', 'info', `dispatching ${settings.messages} epochs`, {
      labId: this.labId
    })
  }

  #onAck(latency: number): void {
    this.#lastAckAt = Date.now()
    this.#series.ack(latency)
    this.#faults.afterAck()
    const at = this.settings.dispatcherCrashAtAcks
    if (at && !this.#dispatcherCrashScripted && this.#ledger.acked >= at) {
      this.#dispatcherCrashScripted = true
      // Not from inside the receive loop that delivers this ack: the crash closes its socket.
      setImmediate(
        () =>
          void crashAndRestart(this.#dispatcher, at, this.#o.emit, () =>
            Boolean(this.#closed || this.#finishing)
          )
      )
    }
  }

  /** Managed workers first, then the hand-started ones, DISPATCH_WORKERS_MAX in all. */
  #workers(): DispatchWorkerInfo[] {
    const managed = this.#pool.toInfo(DISPATCH_WORKERS_MAX)
    return managed.concat(this.#telemetry.externals(DISPATCH_WORKERS_MAX - managed.length))
  }

  #check(): CheckResult {
    const now = Date.now()
    const cached = this.#liveCheck
    if (cached && (this.#report || now - cached.at < LIVE_CHECK_MAX_AGE_MS)) return cached.result
    const result = check(this.#ledger, this.#context(this.#report !== null), DISPATCH_INFO_LIST_MAX)
    this.#liveCheck = { at: now, result }
    return result
  }

  #context(final: boolean): CheckContext {
    return {
      semantics: this.settings.semantics,
      final,
      stopped: this.#stoppedEarly,
      dedupLost: this.#faults.dedupLost,
      crashTimes: this.#crashTimes,
      timeoutMs: this.settings.timeoutMs
    }
  }

  #readEffects(): Promise<void> {
    return readEffects(this.#o.client, this.#keys, this.#ledger, this.#faults.effectsLost)
  }

  async #refreshDedup(): Promise<void> {
    const client = this.#o.client
    if (client.status !== 'ready' || this.#closed) return
    const from = this.#dedup.from
    try {
      const page = await readDedupPage(client, this.#keys, from, this.#ledger.n)
      if (!this.#closed && this.#dedup.from === from) this.#dedup = page
    } catch {
      // Redis down or restarting: keep the last page; the next tick tries again.
    }
  }

  #clearTimers(): void {
    for (const t of this.#timers) clearInterval(t)
    this.#timers = []
  }
}
