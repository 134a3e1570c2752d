import { Dealer, Router } from 'zeromq'
import type { LinkDirection, LinkDirectionInfo, LinkRule } from '@shared/contract/labs/dispatch'
import {
  oversizeFrame,
  peekEpoch,
  WORK_HANDSHAKE_TIMEOUT_MS,
  WORK_SOCKET_MAX_BYTES,
  type RejectReason
} from './protocol'
import { curveServerOptions, type CurvePlan } from '../zmq/curve'
import { SendQueue } from '../zmq/send-queue'
import { HandshakeWatch } from './handshake-watch'
import { ChanceSalt, LinkChance } from './link-chance'

/** Fault trace events are summarised per direction at most this often (the trace cannot flood). */
export const LINK_TRACE_INTERVAL_MS = 100
/** Epochs named per summary event. */
const LINK_TRACE_SAMPLE_EPOCHS = 5
/** Messages queued per link socket before its receive loop stops reading (backpressure). */
const LINK_SEND_QUEUE_MAX = 10_000
/** Per-peer queue limits of the link's sockets (libzmq drops or blocks beyond them). */
const LINK_HWM = 100_000
/** Most replies carried in one batch to the dispatcher (see the class comment). */
const LINK_REPLY_BATCH_MAX = 512

export type FaultKind = 'dropped' | 'dropped-next' | 'dropped-cut' | 'duplicated' | 'delayed'

export interface FaultLinkOptions {
  /** Where the dispatcher's DEALER connects (inproc, same process). */
  frontend: string
  /** Public work endpoint the workers' REP sockets connect to. */
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
}

interface DirectionState {
  rule: LinkRule & { dropNext: number; cut: boolean }
  counters: LinkDirectionInfo['counters']
  /** Any rule set: the fast path (plain forward) is off. */
  active: boolean
  /** Faults since the last trace summary. */
  pending: number
  samples: number[]
}

function newDirection(): DirectionState {
  return {
    rule: { dropP: 0, delayMs: 0, jitterMs: 0, duplicateP: 0, dropNext: 0, cut: false },
    counters: {
      forwarded: 0,
      dropped: 0,
      droppedNext: 0,
      droppedCut: 0,
      delayed: 0,
      duplicated: 0
    },
    active: false,
    pending: 0,
    samples: []
  }
}

/**
 * A ZeroMQ proxy between the dispatcher and the public work endpoint that applies fault rules per
 * direction: drop with probability p, drop the next N, delay ± jitter, duplicate with probability
 * p, cut and heal. Frontend: ROUTER (the dispatcher's DEALER connects). Backend: DEALER bound on the
 * public endpoint, which spreads requests over the connected REP workers.
 *
 * Replies from the backend must be `[dispatcher id, empty, body]`; anything else is rejected and
 * counted (a foreign peer can never crash it). With no rule set, messages take a fast path that
 * neither parses nor draws random numbers.
 *
 * The inproc hop between the dispatcher and the link is internal, so it is batched: the dispatcher
 * sends `[empty, header1, workload1, header2, workload2, …]` and the link sends replies back as
 * `[empty, body1, body2, …]`, one batch per event-loop turn. Each ZeroMQ call costs far more than
 * the bytes it moves (measured: the engine spent most of its time in send/receive), so this
 * removes most of the engine's per-message cost. The public endpoint speaks plain protocol v1.
 */
