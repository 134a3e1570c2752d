import { Router } from 'zeromq'
import type { TraceData, TraceLevel } from '@shared/contract'
import {
  CHANNELS_INFO_REMOTE_MAX,
  type ClientKind,
  type ClientRole,
  type PropertyJson,
  type ProxyRefJson,
  type RemoteClientInfo
} from '@shared/contract/channels'
import { SendQueue } from '../../zmq/send-queue'
import type { ChannelEvent, EventType, JsonValue, StructuredEvent } from '../event'
import { channelEventFromJson } from '../event-json'
import {
  NotifyError,
  NotifyErrorCode,
  ProxyConsumer,
  ProxySupplier,
  type EventChannel,
  type EventChannelFactory,
  type ProxyBase
} from '../model'
import {
  connectProxy,
  disconnectProxy,
  eventsForKind,
  findProxy,
  hasPersistentConnection,
  isSuspendable,
  obtainProxy,
  pushInto,
  refKey,
  roleAndKind,
  tryPullFrom
} from '../proxy-ops'
import {
  parseMessage,
  REMOTE_MAX_MESSAGE_BYTES,
  type Answer,
  type RejectReason,
  type Request
} from './protocol'

/** A push to a remote consumer not acknowledged within this time fails (the channel retries). */
export const REMOTE_PUSH_ACK_TIMEOUT_MS = 5_000
/** A poll of a remote pull supplier not answered within this time counts as "no event". */
export const REMOTE_TRY_PULL_TIMEOUT_MS = 2_000
/** Messages waiting for the ROUTER socket at most; beyond, messages are dropped and counted. */
const REMOTE_SEND_QUEUE_MAX = 10_000
/** Outbound high-water mark per peer (messages). */
const REMOTE_SEND_HWM = 10_000
/** Blocking pulls are served by polling the proxy this often (a timed-out pull must not consume). */
const REMOTE_PULL_POLL_MS = 10
/** Blocking pulls in progress per session at most. */
const REMOTE_PENDING_PULLS_MAX = 16
/** Sessions kept at most (a hostile peer cannot grow the table); the oldest silent one goes first. */
const REMOTE_SESSIONS_MAX = 1_024
/** Distinct reject reasons are a closed set; this bounds the detail kept for the last one. */
const REMOTE_DETAIL_CHARS = 200

/** What the server needs from the lab. */
export interface RemoteHost {
  factory(): EventChannelFactory
  createChannel(qos: PropertyJson[], admin: PropertyJson[]): number
  /** Topology of a channel changed (persist it). */
  changed(channelId: number): void
  /** True when a lab client (not a remote one) owns this proxy. */
  labClientOf(ref: ProxyRefJson): boolean
}

export interface RemoteServerOptions {
  endpoint: string
  host: RemoteHost
  sessionTimeoutMs: number
  note: (type: string, level: TraceLevel, message: string, data?: TraceData) => void
}

interface Session {
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

/** Adapters by proxy, process-wide: restored proxies get theirs before the server binds. */
const ADAPTERS = new WeakMap<ProxyBase, RemoteAdapter>()

/**
 * The client object a remote supplier or consumer is represented by inside the channel: it
 * implements every CosEventComm/CosNotifyComm operation the channel may call and forwards them
 * over the session's socket. While its session is gone (`session === null`) it is "away":
 * a push proxy then stays suspended (ConnectionReliability=Persistent) and a poll finds nothing.
 */
class RemoteAdapter {
  session: Session | null = null
  /** Suspended by the server because the client went away (resumed when it reconnects). */
  awaySuspended = false
  readonly name: string | null
  readonly role: ClientRole
  readonly kind: ClientKind
  readonly ref: ProxyRefJson
  #server: RemoteServer | null = null

  constructor(proxy: ProxyBase, name: string | null) {
    this.name = name
    const rk = roleAndKind(proxy)
    this.role = rk.role
    this.kind = rk.kind
    this.ref = proxy.ref
  }

  bind(server: RemoteServer | null): void {
    this.#server = server
  }

  push(data: JsonValue): Promise<void> {
    return this.#deliver([{ kind: 'any', data }])
  }
  push_structured_event(event: StructuredEvent): Promise<void> {
    return this.#deliver([{ kind: 'structured', event }])
  }
  push_structured_events(events: StructuredEvent[]): Promise<void> {
    return this.#deliver(events.map((event) => ({ kind: 'structured', event })))
  }

