import type { ProxyBase } from '../model'

/** One peer of the ROUTER, keyed by its routing id. */
export interface Session {
  id: string
  routing: Buffer
  /** REQ clients put an empty delimiter before the payload; replies must too. */
  reqStyle: boolean
  name: string | null
  connectedAt: number
  lastSeenAt: number
  gone: boolean
  requests: number
  pushed: number
  delivered: number
  pendingPulls: number
  /** Proxies this session obtained or reconnected to. */
  proxies: Set<ProxyBase>
}

/** Sessions kept at most (a hostile peer cannot grow the table); the oldest silent one goes first. */
const REMOTE_SESSIONS_MAX = 1_024

/**
 * The session table: one entry per ROUTER peer, bounded, created on a peer's first frame.
 * Ending a session is the server's business (`end`); this table decides when — a peer silent
 * for longer than the timeout, or the oldest one when the table is full — and forgets gone
 * sessions once no proxy waits for them.
 */
export class RemoteSessions {
  readonly #sessions = new Map<string, Session>()
  readonly #timeoutMs: number
  readonly #end: (session: Session, why: string) => void

  constructor(timeoutMs: number, end: (session: Session, why: string) => void) {
    this.#timeoutMs = timeoutMs
    this.#end = end
  }

  get size(): number {
    return this.#sessions.size
  }

  values(): Session[] {
    return [...this.#sessions.values()]
  }

  /** The session of a peer, created on its first frame (evicting the oldest when full). */
  attach(routing: Buffer, reqStyle: boolean): Session {
    const id = routing.toString('hex')
    let session = this.#sessions.get(id)
    if (session === undefined) {
      if (this.#sessions.size >= REMOTE_SESSIONS_MAX) this.#evictOldest()
      session = {
        id,
        routing: Buffer.from(routing),
        reqStyle,
        name: null,
        connectedAt: Date.now(),
        lastSeenAt: Date.now(),
        gone: false,
        requests: 0,
        pushed: 0,
        delivered: 0,
        pendingPulls: 0,
        proxies: new Set()
      }
      this.#sessions.set(id, session)
    }
    session.reqStyle = reqStyle
    return session
  }

  /** Forgets every session (their ending is the caller's). */
  clear(): void {
    this.#sessions.clear()
  }

  /** Ends silent sessions; forgets gone ones no proxy waits for. Runs every second. */
  expire(): void {
    const now = Date.now()
    for (const session of [...this.#sessions.values()]) {
      if (!session.gone && now - session.lastSeenAt > this.#timeoutMs) {
        this.#end(session, 'went silent')
      }
      if (session.gone && session.proxies.size === 0) this.#sessions.delete(session.id)
    }
  }

  #evictOldest(): void {
    let oldest: Session | null = null
    for (const s of this.#sessions.values())
      if (oldest === null || s.lastSeenAt < oldest.lastSeenAt) oldest = s
    if (oldest !== null) {
      this.#end(oldest, 'evicted')
      this.#sessions.delete(oldest.id)
    }
  }
}
