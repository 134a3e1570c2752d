import type { Redis } from 'ioredis'
import type { DispatchInfo, DispatchSettings } from '@shared/contract/labs/dispatch'
import { EpochFlag, EpochState, type EpochLedger } from './epoch-ledger'
import type { DispatchKeys } from './keys'
import type { LinkPort } from './fault-link'
import { RecentAcks } from './recent-acks'
import { encodeHeader, parseReply, type RejectReason } from './protocol'
import {
  BATCH_ENTRY_BYTES,
  BATCH_EPOCHS_MAX,
  encodeBatchHeader,
  parseBatchReply
} from './protocol-batch'

/** Entries of `rcvd_msgs` kept for display (the count is exact). */
const RCVD_RECENT_MAX = 200
/** The comparer loop looks for timed-out messages this often at most (ms). */
const COMPARER_MAX_INTERVAL_MS = 50
/** … and at least this often, so short timeouts still fire on time. */
const COMPARER_MIN_INTERVAL_MS = 5
/** A rate-limited dispatcher may send this many seconds' worth at once after idling. */
const RATE_BURST_S = 0.05
/** Pipelined mode: epochs per batch message at most (smaller batches spread over the workers). */
const PIPELINE_BATCH = Math.min(BATCH_EPOCHS_MAX, 512)

export interface SentEntry {
  attempt: number
  sentAt: number
  deadline: number
}

export interface DispatcherOptions {
  labId: string
  settings: DispatchSettings
  ledger: EpochLedger
  keys: DispatchKeys
  /** Connects to the FaultLink (in-process): the dispatcher's socket, once per start. */
  connect(routingId: string, onReplies: (frames: Buffer[]) => void): LinkPort
  /** Commands connection, for the durable `sent_msgs`. */
  redis: Redis
  onAck(epoch: number, latencyMs: number): void
  /** The message-flow diagram's dispatcher events (a send, re-send, ack or give-up). */
  onFlow?(epoch: number, kind: 'send' | 'resend' | 'ack' | 'give-up', attempt: number): void
  onReject(reason: RejectReason, detail: string): void
  onTrace(
    type: string,
    level: 'info' | 'warn' | 'error',
    message: string,
    data?: Record<string, string | number | boolean | null>
  ): void
  onError(err: Error): void
  /** Every epoch is acked or given up. */
  onSettled(): void
}

/**
 * The seed's dispatcher, with its three loops and three collections:
 * - dispatcher loop (`#pump`): pops from `msgs`, sends, appends to `sent_msgs` — while the window
 *   (max in flight) and the rate allow;
 * - receiver loop (`#receive`): acks from the DEALER into `rcvd_msgs`;
 * - comparer loop (`#compare`): a message in `sent_msgs` past its deadline goes back to `msgs`
 *   (or is given up: at-most-once never re-sends; max attempts).
 *
 * `sent_msgs` is a Map in send order; every entry has the same timeout, so its first entries are
 * always the most urgent and the comparer stops at the first that is not due.
 */
export class Dispatcher {
  readonly #o: DispatcherOptions
  readonly #s: DispatchSettings
  readonly #ledger: EpochLedger
  /** Re-queued epochs (timeouts, failures), sent before fresh ones. */
  #retry: number[] = []
  #retryHead = 0
  /** Next never-sent epoch; `msgs` = retries + [nextFresh .. n]. */
  #nextFresh = 1
  readonly #sent = new Map<number, SentEntry>()
  #rcvdCount = 0
  readonly #rcvdRecent = new RecentAcks(RCVD_RECENT_MAX)
  #port: LinkPort | null = null
  #generation = 0
  #state: 'stopped' | 'running' | 'crashed' = 'stopped'
  #comparer: NodeJS.Timeout | null = null
  #rateTimer: NodeJS.Timeout | null = null
  #tokens = 0
  #tokensAt = 0
  #durableBusy = false
  #hdel: number[] = []
  #hdelScheduled = false
  readonly #payload: Buffer
  #settledFired = false
  stats = { sends: 0, resends: 0, acks: 0, lateAcks: 0, crashes: 0, timeouts: 0 }

  constructor(opts: DispatcherOptions) {
    this.#o = opts
    this.#s = opts.settings
    this.#ledger = opts.ledger
    this.#payload = Buffer.from(`{"op":"work","ms":0,"ttlMs":${this.#s.dedupTtlMs}}`)
  }

  get state(): 'stopped' | 'running' | 'crashed' {
    return this.#state
  }

  get inFlight(): number {
    return this.#sent.size
  }

  get queued(): number {
    return this.#retry.length - this.#retryHead + (this.#ledger.n - this.#nextFresh + 1)
  }

