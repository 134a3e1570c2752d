/**
 * The worker: a REP socket on the lab's public work endpoint and the seed's loop,
 * `if ja_executada(epoch): return; work(m); marcar_executada(epoch)`, in the variant the request's
 * semantics asks for. Runs as a forked child of the engine (worker-main.ts) or by hand
 * (`flowlab worker`). Only relative imports: this file is loaded in the worker process.
 */
import { Redis } from 'ioredis'
import { Push, Reply } from 'zeromq'
import type { CrashPoint } from '../../../shared/contract/dispatch'
import { CRASH_POINTS } from '../../../shared/contract/dispatch'
import { dispatchKeys } from './keys'
import { encodeReply, parseRequest, peekEpoch } from './protocol'
import { luaScript, MARK_AND_APPLY } from './scripts'
import {
  Outcome,
  preciseNow,
  TELEMETRY_BATCH_MAX_RECORDS,
  TELEMETRY_FLUSH_MS,
  type TelemetryMessage,
  type WorkerControl
} from './telemetry'

/** A REP worker holds at most this many unread requests; the rest wait in the link. */
const WORKER_RECEIVE_HWM = 1_000
/** How long a closing socket may keep trying to deliver (0: a worker exits at once). */
const WORKER_LINGER_MS = 0

export interface WorkerConfig {
  /** Worker id shown in replies, marks and the UI. */
  id: string
  /** Public work endpoint to connect the REP socket to. */
  endpoint: string
  /** Redis URL including the password. */
  redisUrl: string
  /** Extra work time per message in ms (on top of the workload's `ms`). */
  workMs: number
  crashAt: CrashPoint | null
  /** Crash on every Nth handled message; 0 = on the next one (once). */
  crashEvery: number
  /**
   * REP sockets in this process (default 1). Each is lockstep, as REP must be; several let one
   * process overlap its Redis round trips (the bench's throughput setting). A crash takes them all.
   */
  concurrency?: number | undefined
  /** Accept requests of this lab only (absent: any lab). */
  labId?: string | undefined
  /** ZeroMQ PUSH endpoint for telemetry when there is no IPC channel. */
  telemetry?: string | undefined
  /** Telemetry goes over the fork IPC channel (managed workers; set by worker-main). */
  ipc?: boolean | undefined
}

type MarkAndApply = (
  done: string,
  effects: string,
  worker: string,
  ttlMs: number,
  epoch: number
) => Promise<number>

/** One delivery's progress, reported in the next telemetry batch. */
interface Delivery {
  epoch: number
  attempt: number
  start: number
  executed: boolean
  /** The dedup mark is set (naive) or was set with the effect (atomic). */
  marked: boolean
  naive: boolean
}

export class WorkerRuntime {
  readonly #cfg: WorkerConfig
  readonly #reps: Reply[]
  readonly #redis: Redis & { markAndApply: MarkAndApply }
  readonly #push: Push | null
  #handled = 0
  /** A crash is armed when the Nth message arrives and fires at the first message reaching its point. */
  #armed = false
  #records: number[] = []
  #rejected = 0
  /** Deliveries being handled now (one per REP socket at most). */
  readonly #inFlight = new Set<Delivery>()
  #epoch: number | null = null
  #dirty = true
  #timer: NodeJS.Timeout | null = null
  #closing: Promise<void> | null = null

