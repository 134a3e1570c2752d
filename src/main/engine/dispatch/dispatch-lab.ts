import { randomBytes } from 'node:crypto'
import type { Redis } from 'ioredis'
import { Pull } from 'zeromq'
import { CommandError, ErrorCode, type TraceData, type TraceLevel } from '@shared/contract'
import {
  DISPATCH_INFO_LIST_MAX,
  DISPATCH_SERIES_MAX,
  DISPATCH_WORKERS_MAX,
  DispatchSettingsSchema,
  LINK_DIRECTIONS,
  type DispatchFaultAction,
  type DispatchInfo,
  type DispatchPage,
  type DispatchReport,
  type DispatchSettings,
  type DispatchSettingsInput,
  type DispatchStatus,
  type DispatchWorkerAction,
  type DispatchWorkerInfo,
  type LinkDirection,
  type LinkTarget
} from '@shared/contract/dispatch'
import type { RedisHost } from '../redis/redis-host'
import {
  check,
  epochOk,
  GUARANTEE,
  percentiles,
  type CheckContext,
  type CheckResult
} from './checker'
import { Dispatcher } from './dispatcher'
import { EpochFlag, EpochLedger, EpochState } from './epoch-ledger'
import { FaultLink, type FaultKind } from './fault-link'
import { dispatchKeys, type DispatchKeys } from './keys'
import type { RejectReason } from './protocol'
import { Outcome, parseTelemetry, Rec, RECORD_FIELDS, type TelemetryBatch } from './telemetry'
import { WorkerPool } from './worker-pool'

/** Rejections and other bursty events are summarised in the trace at most this often. */
const LAB_TRACE_INTERVAL_MS = 100
/** Chart series cadence. */
const SERIES_INTERVAL_MS = 1_000
/** Latency samples kept per series point (reservoir), for its p50/p99. */
const SERIES_LATENCY_SAMPLES_MAX = 2_000
/** The dedup page is re-read from Redis this often while a run is live. */
const DEDUP_REFRESH_MS = 500
/** Marks per dedup page. */
const DEDUP_PAGE_SIZE = 100
/** The live verdict is recomputed at most this often (it walks every epoch). */
const LIVE_CHECK_MAX_AGE_MS = 250
/** Worker crash instants kept for the checker. */
const CRASH_TIMES_MAX = 10_000
/** After the last epoch settles, wait until nothing moved for this long before reading effects. */
const QUIET_MS = 150
/** … but never longer than this in total. */
const QUIESCE_MAX_MS = 5_000
/** Re-reads of the effects hash while telemetry lags behind it at the end of a run. */
const TELEMETRY_CATCH_UP_TRIES = 5
/** External (hand-started) workers listed at most. */
const EXTERNAL_WORKERS_MAX = 32
/** Most distinct reject reasons counted (a hostile peer cannot grow the map). */
const REJECT_REASONS_MAX = 16

export type DispatchEmit = (
  type: string,
  level: TraceLevel,
  message: string,
  data?: TraceData
) => void

export interface DispatchLabOptions {
  /** The engine's Redis (started). Workers get its secret URL; faults restart it. */
  redis: RedisHost
  /** Trace sink: the engine's `#emit` with source `dispatch`. */
  emit: DispatchEmit
  /** Bind a ZeroMQ PULL for telemetry from hand-started workers (`flowlab worker --telemetry`). */
  telemetryEndpoint?: string
}

interface Run {
  settings: DispatchSettings
  labId: string
  keys: DispatchKeys
  ledger: EpochLedger
  link: FaultLink
  pool: WorkerPool
  dispatcher: Dispatcher
  telemetry: Pull | null
  telemetryEndpoint: string | null
  startedAt: number
  endedAt: number | null
  timers: NodeJS.Timeout[]
  crashTimes: number[]
  dedupLost: boolean
  /** Redis was killed without persistence: executions before it are missing from the hash. */
  effectsLost: boolean
  redisRestarts: number
  restartTriggered: boolean
  redisOp: Promise<void>
  lastTelemetryAt: number
  /** Wall-clock ms of the latest ack (throughput is measured up to it). */
  lastAckAt: number
  report: DispatchReport | null
  settled: Promise<DispatchReport>
  resolveSettled: (report: DispatchReport) => void
  finishing: Promise<DispatchReport> | null
  externals: Map<string, DispatchWorkerInfo>
  series: DispatchInfo['series']
  seriesAcks: number
  seriesLatencies: number[]
  seriesSeen: number
  dedupPage: DispatchInfo['dedup']
  liveCheck: { at: number; result: CheckResult } | null
}

/**
 * The Dispatch lab: dispatcher, FaultLink, managed workers and checker for one run at a time.
 * The seam the engine root, the CLI (`flowlab run`) and the bench use.
 *
 * Lifecycle: `start(settings)` (throws if a run is live) → faults and worker actions →
 * `waitForSettled()` resolves with the report when every epoch is acked or given up →
 * `stop()` ends the run (kills its workers) → `start()` again, or `close()` (idempotent).
 */
