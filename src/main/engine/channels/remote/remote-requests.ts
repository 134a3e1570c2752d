import type { ProxyRefJson } from '@shared/contract/labs/channels'
import type { TraceData, TraceLevel } from '@shared/contract'
import type { JsonValue } from '../event'
import {
  NotifyError,
  NotifyErrorCode,
  ProxyConsumer,
  ProxySupplier,
  type ProxyBase
} from '../model'
import {
  connectProxy,
  disconnectProxy,
  eventsForKind,
  findProxy,
  isSuspendable,
  obtainProxy,
  pushInto,
  refKey,
  tryPullFrom
} from '../proxy-ops'
import type { Request } from './protocol'
import { adapterOf, RemoteAdapter, type RemoteLink } from './remote-adapter'
import { eventJson } from './remote-calls'
import type { RemoteHost } from './remote-host'
import { RemoteLimitError, type RefuseReason, type RemoteLimits } from './remote-limits'
import { liveProxies, type Session } from './remote-sessions'

const REFUSE_REASONS: ReadonlySet<string> = new Set<RefuseReason>([
  'sessions-full',
  'session-channels',
  'session-proxies',
  'session-pulls',
  'session-filters',
  'proxy-types',
  'event-too-large'
])

/** The refusal reason an IMP_LIMIT carries, when it is one of ours. */
function refuseReason(reason: string | undefined): RefuseReason | null {
  return reason !== undefined && REFUSE_REASONS.has(reason) ? (reason as RefuseReason) : null
}

/** Blocking pulls are served by polling the proxy this often (a timed-out pull must not consume). */
const REMOTE_PULL_POLL_MS = 10

/** What serving a request needs of the server. */
export interface RequestContext {
  host: RemoteHost
  note: (type: string, level: TraceLevel, message: string, data?: TraceData) => void
  /** Bound into the adapters of proxies a session obtains or reconnects to. */
  link: RemoteLink
  /** Per-session bounds. */
  limits: RemoteLimits
  /** Counts a request refused by a limit (IMP_LIMIT with a `reason`). */
  refused(reason: RefuseReason): void
  /** Ends a session (its persistent proxies wait, the others are destroyed). */
  end(session: Session, why: string): void
}

type Request_<Op extends Request['op']> = Extract<Request, { op: Op }>

/**
 * Serves one request of a session and queues the reply: the result, or the error with its
 * NotifyError code. Nothing a request does can throw out of here.
 */
export function handleRequest(ctx: RequestContext, session: Session, request: Request): void {
  session.requests++
  const reply = (result: unknown): void => {
    ctx.link.send(session, { id: request.id, ok: true, result: result ?? null })
  }
  const fail = (err: unknown): void => {
    const code =
      err instanceof NotifyError ? err.code : ((err as { code?: string }).code ?? 'ERROR')
    const reason = err instanceof NotifyError ? refuseReason(err.details.reason) : null
    if (reason !== null) ctx.refused(reason)
    ctx.link.send(session, {
      id: request.id,
      ok: false,
      error: {
        code,
        ...(reason === null ? {} : { reason }),
        message: err instanceof Error ? err.message : String(err)
      }
    })
  }
  try {
    const result = run(ctx, session, request)
    if (result instanceof Promise) result.then(reply, fail)
    else reply(result)
  } catch (err) {
    fail(err)
  }
}

