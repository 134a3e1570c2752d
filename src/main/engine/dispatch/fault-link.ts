import { Dealer } from 'zeromq'
import type { LinkDirection, LinkDirectionInfo, LinkRule } from '@shared/contract/labs/dispatch'
import {
  oversizeFrame,
  peekEpoch,
  WORK_HANDSHAKE_TIMEOUT_MS,
  WORK_SOCKET_MAX_BYTES,
  type RejectReason
} from './protocol'
import { batchEntries, entryEpoch, pickEntries } from './protocol-batch'
import { curveServerOptions, type CurvePlan } from '../zmq/curve'
import { SendQueue } from '../zmq/send-queue'
import { HandshakeWatch } from './handshake-watch'
import {
  describeRule,
  LinkRules,
  newRule,
  refreshDirection,
  type FaultKind,
  type Passage
} from './link-rules'

/** Fault trace events are summarised per direction at most this often (the trace cannot flood). */
export const LINK_TRACE_INTERVAL_MS = 100
/** Messages queued for the workers at least (a run's window may raise it, see the options). */
const LINK_SEND_QUEUE_MIN = 10_000
/** Per-peer queue limits of the public socket (libzmq drops or blocks beyond them). */
const LINK_HWM = 100_000
/** Most replies carried in one batch to the dispatcher (see the class comment). */
const LINK_REPLY_BATCH_MAX = 512

export type { FaultKind } from './link-rules'

export interface FaultLinkOptions {
  /** Public work endpoint the workers connect to. */
  endpoint: string
  /** CURVE on the public endpoint (workers need the server's public key) or off. */
  curve: CurvePlan
  /** One call per fault applied to a message, with its epoch (-1 if unknown). Must be cheap. */
  onFault(direction: LinkDirection, kind: FaultKind, epoch: number): void
  /** A frame set from a peer broke the protocol. */
  onReject(reason: RejectReason | 'handshake' | 'auth', detail: string): void
  /** Summaries of applied faults, rule changes and connection changes, for the trace. */
  onTrace(
    type: string,
    level: 'info' | 'warn',
    message: string,
    data?: Record<string, string | number | boolean | null>
  ): void
  onError(err: Error): void
  /** Seeded link faults: the same seed hurts the same epochs in every run (null: random). */
  seed?: number | null
  /** Workers speak protocol v2 (pipelined batches) instead of v1 (one request per message). */
  pipelined?: boolean
  /** Most messages in flight of the run: the queue to the workers holds twice this at least. */
  window?: number
}

/**
 * The dispatcher's end of the link, in the same process (what its socket used to be): requests go
 * in by `send`, replies come out through the handler given to `FaultLink.connect`.
 */
export interface LinkPort {
  /**
   * Lockstep: `frames` = `[header1, workload1, header2, workload2, …]` and `epochs[i]` the epoch
   * of pair i. Pipelined: `frames` = `[batch header, epochs frame]` (epochs unused).
   */
  send(frames: (Buffer | string)[], epochs: readonly number[]): void
  /** Disconnects: replies still on their way to this dispatcher are dropped (as ZeroMQ would). */
  close(): void
}

/**
 * The dispatcher's socket on the public work endpoint, which applies fault rules per direction:
 * drop with probability p, drop the next N, delay ± jitter, duplicate with probability p, cut and
 * heal. The public side is a DEALER bound on the endpoint, which spreads requests over the
 * connected workers; the dispatcher talks to it in-process through a {@link LinkPort}.
 *
 * Replies from the backend must carry the envelope `[dispatcher id, empty]` of a connected (or
 * earlier) dispatcher; anything else is rejected and counted (a foreign peer can never crash it).
 * With no rule set, messages take a fast path that neither parses nor draws random numbers.
 *
 * There is no second ZeroMQ hop: the link used to be a proxy with a ROUTER frontend for the
 * dispatcher's DEALER (inproc), and each message crossed two more sockets. Measured (docs/
 * PERFORMANCE.md): a frame costs about 3 µs of CPU per socket it crosses in zeromq.js, so the
 * in-process hop cost more than the rules themselves. Replies are still handed over in batches,
 * one per event-loop turn.
 */
export class FaultLink {
  readonly #opts: FaultLinkOptions
  readonly #rules: LinkRules
  /** The public side: every peer on it is untrusted, so frames and handshakes are bounded. */
  readonly #back: Dealer
  readonly #toBack: SendQueue
  readonly #pipelined: boolean
  readonly #empty = Buffer.alloc(0)
  /** Routing ids of dispatchers seen (a restarted dispatcher gets a new one). */
  readonly #dispatchers = new Set<string>()
  /** Reply handlers of the connected dispatchers, by routing id. */
  readonly #ports = new Map<string, (frames: Buffer[]) => void>()
  readonly #timers = new Set<NodeJS.Timeout>()
  /** Lockstep replies waiting for the next batch, per dispatcher routing id. */
  readonly #replyBatches = new Map<string, Buffer[]>()
  #replyFlushScheduled = false
  #handshakes: HandshakeWatch | null = null
  #peerWaiters: (() => void)[] = []
  #traceTimer: NodeJS.Timeout | null = null
  #started = false
  #closing: Promise<void> | null = null

