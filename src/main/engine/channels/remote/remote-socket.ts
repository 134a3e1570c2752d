import { Router } from 'zeromq'
import type { TraceData, TraceLevel } from '@shared/contract'
import { curveServerOptions, isCurveAuthError, type CurvePlan } from '../../zmq/curve'
import { SendQueue } from '../../zmq/send-queue'
import {
  parseMessage,
  REMOTE_MAX_MESSAGE_BYTES,
  type Answer,
  type RejectReason,
  type Request
} from './protocol'
import type { Session } from './remote-sessions'

/** Messages waiting for the ROUTER socket at most; beyond, messages are dropped and counted. */
const REMOTE_SEND_QUEUE_MAX = 10_000
/** Outbound high-water mark per peer (messages). */
const REMOTE_SEND_HWM = 10_000
/** Distinct reject reasons are a closed set; this bounds the detail kept for the last one. */
const REMOTE_DETAIL_CHARS = 200

export interface RemoteSocketOptions {
  note: (type: string, level: TraceLevel, message: string, data?: TraceData) => void
  /** The session of a peer (created on its first frame); null when the table has no room. */
  attach(routing: Buffer, reqStyle: boolean): Session | null
  /**
   * A newcomer found no room: `reply` answers it (with `id` when its request id could be read),
   * although it has no session.
   */
  refuseNewcomer(reply: (message: Record<string, unknown>) => void, id: number | null): void
  /** A well-formed request or answer arrived. */
  onMessage(session: Session, message: Request | Answer): void
}

/**
 * The ROUTER socket of the remote door and its one owner: only the receive loop reads, and every
 * send goes through one SendQueue. Frames that are not one well-formed JSON message are rejected
 * here, counted by reason and answered with an error where the request id is known.
 */
export class RemoteSocket {
  readonly #opts: RemoteSocketOptions
  readonly #socket: Router
  readonly #queue: SendQueue
  readonly #rejected = new Map<RejectReason | 'send-overflow' | 'auth', number>()
  #rejectedTotal = 0
  #sendFailed = 0
  /** The bound endpoint, with the real port. */
  readonly endpoint: string

  private constructor(socket: Router, endpoint: string, opts: RemoteSocketOptions) {
    this.#opts = opts
    this.#socket = socket
    this.endpoint = endpoint
    // A send that fails (the peer is gone or full: mandatory routing) is neither an overflow of
    // this queue nor a bad frame; counted apart.
    this.#queue = new SendQueue(socket, REMOTE_SEND_QUEUE_MAX, () => this.#sendFailed++)
  }

  /**
   * Binds a ROUTER on `endpoint` (a `:0` port picks a free one); {@link listen} starts reading.
   * @throws when the endpoint cannot be bound
   */
  static async bind(
    endpoint: string,
    curve: CurvePlan,
    opts: RemoteSocketOptions
  ): Promise<RemoteSocket> {
    const socket = new Router({
      mandatory: true,
      linger: 0,
      maxMessageSize: REMOTE_MAX_MESSAGE_BYTES,
      sendHighWaterMark: REMOTE_SEND_HWM,
      ...curveServerOptions(curve)
    })
    const bindTo = endpoint.replace(/:0$/, ':*')
    try {
      await socket.bind(bindTo)
    } catch (err) {
      socket.close()
      throw new Error(`cannot bind the channels endpoint ${endpoint}: ${(err as Error).message}`, {
        cause: err
      })
    }
    const bound = new RemoteSocket(socket, socket.lastEndpoint ?? bindTo, opts)
    if (curve.on) bound.#watchAuth()
    return bound
  }