  /** Connects to the link and starts the three loops. */
  start(): void {
    if (this.#state === 'running') throw new Error('dispatcher already running')
    this.#generation++
    const port = this.#o.connect(`dispatcher-${this.#o.labId}-${this.#generation}`, (frames) => {
      if (this.#port !== port) return
      try {
        if (this.#s.workerMode === 'pipelined') this.#receivePipelined(frames)
        else this.#receiveBatch(frames)
      } catch (err) {
        // One batch that cannot be handled must not end the run.
        this.#o.onReject('unreadable', `reply batch: ${(err as Error).message}`)
      }
      this.#pump()
      this.#checkSettled()
    })
    this.#port = port
    this.#state = 'running'
    this.#tokens = this.#burst()
    this.#tokensAt = Date.now()
    const interval = Math.max(
      COMPARER_MIN_INTERVAL_MS,
      Math.min(COMPARER_MAX_INTERVAL_MS, Math.floor(this.#s.timeoutMs / 4))
    )
    this.#comparer = setInterval(() => this.#compare(), interval)
    this.#pump()
    this.#checkSettled()
  }

  /**
   * Crash: the dispatcher's end of the link goes away (late replies to it are dropped), and `sent_msgs` is lost. Unless durable,
   * the epochs it held are forgotten for good (given up), which is what the checker will show.
   */
  crash(): void {
    if (this.#state !== 'running') throw new Error('the dispatcher is not running')
    this.stats.crashes++
    this.#halt()
    this.#state = 'crashed'
    const lost = this.#sent.size
    if (!this.#s.durableDispatcher) {
      for (const epoch of this.#sent.keys()) {
        this.#ledger.flag(epoch, EpochFlag.DispatcherCrash)
        this.#giveUp(epoch)
      }
    }
    this.#sent.clear()
    this.#o.onTrace(
      'dispatcher-crashed',
      'warn',
      this.#s.durableDispatcher
        ? `dispatcher crashed; ${lost} message(s) of sent_msgs are safe in Redis`
        : `dispatcher crashed; ${lost} message(s) in sent_msgs are lost`,
      { lost, durable: this.#s.durableDispatcher }
    )
    this.#checkSettled()
  }

  /** Restarts a crashed dispatcher; a durable one first reloads `sent_msgs` from Redis. */
  async restart(): Promise<void> {
    if (this.#state !== 'crashed') throw new Error('the dispatcher has not crashed')
    let reloaded = 0
    if (this.#s.durableDispatcher) {
      const saved = await this.#o.redis.hgetall(this.#o.keys.sent)
      const entries: [number, SentEntry][] = []
      for (const [field, value] of Object.entries(saved)) {
        const epoch = Number(field)
        const [attempt, sentAt] = value.split(':').map(Number)
        // A batch is written here before it is sent, so a crash between the two leaves entries
        // still Queued in the ledger: they are in sent_msgs all the same, as after a real crash.
        const state = this.#ledger.state[epoch]
        if (!this.#ledger.has(epoch) || state === EpochState.Acked || state === EpochState.GivenUp)
          continue
        const at = sentAt ?? 0
        entries.push([
          epoch,
          { attempt: attempt ?? 1, sentAt: at, deadline: at + this.#s.timeoutMs }
        ])
      }
      entries.sort((a, b) => a[1].sentAt - b[1].sentAt)
      for (const [epoch, entry] of entries) this.#sent.set(epoch, entry)
      reloaded = entries.length
    }
    this.#o.onTrace(
      'dispatcher-restarted',
      'info',
      `dispatcher restarted${this.#s.durableDispatcher ? `; ${reloaded} message(s) reloaded into sent_msgs` : ''}`,
      { reloaded }
    )
    this.start()
  }

  /** Stops the loops and disconnects from the link (end of run). */
  stop(): void {
    this.#halt()
    this.#state = 'stopped'
  }

  /** The three collections, bounded. */
  collections(max: number): DispatchInfo['collections'] {
    const msgs: { epoch: number; attempt: number }[] = []
    for (let i = this.#retryHead; i < this.#retry.length && msgs.length < max; i++) {
      const epoch = this.#retry[i] as number
      msgs.push({ epoch, attempt: (this.#ledger.attempts[epoch] as number) + 1 })
    }
    for (let e = this.#nextFresh; e <= this.#ledger.n && msgs.length < max; e++)
      msgs.push({ epoch: e, attempt: 1 })
    const sent: DispatchInfo['collections']['sentMsgs']['items'] = []
    for (const [epoch, entry] of this.#sent) {
      if (sent.length >= max) break
      sent.push({ epoch, attempt: entry.attempt, sentAt: entry.sentAt, deadline: entry.deadline })
    }
    return {
      msgs: { count: this.queued, items: msgs },
      sentMsgs: { count: this.#sent.size, items: sent },
      rcvdMsgs: { count: this.#rcvdCount, items: this.#rcvdRecent.newest(max) }
    }
  }

  #halt(): void {
    if (this.#comparer) clearInterval(this.#comparer)
    if (this.#rateTimer) clearTimeout(this.#rateTimer)
    this.#comparer = null
    this.#rateTimer = null
    this.#port?.close()
    this.#port = null
  }

  #burst(): number {
    return this.#s.ratePerSec > 0
      ? Math.max(1, this.#s.ratePerSec * RATE_BURST_S)
      : Number.POSITIVE_INFINITY
  }

  #hasMsgs(): boolean {
    return this.#retryHead < this.#retry.length || this.#nextFresh <= this.#ledger.n
  }

  #nextMsg(): number {
    if (this.#retryHead < this.#retry.length) {
      const epoch = this.#retry[this.#retryHead++] as number
      if (this.#retryHead > 1_024 && this.#retryHead * 2 > this.#retry.length) {
        this.#retry = this.#retry.slice(this.#retryHead)
        this.#retryHead = 0
      }
      return epoch
    }
    return this.#nextFresh++
  }

  /** The dispatcher loop: send while the window and the rate allow. */
  #pump(): void {
    if (this.#state !== 'running' || this.#durableBusy || !this.#port) return
    if (this.#s.ratePerSec > 0) {
      const now = Date.now()
      this.#tokens = Math.min(
        this.#burst(),
        this.#tokens + ((now - this.#tokensAt) / 1_000) * this.#s.ratePerSec
      )
      this.#tokensAt = now
    }
    const batch: number[] = []
    while (
      this.#hasMsgs() &&
      this.#sent.size + batch.length < this.#s.window &&
      this.#tokens >= 1
    ) {
      const epoch = this.#nextMsg()
      // An epoch acked or given up while it waited in the retry queue needs no re-send.
      const st = this.#ledger.state[epoch]
      if (st === EpochState.Acked || st === EpochState.GivenUp) continue
      if (this.#s.ratePerSec > 0) this.#tokens--
      batch.push(epoch)
    }
    if (batch.length > 0) {
      if (this.#s.durableDispatcher) void this.#sendDurable(batch)
      else this.#send(batch)
    }
    if (this.#s.ratePerSec > 0 && this.#tokens < 1 && this.#hasMsgs() && !this.#rateTimer) {
      this.#rateTimer = setTimeout(
        () => {
          this.#rateTimer = null
          this.#pump()
        },
        Math.max(1, Math.ceil(1_000 / this.#s.ratePerSec))
      )
    }
  }

  #send(batch: number[]): void {
    const port = this.#port
    if (!port || this.#state !== 'running') return
    const now = Date.now()
    const deadline = now + this.#s.timeoutMs
    const ledger = this.#ledger
    const pipelined = this.#s.workerMode === 'pipelined'
    // Lockstep: the pairs of the whole batch in one call; the FaultLink sends one message each.
    const frames: (Buffer | string)[] = []
    const entries = pipelined ? Buffer.allocUnsafe(batch.length * BATCH_ENTRY_BYTES) : null
    batch.forEach((epoch, i) => {
      const attempt = (ledger.attempts[epoch] as number) + 1
      ledger.attempts[epoch] = attempt
      ledger.state[epoch] = EpochState.Sent
      if (attempt === 1) ledger.firstSentAt[epoch] = now
      else {
        this.stats.resends++
        ledger.flag(epoch, EpochFlag.Resent)
      }
      this.#o.onFlow?.(epoch, attempt === 1 ? 'send' : 'resend', attempt)
      this.stats.sends++
      this.#sent.delete(epoch)
      this.#sent.set(epoch, { attempt, sentAt: now, deadline })
      if (entries) {
        entries.writeUInt32LE(epoch, i * BATCH_ENTRY_BYTES)
        entries.writeUInt32LE(attempt, i * BATCH_ENTRY_BYTES + 4)
      } else {
        frames.push(
          encodeHeader(this.#o.labId, epoch, attempt, this.#s.semantics, now),
          this.#payload
        )
      }
    })
    if (!entries) {
      port.send(frames, batch)
      return
    }
    // Pipelined: one message per PIPELINE_BATCH epochs, so a burst spreads over the workers.
    const header = encodeBatchHeader({
      lab: this.#o.labId,
      semantics: this.#s.semantics,
      sentAt: now,
      ms: 0,
      ttlMs: this.#s.dedupTtlMs
    })
    const step = PIPELINE_BATCH * BATCH_ENTRY_BYTES
    for (let at = 0; at < entries.length; at += step) {
      port.send([header, entries.subarray(at, Math.min(entries.length, at + step))], [])
    }
  }

  /** Durable: write the batch to Redis first, so a crash after the send loses nothing. */
  async #sendDurable(batch: number[]): Promise<void> {
    this.#durableBusy = true
    const now = Date.now()
    try {
      const pipe = this.#o.redis.pipeline()
      for (const epoch of batch) {
        pipe.hset(
          this.#o.keys.sent,
          String(epoch),
          `${(this.#ledger.attempts[epoch] as number) + 1}:${now}`
        )
      }
      await pipe.exec()
    } catch (err) {
      this.#o.onTrace(
        'durable-failed',
        'warn',
        `could not save sent_msgs to Redis: ${(err as Error).message}`
      )
    } finally {
      this.#durableBusy = false
    }
    this.#send(batch)
    this.#pump()
  }

  /** Lockstep replies from the FaultLink: a batch of reply bodies. */
  #receiveBatch(bodies: Buffer[]): void {
    for (const body of bodies) {
      // parseReply rejects a body over WORK_FRAME_MAX_BYTES before it becomes a string.
      const parsed = parseReply(body, this.#o.labId)
      if (!parsed.ok) {
        this.#o.onReject(parsed.reason, parsed.detail)
        continue
      }
      const { epoch, status, worker } = parsed.value
      if (!this.#ledger.has(epoch)) {
        this.#o.onReject('unknown-epoch', `reply for epoch ${epoch}, which this run never sent`)
        continue
      }
      this.#onReply(epoch, status, worker)
    }
  }

  /** One pipelined reply from the FaultLink: `[reply header, statuses]`. */
  #receivePipelined(frames: Buffer[]): void {
    const [header, statuses] = frames as [Buffer, Buffer]
    const parsed = parseBatchReply(header, statuses, (epoch, status, worker) => {
      if (this.#ledger.has(epoch)) this.#onReply(epoch, status, worker)
      else this.#o.onReject('unknown-epoch', `reply for epoch ${epoch}, which this run never sent`)
    })
    if (!parsed.ok) this.#o.onReject(parsed.reason, parsed.detail)
  }

  #onReply(epoch: number, status: 'done' | 'duplicate' | 'failed', worker: string): void {
    const ledger = this.#ledger
    ledger.replies[epoch] = (ledger.replies[epoch] as number) + 1
    const entry = this.#sent.get(epoch)
    if (!entry) {
      this.stats.lateAcks++
      return
    }
    this.#sent.delete(epoch)
    if (status === 'failed') {
      ledger.flag(epoch, EpochFlag.Failed)
      this.#timedOut(epoch, entry)
      return
    }
    const now = Date.now()
    ledger.state[epoch] = EpochState.Acked
    ledger.acked++
    const latency = now - (ledger.firstSentAt[epoch] as number)
    ledger.latencyMs[epoch] = latency
    this.stats.acks++
    this.#rcvdCount++
    this.#rcvdRecent.push({ epoch, attempt: entry.attempt, worker, latencyMs: latency, at: now })
    if (this.#s.durableDispatcher) this.#forget(epoch)
    this.#o.onFlow?.(epoch, 'ack', entry.attempt)
    this.#o.onAck(epoch, latency)
  }

  /** The comparer loop. */
  #compare(): void {
    const now = Date.now()
    for (const [epoch, entry] of this.#sent) {
      if (entry.deadline > now) break
      this.#sent.delete(epoch)
      this.stats.timeouts++
      this.#timedOut(epoch, entry)
    }
    this.#pump()
    this.#checkSettled()
  }

  #timedOut(epoch: number, entry: SentEntry): void {
    if (this.#s.semantics === 'at-most-once') {
      this.#giveUp(epoch)
      return
    }
    if (this.#s.maxAttempts > 0 && entry.attempt >= this.#s.maxAttempts) {
      this.#ledger.flag(epoch, EpochFlag.MaxAttempts)
      this.#giveUp(epoch)
      return
    }
    this.#retry.push(epoch)
  }

  #giveUp(epoch: number): void {
    if (
      this.#ledger.state[epoch] === EpochState.GivenUp ||
      this.#ledger.state[epoch] === EpochState.Acked
    )
      return
    this.#ledger.state[epoch] = EpochState.GivenUp
    this.#ledger.givenUp++
    this.#o.onFlow?.(epoch, 'give-up', this.#ledger.attempts[epoch] as number)
    if (this.#s.durableDispatcher) this.#forget(epoch)
  }

  /** Batched HDEL of the durable `sent_msgs` entries (one pipeline per tick). */
  #forget(epoch: number): void {
    this.#hdel.push(epoch)
    if (this.#hdelScheduled) return
    this.#hdelScheduled = true
    setImmediate(() => {
      this.#hdelScheduled = false
      const fields = this.#hdel.map(String)
      this.#hdel = []
      if (fields.length > 0) this.#o.redis.hdel(this.#o.keys.sent, ...fields).catch(() => undefined)
    })
  }

  #checkSettled(): void {
    if (this.#settledFired || this.#ledger.settled < this.#ledger.n) return
    this.#settledFired = true
    this.#o.onSettled()
  }
}