  constructor(cfg: WorkerConfig) {
    this.#cfg = { ...cfg }
    const sockets = Math.max(1, Math.min(64, cfg.concurrency ?? 1))
    this.#reps = Array.from(
      { length: sockets },
      () => new Reply({ linger: WORKER_LINGER_MS, receiveHighWaterMark: WORKER_RECEIVE_HWM })
    )
    // Commands wait for Redis to come back (a restart) rather than fail: a failed reply only
    // makes the dispatcher re-send.
    const redis = new Redis(cfg.redisUrl, {
      maxRetriesPerRequest: null,
      retryStrategy: (times) => Math.min(20 * times, 200),
      // Measured: auto-pipelining does not help here (each REP socket's request arrives in its
      // own event-loop turn, so batches stay at one) and costs a little, so it stays off.
      connectionName: `flowlab:worker:${cfg.id}`
    })
    redis.on('error', () => undefined)
    redis.defineCommand('markAndApply', { numberOfKeys: 2, lua: luaScript(MARK_AND_APPLY) })
    this.#redis = redis as Redis & { markAndApply: MarkAndApply }
    this.#push =
      !cfg.ipc && cfg.telemetry ? new Push({ linger: 200, sendHighWaterMark: 100 }) : null
    if (cfg.crashAt && cfg.crashEvery === 0) this.#armed = true
  }

  /** Connects and serves until `close()`. Resolves when the receive loop ends. */
  async run(): Promise<void> {
    for (const rep of this.#reps) rep.connect(this.#cfg.endpoint)
    if (this.#push && this.#cfg.telemetry) this.#push.connect(this.#cfg.telemetry)
    this.#send({ t: 'ready', id: this.#cfg.id, pid: process.pid })
    this.#timer = setInterval(() => this.#flush(), TELEMETRY_FLUSH_MS)
    this.#timer.unref()
    await Promise.all(this.#reps.map((rep) => this.#serve(rep)))
  }

  async #serve(rep: Reply): Promise<void> {
    for await (const frames of rep) {
      const reply = await this.#handle(frames)
      await rep.send(reply)
    }
  }

  /** Applies a control message from the engine. */
  control(msg: WorkerControl): void {
    if (msg.t === 'stop') {
      void this.close().then(() => process.exit(0))
      return
    }
    if (msg.workMs !== undefined) this.#cfg.workMs = msg.workMs
    if (msg.crashEvery !== undefined) this.#cfg.crashEvery = msg.crashEvery
    if (msg.crashAt !== undefined) {
      this.#cfg.crashAt = (CRASH_POINTS as readonly string[]).includes(msg.crashAt ?? '')
        ? (msg.crashAt as CrashPoint)
        : null
      this.#armed = this.#cfg.crashAt !== null && this.#cfg.crashEvery === 0
      this.#handled = 0
    }
  }

  /** Closes sockets and the Redis connection; flushes telemetry. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async (): Promise<void> => {
      if (this.#timer) clearInterval(this.#timer)
      this.#flush()
      for (const rep of this.#reps) rep.close()
      this.#push?.close()
      this.#redis.disconnect()
    })()
    return this.#closing
  }

  async #handle(frames: Buffer[]): Promise<string> {
    const parsed = parseRequest(frames, this.#cfg.labId)
    if (!parsed.ok) {
      this.#rejected++
      this.#dirty = true
      return encodeReply(
        peekEpoch(frames[0]),
        this.#cfg.id,
        'failed',
        `${parsed.reason}: ${parsed.detail}`
      )
    }
    const { header, workload } = parsed.value
    const keys = dispatchKeys(header.lab)
    const epoch = header.epoch
    this.#handled++
    if (
      this.#cfg.crashAt &&
      this.#cfg.crashEvery > 0 &&
      this.#handled % this.#cfg.crashEvery === 0
    ) {
      this.#armed = true
    }
    const naive = header.semantics === 'exactly-once-naive'
    const d: Delivery = {
      epoch,
      attempt: header.attempt,
      start: preciseNow(),
      executed: false,
      marked: false,
      naive
    }
    this.#inFlight.add(d)
    this.#epoch = epoch
    this.#dirty = true
    const workMs = workload.ms + this.#cfg.workMs
    let status: 'done' | 'duplicate' | 'failed' = 'done'
    try {
      await this.#point('before-work', d, Outcome.CrashBeforeWork)
      switch (header.semantics) {
        case 'at-most-once':
        case 'at-least-once':
          await work(workMs)
          await this.#redis.hincrby(keys.effects, String(epoch), 1)
          d.executed = true
          await this.#point('after-work', d, Outcome.CrashAfterWork)
          await this.#point('after-mark', d, Outcome.CrashAfterMark)
          break
        case 'exactly-once-naive':
          // The seed: three separate calls, check → work → mark. A crash or a second delivery
          // between the check and the mark is the window the lab demonstrates.
          if ((await this.#redis.exists(keys.done(epoch))) === 1) {
            status = 'duplicate'
            break
          }
          await work(workMs)
          await this.#redis.hincrby(keys.effects, String(epoch), 1)
          d.executed = true
          await this.#point('after-work', d, Outcome.CrashAfterWork)
          await this.#redis.set(keys.done(epoch), this.#cfg.id, 'PX', workload.ttlMs)
          d.marked = true
          await this.#point('after-mark', d, Outcome.CrashAfterMark)
          break
        case 'exactly-once-atomic': {
          await work(workMs)
          const applied = await this.#redis.markAndApply(
            keys.done(epoch),
            keys.effects,
            this.#cfg.id,
            workload.ttlMs,
            epoch
          )
          if (applied !== 1) {
            status = 'duplicate'
            break
          }
          d.executed = true
          d.marked = true
          await this.#point('after-work', d, Outcome.CrashAfterMark)
          await this.#point('after-mark', d, Outcome.CrashAfterMark)
          break
        }
      }
      await this.#point('before-reply', d, Outcome.CrashBeforeReply)
    } catch (err) {
      this.#done(d, Outcome.Failed)
      return encodeReply(epoch, this.#cfg.id, 'failed', (err as Error).message.slice(0, 200))
    }
    this.#done(d, status === 'duplicate' ? Outcome.Duplicate : Outcome.Executed)
    return encodeReply(epoch, this.#cfg.id, status)
  }

  #done(d: Delivery, outcome: Outcome): void {
    this.#inFlight.delete(d)
    this.#record(d, outcome)
    if (this.#inFlight.size === 0) this.#epoch = null
    this.#dirty = true
  }

  /** If a crash is armed for this point: report the delivery, then die as a crash does (SIGKILL). */
  async #point(point: CrashPoint, d: Delivery, outcome: Outcome): Promise<void> {
    if (!this.#armed || this.#cfg.crashAt !== point) return
    this.#armed = false
    this.#inFlight.delete(d)
    this.#record(d, outcome)
    await this.#flushAndDie()
  }

  #record(d: Delivery, outcome: Outcome): void {
    this.#records.push(
      d.epoch,
      d.attempt,
      round2(d.start),
      round2(preciseNow()),
      outcome,
      d.executed ? 1 : 0
    )
    if (this.#records.length >= TELEMETRY_BATCH_MAX_RECORDS * 6) this.#flush()
  }

  #flush(): void {
    if (!this.#dirty && this.#records.length === 0) return
    const records = this.#records
    this.#records = []
    const rejected = this.#rejected
    this.#rejected = 0
    this.#dirty = false
    this.#send({
      t: 'batch',
      id: this.#cfg.id,
      pid: process.pid,
      state: this.#inFlight.size > 0 ? 'working' : 'idle',
      epoch: this.#epoch,
      records,
      rejected
    })
  }

  #send(msg: TelemetryMessage, done?: () => void): void {
    if (this.#cfg.ipc && process.send) {
      // The callback runs once the message is written to the channel, so it survives our SIGKILL.
      process.send(msg, undefined, undefined, () => done?.())
      return
    }
    if (this.#push) {
      this.#push.send(JSON.stringify(msg)).then(
        () => done?.(),
        () => done?.()
      )
      return
    }
    done?.()
  }

  #flushAndDie(): Promise<never> {
    return new Promise<never>(() => {
      // Whatever the other REP sockets hold dies with us: say how far each one got.
      for (const other of this.#inFlight) {
        this.#inFlight.delete(other)
        this.#record(
          other,
          !other.executed
            ? Outcome.CrashBeforeWork
            : other.naive && !other.marked
              ? Outcome.CrashAfterWork
              : Outcome.CrashBeforeReply
        )
      }
      const records = this.#records
      this.#records = []
      const die = (): void => {
        process.kill(process.pid, 'SIGKILL')
      }
      this.#send(
        {
          t: 'batch',
          id: this.#cfg.id,
          pid: process.pid,
          state: 'working',
          epoch: this.#epoch,
          records,
          rejected: this.#rejected
        },
        // A PUSH send resolves when queued, not delivered: give it a moment.
        this.#cfg.ipc ? die : () => setTimeout(die, 50)
      )
    })
  }
}

function work(ms: number): Promise<void> | void {
  if (ms <= 0) return
  return new Promise((resolve) => setTimeout(resolve, ms))
}

function round2(n: number): number {
  return Math.round(n * 100) / 100
}