export class DispatchLab {
  readonly #redis: RedisHost
  readonly #emit: DispatchEmit
  readonly #telemetryBind: string | undefined
  #status: DispatchStatus = 'idle'
  #run: Run | null = null
  #client: Redis | null = null
  #page: DispatchPage = { type: 'dispatch:page', epochFrom: 1, violationsOnly: false, dedupFrom: 1 }
  readonly #rejected = new Map<string, number>()
  #rejectedTotal = 0
  #rejectPending = 0
  #rejectLast = ''
  #traceTimer: NodeJS.Timeout | null = null
  #closing: Promise<void> | null = null
  #starting = false

  constructor(opts: DispatchLabOptions) {
    this.#redis = opts.redis
    this.#emit = opts.emit
    this.#telemetryBind = opts.telemetryEndpoint
  }

  get status(): DispatchStatus {
    return this.#status
  }

  /** Lab id, public endpoint and telemetry endpoint of the live run (null before one). */
  get endpoints(): { labId: string; endpoint: string; telemetry: string | null } | null {
    const run = this.#run
    return run
      ? { labId: run.labId, endpoint: run.settings.endpoint, telemetry: run.telemetryEndpoint }
      : null
  }

  /**
   * Starts a run: cleans the lab's keys, binds the FaultLink, starts the workers and waits until
   * they are ready; the dispatcher begins once a worker is connected to the endpoint.
   * @throws CommandError `invalid_state` while a run is live; `invalid_command` for bad settings
   * or a taken endpoint; `redis_unavailable` / `redis_not_managed` when Redis cannot serve it.
   */
  async start(input: DispatchSettingsInput): Promise<DispatchInfo> {
    if (this.#closing) throw new CommandError(ErrorCode.Closed, 'the Dispatch lab is closed')
    if (this.#starting || (this.#run && !this.#run.report && this.#status !== 'stopped')) {
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
    const settings = parsed.data
    this.#starting = true
    try {
      await this.#teardown()
      return await this.#start(settings)
    } finally {
      this.#starting = false
    }
  }

  async #start(settings: DispatchSettings): Promise<DispatchInfo> {
    const redisUrl = this.#redis.secretUrl
    if (this.#redis.status !== 'up' || !redisUrl) {
      throw new CommandError(
        ErrorCode.RedisUnavailable,
        `Redis is ${this.#redis.status}; the Dispatch lab needs it`
      )
    }
    if (
      !this.#redis.managed &&
      (settings.redisRestartAtAcks || settings.persistence !== undefined)
    ) {
      throw new CommandError(
        ErrorCode.RedisNotManaged,
        'Redis restarts and persistence changes need the Redis Flowlab manages, not REDIS_URL'
      )
    }
    if (
      settings.persistence !== undefined &&
      settings.persistence !== this.#redis.toInfo().persistence
    ) {
      await this.#redis.setPersistence(settings.persistence)
    }
    this.#client ??= this.#redis.createClient('dispatch')
    const labId = settings.labId ?? randomBytes(4).toString('hex')
    const keys = dispatchKeys(labId)
    await this.#cleanKeys(keys)
    const ledger = new EpochLedger(settings.messages)
    this.#status = 'starting'
    this.#rejected.clear()
    this.#rejectedTotal = 0
    let resolveSettled: (report: DispatchReport) => void = () => undefined
    const settled = new Promise<DispatchReport>((resolve) => (resolveSettled = resolve))
    const link = new FaultLink({
      frontend: `inproc://flowlab-dispatch-${labId}-${randomBytes(4).toString('hex')}`,
      endpoint: settings.endpoint,
      onFault: (direction, kind, epoch) => this.#onFault(ledger, direction, kind, epoch),
      onReject: (reason, detail) => this.#reject(reason, detail),
      onTrace: (type, level, message, data) => this.#emit(type, level, message, data),
      onError: (err) => this.#emit('link-error', 'error', `link: ${err.message}`)
    })
    try {
      await link.start()
    } catch (err) {
      this.#status = 'error'
      throw new CommandError(ErrorCode.InvalidCommand, (err as Error).message)
    }
    const run: Run = {
      settings,
      labId,
      keys,
      ledger,
      link,
      pool: null as unknown as WorkerPool,
      dispatcher: null as unknown as Dispatcher,
      telemetry: null,
      telemetryEndpoint: null,
      startedAt: Date.now(),
      endedAt: null,
      timers: [],
      crashTimes: [],
      dedupLost: false,
      effectsLost: false,
      redisRestarts: 0,
      restartTriggered: false,
      redisOp: Promise.resolve(),
      lastTelemetryAt: 0,
      lastAckAt: 0,
      report: null,
      settled,
      resolveSettled,
      finishing: null,
      externals: new Map(),
      series: [],
      seriesAcks: 0,
      seriesLatencies: [],
      seriesSeen: 0,
      dedupPage: { from: this.#page.dedupFrom, items: [] },
      liveCheck: null
    }
    this.#run = run
    for (const direction of LINK_DIRECTIONS) {
      const rule = direction === 'to-worker' ? settings.toWorker : settings.toDispatcher
      if (rule) link.setRule(direction, rule)
    }
    run.pool = new WorkerPool({
      endpoint: settings.endpoint,
      redisUrl,
      labId,
      onBatch: (batch) => this.#onBatch(run, batch),
      onCrash: (_id, epoch) => {
        if (run.crashTimes.length < CRASH_TIMES_MAX) run.crashTimes.push(Date.now())
        if (epoch !== null) ledger.flag(epoch, EpochFlag.CrashedHolding)
      },
      onEvent: (type, level, message, data) => this.#emit(type, level, message, data)
    })
    run.dispatcher = new Dispatcher({
      labId,
      settings,
      ledger,
      keys,
      frontend: link.frontend,
      redis: this.#client,
      onAck: (epoch, latency) => this.#onAck(run, epoch, latency),
      onReject: (reason, detail) => this.#reject(reason, detail),
      onTrace: (type, level, message, data) => this.#emit(type, level, message, data),
      onError: (err) => this.#emit('dispatcher-error', 'error', `dispatcher: ${err.message}`),
      onSettled: () => void this.#finish(run, true)
    })
    await this.#bindTelemetry(run)
    if (!this.#traceTimer) {
      this.#traceTimer = setInterval(() => this.#summariseRejects(), LAB_TRACE_INTERVAL_MS)
      this.#traceTimer.unref()
    }
    run.timers.push(setInterval(() => this.#sample(run), SERIES_INTERVAL_MS))
    if (settings.semantics.startsWith('exactly-once')) {
      run.timers.push(setInterval(() => void this.#refreshDedup(run), DEDUP_REFRESH_MS))
    }
    for (const t of run.timers) t.unref()
    run.pool.add(settings.workers, {
      workMs: settings.workMs,
      crashAt: settings.crashAt ?? null,
      crashEvery: settings.crashEvery,
      concurrency: settings.workerConcurrency
    })
    await run.pool.waitReady()
    this.#emit(
      'run-starting',
      'info',
      `run ${labId}: ${settings.messages} epochs, ${settings.semantics}, ${settings.workers} worker(s) on ${settings.endpoint}`,
      {
        labId,
        semantics: settings.semantics,
        messages: settings.messages,
        workers: settings.workers,
        endpoint: settings.endpoint
      }
    )
    void this.#begin(run)
    return this.toInfo()
  }

  /** The dispatcher starts once someone is there to receive (external workers may come later). */
  async #begin(run: Run): Promise<void> {
    if (run.settings.workers === 0) {
      this.#emit('waiting', 'info', `waiting for external workers on ${run.settings.endpoint}`, {
        endpoint: run.settings.endpoint
      })
    }
    await run.link.waitForPeer()
    if (this.#run !== run || run.finishing) return
    this.#status = 'running'
    run.startedAt = Date.now()
    run.dispatcher.start()
    this.#emit('run-started', 'info', `dispatching ${run.settings.messages} epochs`, {
      labId: run.labId
    })
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

  /** Ends the run (verdict over what happened so far) and kills its workers. */
  async stop(): Promise<DispatchReport | null> {
    const run = this.#run
    if (!run) return null
    const report = await this.#finish(run, false)
    await this.#teardown()
    this.#status = 'stopped'
    return report
  }

  /** Stops any run and releases everything (workers, sockets, Redis connection). Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async (): Promise<void> => {
      const run = this.#run
      if (run && !run.report) await this.#finish(run, false).catch(() => undefined)
      await this.#teardown().catch(() => undefined)
      if (this.#traceTimer) clearInterval(this.#traceTimer)
      this.#traceTimer = null
      this.#client?.disconnect()
      this.#client = null
      if (this.#status !== 'idle') this.#status = 'stopped'
    })()
    return this.#closing
  }

  /** Applies one fault (link, Redis, dispatcher). */
  async fault(action: DispatchFaultAction): Promise<void> {
    const run = this.#requireRun()
    switch (action.kind) {
      case 'rule':
        for (const d of directions(action.direction)) {
          run.link.setRule(d, {
            dropP: action.dropP,
            delayMs: action.delayMs,
            jitterMs: action.jitterMs,
            duplicateP: action.duplicateP
          })
        }
        return
      case 'drop-next':
        for (const d of directions(action.direction)) run.link.dropNext(d, action.count)
        return
      case 'cut':
      case 'heal':
        for (const d of directions(action.direction)) run.link.setCut(d, action.kind === 'cut')
        return
      case 'clear':
        for (const d of directions(action.direction)) run.link.clear(d)
        return
      case 'redis-kill':
        await this.#redisOp(run, async () => {
          // A killed server without AOF comes back empty: marks and effects so far are gone.
          if (this.#redis.managed && !this.#redis.toInfo().persistence) {
            run.dedupLost = true
            run.effectsLost = true
          }
          await this.#redis.kill()
        })
        return
      case 'redis-restart':
        await this.#restartRedis(run, action.persistence)
        return
      case 'dispatcher-crash':
        this.#guard(() => run.dispatcher.crash())
        return
      case 'dispatcher-restart':
        try {
          await run.dispatcher.restart()
        } catch (err) {
          throw new CommandError(ErrorCode.InvalidState, (err as Error).message)
        }
        return
    }
  }