  async try_pull(): Promise<{ has_event: true; event: JsonValue } | { has_event: false }> {
    const events = await this.#poll(1)
    const first = events[0]
    if (first === undefined) return { has_event: false }
    return { has_event: true, event: first.kind === 'any' ? first.data : (first.event as never) }
  }
  async try_pull_structured_event(): Promise<
    { has_event: true; event: StructuredEvent } | { has_event: false }
  > {
    const first = (await this.#poll(1))[0]
    if (first === undefined || first.kind !== 'structured') return { has_event: false }
    return { has_event: true, event: first.event }
  }
  async try_pull_structured_events(
    max: number
  ): Promise<{ has_event: boolean; events: StructuredEvent[] }> {
    const events = (await this.#poll(max)).flatMap((e) =>
      e.kind === 'structured' ? [e.event] : []
    )
    return { has_event: events.length > 0, events }
  }

  offer_change(added: EventType[], removed: EventType[]): void {
    this.#notify({ op: 'offer_change', proxy: this.ref, added, removed })
  }
  subscription_change(added: EventType[], removed: EventType[]): void {
    this.#notify({ op: 'subscription_change', proxy: this.ref, added, removed })
  }

  disconnect_push_consumer(): void {
    this.#ended()
  }
  disconnect_structured_push_consumer(): void {
    this.#ended()
  }
  disconnect_sequence_push_consumer(): void {
    this.#ended()
  }
  disconnect_pull_consumer(): void {
    this.#ended()
  }
  disconnect_structured_pull_consumer(): void {
    this.#ended()
  }
  disconnect_sequence_pull_consumer(): void {
    this.#ended()
  }
  disconnect_push_supplier(): void {
    this.#ended()
  }
  disconnect_structured_push_supplier(): void {
    this.#ended()
  }
  disconnect_sequence_push_supplier(): void {
    this.#ended()
  }
  disconnect_pull_supplier(): void {
    this.#ended()
  }
  disconnect_structured_pull_supplier(): void {
    this.#ended()
  }
  disconnect_sequence_pull_supplier(): void {
    this.#ended()
  }

  async #deliver(events: ChannelEvent[]): Promise<void> {
    const server = this.#server
    const session = this.session
    if (server === null || session === null || session.gone) {
      // Not Disconnected: the client may come back (the channel retries, or the proxy waits).
      throw new Error('remote consumer is away')
    }
    await server.deliver(session, this.ref, events)
  }

  async #poll(max: number): Promise<ChannelEvent[]> {
    const server = this.#server
    const session = this.session
    if (server === null || session === null || session.gone) return []
    const json = await server.poll(session, this.ref, max)
    const out: ChannelEvent[] = []
    for (const j of json) {
      try {
        out.push(this.kind === 'any' ? { kind: 'any', data: j } : channelEventFromJson(j))
      } catch {
        // a malformed polled event is skipped; the supplier is told nothing (poll semantics)
      }
    }
    return out
  }

  #notify(message: Record<string, unknown>): void {
    const session = this.session
    if (this.#server !== null && session !== null && !session.gone)
      this.#server.send(session, message)
  }

  #ended(): void {
    this.#notify({ op: 'disconnected', proxy: this.ref })
  }
}

/**
 * The remote-client door of the Channels lab: a ZeroMQ ROUTER on a loopback endpoint speaking the
 * protocol of docs/CHANNELS-PROTOCOL.md. Each peer is a session; proxies it obtains are connected
 * to a {@link RemoteAdapter}. Malformed frames are rejected, counted by reason and answered with
 * an error where the request id is known; nothing a peer sends can crash the engine.
 *
 * One owner per socket: only the receive loop reads, and every send goes through one SendQueue.
 */
export class RemoteServer {
  readonly #opts: RemoteServerOptions
  readonly #sessions = new Map<string, Session>()
  readonly #pendingPushes = new Map<
    number,
    { session: Session; resolve(): void; reject(err: Error): void; timer: NodeJS.Timeout }
  >()
  readonly #pendingPolls = new Map<
    number,
    { resolve(events: JsonValue[]): void; timer: NodeJS.Timeout }
  >()
  readonly #rejected = new Map<RejectReason | 'send-overflow', number>()
  #rejectedTotal = 0
  #socket: Router | null = null
  #queue: SendQueue | null = null
  #endpoint: string | null = null
  #nextDelivery = 1
  #sweep: NodeJS.Timeout | null = null
  #closing: Promise<void> | null = null

