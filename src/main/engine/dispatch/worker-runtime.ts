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
import { Dealer } from 'zeromq'
import type { CrashPoint } from '../../../shared/contract/labs/dispatch'
import {
  encodeReply,
  parseRequest,
  peekEpoch,
  WORK_HANDSHAKE_TIMEOUT_MS,
  WORK_SOCKET_MAX_BYTES
} from './protocol'
import { isBatchHeader } from './protocol-batch'
import { Outcome, preciseNow, type WorkerControl } from './telemetry'
import { WorkerCrash } from './worker-crash'
import { delimiterIndex, type Delivery, type Frames, type Job } from './worker-job'
import { createWorkerRedis, type WorkerRedis } from './worker-redis'
import { handleBatch, type PipelinedWorker } from './worker-pipelined'
import { runBurst, runOne, type CrashPointHook, type SemanticsContext } from './worker-semantics'
import { WorkerTelemetry } from './worker-telemetry'
import { curveClientOptions } from '../zmq/curve'

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
/** Pipelined batches (protocol v2) a worker handles at once; their Redis calls overlap. */
const WORKER_BATCHES_MAX = 8

export interface WorkerConfig {
  /** Worker id shown in replies, marks and the UI. */
  id: string
  /** Public work endpoint to connect the REP socket to. */
  endpoint: string
  /**
   * The lab's CURVE public key (Z85) when its endpoints use CURVE; the worker makes its own key
   * pair. Absent: plain (loopback only).
   */
  serverKey?: string | undefined
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

export class WorkerRuntime {
  readonly #cfg: WorkerConfig
  readonly #sock: Dealer
  readonly #redis: WorkerRedis
  readonly #telemetry: WorkerTelemetry
  readonly #crash: WorkerCrash
  /** Dies at a crash point when the armed crash is for it. */
  readonly #point: CrashPointHook = async (point, d, outcome) => {
    if (this.#crash.fires(point)) await this.#telemetry.crash(d, outcome)
  }
  #closing: Promise<void> | null = null
  /** Replies go out one at a time (zeromq.js allows one pending send per socket). */
  #sendChain: Promise<void> = Promise.resolve()
  #batches = 0
  #batchWaiters: (() => void)[] = []
  readonly #pipe: PipelinedWorker