  /** Applies one worker action. */
  async worker(action: DispatchWorkerAction): Promise<void> {
    const run = this.#requireRun()
    const pool = run.pool
    try {
      switch (action.action) {
        case 'crash':
          pool.crash(action.workerId)
          return
        case 'crash-at':
          pool.crashAt(action.workerId, action.point, action.every)
          return
        case 'pause':
          pool.pause(action.workerId)
          return
        case 'resume':
          pool.resume(action.workerId)
          return
        case 'slow':
          pool.slow(action.workerId, action.workMs)
          return
        case 'restart':
          await pool.restart(action.workerId)
          return
        case 'add': {
          const s = run.settings
          pool.add(action.count, {
            workMs: s.workMs,
            crashAt: null,
            crashEvery: 0,
            concurrency: s.workerConcurrency
          })
          return
        }
        case 'remove':
          await pool.remove(action.workerId)
          return
      }
    } catch (err) {
      if (err instanceof CommandError) throw err
      throw new CommandError(ErrorCode.InvalidState, (err as Error).message)
    }
  }

  /** Chooses the page of the per-epoch and dedup tables that `toInfo()` carries. */
  setPage(page: Omit<DispatchPage, 'type'> & { type?: 'dispatch:page' }): void {
    this.#page = { ...page, type: 'dispatch:page' }
    if (this.#run) {
      this.#run.dedupPage = { from: page.dedupFrom, items: [] }
      void this.#refreshDedup(this.#run)
    }
  }

