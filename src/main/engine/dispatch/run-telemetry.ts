import { FlowLog } from './flow-log'
import type { DispatchWorkerInfo } from '@shared/contract/labs/dispatch'
import type { LabEmit } from '../lab'
import { EpochFlag, EpochState, type EpochLedger } from './epoch-ledger'
import type { RejectLog } from './reject-log'
import {
  Outcome,
  Rec,
  RECORD_FIELDS,
  TELEMETRY_FLUSH_MS,
  type TelemetryBatch,
  type TelemetryMessage
} from './telemetry'

/** External (hand-started) workers listed at most. */
const EXTERNAL_WORKERS_MAX = 32
/**
 * Records of deliveries acked this shortly before a worker crash may have died with the worker
 * (it batches every TELEMETRY_FLUSH_MS; a loaded machine stretches that).
 */
const CRASH_LOSS_WINDOW_MS = 20 * TELEMETRY_FLUSH_MS
/** Acks and crashes are both stamped by the engine's clock; this covers rounding only. */
const CLOCK_SLACK_MS = 5

/**
 * One run's worker telemetry: delivery records into the ledger, and the hand-started workers
 * (any id that is not our child) as they introduce themselves. A worker batches its records
 * (every TELEMETRY_FLUSH_MS), so its reply can reach the dispatcher before the record of that
 * delivery reaches us; `lagsReplies()` and `nextBatch()` let the end of a run wait for it.
 */
export class RunTelemetry {
  readonly #ledger: EpochLedger
  /** The message-flow recorder: deliveries here, sends, link faults and crashes by the run. */
  readonly flow = new FlowLog()
  readonly #rejects: RejectLog
  readonly #emit: LabEmit
  readonly #externals = new Map<string, DispatchWorkerInfo>()
  readonly #waiters = new Set<() => void>()
  /** Replies the link forwarded twice, per epoch (allocated on the first). */
  #duplicateReplies: Uint32Array | null = null
  #lastAt = 0

  constructor(ledger: EpochLedger, rejects: RejectLog, emit: LabEmit) {
    this.#ledger = ledger
    this.#rejects = rejects
    this.#emit = emit
  }

  /** Wall-clock ms of the latest batch; 0 before the first. */
  get lastAt(): number {
    return this.#lastAt
  }

  /** Hand-started workers seen so far (by a `ready` or a batch on the telemetry socket). */
  get externalCount(): number {
    return this.#externals.size
  }

  /** The hand-started workers, at most `max`. */
  externals(max: number): DispatchWorkerInfo[] {
    return [...this.#externals.values()].slice(0, Math.max(0, max))
  }

  /** A batch of one of our workers (over its fork IPC channel). */
  onBatch(batch: TelemetryBatch): void {
    this.#lastAt = Date.now()
    const ledger = this.#ledger
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
      recordDelivery(this.flow, batch.id, r, i)
      if (outcome === Outcome.CrashAfterWork)
        ledger.flag(epoch, EpochFlag.CrashAfterWork | EpochFlag.CrashedHolding)
      else if (outcome >= Outcome.CrashBeforeWork) ledger.flag(epoch, EpochFlag.CrashedHolding)
    }
    if (batch.rejected > 0)
      for (let i = 0; i < batch.rejected; i++)
        this.#rejects.add('worker-rejected', `worker ${batch.id} rejected a request`)
    this.#wake()
  }

  /** Resolves every pending `nextBatch`. */
  #wake(): void {
    for (const wake of this.#waiters) wake()
    this.#waiters.clear()
  }

  /**
   * A message from the telemetry socket (workers that are not our children). Its `ready` lists the
   * worker at once, so a report built before its first batch still shows it.
   */
  onExternal(msg: TelemetryMessage): void {
    const info = this.#external(msg.id, msg.pid)
    if (msg.t === 'ready') {
      this.#wake()
      return
    }
    if (info) {
      info.pid = msg.pid
      info.state = msg.state
      info.epoch = msg.epoch
      for (let i = 0; i < msg.records.length; i += RECORD_FIELDS) {
        info.deliveries++
        if (msg.records[i + Rec.Executed] === 1) info.executions++
        if (msg.records[i + Rec.Outcome] === Outcome.Duplicate) info.duplicates++
      }
    }
    this.onBatch(msg)
  }

