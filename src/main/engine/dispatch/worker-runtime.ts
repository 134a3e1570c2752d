/**
 * The worker: one socket on the lab's public work endpoint and the seed's loop,
 * `if ja_executada(epoch): return; work(m); marcar_executada(epoch)`, in the variant the request's
 * semantics asks for. Runs as a forked child of the engine (worker-main.ts) or by hand
 * (`flowlab worker`). Only relative imports: this file is loaded in the worker process.
 *
 * The socket is a DEALER that speaks the REP envelope exactly: every request arrives as
 * `[envelope…, empty, header, workload]` and every reply goes back as `[envelope…, empty, body]`,
 * so to the lab (and to any peer) it is indistinguishable from a REP socket and protocol v1 is
 * unchanged. Unlike REP it is not lockstep: the worker takes a burst of whatever requests are
 * waiting and handles the burst with one Redis round trip per step (one pipeline, or one Lua call
 * for the atomic mode). Measured: a REP worker spent most of its ~105 µs per message on one Redis
 * round trip and ZeroMQ lockstep per message, and ioredis auto-pipelining could not batch because
 * each REP socket's request arrives in its own event-loop turn.
 */
import { Redis } from 'ioredis'
import { Dealer, Push } from 'zeromq'
import type { CrashPoint } from '../../../shared/contract/dispatch'
import { CRASH_POINTS } from '../../../shared/contract/dispatch'
import { dispatchKeys } from './keys'
import {
  encodeReply,
  parseRequest,
  peekEpoch,
  type ReplyStatus,
  type RequestHeader,
  type Workload
} from './protocol'
import { luaScript, MARK_AND_APPLY, MARK_AND_APPLY_BATCH } from './scripts'
import {
  Outcome,
  preciseNow,
  TELEMETRY_BATCH_MAX_RECORDS,
  TELEMETRY_FLUSH_MS,
  type TelemetryMessage,
  type WorkerControl
} from './telemetry'

/** A worker's socket holds at most this many unread requests; the rest wait in the link. */
const WORKER_RECEIVE_HWM = 1_000
/** How long a closing socket may keep trying to deliver (0: a worker exits at once). */
const WORKER_LINGER_MS = 0
/**
 * Most requests a worker takes from its socket at once with zero work time (one burst, handled
 * with one Redis round trip per step). Bounds the memory and the latency a burst adds; above the
 * lab's usual window per worker (the bench's 512 over 4 workers is 128) so a burst is rarely cut.
 * With work time, a burst is at most `concurrency` requests, worked on at once as REP sockets did.
 */
const WORKER_BURST_MAX = 256

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
   * Requests worked on at once when there is work time (default 1), as that many REP sockets
   * would. With zero work time a burst takes up to WORKER_BURST_MAX. A crash takes them all.
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

/** `numKeys, effects, mark…, worker, epoch, ttlMs, epoch, ttlMs…` (see markAndApplyBatch-n.lua). */
type MarkAndApplyBatch = (...args: (string | number)[]) => Promise<number[]>

type WorkerRedis = Redis & { markAndApply: MarkAndApply; markAndApplyBatch: MarkAndApplyBatch }

/** A reply: the echoed envelope, then the body. */
type Frames = (Buffer | string)[]