  constructor(opts: FaultLinkOptions) {
    this.#opts = opts
    this.#pipelined = opts.pipelined === true
    this.#rules = new LinkRules(opts.seed ?? null, opts.onFault)
    this.#back = new Dealer({
      linger: 0,
      sendHighWaterMark: LINK_HWM,
      receiveHighWaterMark: LINK_HWM,
      maxMessageSize: WORK_SOCKET_MAX_BYTES,
      handshakeInterval: WORK_HANDSHAKE_TIMEOUT_MS,
      ...curveServerOptions(opts.curve)
    })
    const queueMax = Math.max(LINK_SEND_QUEUE_MIN, 2 * (opts.window ?? 0) + 1_024)
    this.#toBack = new SendQueue(this.#back, queueMax, opts.onError)
  }

  /**
   * Binds the public endpoint and starts forwarding. Throws with a clear message when the
   * endpoint is taken.
   */
  async start(): Promise<void> {
    if (this.#started) throw new Error('FaultLink already started')
    this.#started = true
    // A peer counts once it speaks ZMTP: a plain-text connection is accepted by TCP too, but it
    // must neither start the dispatcher nor count as a worker.
    this.#handshakes = new HandshakeWatch(this.#back, {
      timeoutMs: WORK_HANDSHAKE_TIMEOUT_MS,
      curve: this.#opts.curve.on,
      onReject: (detail, reason) => this.#opts.onReject(reason, detail),
      onPeers: (peers) => {
        if (peers > 0) for (const w of this.#peerWaiters.splice(0)) w()
      }
    })
    try {
      await this.#back.bind(this.#opts.endpoint)
    } catch (err) {
      this.#handshakes.close()
      this.#back.close()
      const e = err as Error & { code?: string }
      throw new Error(
        e.code === 'EADDRINUSE'
          ? `the work endpoint ${this.#opts.endpoint} is in use by another program; choose another (--endpoint tcp://127.0.0.1:PORT)`
          : `cannot bind the work endpoint ${this.#opts.endpoint}: ${e.message}`,
        { cause: err }
      )
    }
    this.#traceTimer = setInterval(() => this.#summarise(), LINK_TRACE_INTERVAL_MS)
    this.#traceTimer.unref()
    void this.#backLoop().catch((err: unknown) => this.#loopError(err))
  }

  /**
   * Connects a dispatcher by its routing id: replies to it go to `onReplies` (lockstep: a batch of
   * reply bodies; pipelined: one `[reply header, statuses]`).
   */
  connect(routingId: string, onReplies: (frames: Buffer[]) => void): LinkPort {
    const idBuf = Buffer.from(routingId, 'latin1')
    const key = idBuf.toString('latin1')
    if (this.#dispatchers.size < 64) this.#dispatchers.add(key)
    this.#ports.set(key, onReplies)
    let open = true
    return {
      send: (frames, epochs) => {
        if (!open || this.#closing) return
        try {
          if (this.#pipelined) this.#requestBatch(idBuf, frames)
          else this.#requests(idBuf, frames, epochs)
        } catch (err) {
          // One message that cannot be handled must not end the run.
          this.#opts.onReject('unreadable', `request batch: ${(err as Error).message}`)
        }
      },
      close: () => {
        open = false
        if (this.#ports.get(key) === onReplies) this.#ports.delete(key)
        this.#replyBatches.delete(key)
      }
    }
  }

  /** Peers (workers or others) currently connected to the public endpoint. */
  get peers(): number {
    return this.#handshakes?.peers ?? 0
  }

  /** Resolves once at least one peer is connected to the public endpoint. */
  waitForPeer(): Promise<void> {
    if (this.peers > 0 || this.#closing) return Promise.resolve()
    return new Promise((resolve) => this.#peerWaiters.push(resolve))
  }

  /** Messages held back by a delay rule right now. */
  get delayedInFlight(): number {
    return this.#timers.size
  }

  /** Sets the standing rule of one direction (fields not given keep their value). */
  setRule(direction: LinkDirection, rule: Partial<LinkRule>): void {
    const d = this.#rules.dirs[direction]
    Object.assign(
      d.rule,
      Object.fromEntries(Object.entries(rule).filter(([, v]) => v !== undefined))
    )
    refreshDirection(d)
    this.#opts.onTrace('link-rule', 'info', `${direction}: ${describeRule(d.rule)}`, {
      direction,
      dropP: d.rule.dropP,
      delayMs: d.rule.delayMs,
      jitterMs: d.rule.jitterMs,
      duplicateP: d.rule.duplicateP
    })
  }

  dropNext(direction: LinkDirection, count: number): void {
    const d = this.#rules.dirs[direction]
    d.rule.dropNext += count
    refreshDirection(d)
    this.#opts.onTrace('link-drop-next', 'info', `${direction}: dropping the next ${count}`, {
      direction,
      count
    })
  }

  /** Cut (true) or heal (false) one direction. */
  setCut(direction: LinkDirection, cut: boolean): void {
    const d = this.#rules.dirs[direction]
    d.rule.cut = cut
    refreshDirection(d)
    this.#opts.onTrace(
      cut ? 'link-cut' : 'link-healed',
      cut ? 'warn' : 'info',
      `${direction}: ${cut ? 'cut (partition)' : 'healed'}`,
      { direction }
    )
  }

  /** Resets every rule of one direction. */
  clear(direction: LinkDirection): void {
    const d = this.#rules.dirs[direction]
    d.rule = newRule()
    refreshDirection(d)
    this.#opts.onTrace('link-cleared', 'info', `${direction}: rules cleared`, { direction })
  }

  toInfo(direction: LinkDirection): LinkDirectionInfo {
    const d = this.#rules.dirs[direction]
    return { rule: { ...d.rule }, counters: { ...d.counters } }
  }

  /** Stops forwarding, drops delayed messages, closes the socket. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async (): Promise<void> => {
      if (this.#traceTimer) clearInterval(this.#traceTimer)
      this.#summarise()
      for (const t of this.#timers) clearTimeout(t)
      this.#timers.clear()
      for (const w of this.#peerWaiters.splice(0)) w()
      this.#ports.clear()
      this.#handshakes?.close()
      this.#toBack.close()
      this.#back.close()
    })()
    return this.#closing
  }

  #loopError(err: unknown): void {
    if (!this.#closing) this.#opts.onError(err as Error)
  }

  readonly #sendBack = (frames: (Buffer | string)[]): void => void this.#toBack.push(frames)

  /** Lockstep requests: each pair `[header, workload]` goes out as `[id, empty, header, workload]`. */
  #requests(id: Buffer, frames: (Buffer | string)[], epochs: readonly number[]): void {
    const d = this.#rules.dirs['to-worker']
    for (let i = 0, k = 0; i + 1 < frames.length; i += 2, k++) {
      const request = [id, this.#empty, frames[i] as Buffer | string, frames[i + 1] as Buffer]
      if (!d.active) {
        d.counters.forwarded++
        this.#toBack.push(request)
        continue
      }
      const epoch = epochs[k] ?? -1
      const passage = this.#rules.decide('to-worker', () => epoch)
      if (passage) this.#pass(request, passage, this.#sendBack)
    }
  }

  /** A pipelined batch `[header, epochs]`: one decision per epoch when a rule stands. */
  #requestBatch(id: Buffer, frames: (Buffer | string)[]): void {
    const [header, epochs] = frames as [Buffer | string, Buffer]
    const n = batchEntries(epochs)
    if (n < 0) return
    const d = this.#rules.dirs['to-worker']
    if (!d.active) {
      d.counters.forwarded += n
      this.#toBack.push([id, this.#empty, header, epochs])
      return
    }
    this.#splitBatch('to-worker', epochs, n, (entries) =>
      this.#sendBack([id, this.#empty, header, entries])
    )
  }

  /**
   * Applies the rules of `direction` to each entry of a batch: the entries that pass at once go on
   * as one batch, and each duplicate or delayed entry as a batch of its own (as a duplicated or
   * delayed lockstep message would).
   */
  #splitBatch(
    direction: LinkDirection,
    entries: Buffer,
    n: number,
    out: (entries: Buffer) => void
  ): void {
    const now: number[] = []
    const later: { i: number; passage: Passage }[] = []
    for (let i = 0; i < n; i++) {
      const passage = this.#rules.decide(direction, () => entryEpoch(entries, i))
      if (!passage) continue
      if (passage.delay > 0 || passage.copies === 2) later.push({ i, passage })
      if (passage.delay === 0) now.push(i)
    }
    if (now.length > 0) out(now.length === n ? entries : pickEntries(entries, now))
    for (const { i, passage } of later) {
      const one = pickEntries(entries, [i])
      if (passage.delay === 0) out(one)
      else
        this.#later(passage.delay, () => {
          for (let c = 0; c < passage.copies; c++) out(c === 0 ? one : Buffer.from(one))
        })
    }
  }

  #later(delay: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer)
      fn()
    }, delay)
    this.#timers.add(timer)
  }

  /** Forwards one lockstep message as `passage` says (copies, delay). */
  #pass(
    frames: (Buffer | string)[],
    passage: Passage,
    out: (frames: (Buffer | string)[]) => void
  ): void {
    if (passage.delay > 0) {
      // Copies: zeromq.js may send large buffers without copying, so never send one Buffer twice.
      const copy = frames.map((b) => Buffer.from(b))
      this.#later(passage.delay, () => {
        for (let i = 0; i < passage.copies; i++)
          out(i === 0 ? copy : copy.map((b) => Buffer.from(b)))
      })
      return
    }
    out(frames)
    if (passage.copies === 2) out(frames.map((b) => Buffer.from(b)))
  }

  /** Workers → dispatcher: validate the envelope, then route by the dispatcher id. */
  async #backLoop(): Promise<void> {
    for await (const frames of this.#back) {
      try {
        if (this.#pipelined) this.#batchFromWorker(frames)
        else this.#fromWorker(frames)
      } catch (err) {
        // One message that cannot be handled must not end the loop (and with it the run).
        this.#opts.onReject('unreadable', `reply: ${(err as Error).message}`)
      }
    }
  }

  /** The envelope of a reply: `[known dispatcher id, empty, …]`; false (and counted) otherwise. */
  #envelope(frames: Buffer[], count: number, what: string): boolean {
    if (frames.length !== count) {
      this.#opts.onReject(
        'frame-count',
        `${what} with ${frames.length} frames (expected ${count} with the envelope)`
      )
      return false
    }
    const oversize = oversizeFrame(frames)
    if (oversize) {
      this.#opts.onReject('oversize', oversize)
      return false
    }
    if (
      (frames[1] as Buffer).length !== 0 ||
      !this.#dispatchers.has((frames[0] as Buffer).toString('latin1'))
    ) {
      this.#opts.onReject('envelope', `${what} without a valid REP envelope`)
      return false
    }
    return true
  }

  /** One lockstep reply `[id, empty, body]` from the public endpoint. */
  #fromWorker(frames: Buffer[]): void {
    if (!this.#envelope(frames, 3, 'reply')) return
    const d = this.#rules.dirs['to-dispatcher']
    if (!d.active) {
      d.counters.forwarded++
      this.#toDispatcher(frames)
      return
    }
    const passage = this.#rules.decide('to-dispatcher', () => peekEpoch(frames[2]))
    if (passage) this.#pass(frames, passage, (f) => this.#toDispatcher(f as Buffer[]))
  }

  /** One pipelined reply `[id, empty, reply header, statuses]` from the public endpoint. */
  #batchFromWorker(frames: Buffer[]): void {
    if (!this.#envelope(frames, 4, 'batch reply')) return
    const [id, , header, statuses] = frames as [Buffer, Buffer, Buffer, Buffer]
    const n = batchEntries(statuses)
    if (n < 0) {
      this.#opts.onReject('shape', `batch reply with a statuses frame of ${statuses.length} bytes`)
      return
    }
    const handler = this.#ports.get(id.toString('latin1'))
    const deliver = (entries: Buffer): void => {
      const h = this.#ports.get(id.toString('latin1'))
      if (h) h([header, entries])
    }
    const d = this.#rules.dirs['to-dispatcher']
    if (!d.active) {
      d.counters.forwarded += n
      if (handler) handler([header, statuses])
      return
    }
    this.#splitBatch('to-dispatcher', statuses, n, deliver)
  }

  /** Adds a reply `[id, empty, body]` to its dispatcher's next batch. */
  readonly #toDispatcher = (frames: Buffer[]): void => {
    const key = (frames[0] as Buffer).toString('latin1')
    if (!this.#ports.has(key)) return
    let batch = this.#replyBatches.get(key)
    if (!batch) {
      batch = []
      this.#replyBatches.set(key, batch)
    }
    batch.push(frames[2] as Buffer)
    if (batch.length >= LINK_REPLY_BATCH_MAX) {
      this.#replyBatches.delete(key)
      this.#ports.get(key)?.(batch)
    } else if (!this.#replyFlushScheduled) {
      this.#replyFlushScheduled = true
      setImmediate(this.#flushReplies)
    }
  }

  readonly #flushReplies = (): void => {
    this.#replyFlushScheduled = false
    const batches = [...this.#replyBatches]
    this.#replyBatches.clear()
    for (const [key, batch] of batches) {
      try {
        this.#ports.get(key)?.(batch)
      } catch (err) {
        this.#opts.onReject('unreadable', `reply batch: ${(err as Error).message}`)
      }
    }
  }

  #summarise(): void {
    this.#rules.summarise(this.#opts.onTrace)
  }
}