export class FaultLink {
  readonly #opts: FaultLinkOptions
  readonly #chance: LinkChance
  readonly #front = new Router({
    linger: 0,
    sendHighWaterMark: LINK_HWM,
    receiveHighWaterMark: LINK_HWM
  })
  /** The public side: every peer on it is untrusted, so frames and handshakes are bounded. */
  readonly #back: Dealer
  readonly #toFront: SendQueue
  readonly #toBack: SendQueue
  readonly #dirs: Record<LinkDirection, DirectionState> = {
    'to-worker': newDirection(),
    'to-dispatcher': newDirection()
  }
  /** Routing ids of dispatchers seen on the frontend (a restarted dispatcher gets a new one). */
  readonly #dispatchers = new Set<string>()
  readonly #timers = new Set<NodeJS.Timeout>()
  /** Replies waiting for the next batch, per dispatcher routing id. */
  readonly #replyBatches = new Map<string, Buffer[]>()
  #replyFlushScheduled = false
  #handshakes: HandshakeWatch | null = null
  #peerWaiters: (() => void)[] = []
  #traceTimer: NodeJS.Timeout | null = null
  #started = false
  #closing: Promise<void> | null = null

  constructor(opts: FaultLinkOptions) {
    this.#opts = opts
    this.#chance = new LinkChance(opts.seed ?? null)
    this.#back = new Dealer({
      linger: 0,
      sendHighWaterMark: LINK_HWM,
      receiveHighWaterMark: LINK_HWM,
      maxMessageSize: WORK_SOCKET_MAX_BYTES,
      handshakeInterval: WORK_HANDSHAKE_TIMEOUT_MS,
      ...curveServerOptions(opts.curve)
    })
    this.#toFront = new SendQueue(this.#front, LINK_SEND_QUEUE_MAX, opts.onError)
    this.#toBack = new SendQueue(this.#back, LINK_SEND_QUEUE_MAX, opts.onError)
  }

  /**
   * Binds both sides and starts forwarding. Throws with a clear message when the endpoint is taken.
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
    await this.#front.bind(this.#opts.frontend)
    try {
      await this.#back.bind(this.#opts.endpoint)
    } catch (err) {
      this.#handshakes.close()
      this.#front.close()
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
    void this.#frontLoop().catch((err: unknown) => this.#loopError(err))
    void this.#backLoop().catch((err: unknown) => this.#loopError(err))
  }

  /** The inproc address the dispatcher connects to. */
  get frontend(): string {
    return this.#opts.frontend
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
    const d = this.#dirs[direction]
    Object.assign(
      d.rule,
      Object.fromEntries(Object.entries(rule).filter(([, v]) => v !== undefined))
    )
    this.#refresh(d)
    this.#opts.onTrace('link-rule', 'info', `${direction}: ${describeRule(d.rule)}`, {
      direction,
      dropP: d.rule.dropP,
      delayMs: d.rule.delayMs,
      jitterMs: d.rule.jitterMs,
      duplicateP: d.rule.duplicateP
    })
  }

  dropNext(direction: LinkDirection, count: number): void {
    const d = this.#dirs[direction]
    d.rule.dropNext += count
    this.#refresh(d)
    this.#opts.onTrace('link-drop-next', 'info', `${direction}: dropping the next ${count}`, {
      direction,
      count
    })
  }

  /** Cut (true) or heal (false) one direction. */
  setCut(direction: LinkDirection, cut: boolean): void {
    const d = this.#dirs[direction]
    d.rule.cut = cut
    this.#refresh(d)
    this.#opts.onTrace(
      cut ? 'link-cut' : 'link-healed',
      cut ? 'warn' : 'info',
      `${direction}: ${cut ? 'cut (partition)' : 'healed'}`,
      { direction }
    )
  }

  /** Resets every rule of one direction. */
  clear(direction: LinkDirection): void {
    const d = this.#dirs[direction]
    d.rule = { dropP: 0, delayMs: 0, jitterMs: 0, duplicateP: 0, dropNext: 0, cut: false }
    this.#refresh(d)
    this.#opts.onTrace('link-cleared', 'info', `${direction}: rules cleared`, { direction })
  }

  toInfo(direction: LinkDirection): LinkDirectionInfo {
    const d = this.#dirs[direction]
    return { rule: { ...d.rule }, counters: { ...d.counters } }
  }

  /** Stops forwarding, drops delayed messages, closes both sockets. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async (): Promise<void> => {
      if (this.#traceTimer) clearInterval(this.#traceTimer)
      this.#summarise()
      for (const t of this.#timers) clearTimeout(t)
      this.#timers.clear()
      for (const w of this.#peerWaiters.splice(0)) w()
      this.#handshakes?.close()
      this.#toFront.close()
      this.#toBack.close()
      this.#front.close()
      this.#back.close()
    })()
    return this.#closing
  }

  #refresh(d: DirectionState): void {
    const r = d.rule
    d.active =
      r.cut || r.dropNext > 0 || r.dropP > 0 || r.duplicateP > 0 || r.delayMs > 0 || r.jitterMs > 0
  }

  #loopError(err: unknown): void {
    if (!this.#closing) this.#opts.onError(err as Error)
  }

  /** Dispatcher → workers: a batch `[id, empty, h1, w1, h2, w2 …]` becomes `[id, empty, hi, wi]` each. */
  async #frontLoop(): Promise<void> {
    const toBack = (frames: Buffer[]): void => void this.#toBack.push(frames)
    for await (const frames of this.#front) {
      try {
        const id = frames[0]
        const empty = frames[1]
        if (!id || !empty) continue
        if (this.#dispatchers.size < 64) this.#dispatchers.add(id.toString('latin1'))
        for (let i = 2; i + 1 < frames.length; i += 2) {
          const request = [id, empty, frames[i] as Buffer, frames[i + 1] as Buffer]
          this.#route('to-worker', request, toBack)
        }
      } catch (err) {
        // One message that cannot be handled must not end the loop (and with it the run).
        this.#opts.onReject('unreadable', `request batch: ${(err as Error).message}`)
      }
      if (this.#toBack.length >= LINK_SEND_QUEUE_MAX) await this.#toBack.room()
    }
  }

  /** Workers → dispatcher: validate the envelope, then route by the dispatcher id. */
  async #backLoop(): Promise<void> {
    for await (const frames of this.#back) {
      try {
        this.#fromWorker(frames)
      } catch (err) {
        // One message that cannot be handled must not end the loop (and with it the run).
        this.#opts.onReject('unreadable', `reply: ${(err as Error).message}`)
      }
      if (this.#toFront.length >= LINK_SEND_QUEUE_MAX) await this.#toFront.room()
    }
  }

  /** One message from the public endpoint: checked by size and envelope, then routed. */
  #fromWorker(frames: Buffer[]): void {
    if (frames.length !== 3) {
      this.#opts.onReject(
        'frame-count',
        `reply with ${frames.length} frames (expected 3 with the envelope)`
      )
      return
    }
    const oversize = oversizeFrame(frames)
    if (oversize) {
      this.#opts.onReject('oversize', oversize)
      return
    }
    if (
      (frames[1] as Buffer).length !== 0 ||
      !this.#dispatchers.has((frames[0] as Buffer).toString('latin1'))
    ) {
      this.#opts.onReject('envelope', 'reply without a valid REP envelope')
      return
    }
    this.#route('to-dispatcher', frames, this.#toDispatcher)
  }

  /** Adds a reply `[id, empty, body]` to its dispatcher's next batch. */
  readonly #toDispatcher = (frames: Buffer[]): void => {
    const key = (frames[0] as Buffer).toString('latin1')
    let batch = this.#replyBatches.get(key)
    if (!batch) {
      batch = [frames[0] as Buffer, frames[1] as Buffer]
      this.#replyBatches.set(key, batch)
    }
    batch.push(frames[2] as Buffer)
    if (batch.length - 2 >= LINK_REPLY_BATCH_MAX) {
      this.#replyBatches.delete(key)
      this.#toFront.push(batch)
    } else if (!this.#replyFlushScheduled) {
      this.#replyFlushScheduled = true
      setImmediate(this.#flushReplies)
    }
  }

  readonly #flushReplies = (): void => {
    this.#replyFlushScheduled = false
    for (const batch of this.#replyBatches.values()) this.#toFront.push(batch)
    this.#replyBatches.clear()
  }

  #route(direction: LinkDirection, frames: Buffer[], out: (frames: Buffer[]) => void): void {
    const d = this.#dirs[direction]
    if (!d.active) {
      d.counters.forwarded++
      out(frames)
      return
    }
    const r = d.rule
    const epochFrame = frames[frames.length - (direction === 'to-worker' ? 2 : 1)]
    if (r.cut) {
      d.counters.droppedCut++
      this.#fault(d, direction, 'dropped-cut', epochFrame)
      return
    }
    if (r.dropNext > 0) {
      r.dropNext--
      this.#refresh(d)
      d.counters.droppedNext++
      this.#fault(d, direction, 'dropped-next', epochFrame)
      return
    }
    const roll =
      r.dropP > 0 || r.duplicateP > 0 || r.jitterMs > 0
        ? this.#chance.roll(direction, peekEpoch(epochFrame))
        : Math.random
    if (r.dropP > 0 && roll(ChanceSalt.Drop) < r.dropP) {
      d.counters.dropped++
      this.#fault(d, direction, 'dropped', epochFrame)
      return
    }
    let copies = 1
    if (r.duplicateP > 0 && roll(ChanceSalt.Duplicate) < r.duplicateP) {
      copies = 2
      d.counters.duplicated++
      this.#fault(d, direction, 'duplicated', epochFrame)
    }
    const delay =
      r.delayMs > 0 || r.jitterMs > 0
        ? Math.max(0, r.delayMs + (roll(ChanceSalt.Jitter) * 2 - 1) * r.jitterMs)
        : 0
    d.counters.forwarded += copies
    if (delay > 0) {
      d.counters.delayed++
      this.#fault(d, direction, 'delayed', epochFrame)
      // Copies: zeromq.js may send large buffers without copying, so never send one Buffer twice.
      const copy = frames.map((b) => Buffer.from(b))
      const timer = setTimeout(() => {
        this.#timers.delete(timer)
        for (let i = 0; i < copies; i++) out(i === 0 ? copy : copy.map((b) => Buffer.from(b)))
      }, delay)
      this.#timers.add(timer)
      return
    }
    out(frames)
    if (copies === 2) out(frames.map((b) => Buffer.from(b)))
  }

  #fault(
    d: DirectionState,
    direction: LinkDirection,
    kind: FaultKind,
    frame: Buffer | undefined
  ): void {
    const epoch = peekEpoch(frame)
    d.pending++
    if (d.samples.length < LINK_TRACE_SAMPLE_EPOCHS && epoch >= 0) d.samples.push(epoch)
    this.#opts.onFault(direction, kind, epoch)
  }

  /** One trace event per direction per interval with the counts since the last one. */
  #summarise(): void {
    for (const direction of ['to-worker', 'to-dispatcher'] as const) {
      const d = this.#dirs[direction]
      if (d.pending === 0) continue
      const c = d.counters
      this.#opts.onTrace(
        'link-faults',
        'info',
        `${direction}: ${d.pending} fault(s) applied (e.g. epochs ${d.samples.join(', ')})`,
        {
          direction,
          applied: d.pending,
          dropped: c.dropped,
          droppedNext: c.droppedNext,
          droppedCut: c.droppedCut,
          delayed: c.delayed,
          duplicated: c.duplicated,
          sample: d.samples.join(',')
        }
      )
      d.pending = 0
      d.samples = []
    }
  }
}

function describeRule(r: LinkRule & { dropNext: number; cut: boolean }): string {
  const parts: string[] = []
  if (r.cut) parts.push('cut')
  if (r.dropP > 0) parts.push(`drop p=${r.dropP}`)
  if (r.dropNext > 0) parts.push(`drop next ${r.dropNext}`)
  if (r.delayMs > 0 || r.jitterMs > 0) parts.push(`delay ${r.delayMs}±${r.jitterMs} ms`)
  if (r.duplicateP > 0) parts.push(`duplicate p=${r.duplicateP}`)
  return parts.length > 0 ? parts.join(', ') : 'no faults'
}
