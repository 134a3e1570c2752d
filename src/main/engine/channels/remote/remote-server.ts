import type { TraceData, TraceLevel } from '@shared/contract'
import {
  CHANNELS_INFO_REMOTE_MAX,
  type ProxyRefJson,
  type RemoteClientInfo
} from '@shared/contract/labs/channels'
import type { ChannelEvent, JsonValue } from '../event'
import type { EventChannel, ProxyBase } from '../model'
import { hasPersistentConnection, isSuspendable } from '../proxy-ops'
import type { Answer, Request } from './protocol'
import { adapterOf, RemoteAdapter, type RemoteLink } from './remote-adapter'
import { RemoteCalls } from './remote-calls'
import type { RemoteHost } from './remote-host'
import {
  DEFAULT_REMOTE_LIMITS,
  ReasonCounter,
  type RefuseReason,
  type RemoteLimits
} from './remote-limits'
import { handleRequest, type RequestContext } from './remote-requests'
import { RemoteSessions, type Session } from './remote-sessions'
import { RemoteSocket } from './remote-socket'
import type { CurvePlan } from '../../zmq/curve'

export { REMOTE_PUSH_ACK_TIMEOUT_MS, REMOTE_TRY_PULL_TIMEOUT_MS } from './remote-calls'
export type { RemoteHost } from './remote-host'
export type { RemoteLimits } from './remote-limits'

/** A refused newcomer is traced once, then every this many refusals (never one per knock). */
const REMOTE_REFUSED_TRACE_EVERY = 100

export interface RemoteServerOptions {
  endpoint: string
  /** CURVE on the endpoint (clients need the server's public key) or off. */
  curve: CurvePlan
  host: RemoteHost
  sessionTimeoutMs: number
  /** Per-peer bounds (defaults DEFAULT_REMOTE_LIMITS); tests use small ones. */
  limits?: Partial<RemoteLimits>
  note: (type: string, level: TraceLevel, message: string, data?: TraceData) => void
}

/**
 * The remote-client door of the Channels lab: a ZeroMQ ROUTER on a loopback endpoint speaking the
 * protocol of docs/CHANNELS-PROTOCOL.md. Each peer is a session; proxies it obtains are connected
 * to a {@link RemoteAdapter}. Malformed frames are rejected, counted by reason and answered with
 * an error where the request id is known; nothing a peer sends can crash the engine.
 *
 * One owner per socket: only the receive loop reads, and every send goes through one SendQueue
 * (both in {@link RemoteSocket}). Requests are served by remote-requests, the server's own calls
 * to clients are awaited in {@link RemoteCalls}; this class ties them to the session table.
 */
export class RemoteServer implements RemoteLink {
  readonly #opts: RemoteServerOptions
  readonly #sessions: RemoteSessions
  readonly #calls = new RemoteCalls((session, message) => this.send(session, message))
  readonly #requests: RequestContext
  readonly #refused = new ReasonCounter<RefuseReason>()
  readonly #limits: RemoteLimits
  #socket: RemoteSocket | null = null
  #sweep: NodeJS.Timeout | null = null
  #closing: Promise<void> | null = null