  constructor(cfg: WorkerConfig) {
    this.#cfg = { ...cfg }
    this.#sock = new Dealer({
      linger: WORKER_LINGER_MS,
      receiveHighWaterMark: WORKER_RECEIVE_HWM,
      // Replies of a whole burst are queued at once.
      sendHighWaterMark: WORKER_RECEIVE_HWM,
      // Whoever is bound on the endpoint is untrusted too: no frame may cost more than this.
      maxMessageSize: WORK_SOCKET_MAX_BYTES,
      handshakeInterval: WORK_HANDSHAKE_TIMEOUT_MS,
      ...curveClientOptions(cfg.serverKey)
    })
    this.#redis = createWorkerRedis(cfg.redisUrl, cfg.id)
    this.#telemetry = new WorkerTelemetry(cfg)
    this.#crash = new WorkerCrash(cfg.crashAt, cfg.crashEvery)
    this.#pipe = {
      workerId: cfg.id,
      labId: cfg.labId,
      telemetry: this.#telemetry,
      crash: this.#crash,
      point: this.#point,
      semantics: () => this.#semantics(),
      send: (frames) => this.#send(frames)
    }
  }

  /** Connects and serves until `close()`. Resolves when the receive loop ends. */
  async run(): Promise<void> {
    this.#sock.connect(this.#cfg.endpoint)
    this.#telemetry.start()
    await this.#serve()
  }

  /** Applies a control message from the engine. */
  control(msg: WorkerControl): void {
    if (msg.t === 'stop') {
      void this.close().then(() => process.exit(0))
      return
    }
    if (msg.workMs !== undefined) this.#cfg.workMs = msg.workMs
    this.#crash.configure(msg.crashAt, msg.crashEvery)
  }

  /** Closes sockets and the Redis connection; flushes telemetry. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async (): Promise<void> => {
      this.#telemetry.close()
      this.#sock.close()
      this.#redis.disconnect()
    })()
    return this.#closing
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
      const burst: Buffer[][] = []
      try {
        if (isBatch(first)) await this.#startBatch(first)
        else burst.push(first)
        while (burst.length > 0 && burst.length < max && sock.readable) {
          const next = await sock.receive()
          if (isBatch(next)) await this.#startBatch(next)
          else burst.push(next)
        }
        if (burst.length > 0) await this.#handleBurst(burst)
      } catch (err) {
        if (sock.closed) return
        // One burst that cannot be handled must not end the loop; its requests time out and are
        // re-sent, which is what a lost reply means to the lab.
        this.#telemetry.reject()
        process.stderr.write(`flowlab worker ${this.#cfg.id}: ${(err as Error).message}\n`)
      }
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
      const at = delimiterIndex(frames)
      if (at < 0) {
        // A REP socket drops a message without an envelope delimiter: so do we.
        this.#telemetry.reject()
        continue
      }
      const envelope = frames.slice(0, at + 1)
      const body = frames.slice(at + 1)
      const parsed = parseRequest(body, this.#cfg.labId)
      if (!parsed.ok) {
        this.#telemetry.reject()
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
      this.#telemetry.begin(d)
      const job: Job = { envelope, header, workload, d, status: 'done' }
      // From the request that arms a crash (or with one armed) on, the rest is handled one by one;
      // #handleOne counts its requests itself.
      if (slow.length > 0 || this.#crash.ahead) slow.push(job)
      else {
        this.#crash.countBatched()
        fast.push(job)
      }
    }
    if (fast.length > 0) await runBurst(this.#semantics(), fast)
    for (const job of fast) replies.push(this.#finish(job))
    await this.#sendAll(replies)
    for (const job of slow) {
      await this.#sendAll([await this.#handleOne(job)])
    }
  }

  /** One request the seed's way, with every crash point live. @returns the reply frames. */
  async #handleOne(job: Job): Promise<Frames> {
    this.#crash.countOne()
    this.#telemetry.working(job.header.epoch)
    await runOne(this.#semantics(), job, this.#point)
    return this.#finish(job)
  }

  #semantics(): SemanticsContext {
    return { redis: this.#redis, workerId: this.#cfg.id, extraWorkMs: this.#cfg.workMs }
  }

  async #sendAll(replies: Frames[]): Promise<void> {
    for (const frames of replies) await this.#send(frames)
  }

  #send(frames: Frames): Promise<void> {
    const sent = this.#sendChain.then(() =>
      this.#sock.closed ? undefined : this.#sock.send(frames)
    )
    this.#sendChain = sent.catch(() => undefined)
    return sent
  }

  /**
   * Starts a pipelined batch (protocol v2) without waiting for it, up to WORKER_BATCHES_MAX at
   * once: while one waits for Redis, the next is read and sent on.
   */
  async #startBatch(frames: Buffer[]): Promise<void> {
    while (this.#batches >= WORKER_BATCHES_MAX) {
      await new Promise<void>((resolve) => this.#batchWaiters.push(resolve))
    }
    const at = delimiterIndex(frames)
    this.#batches++
    handleBatch(this.#pipe, frames.slice(0, at + 1), frames.slice(at + 1))
      .catch((err: unknown) => {
        if (this.#sock.closed) return
        this.#telemetry.reject()
        process.stderr.write(`flowlab worker ${this.#cfg.id}: ${(err as Error).message}\n`)
      })
      .finally(() => {
        this.#batches--
        this.#batchWaiters.shift()?.()
      })
  }

  /** Reply frames of a finished job, and its telemetry record. */
  #finish(job: Job): Frames {
    const outcome =
      job.status === 'failed'
        ? Outcome.Failed
        : job.status === 'duplicate'
          ? Outcome.Duplicate
          : Outcome.Executed
    this.#telemetry.done(job.d, outcome)
    const body =
      job.status === 'failed'
        ? encodeReply(job.d.epoch, this.#cfg.id, 'failed', (job.error ?? 'failed').slice(0, 200))
        : encodeReply(job.d.epoch, this.#cfg.id, job.status)
    return [...job.envelope, body]
  }
}

/** A request of protocol v2 (a pipelined batch): its first frame after the envelope says so. */
function isBatch(frames: Buffer[]): boolean {
  const at = delimiterIndex(frames)
  return at >= 0 && isBatchHeader(frames[at + 1])
}