  /**
   * A peer without the server key (or with a wrong one) fails the CURVE handshake and never gets a
   * session: counted as `auth` and traced like any rejected frame.
   */
  #watchAuth(): void {
    for (const type of ['handshake:error:protocol', 'handshake:error:auth'] as const) {
      this.#socket.events.on(type, (e) => {
        const code = (e.error as Error & { code?: string }).code
        if (type === 'handshake:error:protocol' && !isCurveAuthError(code)) return
        this.#count('auth')
        const why = code === 'ERR_ZMTP_CRYPTOGRAPHIC' ? 'wrong server key' : 'no server key'
        this.#opts.note(
          'remote-rejected',
          'warn',
          `remote client on ${e.address} failed the CURVE handshake (${why})`,
          { reason: 'auth' }
        )
      })
    }
  }

  /** Starts the receive loop (once). */
  listen(): void {
    void this.#receive()
  }

  /** Frames rejected (and messages dropped for a full send queue), by reason. */
  get rejected(): { total: number; byReason: Record<string, number> } {
    return { total: this.#rejectedTotal, byReason: Object.fromEntries(this.#rejected) }
  }

  /** Messages ZeroMQ refused to route (peer gone, or its queue full). */
  get sendFailed(): number {
    return this.#sendFailed
  }

  /** Queues one message to a session. @returns false when it cannot be sent */
  send(session: Session, message: Record<string, unknown>): boolean {
    if (session.gone) return false
    return this.#sendTo(session.routing, session.reqStyle, message)
  }

  #sendTo(routing: Buffer, reqStyle: boolean, message: Record<string, unknown>): boolean {
    const payload = JSON.stringify({ v: 1, ...message })
    const frames = reqStyle ? [routing, '', payload] : [routing, payload]
    if (!this.#queue.push(frames)) {
      this.#count('send-overflow')
      return false
    }
    return true
  }

  /** Stops sending and receiving; later sends are dropped. */
  close(): void {
    this.#queue.close()
    this.#socket.close()
  }

  async #receive(): Promise<void> {
    try {
      for await (const frames of this.#socket) {
        try {
          this.#onFrames(frames)
        } catch (err) {
          this.#opts.note(
            'remote-error',
            'warn',
            `remote message failed: ${(err as Error).message}`
          )
        }
      }
    } catch {
      // socket closed
    }
  }

  #onFrames(frames: Buffer[]): void {
    const routing = frames[0]
    if (routing === undefined) return
    let payload: Buffer | undefined
    let reqStyle = false
    if (frames.length === 2) payload = frames[1]
    else if (frames.length === 3 && frames[1]?.length === 0) {
      payload = frames[2]
      reqStyle = true
    }
    // Parsed (behind its size and depth guards) before the session is looked up, so that a
    // newcomer refused for a full table is still answered with its request id.
    const parsed = payload === undefined ? null : parseMessage(payload)
    const session = this.#opts.attach(routing, reqStyle)
    if (session === null) {
      this.#opts.refuseNewcomer(
        (message) => this.#sendTo(routing, reqStyle, message),
        parsed?.id ?? null
      )
      return
    }
    if (parsed === null) {
      this.#reject(session, 'frame-count', null, `expected 1 JSON frame, got ${frames.length - 1}`)
      return
    }
    if (!parsed.ok) {
      this.#reject(session, parsed.reason, parsed.id, parsed.detail)
      return
    }
    this.#opts.onMessage(session, parsed.message)
  }

  #reject(session: Session, reason: RejectReason, id: number | null, detail: string): void {
    this.#count(reason)
    this.send(session, {
      ...(id === null ? {} : { id }),
      ok: false,
      error: { code: 'BAD_MESSAGE', reason, message: detail.slice(0, REMOTE_DETAIL_CHARS) }
    })
    this.#opts.note(
      'remote-rejected',
      'warn',
      `remote frame rejected (${reason}): ${detail.slice(0, REMOTE_DETAIL_CHARS)}`,
      {
        reason,
        session: session.id
      }
    )
  }

  #count(reason: RejectReason | 'send-overflow' | 'auth'): void {
    this.#rejectedTotal++
    this.#rejected.set(reason, (this.#rejected.get(reason) ?? 0) + 1)
  }
}