/** One valid request of a burst. */
interface Job {
  /** The REP envelope: every frame up to and including the empty delimiter, echoed on the reply. */
  envelope: Buffer[]
  header: RequestHeader
  workload: Workload
  d: Delivery
  status: ReplyStatus
  error?: string | undefined
}

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
  readonly #sock: Dealer
  readonly #redis: WorkerRedis
  readonly #push: Push | null
  #handled = 0
  /** A crash is armed when the Nth message arrives and fires at the first message reaching its point. */
  #armed = false
  #records: number[] = []
  #rejected = 0
  /** Deliveries taken from the socket and not finished (one burst at most). */
  readonly #inFlight = new Set<Delivery>()
  #epoch: number | null = null
  #dirty = true
  #timer: NodeJS.Timeout | null = null
  #closing: Promise<void> | null = null

  constructor(cfg: WorkerConfig) {
    this.#cfg = { ...cfg }
    this.#sock = new Dealer({
      linger: WORKER_LINGER_MS,
      receiveHighWaterMark: WORKER_RECEIVE_HWM,
      // Replies of a whole burst are queued at once.
      sendHighWaterMark: WORKER_RECEIVE_HWM
    })
    // Commands wait for Redis to come back (a restart) rather than fail: a failed reply only
    // makes the dispatcher re-send.
    const redis = new Redis(cfg.redisUrl, {
      maxRetriesPerRequest: null,
      retryStrategy: (times) => Math.min(20 * times, 200),
      // No auto-pipelining: bursts are pipelined explicitly.
      connectionName: `flowlab:worker:${cfg.id}`
    })
    redis.on('error', () => undefined)
    redis.defineCommand('markAndApply', { numberOfKeys: 2, lua: luaScript(MARK_AND_APPLY) })
    // No numberOfKeys: the key count varies with the burst and goes first in each call.
    redis.defineCommand('markAndApplyBatch', { lua: luaScript(MARK_AND_APPLY_BATCH) })
    this.#redis = redis as WorkerRedis
    this.#push =
      !cfg.ipc && cfg.telemetry ? new Push({ linger: 200, sendHighWaterMark: 100 }) : null
    if (cfg.crashAt && cfg.crashEvery === 0) this.#armed = true
  }

  /** Connects and serves until `close()`. Resolves when the receive loop ends. */
  async run(): Promise<void> {
    this.#sock.connect(this.#cfg.endpoint)
    if (this.#push && this.#cfg.telemetry) this.#push.connect(this.#cfg.telemetry)
    this.#send({ t: 'ready', id: this.#cfg.id, pid: process.pid })
    this.#timer = setInterval(() => this.#flush(), TELEMETRY_FLUSH_MS)
    this.#timer.unref()
    await this.#serve()
  }

  /**
   * Takes a burst (the first request, then whatever is already waiting, up to the limit), handles
   * it, sends its replies, and repeats. Requests arriving meanwhile wait in the socket and make
   * the next burst: the busier the worker, the larger its batches.
   */
  async #serve(): Promise<void> {
    const sock = this.#sock
    for await (const first of sock) {
      const max =
        this.#cfg.workMs > 0
          ? Math.max(1, Math.min(64, this.#cfg.concurrency ?? 1))
          : WORKER_BURST_MAX
      const burst = [first]
      while (burst.length < max && sock.readable) burst.push(await sock.receive())
      await this.#handleBurst(burst)
    }
  }

  /**
   * One burst. Requests before the first one that may crash are handled together: each step of
   * the semantics is one pipeline (or one Lua call) over them, in the step order of the mode, so
   * each epoch's own order (check → work → mark) holds. From the request that arms a crash on,
   * requests are handled one by one as before, so a crash point keeps its per-message meaning: the
   * earlier requests of the burst are done and replied, the crashing one dies at its point, and
   * the later ones die with the process (reported as crashed before work).
   */
  async #handleBurst(burst: Buffer[][]): Promise<void> {
    const fast: Job[] = []
    const slow: Job[] = []
    const replies: Frames[] = []
    for (const frames of burst) {
      let at = -1
      for (let i = 0; i < frames.length; i++) {
        if ((frames[i] as Buffer).length === 0) {
          at = i
          break
        }
      }
      if (at < 0) {
        // A REP socket drops a message without an envelope delimiter: so do we.
        this.#rejected++
        this.#dirty = true
        continue
      }
      const envelope = frames.slice(0, at + 1)
      const body = frames.slice(at + 1)
      const parsed = parseRequest(body, this.#cfg.labId)
      if (!parsed.ok) {
        this.#rejected++
        this.#dirty = true
        const reply = encodeReply(
          peekEpoch(body[0]),
          this.#cfg.id,
          'failed',
          `${parsed.reason}: ${parsed.detail}`
        )
        replies.push([...envelope, reply])
        continue
      }
      const { header, workload } = parsed.value
      const d: Delivery = {
        epoch: header.epoch,
        attempt: header.attempt,
        start: preciseNow(),
        executed: false,
        marked: false,
        naive: header.semantics === 'exactly-once-naive'
      }
      this.#inFlight.add(d)
      this.#epoch = header.epoch
      const job: Job = { envelope, header, workload, d, status: 'done' }
      // From the request that arms a crash (or with one armed) on, the rest is handled one by one;
      // #handleOne counts its requests itself.
      const crashAhead =
        slow.length > 0 ||
        this.#armed ||
        (this.#cfg.crashAt !== null &&
          this.#cfg.crashEvery > 0 &&
          (this.#handled + 1) % this.#cfg.crashEvery === 0)
      if (crashAhead) slow.push(job)
      else {
        this.#handled++
        fast.push(job)
      }
    }
    this.#dirty = true
    if (fast.length > 0) await this.#runFast(fast)
    for (const job of fast) replies.push(this.#finish(job))
    await this.#sendAll(replies)
    for (const job of slow) {
      await this.#sendAll([await this.#handleOne(job)])
    }
  }

  async #sendAll(replies: Frames[]): Promise<void> {
    for (const frames of replies) {
      if (this.#sock.closed) return
      await this.#sock.send(frames)
    }
  }

  /** Reply frames of a finished job, and its telemetry record. */
  #finish(job: Job): Frames {
    const outcome =
      job.status === 'failed'
        ? Outcome.Failed
        : job.status === 'duplicate'
          ? Outcome.Duplicate
          : Outcome.Executed
    this.#done(job.d, outcome)
    const body =
      job.status === 'failed'
        ? encodeReply(job.d.epoch, this.#cfg.id, 'failed', (job.error ?? 'failed').slice(0, 200))
        : encodeReply(job.d.epoch, this.#cfg.id, job.status)
    return [...job.envelope, body]
  }

  /**
   * The fast path of a burst with no crash armed (so no crash point can fire): every step is one
   * round trip for the whole burst.
   */
  async #runFast(jobs: Job[]): Promise<void> {
    const redis = this.#redis
    const naive: Job[] = []
    const plain: Job[] = []
    const atomic: Job[] = []
    let workMs = 0
    for (const job of jobs) {
      workMs = Math.max(workMs, job.workload.ms + this.#cfg.workMs)
      if (job.header.semantics === 'exactly-once-naive') naive.push(job)
      else if (job.header.semantics === 'exactly-once-atomic') atomic.push(job)
      else plain.push(job)
    }
    try {
      // Naive step 1, the check: EXISTS per epoch (separate commands, one pipeline).
      const fresh: Job[] = []
      if (naive.length > 0) {
        const pipe = redis.pipeline()
        for (const job of naive) pipe.exists(dispatchKeys(job.header.lab).done(job.d.epoch))
        const res = (await pipe.exec()) ?? []
        naive.forEach((job, i) => {
          const [err, value] = res[i] ?? [new Error('no reply'), null]
          if (err) fail(job, err)
          else if (value === 1) job.status = 'duplicate'
          else fresh.push(job)
        })
      }
      // The work of the whole burst at once, as concurrent REP sockets would do it.
      await work(workMs)
      // Step 2, the effect: HINCRBY per epoch (plain and naive), one Lua call per lab (atomic).
      const effects = [...plain, ...fresh]
      const pipe = redis.pipeline()
      for (const job of effects) {
        pipe.hincrby(dispatchKeys(job.header.lab).effects, String(job.d.epoch), 1)
      }
      const atomicByLab = groupByLab(atomic)
      for (const [lab, group] of atomicByLab) {
        const keys = dispatchKeys(lab)
        const args: (string | number)[] = [1 + group.length, keys.effects]
        for (const job of group) args.push(keys.done(job.d.epoch))
        args.push(this.#cfg.id)
        for (const job of group) args.push(job.d.epoch, job.workload.ttlMs)
        ;(pipe as unknown as { markAndApplyBatch: MarkAndApplyBatch }).markAndApplyBatch(...args)
      }
      if (effects.length > 0 || atomic.length > 0) {
        const res = (await pipe.exec()) ?? []
        effects.forEach((job, i) => {
          const err = res[i]?.[0] ?? (res[i] ? null : new Error('no reply'))
          if (err) fail(job, err)
          else job.d.executed = true
        })
        let r = effects.length
        for (const group of atomicByLab.values()) {
          const [err, value] = res[r++] ?? [new Error('no reply'), null]
          group.forEach((job, i) => {
            if (err) return fail(job, err)
            const applied = (value as number[])[i]
            if (applied === 1) {
              job.d.executed = true
              job.d.marked = true
            } else job.status = 'duplicate'
          })
        }
      }
      // Naive step 3, the mark: SET per executed epoch, after its effect.
      const toMark = fresh.filter((job) => job.d.executed)
      if (toMark.length > 0) {
        const marks = redis.pipeline()
        for (const job of toMark) {
          marks.set(
            dispatchKeys(job.header.lab).done(job.d.epoch),
            this.#cfg.id,
            'PX',
            job.workload.ttlMs
          )
        }
        const res = (await marks.exec()) ?? []
        toMark.forEach((job, i) => {
          const err = res[i]?.[0] ?? (res[i] ? null : new Error('no reply'))
          if (err) fail(job, err)
          else job.d.marked = true
        })
      }
    } catch (err) {
      for (const job of jobs) if (job.status !== 'failed' && !job.d.executed) fail(job, err)
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
      this.#sock.close()
      this.#push?.close()
      this.#redis.disconnect()
    })()
    return this.#closing
  }

  /** One request the seed's way, with every crash point live. @returns the reply frames. */
  async #handleOne(job: Job): Promise<Frames> {
    const { header, workload, d } = job
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
      fail(job, err)
      return this.#finish(job)
    }
    job.status = status
    return this.#finish(job)
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
      // Whatever else of the burst we hold dies with us: say how far each one got.
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

function fail(job: Job, err: unknown): void {
  job.status = 'failed'
  job.error = (err as Error).message
}

function groupByLab(jobs: Job[]): Map<string, Job[]> {
  const groups = new Map<string, Job[]>()
  for (const job of jobs) {
    const group = groups.get(job.header.lab)
    if (group) group.push(job)
    else groups.set(job.header.lab, [job])
  }
  return groups
}

function work(ms: number): Promise<void> | void {
  if (ms <= 0) return
  return new Promise((resolve) => setTimeout(resolve, ms))
}

function round2(n: number): number {
  return Math.round(n * 100) / 100
}
