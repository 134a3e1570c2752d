import type { Socket } from 'zeromq'
import { isCurveAuthError } from '../zmq/curve'

/** How often pending connections are checked against the handshake timeout, in ms. */
const HANDSHAKE_WATCH_TICK_MS = 250
/** Connections tracked while their handshake is pending (a flood cannot grow the list). */
const HANDSHAKE_PENDING_MAX = 4_096

export interface HandshakeWatchOptions {
  /** A connection that has not completed the ZMTP handshake this long after it was accepted. */
  timeoutMs: number
  /** The socket is a CURVE server: a peer without its key (or with a wrong one) is `auth`. */
  curve?: boolean
  /**
   * One call per connection that is not speaking ZeroMQ (`handshake`) or, on a CURVE socket,
   * failed the CURVE handshake (`auth`: no server key, or a wrong one).
   */
  onReject(detail: string, reason: 'handshake' | 'auth'): void
  /** The count of peers that completed the handshake changed. */
  onPeers?(peers: number): void
}

/**
 * Counts the connections on a bound socket that never speak ZeroMQ (plain text, HTTP, a port
 * scanner) and the peers that do.
 *
 * libzmq reports most failures itself (`handshake:error:*`, just before the `disconnect` of that
 * connection), but not all: bytes that do not start like ZMTP 3 are taken for a ZMTP 1.0 peer, which
 * has no handshake to time out, so a plain-text client that keeps its connection open is never
 * reported until it closes (measured with libzmq 4.3.5: `GET / HTTP/1.1…` held open gives no event).
 * Its events carry no connection id either, so this keeps accept times in order: a `handshake` or
 * a handshake error settles the oldest pending one, and one still pending after `timeoutMs` is
 * counted then. Its own handshake error when it finally closes is not counted again.
 */
export class HandshakeWatch {
  readonly #opts: HandshakeWatchOptions
  /** Accept times of connections whose handshake is pending, oldest first. */
  #pending: number[] = []
  /** Connections counted by the timeout whose handshake error is still to come. */
  #stalled = 0
  /** Failed handshakes whose `disconnect` is still to come (it must not lower the peer count). */
  #failedPending = 0
  #peers = 0
  readonly #timer: NodeJS.Timeout

  constructor(socket: Socket, opts: HandshakeWatchOptions) {
    this.#opts = opts
    const events = socket.events
    events.on('accept', () => {
      if (this.#pending.length < HANDSHAKE_PENDING_MAX) this.#pending.push(Date.now())
    })
    events.on('handshake', () => {
      this.#pending.shift()
      this.#setPeers(this.#peers + 1)
    })
    events.on('disconnect', () => {
      if (this.#failedPending > 0) this.#failedPending--
      else this.#setPeers(Math.max(0, this.#peers - 1))
    })
    for (const type of [
      'handshake:error:protocol',
      'handshake:error:auth',
      'handshake:error:other'
    ] as const) {
      events.on(type, (e) => {
        this.#failedPending++
        if (this.#stalled > 0) {
          this.#stalled--
          return
        }
        this.#pending.shift()
        const code = (e.error as Error & { code?: string }).code
        if (this.#opts.curve && (type === 'handshake:error:auth' || isCurveAuthError(code))) {
          this.#opts.onReject(
            `a peer on ${e.address} failed the CURVE handshake (${code === 'ERR_ZMTP_CRYPTOGRAPHIC' ? 'wrong server key' : 'no server key'})`,
            'auth'
          )
          return
        }
        this.#opts.onReject(
          `a peer on ${e.address} is not speaking ZeroMQ: ${e.error.message}`,
          'handshake'
        )
      })
    }
    this.#timer = setInterval(() => this.#expire(), HANDSHAKE_WATCH_TICK_MS)
    this.#timer.unref()
  }

  /** Peers that completed the ZMTP handshake and have not disconnected. */
  get peers(): number {
    return this.#peers
  }

  close(): void {
    clearInterval(this.#timer)
  }

  #setPeers(peers: number): void {
    this.#peers = peers
    this.#opts.onPeers?.(peers)
  }

  #expire(): void {
    const limit = Date.now() - this.#opts.timeoutMs
    while (this.#pending.length > 0 && (this.#pending[0] as number) <= limit) {
      this.#pending.shift()
      this.#stalled++
      this.#opts.onReject(
        `a connection sent no ZeroMQ handshake within ${this.#opts.timeoutMs} ms (plain text?)`,
        'handshake'
      )
    }
  }
}