  constructor(opts: RemoteServerOptions) {
    this.#opts = opts
  }

  /**
   * An adapter for a proxy restored from Redis whose remote client has not reconnected yet.
   * @returns the client object to connect the proxy to
   */
  static awayAdapter(proxy: ProxyBase, name: string | null): object {
    const adapter = new RemoteAdapter(proxy, name)
    adapter.awaySuspended = true
    ADAPTERS.set(proxy, adapter)
    return adapter
  }

  /** The bound endpoint (with the real port), or null before start. */
  get endpoint(): string | null {
    return this.#endpoint
  }

  /** Binds the ROUTER and starts the receive loop. @throws when the endpoint cannot be bound */
  async start(): Promise<void> {
    const socket = new Router({
      mandatory: true,
      linger: 0,
      maxMessageSize: REMOTE_MAX_MESSAGE_BYTES,
      sendHighWaterMark: REMOTE_SEND_HWM
    })
    const endpoint = this.#opts.endpoint.replace(/:0$/, ':*')
    try {
      await socket.bind(endpoint)
    } catch (err) {
      socket.close()
      throw new Error(
        `cannot bind the channels endpoint ${this.#opts.endpoint}: ${(err as Error).message}`,
        { cause: err }
      )
    }
    this.#socket = socket
    this.#endpoint = socket.lastEndpoint ?? endpoint
    this.#queue = new SendQueue(socket, REMOTE_SEND_QUEUE_MAX, () => this.#count('send-overflow'))
    this.adoptRestored()
    this.#sweep = setInterval(() => this.#expireSessions(), 1_000)
    this.#sweep.unref()
    void this.#receive(socket)
  }