/** The dispatch table: one case per request op of docs/CHANNELS-PROTOCOL.md. */
function run(ctx: RequestContext, session: Session, request: Request): unknown {
  const host = ctx.host
  const factory = host.factory()
  switch (request.op) {
    case 'hello':
      session.name = request.name ?? session.name
      ctx.note('remote-hello', 'info', `remote client ${session.name ?? session.id} connected`, {
        session: session.id
      })
      return { session: session.id, protocol: 1, channels: factory.get_all_channels() }
    case 'ping':
      return { pong: Date.now() }
    case 'bye':
      // After the reply is queued: a gone session is sent nothing.
      queueMicrotask(() => ctx.end(session, 'said bye'))
      return null
    case 'channels':
      return { channels: factory.get_all_channels() }
    case 'create_channel': {
      const max = ctx.limits.channelsPerSession
      if (session.channelsCreated >= max) {
        throw new RemoteLimitError(
          'session-channels',
          `a client may create at most ${max} channels per session`
        )
      }
      const channel = host.createChannel(request.qos, request.admin)
      session.channelsCreated++
      return { channel }
    }
    case 'obtain':
      return obtain(ctx, session, request)
    case 'connect': {
      const { proxy, adapter } = owned(ctx, session, request.proxy)
      connectProxy(proxy, adapter)
      host.changed(proxy.ref.channelId)
      return null
    }
    case 'reconnect':
      return reconnect(ctx, session, request.proxy)
    case 'disconnect': {
      const { proxy } = owned(ctx, session, request.proxy)
      disconnectProxy(proxy)
      session.proxies.delete(proxy)
      return null
    }
    case 'push':
      return push(ctx, session, request)
    case 'try_pull': {
      const { proxy, adapter } = owned(ctx, session, request.proxy)
      const events = tryPullFrom(proxy, adapter.kind, request.max)
      session.delivered += events.length
      return { has_event: events.length > 0, events: events.map(eventJson) }
    }
    case 'pull': {
      const { proxy, adapter } = owned(ctx, session, request.proxy)
      return blockingPull(ctx, session, proxy, adapter, request.max, request.timeout_ms)
    }
    case 'add_filter':
      return addFilter(ctx, session, request)
    case 'suspend':
    case 'resume': {
      const { proxy } = owned(ctx, session, request.proxy)
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
      const { proxy } = owned(ctx, session, request.proxy)
      if (!(proxy instanceof ProxyConsumer))
        throw new NotifyError(NotifyErrorCode.BAD_PARAM, 'offer_change is for suppliers')
      assertRoomForTypes(ctx, proxy.offeredTypes().length, request.added.length)
      proxy.offer_change(request.added, request.removed)
      return null
    }
    case 'subscription_change': {
      const { proxy } = owned(ctx, session, request.proxy)
      if (!(proxy instanceof ProxySupplier)) {
        throw new NotifyError(NotifyErrorCode.BAD_PARAM, 'subscription_change is for consumers')
      }
      assertRoomForTypes(ctx, proxy.subscribedTypes().length, request.added.length)
      proxy.subscription_change(request.added, request.removed)
      return null
    }
  }
}

/** @throws RemoteLimitError when the session owns as many proxies as it may */
function assertRoomForProxy(ctx: RequestContext, session: Session): void {
  const max = ctx.limits.proxiesPerSession
  if (liveProxies(session) >= max) {
    throw new RemoteLimitError('session-proxies', `a client may own at most ${max} proxies`)
  }
}

/**
 * @throws RemoteLimitError when a proxy holding `held` types would exceed the bound with `added`
 *   more (counted before removals: remove first to make room)
 */
function assertRoomForTypes(ctx: RequestContext, held: number, added: number): void {
  const max = ctx.limits.typesPerProxy
  if (added > 0 && held + added > max) {
    throw new RemoteLimitError(
      'proxy-types',
      `a proxy may offer or subscribe to at most ${max} event types`
    )
  }
}

function obtain(ctx: RequestContext, session: Session, request: Request_<'obtain'>): unknown {
  assertRoomForProxy(ctx, session)
  const channel = ctx.host.factory().get_event_channel(request.channel)
  const proxy = obtainProxy(channel, request.admin, request.role, request.kind, false)
  try {
    if (request.qos.length > 0) proxy.set_qos(request.qos)
  } catch (err) {
    proxy.destroyProxy('channel', 'obtain failed', false)
    throw err
  }
  const adapter = new RemoteAdapter(proxy, session.name)
  adapter.session = session
  adapter.bind(ctx.link)
  session.proxies.add(proxy)
  return { proxy: proxy.ref }
}

