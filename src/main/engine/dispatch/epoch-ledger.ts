/**
 * Everything the lab knows per epoch, in typed arrays indexed by epoch (1..n): memory is fixed at
 * the start of a run (about 60 bytes per epoch) and nothing grows with retries or traffic.
 */

/** Where an epoch is in the dispatcher's life cycle. */
export const EpochState = { Queued: 0, Sent: 1, Acked: 2, GivenUp: 3 } as const
export type EpochState = (typeof EpochState)[keyof typeof EpochState]

/** Evidence the checker uses to name causes. Bit flags. */
export const EpochFlag = {
  DroppedToWorker: 1 << 0,
  DroppedToDispatcher: 1 << 1,
  DuplicatedToWorker: 1 << 2,
  /** A worker crashed after the effect and before the mark (reported by the worker itself). */
  CrashAfterWork: 1 << 3,
  /** A worker died while it was working on this epoch (any point). */
  CrashedHolding: 1 << 4,
  /** Two executing deliveries overlapped in time. */
  Concurrent: 1 << 5,
  CutToWorker: 1 << 6,
  CutToDispatcher: 1 << 7,
  /** The dispatcher crashed while this epoch was in its (non-durable) `sent_msgs`. */
  DispatcherCrash: 1 << 8,
  /** The dispatcher stopped re-sending because max attempts was reached. */
  MaxAttempts: 1 << 9,
  /** At least one timeout re-send. */
  Resent: 1 << 10,
  /** The worker answered `failed`. */
  Failed: 1 << 11,
  Delayed: 1 << 12
} as const

export class EpochLedger {
  /** Number of epochs; valid indexes are 1..n. */
  readonly n: number
  readonly state: Uint8Array
  readonly attempts: Uint32Array
  /** Deliveries reported by worker telemetry. */
  readonly deliveries: Uint32Array
  /** Replies the dispatcher received (any status), a lower bound for deliveries without telemetry. */
  readonly replies: Uint32Array
  /** Executions reported by worker telemetry (live estimate; the effects hash is the truth). */
  readonly telemetryExecutions: Uint32Array
  readonly flags: Uint16Array
  /** Wall-clock ms of the first send; 0 before. */
  readonly firstSentAt: Float64Array
  /** First send → ack in ms; NaN until acked. */
  readonly latencyMs: Float32Array
  /** Latest executing delivery's interval, for overlap detection. */
  readonly execStart: Float64Array
  readonly execEnd: Float64Array
  /** Executions read from the effects hash when the run settled (base + current hash). */
  executions: Uint32Array | null = null
  /** Effects snapshot taken before a Redis restart without persistence; null when none. */
  effectsBase: Uint32Array | null = null
  acked = 0
  givenUp = 0

  constructor(n: number) {
    this.n = n
    this.state = new Uint8Array(n + 1)
    this.attempts = new Uint32Array(n + 1)
    this.deliveries = new Uint32Array(n + 1)
    this.replies = new Uint32Array(n + 1)
    this.telemetryExecutions = new Uint32Array(n + 1)
    this.flags = new Uint16Array(n + 1)
    this.firstSentAt = new Float64Array(n + 1)
    this.latencyMs = new Float32Array(n + 1).fill(Number.NaN)
    this.execStart = new Float64Array(n + 1)
    this.execEnd = new Float64Array(n + 1)
  }

  has(epoch: number): boolean {
    return Number.isInteger(epoch) && epoch >= 1 && epoch <= this.n
  }

  get settled(): number {
    return this.acked + this.givenUp
  }

  flag(epoch: number, flag: number): void {
    if (this.has(epoch)) this.flags[epoch] = (this.flags[epoch] as number) | flag
  }

  /** Records one delivery reported by a worker: `[start, end]` in ms, whether it executed. */
  delivery(epoch: number, start: number, end: number, executed: boolean): void {
    if (!this.has(epoch)) return
    this.deliveries[epoch] = (this.deliveries[epoch] as number) + 1
    if (!executed) return
    const prev = this.telemetryExecutions[epoch] as number
    this.telemetryExecutions[epoch] = prev + 1
    if (prev > 0) {
      const s = this.execStart[epoch] as number
      const e = this.execEnd[epoch] as number
      if (start < e && s < end) this.flag(epoch, EpochFlag.Concurrent)
      if (end <= e) return
    }
    this.execStart[epoch] = start
    this.execEnd[epoch] = end
  }

  /** Deliveries as reported, or replies received where that is higher (workers without telemetry). */
  deliveriesOf(epoch: number): number {
    return Math.max(this.deliveries[epoch] as number, this.replies[epoch] as number)
  }

  /** Executions: the effects hash once read, else the telemetry estimate. */
  executionsOf(epoch: number): number {
    return (this.executions ?? this.telemetryExecutions)[epoch] as number
  }
}