  /** The link forwarded a reply twice: the ledger counts two replies for one delivery. */
  duplicateReply(epoch: number): void {
    if (!this.#ledger.has(epoch)) return
    this.#duplicateReplies ??= new Uint32Array(this.#ledger.n + 1)
    this.#duplicateReplies[epoch] = (this.#duplicateReplies[epoch] as number) + 1
  }

  /**
   * True while some epoch has more replies than reported deliveries: a worker replies before the
   * batch with that delivery's record goes out, so the batch is still on its way. An acked epoch
   * whose ack came shortly before a worker crash is not waited for: a SIGKILLed worker's last
   * batch never comes. (Nor does any from a worker that sends no telemetry: callers bound their
   * wait.)
   * @param crashTimes wall-clock ms of worker crashes, ascending.
   */
  lagsReplies(crashTimes: readonly number[]): boolean {
    const { n, replies, deliveries } = this.#ledger
    const doubled = this.#duplicateReplies
    for (let e = 1; e <= n; e++) {
      const r = (replies[e] as number) - (doubled ? (doubled[e] as number) : 0)
      if (r > (deliveries[e] as number) && !this.#lostInCrash(e, crashTimes)) return true
    }
    return false
  }

  /** The epoch was acked at most CRASH_LOSS_WINDOW_MS before some worker crash. */
  #lostInCrash(epoch: number, crashTimes: readonly number[]): boolean {
    const ledger = this.#ledger
    if (ledger.state[epoch] !== EpochState.Acked || crashTimes.length === 0) return false
    const ackAt = (ledger.firstSentAt[epoch] as number) + (ledger.latencyMs[epoch] as number)
    // First crash at or after the ack (binary search: crash times are pushed in order).
    let lo = 0
    let hi = crashTimes.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if ((crashTimes[mid] as number) < ackAt - CLOCK_SLACK_MS) lo = mid + 1
      else hi = mid
    }
    const crash = crashTimes[lo]
    return crash !== undefined && crash - ackAt <= CRASH_LOSS_WINDOW_MS
  }

  /** Resolves when the next batch has been counted, or after `ms`. */
  /** Resolves on the next batch or `ready`, or after `ms`. */
  nextBatch(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer)
        this.#waiters.delete(wake)
        resolve()
      }
      const timer = setTimeout(wake, ms)
      this.#waiters.add(wake)
    })
  }

  /** The entry of a hand-started worker, made on first contact; null once the list is full. */
  #external(id: string, pid: number): DispatchWorkerInfo | null {
    const known = this.#externals.get(id)
    if (known) return known
    if (this.#externals.size >= EXTERNAL_WORKERS_MAX) return null
    const info: DispatchWorkerInfo = {
      id,
      pid,
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
    this.#externals.set(id, info)
    this.#emit('worker-external', 'info', `external worker ${id} (pid ${pid}) reports telemetry`, {
      worker: id
    })
    return info
  }
}

/**
 * One delivery record on the diagram: received, then the steps its outcome says it got through
 * (check → work → mark, the seed's order; atomic modes do work and mark in one step, drawn at
 * the same point), then the reply or the crash. Steps are spread over the delivery's duration.
 */
function recordDelivery(flow: FlowLog, worker: string, r: number[], i: number): void {
  const epoch = r[i + Rec.Epoch] as number
  if (!flow.records(epoch)) return
  const attempt = r[i + Rec.Attempt] as number
  const start = r[i + Rec.Start] as number
  const end = Math.max(start, r[i + Rec.End] as number)
  const outcome = r[i + Rec.Outcome] as number
  const at = (f: number): number => start + (end - start) * f
  flow.add(epoch, 'deliver', worker, attempt, start)
  if (outcome === Outcome.CrashBeforeWork) {
    flow.add(epoch, 'crash', worker, attempt, end)
    return
  }
  flow.add(epoch, 'check', worker, attempt, at(0.15))
  if (outcome === Outcome.Duplicate || outcome === Outcome.Failed) {
    flow.add(epoch, 'reply', worker, attempt, end)
    return
  }
  flow.add(epoch, 'work', worker, attempt, at(0.5))
  if (outcome === Outcome.CrashAfterWork) {
    flow.add(epoch, 'crash', worker, attempt, end)
    return
  }
  flow.add(epoch, 'mark', worker, attempt, at(0.85))
  flow.add(epoch, outcome === Outcome.Executed ? 'reply' : 'crash', worker, attempt, end)
}