  constructor(opts: RemoteServerOptions) {
    this.#opts = opts
    this.#limits = { ...DEFAULT_REMOTE_LIMITS, ...opts.limits }
    this.#sessions = new RemoteSessions(opts.sessionTimeoutMs, this.#limits, (session, why) => {
      // Said while the session still exists, so a client that is still there can see it.
      this.send(session, {
        op: 'session_ended',
        reason: why === 'evicted' ? 'evicted' : 'silent',
        message:
          why === 'evicted'
            ? 'this idle session was evicted to make room for a new client; send again to start a new one'
            : `nothing heard for ${opts.sessionTimeoutMs} ms; send again to start a new session`
      })
      this.#gone(session, why, true)
    })
    this.#requests = {
      host: opts.host,
      note: opts.note,
      link: this,
      limits: this.#limits,
      refused: (reason) => this.#refused.count(reason),
      end: (session, why) => this.#gone(session, why, true)
    }
  }

  /**
   * An adapter for a proxy restored from Redis whose remote client has not reconnected yet.
   * @returns the client object to connect the proxy to
   */
  static awayAdapter(proxy: ProxyBase, name: string | null): object {
    const adapter = new RemoteAdapter(proxy, name)
    adapter.awaySuspended = true
    return adapter
  }

  /** The bound endpoint (with the real port), or null before start. */
  get endpoint(): string | null {
    return this.#socket?.endpoint ?? null
  }

  /** Binds the ROUTER and starts the receive loop. @throws when the endpoint cannot be bound */
  async start(): Promise<void> {
    this.#socket = await RemoteSocket.bind(this.#opts.endpoint, this.#opts.curve, {
      note: this.#opts.note,
      attach: (routing, reqStyle) => this.#sessions.attach(routing, reqStyle),
      refuseNewcomer: (reply, id) => this.#refuseNewcomer(reply, id),
      onMessage: (session, message) => this.#onMessage(session, message)
    })
    this.adoptRestored()
    this.#sweep = setInterval(() => this.#sessions.expire(), 1_000)
    this.#sweep.unref()
    this.#socket.listen()
  }

  /** Closes the socket and forgets every session (persistent proxies stay, away). Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async (): Promise<void> => {
      if (this.#sweep !== null) clearInterval(this.#sweep)
      this.dropSessions()
      this.#socket?.close()
    })()
    return this.#closing
  }

  /** Every session is gone at once (the lab restarts); their adapters become away. */
  dropSessions(): void {
    for (const session of this.#sessions.values()) this.#gone(session, 'lab restarted', false)
    this.#sessions.clear()
  }

  /** Who is behind a proxy, when it is a remote client. */
  describe(
    proxy: ProxyBase
  ): { session: string | null; name: string | null; away: boolean } | null {
    const adapter = adapterOf(proxy)
    if (adapter === undefined) return null
    const session = adapter.session
    return {
      session: session?.id ?? null,
      name: adapter.name ?? session?.name ?? null,
      away: session === null || session.gone
    }
  }

  /** True when the proxy's remote client is away. */
  isAway(proxy: ProxyBase): boolean {
    return this.describe(proxy)?.away ?? false
  }

  /** The plain-JSON view for ChannelsInfo. */
  toInfo(): {
    endpoint: string | null
    curveServerKey: string | null
    sessionsTotal: number
    sessions: RemoteClientInfo[]
    rejected: { total: number; byReason: Record<string, number> }
    refused: { total: number; byReason: Record<string, number> }
    evicted: number
    sendFailed: number
  } {
    const sessions = this.#sessions
      .values()
      .slice(0, CHANNELS_INFO_REMOTE_MAX)
      .map((s) => ({
        session: s.id,
        name: s.name,
        state: s.gone ? ('gone' as const) : ('attached' as const),
        proxies: [...s.proxies].slice(0, 32).map((p) => p.ref),
        connectedAt: s.connectedAt,
        lastSeenAt: s.lastSeenAt,
        requests: s.requests,
        pushed: s.pushed,
        delivered: s.delivered
      }))
    return {
      endpoint: this.endpoint,
      curveServerKey: this.#opts.curve.on ? this.#opts.curve.keys.publicKey : null,
      sessionsTotal: this.#sessions.size,
      sessions,
      rejected: this.#socket?.rejected ?? { total: 0, byReason: {} },
      refused: this.#refused.toInfo(),
      evicted: this.#sessions.evicted,
      sendFailed: this.#socket?.sendFailed ?? 0
    }
  }

  /** @internal pushes events to a remote consumer and waits for its ack */
  deliver(session: Session, ref: ProxyRefJson, events: ChannelEvent[]): Promise<void> {
    return this.#calls.deliver(session, ref, events)
  }

  /** @internal asks a remote pull supplier for up to `max` events */
  poll(session: Session, ref: ProxyRefJson, max: number): Promise<JsonValue[]> {
    return this.#calls.poll(session, ref, max)
  }

  /** @internal queues one message to a session. @returns false when it cannot be sent */
  send(session: Session, message: Record<string, unknown>): boolean {
    return this.#socket?.send(session, message) ?? false
  }

  /** Restored proxies of remote clients (after a start or restart): bind their adapters here. */
  adoptRestored(): void {
    const factory = this.#opts.host.factory()
    for (const id of factory.get_all_channels()) this.#adoptChannel(factory.get_event_channel(id))
  }

  /** The session table is full of active sessions: the newcomer is told so and counted. */
  #refuseNewcomer(reply: (message: Record<string, unknown>) => void, id: number | null): void {
    this.#refused.count('sessions-full')
    const max = this.#limits.sessionsMax
    reply({
      ...(id === null ? {} : { id }),
      ok: false,
      error: {
        code: 'IMP_LIMIT',
        reason: 'sessions-full',
        message: `the lab serves at most ${max} sessions and none is idle; try again later`
      }
    })
    const total = this.#refused.toInfo().byReason['sessions-full'] ?? 0
    if (total === 1 || total % REMOTE_REFUSED_TRACE_EVERY === 0) {
      this.#opts.note(
        'remote-refused',
        'warn',
        `new remote client refused: all ${max} sessions are active (${total} refused so far)`,
        { reason: 'sessions-full', refused: total }
      )
    }
  }

  #onMessage(session: Session, message: Request | Answer): void {
    session.lastSeenAt = Date.now()
    session.gone = false
    if ('id' in message) handleRequest(this.#requests, session, message)
    else this.#calls.answer(message)
  }

  #adoptChannel(channel: EventChannel): void {
    for (const side of ['consumer', 'supplier'] as const) {
      const admins =
        side === 'consumer' ? channel.get_all_consumeradmins() : channel.get_all_supplieradmins()
      for (const adminId of admins) {
        const admin =
          side === 'consumer'
            ? channel.get_consumeradmin(adminId)
            : channel.get_supplieradmin(adminId)
        for (const proxy of admin.proxyList() as ProxyBase[]) adapterOf(proxy)?.bind(this)
      }
    }
  }

  /**
   * A session ended. Its proxies with ConnectionReliability=Persistent wait for the client (push
   * proxies suspended so events queue); the others are destroyed, as a failed client would be.
   */
  #gone(session: Session, why: string, note: boolean): void {
    if (session.gone) return
    session.gone = true
    this.#calls.failSession(session)
    for (const proxy of [...session.proxies]) {
      const adapter = adapterOf(proxy)
      if (proxy.state === 'destroyed' || adapter === undefined) {
        session.proxies.delete(proxy)
        continue
      }
      if (proxy.state === 'connected' && hasPersistentConnection(proxy)) {
        adapter.session = null
        if (
          isSuspendable(proxy) &&
          !proxy.isSuspended &&
          (adapter.role === 'push-consumer' || adapter.role === 'pull-supplier')
        ) {
          proxy.suspend_connection()
          adapter.awaySuspended = true
        }
        this.#opts.host.changed(proxy.ref.channelId)
      } else {
        proxy.destroyProxy('channel', `remote client ${why}`, false)
      }
      session.proxies.delete(proxy)
    }
    if (note) {
      this.#opts.note('remote-gone', 'info', `remote client ${session.name ?? session.id} ${why}`, {
        session: session.id
      })
    }
  }
}
