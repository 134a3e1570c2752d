import type { ProxyBase } from '../model'
import type { RemoteLimits } from './remote-limits'

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
  /** Channels this session created (bounded by RemoteLimits.channelsPerSession). */
  channelsCreated: number
  /** Filters this session created (bounded by RemoteLimits.filtersPerSession). */
  filtersCreated: number
  /** Proxies this session obtained or reconnected to. */
  proxies: Set<ProxyBase>
}

/** The proxies a session still owns (destroyed ones are forgotten on the way). */
export function liveProxies(session: Session): number {
  for (const proxy of session.proxies)
    if (proxy.state === 'destroyed') session.proxies.delete(proxy)
  return session.proxies.size
}

/**
 * The session table: one entry per ROUTER peer, bounded, created on a peer's first frame.
 * Ending a session is the server's business (`end`); this table decides when — a peer silent
 * for longer than the timeout, or an idle one when the table is full and a newcomer knocks —
 * and forgets gone sessions once no proxy waits for them. A session owning proxies, or heard
 * from within the idle window, is never evicted: the newcomer is refused instead.
 */
export class RemoteSessions {
  readonly #sessions = new Map<string, Session>()
  readonly #timeoutMs: number
  readonly #limits: RemoteLimits
  readonly #end: (session: Session, why: 'went silent' | 'evicted') => void
  #evicted = 0

  constructor(
    timeoutMs: number,
    limits: RemoteLimits,
    end: (session: Session, why: 'went silent' | 'evicted') => void
  ) {
    this.#timeoutMs = timeoutMs
    this.#limits = limits
    this.#end = end
  }

  get size(): number {
    return this.#sessions.size
  }

  /** Sessions evicted for newcomers so far. */
  get evicted(): number {
    return this.#evicted
  }

  values(): Session[] {
    return [...this.#sessions.values()]
  }

  /**
   * The session of a peer, created on its first frame. When the table is full an idle session
   * makes room (see {@link RemoteSessions}); when none is idle the newcomer gets null.
   */
  attach(routing: Buffer, reqStyle: boolean): Session | null {
    const id = routing.toString('hex')
    let session = this.#sessions.get(id)
    if (session === undefined) {
      if (this.#sessions.size >= this.#limits.sessionsMax && !this.#evictIdle()) return null
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
        channelsCreated: 0,
        filtersCreated: 0,
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

  /**
   * Makes room: a gone session no proxy waits for, else the longest-silent session that owns no
   * proxy, has no pull in progress and was silent for the idle window. @returns false if none
   */
  #evictIdle(): boolean {
    const now = Date.now()
    let idlest: Session | null = null
    for (const s of this.#sessions.values()) {
      if (liveProxies(s) > 0 || s.pendingPulls > 0) continue
      if (s.gone) {
        this.#sessions.delete(s.id)
        return true
      }
      if (now - s.lastSeenAt < this.#limits.evictIdleMs) continue
      if (idlest === null || s.lastSeenAt < idlest.lastSeenAt) idlest = s
    }
    if (idlest === null) return false
    this.#evicted++
    this.#end(idlest, 'evicted')
    this.#sessions.delete(idlest.id)
    return true
  }
}