  /** Closes the socket and forgets every session (persistent proxies stay, away). Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async (): Promise<void> => {
      if (this.#sweep !== null) clearInterval(this.#sweep)
      this.dropSessions()
      this.#queue?.close()
      this.#socket?.close()
      this.#socket = null
    })()
    return this.#closing
  }

  /** Every session is gone at once (the lab restarts); their adapters become away. */
  dropSessions(): void {
    for (const session of [...this.#sessions.values()]) this.#gone(session, 'lab restarted', false)
    this.#sessions.clear()
  }

  /** Who is behind a proxy, when it is a remote client. */
  describe(
    proxy: ProxyBase
  ): { session: string | null; name: string | null; away: boolean } | null {
    const adapter = ADAPTERS.get(proxy)
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
    sessionsTotal: number
    sessions: RemoteClientInfo[]
    rejected: { total: number; byReason: Record<string, number> }
  } {
    const sessions = [...this.#sessions.values()].slice(0, CHANNELS_INFO_REMOTE_MAX).map((s) => ({
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
      endpoint: this.#endpoint,
      sessionsTotal: this.#sessions.size,
      sessions,
      rejected: { total: this.#rejectedTotal, byReason: Object.fromEntries(this.#rejected) }
    }
  }

  /** @internal pushes events to a remote consumer and waits for its ack */
  deliver(session: Session, ref: ProxyRefJson, events: ChannelEvent[]): Promise<void> {
    const delivery = this.#nextDelivery++
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pendingPushes.delete(delivery)
        reject(new Error(`no ack from remote consumer within ${REMOTE_PUSH_ACK_TIMEOUT_MS} ms`))
      }, REMOTE_PUSH_ACK_TIMEOUT_MS)
      this.#pendingPushes.set(delivery, {
        session,
        resolve: () => {
          session.delivered += events.length
          resolve()
        },
        reject,
        timer
      })
      const sent = this.send(session, {
        op: 'push',
        delivery,
        proxy: ref,
        events: events.map((e) => (e.kind === 'any' ? e.data : (e.event as unknown as JsonValue)))
      })
      if (!sent) {
        clearTimeout(timer)
        this.#pendingPushes.delete(delivery)
        reject(new Error('remote consumer unreachable'))
      }
    })
  }

  /** @internal asks a remote pull supplier for up to `max` events */
  poll(session: Session, ref: ProxyRefJson, max: number): Promise<JsonValue[]> {
    const request = this.#nextDelivery++
    return new Promise<JsonValue[]>((resolve) => {
      const timer = setTimeout(() => {
        this.#pendingPolls.delete(request)
        resolve([])
      }, REMOTE_TRY_PULL_TIMEOUT_MS)
      this.#pendingPolls.set(request, { resolve, timer })
      if (!this.send(session, { op: 'try_pull', request, proxy: ref, max })) {
        clearTimeout(timer)
        this.#pendingPolls.delete(request)
        resolve([])
      }
    })
  }

  /** @internal queues one message to a session. @returns false when it cannot be sent */
  send(session: Session, message: Record<string, unknown>): boolean {
    const queue = this.#queue
    if (queue === null || session.gone) return false
    const payload = JSON.stringify({ v: 1, ...message })
    const frames = session.reqStyle ? [session.routing, '', payload] : [session.routing, payload]
    if (!queue.push(frames)) {
      this.#count('send-overflow')
      return false
    }
    return true
  }

  async #receive(socket: Router): Promise<void> {
    try {
      for await (const frames of socket) {
        try {
          this.#onMessage(frames)
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

  #onMessage(frames: Buffer[]): void {
    const routing = frames[0]
    if (routing === undefined) return
    let payload: Buffer | undefined
    let reqStyle = false
    if (frames.length === 2) payload = frames[1]
    else if (frames.length === 3 && frames[1]?.length === 0) {
      payload = frames[2]
      reqStyle = true
    }
    const session = this.#session(routing, reqStyle)
    if (payload === undefined) {
      this.#reject(session, 'frame-count', null, `expected 1 JSON frame, got ${frames.length - 1}`)
      return
    }
    const parsed = parseMessage(payload)
    if (!parsed.ok) {
      this.#reject(session, parsed.reason, parsed.id, parsed.detail)
      return
    }
    session.lastSeenAt = Date.now()
    session.gone = false
    const message = parsed.message
    if ('id' in message) this.#request(session, message)
    else this.#answer(message)
  }

  #session(routing: Buffer, reqStyle: boolean): Session {
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

  #count(reason: RejectReason | 'send-overflow'): void {
    this.#rejectedTotal++
    this.#rejected.set(reason, (this.#rejected.get(reason) ?? 0) + 1)
  }

  #answer(message: Answer): void {
    switch (message.op) {
      case 'ack': {
        const pending = this.#pendingPushes.get(message.delivery)
        if (pending === undefined) return
        this.#pendingPushes.delete(message.delivery)
        clearTimeout(pending.timer)
        pending.resolve()
        return
      }
      case 'nack': {
        const pending = this.#pendingPushes.get(message.delivery)
        if (pending === undefined) return
        this.#pendingPushes.delete(message.delivery)
        clearTimeout(pending.timer)
        const err = new Error(
          message.error?.message ?? 'remote consumer refused the push'
        ) as Error & {
          code?: string
        }
        if (message.error?.code !== undefined) err.code = message.error.code
        pending.reject(err)
        return
      }
      case 'try_pull_result': {
        const pending = this.#pendingPolls.get(message.request)
        if (pending === undefined) return
        this.#pendingPolls.delete(message.request)
        clearTimeout(pending.timer)
        pending.resolve(message.events as JsonValue[])
        return
      }
    }
  }

  #request(session: Session, request: Request): void {
    session.requests++
    const reply = (result: unknown): void => {
      this.send(session, { id: request.id, ok: true, result: result ?? null })
    }
    const fail = (err: unknown): void => {
      const code =
        err instanceof NotifyError ? err.code : ((err as { code?: string }).code ?? 'ERROR')
      this.send(session, {
        id: request.id,
        ok: false,
        error: { code, message: err instanceof Error ? err.message : String(err) }
      })
    }
    try {
      const result = this.#run(session, request)
      if (result instanceof Promise) result.then(reply, fail)
      else reply(result)
    } catch (err) {
      fail(err)
    }
  }

  #run(session: Session, request: Request): unknown {
    const host = this.#opts.host
    const factory = host.factory()
    switch (request.op) {
      case 'hello':
        session.name = request.name ?? session.name
        this.#opts.note(
          'remote-hello',
          'info',
          `remote client ${session.name ?? session.id} connected`,
          {
            session: session.id
          }
        )
        return { session: session.id, protocol: 1, channels: factory.get_all_channels() }
      case 'ping':
        return { pong: Date.now() }
      case 'bye':
        // After the reply is queued: a gone session is sent nothing.
        queueMicrotask(() => this.#gone(session, 'said bye', true))
        return null
      case 'channels':
        return { channels: factory.get_all_channels() }
      case 'create_channel':
        return { channel: host.createChannel(request.qos, request.admin) }
      case 'obtain': {
        const channel = factory.get_event_channel(request.channel)
        const proxy = obtainProxy(channel, request.admin, request.role, request.kind, false)
        try {
          if (request.qos.length > 0) proxy.set_qos(request.qos)
        } catch (err) {
          proxy.destroyProxy('channel', 'obtain failed', false)
          throw err
        }
        const adapter = new RemoteAdapter(proxy, session.name)
        ADAPTERS.set(proxy, adapter)
        adapter.session = session
        adapter.bind(this)
        session.proxies.add(proxy)
        return { proxy: proxy.ref }
      }
      case 'connect': {
        const { proxy, adapter } = this.#owned(session, request.proxy)
        connectProxy(proxy, adapter)
        host.changed(proxy.ref.channelId)
        return null
      }
      case 'reconnect':
        return this.#reconnect(session, request.proxy)
      case 'disconnect': {
        const { proxy } = this.#owned(session, request.proxy)
        disconnectProxy(proxy)
        session.proxies.delete(proxy)
        return null
      }
      case 'push': {
        const { proxy, adapter } = this.#owned(session, request.proxy)
        if (adapter.role !== 'push-supplier') {
          throw new NotifyError(NotifyErrorCode.BAD_PARAM, 'push is for push suppliers')
        }
        const events = eventsForKind(adapter.kind, request.events as JsonValue[])
        const accepted = pushInto(proxy, adapter.kind, events)
        session.pushed += accepted
        return { accepted }
      }
      case 'try_pull': {
        const { proxy, adapter } = this.#owned(session, request.proxy)
        const events = tryPullFrom(proxy, adapter.kind, request.max)
        session.delivered += events.length
        return { has_event: events.length > 0, events: events.map(json) }
      }
      case 'pull': {
        const { proxy, adapter } = this.#owned(session, request.proxy)
        return this.#blockingPull(session, proxy, adapter, request.max, request.timeout_ms)
      }
      case 'add_filter': {
        const { proxy } = this.#owned(session, request.proxy)
        const filter = proxy.channel.default_filter_factory.createFilter('EXTENDED_TCL')
        try {
          filter.addConstraints(request.constraints)
        } catch (err) {
          filter.destroy()
          throw err
        }
        const attachment = proxy.add_filter(filter)
        host.changed(proxy.ref.channelId)
        return { filter: filter.id, attachment }
      }
      case 'suspend':
      case 'resume': {
        const { proxy } = this.#owned(session, request.proxy)
        if (!isSuspendable(proxy)) {
          throw new NotifyError(
            NotifyErrorCode.NO_IMPLEMENT,
            `${request.op} is for push consumers and pull suppliers`
          )
        }
        if (request.op === 'suspend') proxy.suspend_connection()
        else proxy.resume_connection()
        return null
      }
      case 'offer_change': {
        const { proxy } = this.#owned(session, request.proxy)
        if (!(proxy instanceof ProxyConsumer))
          throw new NotifyError(NotifyErrorCode.BAD_PARAM, 'offer_change is for suppliers')
        proxy.offer_change(request.added, request.removed)
        return null
      }
      case 'subscription_change': {
        const { proxy } = this.#owned(session, request.proxy)
        if (!(proxy instanceof ProxySupplier)) {
          throw new NotifyError(NotifyErrorCode.BAD_PARAM, 'subscription_change is for consumers')
        }
        proxy.subscription_change(request.added, request.removed)
        return null
      }
    }
  }

  #owned(session: Session, ref: ProxyRefJson): { proxy: ProxyBase; adapter: RemoteAdapter } {
    const proxy = findProxy(this.#opts.host.factory().get_event_channel(ref.channelId), ref)
    const adapter = ADAPTERS.get(proxy)
    if (adapter === undefined || !session.proxies.has(proxy)) {
      throw new NotifyError(
        NotifyErrorCode.OBJECT_NOT_EXIST,
        `proxy ${refKey(ref)} does not belong to this client`
      )
    }
    return { proxy, adapter }
  }

  #reconnect(session: Session, ref: ProxyRefJson): unknown {
    const proxy = findProxy(this.#opts.host.factory().get_event_channel(ref.channelId), ref)
    const adapter = ADAPTERS.get(proxy)
    if (adapter === undefined || this.#opts.host.labClientOf(ref)) {
      throw new NotifyError(
        NotifyErrorCode.OBJECT_NOT_EXIST,
        `proxy ${refKey(ref)} has no remote client to resume`
      )
    }
    const current = adapter.session
    if (current !== null && current !== session && !current.gone) {
      throw new NotifyError(
        NotifyErrorCode.ALREADY_CONNECTED,
        `proxy ${refKey(ref)} is in use by another client`
      )
    }
    current?.proxies.delete(proxy)
    adapter.session = session
    adapter.bind(this)
    session.proxies.add(proxy)
    if (adapter.awaySuspended && isSuspendable(proxy) && proxy.isSuspended)
      proxy.resume_connection()
    adapter.awaySuspended = false
    this.#opts.host.changed(ref.channelId)
    return { proxy: proxy.ref, queued: proxy instanceof ProxySupplier ? proxy.queueLength : 0 }
  }

  async #blockingPull(
    session: Session,
    proxy: ProxyBase,
    adapter: RemoteAdapter,
    max: number,
    timeoutMs: number
  ): Promise<unknown> {
    if (session.pendingPulls >= REMOTE_PENDING_PULLS_MAX) {
      throw new NotifyError(NotifyErrorCode.IMP_LIMIT, 'too many blocking pulls in progress')
    }
    session.pendingPulls++
    try {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const events = tryPullFrom(proxy, adapter.kind, max)
        if (events.length > 0) {
          session.delivered += events.length
          return { has_event: true, events: events.map(json) }
        }
        if (Date.now() >= deadline || session.gone)
          return { has_event: false, events: [], timed_out: true }
        await new Promise((r) => setTimeout(r, REMOTE_PULL_POLL_MS))
      }
    } finally {
      session.pendingPulls--
    }
  }

  /** Restored proxies of remote clients (after a start or restart): bind their adapters here. */
  adoptRestored(): void {
    const factory = this.#opts.host.factory()
    for (const id of factory.get_all_channels()) this.#adoptChannel(factory.get_event_channel(id))
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
        for (const proxy of admin.proxyList() as ProxyBase[]) ADAPTERS.get(proxy)?.bind(this)
      }
    }
  }

  #expireSessions(): void {
    const now = Date.now()
    for (const session of [...this.#sessions.values()]) {
      if (!session.gone && now - session.lastSeenAt > this.#opts.sessionTimeoutMs) {
        this.#gone(session, 'went silent', true)
      }
      if (session.gone && session.proxies.size === 0) this.#sessions.delete(session.id)
    }
  }

  #evictOldest(): void {
    let oldest: Session | null = null
    for (const s of this.#sessions.values())
      if (oldest === null || s.lastSeenAt < oldest.lastSeenAt) oldest = s
    if (oldest !== null) {
      this.#gone(oldest, 'evicted', true)
      this.#sessions.delete(oldest.id)
    }
  }

  /**
   * A session ended. Its proxies with ConnectionReliability=Persistent wait for the client (push
   * proxies suspended so events queue); the others are destroyed, as a failed client would be.
   */
  #gone(session: Session, why: string, note: boolean): void {
    if (session.gone) return
    session.gone = true
    for (const [delivery, pending] of this.#pendingPushes) {
      if (pending.session !== session) continue
      clearTimeout(pending.timer)
      this.#pendingPushes.delete(delivery)
      pending.reject(new Error('remote consumer went away'))
    }
    for (const proxy of [...session.proxies]) {
      const adapter = ADAPTERS.get(proxy)
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

function json(event: ChannelEvent): JsonValue {
  return event.kind === 'any' ? event.data : (event.event as unknown as JsonValue)
}