function push(ctx: RequestContext, session: Session, request: Request_<'push'>): unknown {
  const { proxy, adapter } = owned(ctx, session, request.proxy)
  if (adapter.role !== 'push-supplier') {
    throw new NotifyError(NotifyErrorCode.BAD_PARAM, 'push is for push suppliers')
  }
  const events = eventsForKind(adapter.kind, request.events as JsonValue[])
  const accepted = pushInto(proxy, adapter.kind, events)
  session.pushed += accepted
  return { accepted }
}

function addFilter(
  ctx: RequestContext,
  session: Session,
  request: Request_<'add_filter'>
): unknown {
  const { proxy } = owned(ctx, session, request.proxy)
  const max = ctx.limits.filtersPerSession
  if (session.filtersCreated >= max) {
    throw new RemoteLimitError('session-filters', `a client may create at most ${max} filters`)
  }
  const filter = proxy.channel.default_filter_factory.createFilter('EXTENDED_TCL')
  try {
    filter.addConstraints(request.constraints)
  } catch (err) {
    filter.destroy()
    throw err
  }
  const attachment = proxy.add_filter(filter)
  session.filtersCreated++
  ctx.host.changed(proxy.ref.channelId)
  return { filter: filter.id, attachment }
}

/** The proxy a request names, provided this session obtained or reconnected to it. */
function owned(
  ctx: RequestContext,
  session: Session,
  ref: ProxyRefJson
): { proxy: ProxyBase; adapter: RemoteAdapter } {
  const proxy = findProxy(ctx.host.factory().get_event_channel(ref.channelId), ref)
  const adapter = adapterOf(proxy)
  if (adapter === undefined || !session.proxies.has(proxy)) {
    throw new NotifyError(
      NotifyErrorCode.OBJECT_NOT_EXIST,
      `proxy ${refKey(ref)} does not belong to this client`
    )
  }
  return { proxy, adapter }
}

/** A client takes back a proxy of a remote client (its own after a restart, or a gone one's). */
function reconnect(ctx: RequestContext, session: Session, ref: ProxyRefJson): unknown {
  const proxy = findProxy(ctx.host.factory().get_event_channel(ref.channelId), ref)
  const adapter = adapterOf(proxy)
  if (adapter === undefined || ctx.host.labClientOf(ref)) {
    throw new NotifyError(
      NotifyErrorCode.OBJECT_NOT_EXIST,
      `proxy ${refKey(ref)} has no remote client to resume`
    )
  }
  const current = adapter.session
  if (current !== session) assertRoomForProxy(ctx, session)
  if (current !== null && current !== session && !current.gone) {
    throw new NotifyError(
      NotifyErrorCode.ALREADY_CONNECTED,
      `proxy ${refKey(ref)} is in use by another client`
    )
  }
  current?.proxies.delete(proxy)
  adapter.session = session
  adapter.bind(ctx.link)
  session.proxies.add(proxy)
  if (adapter.awaySuspended && isSuspendable(proxy) && proxy.isSuspended) proxy.resume_connection()
  adapter.awaySuspended = false
  ctx.host.changed(ref.channelId)
  return { proxy: proxy.ref, queued: proxy instanceof ProxySupplier ? proxy.queueLength : 0 }
}

async function blockingPull(
  ctx: RequestContext,
  session: Session,
  proxy: ProxyBase,
  adapter: RemoteAdapter,
  max: number,
  timeoutMs: number
): Promise<unknown> {
  const pullsMax = ctx.limits.pullsPerSession
  if (session.pendingPulls >= pullsMax) {
    throw new RemoteLimitError(
      'session-pulls',
      `a client may have at most ${pullsMax} blocking pulls in progress`
    )
  }
  session.pendingPulls++
  try {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const events = tryPullFrom(proxy, adapter.kind, max)
      if (events.length > 0) {
        session.delivered += events.length
        return { has_event: true, events: events.map(eventJson) }
      }
      if (Date.now() >= deadline || session.gone)
        return { has_event: false, events: [], timed_out: true }
      await new Promise((r) => setTimeout(r, REMOTE_PULL_POLL_MS))
    }
  } finally {
    session.pendingPulls--
  }
}