  /** Bounded plain-JSON view for the UI (well under 256 KB whatever the run size). */
  toInfo(): DispatchInfo {
    const run = this.#run
    const max = DISPATCH_INFO_LIST_MAX
    const emptyDir = {
      rule: { dropP: 0, delayMs: 0, jitterMs: 0, duplicateP: 0, dropNext: 0, cut: false },
      counters: {
        forwarded: 0,
        dropped: 0,
        droppedNext: 0,
        droppedCut: 0,
        delayed: 0,
        duplicated: 0
      }
    }
    const rejected = { total: this.#rejectedTotal, byReason: Object.fromEntries(this.#rejected) }
    if (!run) {
      return {
        status: this.#status,
        labId: null,
        endpoint: null,
        redisUrl: this.#redis.url,
        settings: null,
        startedAt: null,
        elapsedMs: 0,
        progress: { messages: 0, acked: 0, givenUp: 0, settled: 0, inFlight: 0 },
        collections: {
          msgs: { count: 0, items: [] },
          sentMsgs: { count: 0, items: [] },
          rcvdMsgs: { count: 0, items: [] }
        },
        dispatcher: {
          state: 'stopped',
          durable: false,
          sends: 0,
          resends: 0,
          acks: 0,
          lateAcks: 0,
          crashes: 0
        },
        workers: [],
        link: { toWorker: emptyDir, toDispatcher: emptyDir, rejected },
        epochs: { total: 0, from: 1, violationsOnly: false, items: [] },
        dedup: { from: 1, items: [] },
        series: [],
        redis: { restarts: 0, persistence: this.#redis.toInfo().persistence },
        verdict: {
          state: 'pending',
          guarantee: '',
          counts: { zero: 0, once: 0, many: 0 },
          violations: { total: 0, items: [] },
          byCause: {}
        }
      }
    }
    const { ledger, settings } = run
    const result = this.#liveCheck(run)
    const report = run.report
    return {
      status: this.#status,
      labId: run.labId,
      endpoint: settings.endpoint,
      redisUrl: this.#redis.url,
      settings,
      startedAt: run.startedAt,
      elapsedMs: (run.endedAt ?? Date.now()) - run.startedAt,
      progress: {
        messages: ledger.n,
        acked: ledger.acked,
        givenUp: ledger.givenUp,
        settled: ledger.settled,
        inFlight: run.dispatcher.inFlight
      },
      collections: run.dispatcher.collections(max),
      dispatcher: this.#dispatcherInfo(run),
      workers: this.#workersInfo(run),
      link: {
        toWorker: run.link.toInfo('to-worker'),
        toDispatcher: run.link.toInfo('to-dispatcher'),
        rejected
      },
      epochs: this.#epochPage(run, max),
      dedup: run.dedupPage,
      series: run.series.slice(-DISPATCH_SERIES_MAX),
      redis: { restarts: run.redisRestarts, persistence: this.#redis.toInfo().persistence },
      verdict: {
        state: report ? report.verdict : 'pending',
        guarantee: GUARANTEE[settings.semantics],
        counts: result.counts,
        violations: { total: result.total, items: result.violations.slice(0, max) },
        byCause: result.byCause
      }
    }
  }

  // ───────────────────────────── internals ─────────────────────────────

  #requireRun(): Run {
    const run = this.#run
    if (!run || this.#status === 'stopped') {
      throw new CommandError(ErrorCode.InvalidState, 'no dispatch run is live; start one first')
    }
    return run
  }

  #guard(fn: () => void): void {
    try {
      fn()
    } catch (err) {
      throw new CommandError(ErrorCode.InvalidState, (err as Error).message)
    }
  }

  #dispatcherInfo(run: Run): DispatchInfo['dispatcher'] {
    const s = run.dispatcher.stats
    return {
      state: run.dispatcher.state,
      durable: run.settings.durableDispatcher,
      sends: s.sends,
      resends: s.resends,
      acks: s.acks,
      lateAcks: s.lateAcks,
      crashes: s.crashes
    }
  }

  #workersInfo(run: Run): DispatchWorkerInfo[] {
    const managed = run.pool.toInfo(DISPATCH_WORKERS_MAX)
    return managed.concat(
      [...run.externals.values()].slice(0, DISPATCH_WORKERS_MAX - managed.length)
    )
  }

  #liveCheck(run: Run): CheckResult {
    const now = Date.now()
    if (run.liveCheck && (run.report || now - run.liveCheck.at < LIVE_CHECK_MAX_AGE_MS))
      return run.liveCheck.result
    const result = check(
      run.ledger,
      this.#context(run, run.report !== null),
      DISPATCH_INFO_LIST_MAX
    )
    run.liveCheck = { at: now, result }
    return result
  }

  #context(run: Run, final: boolean): CheckContext {
    return {
      semantics: run.settings.semantics,
      final,
      dedupLost: run.dedupLost,
      crashTimes: run.crashTimes,
      timeoutMs: run.settings.timeoutMs
    }
  }

  #epochPage(run: Run, max: number): DispatchInfo['epochs'] {
    const { ledger, settings } = run
    const final = run.report !== null
    const items: DispatchInfo['epochs']['items'] = []
    const from = Math.min(Math.max(1, this.#page.epochFrom), Math.max(1, ledger.n))
    for (let e = from; e <= ledger.n && items.length < max; e++) {
      const executions = ledger.executionsOf(e)
      const ok = epochOk(settings.semantics, executions, final)
      if (this.#page.violationsOnly && ok) continue
      const st = ledger.state[e]
      items.push({
        epoch: e,
        attempts: ledger.attempts[e] as number,
        deliveries: ledger.deliveriesOf(e),
        executions,
        state:
          st === EpochState.Acked
            ? 'acked'
            : st === EpochState.GivenUp
              ? 'given-up'
              : st === EpochState.Sent
                ? 'sent'
                : 'queued',
        ok
      })
    }
    return { total: ledger.n, from, violationsOnly: this.#page.violationsOnly, items }
  }

  #onFault(ledger: EpochLedger, direction: LinkDirection, kind: FaultKind, epoch: number): void {
    if (epoch < 0) return
    const toWorker = direction === 'to-worker'
    switch (kind) {
      case 'dropped':
      case 'dropped-next':
        ledger.flag(epoch, toWorker ? EpochFlag.DroppedToWorker : EpochFlag.DroppedToDispatcher)
        return
      case 'dropped-cut':
        ledger.flag(epoch, toWorker ? EpochFlag.CutToWorker : EpochFlag.CutToDispatcher)
        return
      case 'duplicated':
        if (toWorker) ledger.flag(epoch, EpochFlag.DuplicatedToWorker)
        return
      case 'delayed':
        ledger.flag(epoch, EpochFlag.Delayed)
        return
    }
  }

  #onBatch(run: Run, batch: TelemetryBatch): void {
    run.lastTelemetryAt = Date.now()
    const { ledger } = run
    const r = batch.records
    for (let i = 0; i < r.length; i += RECORD_FIELDS) {
      const epoch = r[i + Rec.Epoch] as number
      const outcome = r[i + Rec.Outcome] as number
      ledger.delivery(
        epoch,
        r[i + Rec.Start] as number,
        r[i + Rec.End] as number,
        r[i + Rec.Executed] === 1
      )
      if (outcome === Outcome.CrashAfterWork)
        ledger.flag(epoch, EpochFlag.CrashAfterWork | EpochFlag.CrashedHolding)
      else if (outcome >= Outcome.CrashBeforeWork) ledger.flag(epoch, EpochFlag.CrashedHolding)
    }
    if (batch.rejected > 0)
      for (let i = 0; i < batch.rejected; i++)
        this.#reject('worker-rejected', `worker ${batch.id} rejected a request`)
  }

  /** Telemetry from workers that are not our children (any id the pool does not know). */
  #onExternalBatch(run: Run, batch: TelemetryBatch): void {
    let info = run.externals.get(batch.id)
    if (!info) {
      if (run.externals.size >= EXTERNAL_WORKERS_MAX) {
        this.#onBatch(run, batch)
        return
      }
      info = {
        id: batch.id,
        pid: batch.pid,
        state: 'idle',
        epoch: null,
        deliveries: 0,
        executions: 0,
        duplicates: 0,
        crashes: 0,
        restarts: 0,
        workMs: 0,
        crashAt: null,
        crashEvery: 0
      }
      run.externals.set(batch.id, info)
      this.#emit(
        'worker-external',
        'info',
        `external worker ${batch.id} (pid ${batch.pid}) reports telemetry`,
        { worker: batch.id }
      )
    }
    info.pid = batch.pid
    info.state = batch.state
    info.epoch = batch.epoch
    for (let i = 0; i < batch.records.length; i += RECORD_FIELDS) {
      info.deliveries++
      if (batch.records[i + Rec.Executed] === 1) info.executions++
      if (batch.records[i + Rec.Outcome] === Outcome.Duplicate) info.duplicates++
    }
    this.#onBatch(run, batch)
  }

  async #bindTelemetry(run: Run): Promise<void> {
    if (this.#telemetryBind === undefined) return
    const pull = new Pull({ linger: 0, receiveHighWaterMark: 1_000 })
    try {
      await pull.bind(this.#telemetryBind)
    } catch (err) {
      pull.close()
      this.#emit(
        'telemetry-error',
        'warn',
        `cannot bind telemetry on ${this.#telemetryBind}: ${(err as Error).message}`
      )
      return
    }
    run.telemetry = pull
    run.telemetryEndpoint = pull.lastEndpoint
    void (async (): Promise<void> => {
      for await (const [msg] of pull) {
        let value: unknown
        try {
          value = JSON.parse((msg as Buffer).toString('utf8'))
        } catch {
          this.#reject('telemetry', 'telemetry frame is not JSON')
          continue
        }
        const parsed = parseTelemetry(value)
        if (!parsed) {
          this.#reject('telemetry', 'telemetry message of the wrong shape')
          continue
        }
        if (parsed.t === 'batch' && this.#run === run) this.#onExternalBatch(run, parsed)
      }
    })().catch(() => undefined)
  }

  #onAck(run: Run, _epoch: number, latency: number): void {
    run.lastAckAt = Date.now()
    run.seriesAcks++
    run.seriesSeen++
    if (run.seriesLatencies.length < SERIES_LATENCY_SAMPLES_MAX) run.seriesLatencies.push(latency)
    else {
      const j = Math.floor(Math.random() * run.seriesSeen)
      if (j < SERIES_LATENCY_SAMPLES_MAX) run.seriesLatencies[j] = latency
    }
    const at = run.settings.redisRestartAtAcks
    if (at && !run.restartTriggered && run.ledger.acked >= at) {
      run.restartTriggered = true
      void this.#restartRedis(run, undefined).catch((err: unknown) =>
        this.#emit(
          'redis-restart-failed',
          'error',
          `Redis restart failed: ${(err as Error).message}`
        )
      )
    }
  }

  #sample(run: Run): void {
    const lat = Float32Array.from(run.seriesLatencies)
    const [p50, p99] = percentiles(lat, [50, 99])
    run.series.push({
      t: Date.now(),
      msgsPerSec: (run.seriesAcks * 1_000) / SERIES_INTERVAL_MS,
      p50Ms: p50 ?? 0,
      p99Ms: p99 ?? 0
    })
    if (run.series.length > DISPATCH_SERIES_MAX) run.series.shift()
    run.seriesAcks = 0
    run.seriesLatencies = []
    run.seriesSeen = 0
  }

  async #refreshDedup(run: Run): Promise<void> {
    const client = this.#client
    if (!client || client.status !== 'ready' || this.#run !== run) return
    const from = run.dedupPage.from
    const to = Math.min(run.ledger.n, from + DEDUP_PAGE_SIZE - 1)
    const pipe = client.pipeline()
    for (let e = from; e <= to; e++) {
      pipe.get(run.keys.done(e))
      pipe.pttl(run.keys.done(e))
    }
    try {
      const res = (await pipe.exec()) ?? []
      const items: DispatchInfo['dedup']['items'] = []
      for (let e = from, i = 0; e <= to; e++, i += 2) {
        const worker = res[i]?.[1]
        const ttl = res[i + 1]?.[1]
        if (typeof worker === 'string')
          items.push({ epoch: e, worker, ttlMs: typeof ttl === 'number' ? ttl : -1 })
      }
      if (this.#run === run && run.dedupPage.from === from) run.dedupPage = { from, items }
    } catch {
      // Redis down or restarting: keep the last page; the next tick tries again.
    }
  }

  #reject(
    reason: RejectReason | 'handshake' | 'worker-rejected' | 'telemetry',
    detail: string
  ): void {
    this.#rejectedTotal++
    if (this.#rejected.has(reason) || this.#rejected.size < REJECT_REASONS_MAX) {
      this.#rejected.set(reason, (this.#rejected.get(reason) ?? 0) + 1)
    }
    this.#rejectPending++
    this.#rejectLast = `${reason}: ${detail}`.slice(0, 200)
  }

  #summariseRejects(): void {
    if (this.#rejectPending === 0) return
    this.#emit(
      'rejected',
      'warn',
      `${this.#rejectPending} malformed frame(s) rejected (last: ${this.#rejectLast})`,
      {
        count: this.#rejectPending,
        total: this.#rejectedTotal
      }
    )
    this.#rejectPending = 0
  }

  /** Redis operations of one run are serialised (a restart must not interleave with a kill). */
  #redisOp(run: Run, op: () => Promise<void>): Promise<void> {
    const next = run.redisOp.then(op)
    run.redisOp = next.catch(() => undefined)
    return next
  }

  /**
   * Restarts the managed Redis. Without persistence the new server starts empty, so the effects so
   * far are saved first — under CLIENT PAUSE WRITE, so no execution slips between the snapshot and
   * the restart — and the checker adds them back (ground truth survives; the dedup marks do not).
   */
  #restartRedis(run: Run, persistence: boolean | undefined): Promise<void> {
    return this.#redisOp(run, async () => {
      if (!this.#redis.managed) {
        throw new CommandError(
          ErrorCode.RedisNotManaged,
          'only the Redis Flowlab manages can be restarted'
        )
      }
      if (persistence !== undefined) await this.#redis.setPersistence(persistence)
      const persistent = this.#redis.toInfo().persistence
      if (!persistent && this.#client && this.#redis.status === 'up') {
        await this.#client.call('CLIENT', 'PAUSE', '10000', 'WRITE')
        const saved = await this.#client.hgetall(run.keys.effects)
        const base = run.ledger.effectsBase ?? new Uint32Array(run.ledger.n + 1)
        for (const [field, value] of Object.entries(saved)) {
          const epoch = Number(field)
          if (run.ledger.has(epoch)) base[epoch] = (base[epoch] as number) + Number(value)
        }
        run.ledger.effectsBase = base
        run.dedupLost = true
      }
      this.#emit(
        'redis-restart',
        'warn',
        `restarting Redis ${persistent ? 'with' : 'WITHOUT'} persistence after ${run.ledger.acked} acks`,
        {
          acks: run.ledger.acked,
          persistence: persistent
        }
      )
      await this.#redis.restart()
      run.redisRestarts++
    })
  }

  /**
   * Ends a run: waits until nothing moves (`settledNormally`), reads the effects hash, checks,
   * builds the report, resolves `waitForSettled`. Runs once per run.
   */
  #finish(run: Run, settledNormally: boolean): Promise<DispatchReport> {
    run.finishing ??= (async (): Promise<DispatchReport> => {
      if (this.#run === run) this.#status = 'settling'
      if (settledNormally) await this.#quiesce(run)
      await run.redisOp
      run.dispatcher.stop()
      run.endedAt = Date.now()
      const notes: string[] = []
      try {
        await this.#readEffects(run)
        // An execution can land in Redis a moment before its telemetry batch reaches us (a late
        // duplicate of an already acked epoch): give telemetry a few short chances to catch up.
        for (
          let i = 0;
          i < TELEMETRY_CATCH_UP_TRIES && run.pool.size > 0 && behind(run.ledger);
          i++
        ) {
          await new Promise((resolve) => setTimeout(resolve, QUIET_MS))
          await this.#readEffects(run)
        }
      } catch (err) {
        notes.push(
          `could not read the effects hash (${(err as Error).message}); executions are the workers' own reports`
        )
      }
      const report = this.#buildReport(run, notes)
      run.report = report
      run.liveCheck = null
      for (const t of run.timers) clearInterval(t)
      run.timers = []
      if (this.#run === run && this.#status !== 'stopped') this.#status = 'done'
      this.#emit(
        'verdict',
        report.verdict === 'held' ? 'info' : 'warn',
        `${report.semantics}: guarantee ${report.verdict} (${report.counts.zero} lost, ${report.counts.once} once, ${report.counts.many} repeated; ${report.violations.length} violation(s))`,
        {
          verdict: report.verdict,
          violations: report.violations.length,
          zero: report.counts.zero,
          many: report.counts.many
        }
      )
      run.resolveSettled(report)
      return report
    })()
    return run.finishing
  }

  async #quiesce(run: Run): Promise<void> {
    const started = Date.now()
    for (;;) {
      const now = Date.now()
      if (now - started > QUIESCE_MAX_MS) return
      const busy =
        run.link.delayedInFlight > 0 ||
        run.pool
          .toInfo(DISPATCH_WORKERS_MAX)
          .some((w) => w.state === 'working' || w.state === 'starting')
      if (!busy && now - run.lastTelemetryAt >= QUIET_MS) return
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }

  async #readEffects(run: Run): Promise<void> {
    const client = this.#client
    if (!client) throw new Error('no Redis connection')
    const executions = new Uint32Array(run.ledger.n + 1)
    const base = run.ledger.effectsBase
    if (base) executions.set(base)
    let cursor = '0'
    do {
      const [next, fields] = await client.hscan(run.keys.effects, cursor, 'COUNT', 5_000)
      cursor = next
      for (let i = 0; i < fields.length; i += 2) {
        const epoch = Number(fields[i])
        if (run.ledger.has(epoch))
          executions[epoch] = (executions[epoch] as number) + Number(fields[i + 1])
      }
    } while (cursor !== '0')
    if (run.effectsLost) {
      // The hash forgot what ran before the kill; the workers' own reports are the best floor.
      for (let e = 1; e <= run.ledger.n; e++) {
        executions[e] = Math.max(
          executions[e] as number,
          run.ledger.telemetryExecutions[e] as number
        )
      }
    }
    run.ledger.executions = executions
  }

  #buildReport(run: Run, notes: string[]): DispatchReport {
    const { ledger, settings } = run
    const result = check(ledger, this.#context(run, true))
    const [p50, p99] = percentiles(ledger.latencyMs, [50, 99])
    const durationMs = Math.max(1, (run.endedAt ?? Date.now()) - run.startedAt)
    // From the first send to the last ack: the settling pause after it is not throughput.
    const ackSpanMs = run.lastAckAt > run.startedAt ? run.lastAckAt - run.startedAt : durationMs
    if (ledger.settled < ledger.n)
      notes.push(`the run was stopped with ${ledger.n - ledger.settled} epoch(s) unsettled`)
    if (run.dedupLost)
      notes.push('Redis restarted without persistence: the dedup marks written before it were lost')
    if (run.effectsLost) {
      notes.push(
        'Redis was killed without persistence and lost the effects hash; executions before the kill come from the workers’ telemetry'
      )
    }
    const paused = run.pool.toInfo(DISPATCH_WORKERS_MAX).filter((w) => w.state === 'paused')
    if (paused.length > 0)
      notes.push(
        `worker(s) ${paused.map((w) => w.id).join(', ')} were still paused; what they hold is not counted`
      )
    let telemetryExec = 0
    for (let e = 1; e <= ledger.n; e++) telemetryExec += ledger.telemetryExecutions[e] as number
    if (ledger.executions && telemetryExec > result.executions) {
      notes.push(
        `workers reported ${telemetryExec} executions but the effects hash holds ${result.executions}`
      )
    }
    const perEpoch = {
      deliveries: new Array<number>(ledger.n),
      executions: new Array<number>(ledger.n),
      attempts: new Array<number>(ledger.n)
    }
    for (let e = 1; e <= ledger.n; e++) {
      perEpoch.deliveries[e - 1] = ledger.deliveriesOf(e)
      perEpoch.executions[e - 1] = ledger.executionsOf(e)
      perEpoch.attempts[e - 1] = ledger.attempts[e] as number
    }
    return {
      semantics: settings.semantics,
      messages: ledger.n,
      labId: run.labId,
      verdict: result.total === 0 ? 'held' : 'violated',
      guarantee: GUARANTEE[settings.semantics],
      counts: result.counts,
      deliveries: result.deliveries,
      executions: result.executions,
      violations: result.violations,
      byCause: result.byCause,
      throughput: Math.round((ledger.acked * 1_000 * 100) / ackSpanMs) / 100,
      latency: { p50: p50 ?? 0, p99: p99 ?? 0 },
      durationMs,
      perEpoch,
      dispatcher: this.#dispatcherInfo(run),
      link: {
        toWorker: run.link.toInfo('to-worker'),
        toDispatcher: run.link.toInfo('to-dispatcher'),
        rejected: { total: this.#rejectedTotal, byReason: Object.fromEntries(this.#rejected) }
      },
      workers: this.#workersInfo(run),
      redis: { restarts: run.redisRestarts, persistence: this.#redis.toInfo().persistence },
      notes
    }
  }

  /** Releases the run's processes and sockets (its report stays readable). */
  async #teardown(): Promise<void> {
    const run = this.#run
    if (!run) return
    for (const t of run.timers) clearInterval(t)
    run.timers = []
    run.dispatcher?.stop()
    const results = await Promise.allSettled([run.pool?.close(), run.link.close(), run.redisOp])
    run.telemetry?.close()
    run.telemetry = null
    for (const r of results) {
      if (r.status === 'rejected')
        this.#emit('teardown-error', 'warn', `cleanup: ${String(r.reason)}`)
    }
  }

  /** Deletes what an earlier run with the same lab id left (effects, sent_msgs, marks). */
  async #cleanKeys(keys: DispatchKeys): Promise<void> {
    const client = this.#client
    if (!client) return
    await client.del(keys.effects, keys.sent)
    let cursor = '0'
    do {
      const [next, found] = await client.scan(
        cursor,
        'MATCH',
        `${keys.prefix}done:*`,
        'COUNT',
        5_000
      )
      cursor = next
      if (found.length > 0) await client.unlink(...found)
    } while (cursor !== '0')
  }
}

/** True when some epoch shows more executions in Redis than deliveries reported. */
function behind(ledger: EpochLedger): boolean {
  const executions = ledger.executions
  if (!executions) return false
  for (let e = 1; e <= ledger.n; e++) {
    if ((executions[e] as number) > ledger.deliveriesOf(e)) return true
  }
  return false
}

function directions(target: LinkTarget): LinkDirection[] {
  return target === 'both' ? ['to-worker', 'to-dispatcher'] : [target]
}
