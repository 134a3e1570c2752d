import type { ClientKind, ClientRole, ProxyRefJson } from '@shared/contract/labs/channels'
import type { ChannelEvent, JsonValue, StructuredEvent } from './event'
import { structuredEventFromJson } from './event-json'
import {
  ClientType,
  NotifyError,
  NotifyErrorCode,
  PullProxyConsumerBase,
  PushProxySupplierBase,
  type EventChannel,
  type ProxyBase
} from './model'

/**
 * Role/kind-generic operations on the model's proxies, shared by the lab clients, the remote
 * protocol and persistence: obtain a proxy of a role, connect a client to it, push into it, pull
 * from it. The model has one IDL-named operation per flavour; these pick the right one.
 */

/** ClientType of a client kind. */
export function clientTypeOf(kind: ClientKind): ClientType {
  return kind === 'any'
    ? ClientType.ANY_EVENT
    : kind === 'structured'
      ? ClientType.STRUCTURED_EVENT
      : ClientType.SEQUENCE_EVENT
}

/** The role and kind a proxy serves, from its ProxyType and side. */
export function roleAndKind(proxy: ProxyBase): { role: ClientRole; kind: ClientKind } {
  const name = proxy.proxyTypeName
  const push = name.startsWith('PUSH')
  const kind: ClientKind = name.endsWith('ANY')
    ? 'any'
    : name.endsWith('STRUCTURED')
      ? 'structured'
      : 'sequence'
  const role: ClientRole =
    proxy.side === 'supplier'
      ? push
        ? 'push-supplier'
        : 'pull-supplier'
      : push
        ? 'push-consumer'
        : 'pull-consumer'
  return { role, kind }
}

/** `channel/side/admin/proxy`, the map key of a proxy. */
export function refKey(ref: ProxyRefJson): string {
  return `${ref.channelId}/${ref.side}/${ref.adminId}/${ref.proxyId}`
}

/**
 * Obtains a new proxy serving a client of `role` and `kind` from an admin.
 * @throws NotifyError AdminNotFound, AdminLimitExceeded, OBJECT_NOT_EXIST
 */
export function obtainProxy(
  channel: EventChannel,
  adminId: number,
  role: ClientRole,
  kind: ClientKind,
  cosEvent: boolean
): ProxyBase {
  const ctype = clientTypeOf(kind)
  if (cosEvent && kind !== 'any') {
    throw new NotifyError(NotifyErrorCode.BAD_PARAM, 'CosEvent proxies carry any events only')
  }
  switch (role) {
    case 'push-supplier': {
      const admin = channel.get_supplieradmin(adminId)
      return cosEvent
        ? admin.obtain_push_consumer()
        : admin.obtain_notification_push_consumer(ctype)
    }
    case 'pull-supplier': {
      const admin = channel.get_supplieradmin(adminId)
      return cosEvent
        ? admin.obtain_pull_consumer()
        : admin.obtain_notification_pull_consumer(ctype)
    }
    case 'push-consumer': {
      const admin = channel.get_consumeradmin(adminId)
      return cosEvent
        ? admin.obtain_push_supplier()
        : admin.obtain_notification_push_supplier(ctype)
    }
    case 'pull-consumer': {
      const admin = channel.get_consumeradmin(adminId)
      return cosEvent
        ? admin.obtain_pull_supplier()
        : admin.obtain_notification_pull_supplier(ctype)
    }
  }
}

type Connectable = Record<string, ((client: unknown) => void) | undefined>

/**
 * Connects `client` to `proxy` with the flavour's connect operation.
 * @throws NotifyError AlreadyConnected, TypeError, BAD_PARAM, FederationCycle, OBJECT_NOT_EXIST
 */
export function connectProxy(proxy: ProxyBase, client: object | null): void {
  const { role, kind } = roleAndKind(proxy)
  const flavour = kind === 'any' ? (proxy.isCosEvent ? '' : 'any_') : `${kind}_`
  const op = {
    'push-supplier': `connect_${flavour}push_supplier`,
    'pull-supplier': `connect_${flavour}pull_supplier`,
    'push-consumer': `connect_${flavour}push_consumer`,
    'pull-consumer': `connect_${flavour}pull_consumer`
  }[role]
  const fn = (proxy as unknown as Connectable)[op]
  if (typeof fn !== 'function') throw new Error(`proxy has no ${op}`)
  fn.call(proxy, client)
}

/**
 * The client-initiated disconnect (`disconnect_*` on the proxy): destroys it.
 * @throws NotifyError OBJECT_NOT_EXIST when not connected
 */
export function disconnectProxy(proxy: ProxyBase): void {
  const { role, kind } = roleAndKind(proxy)
  const flavour = kind === 'any' ? '' : `${kind}_`
  // The proxy's own disconnect is named after the interface it implements (the opposite role).
  const op = {
    'push-supplier': `disconnect_${flavour}push_consumer`,
    'pull-supplier': `disconnect_${flavour}pull_consumer`,
    'push-consumer': `disconnect_${flavour}push_supplier`,
    'pull-consumer': `disconnect_${flavour}pull_supplier`
  }[role]
  const fn = (proxy as unknown as Record<string, (() => void) | undefined>)[op]
  if (typeof fn !== 'function') throw new Error(`proxy has no ${op}`)
  fn.call(proxy)
}

/**
 * Converts JSON events for a supplier of `kind`: any suppliers push any JSON; structured and
 * sequence suppliers need structured events.
 * @throws Error naming the malformed event
 */
export function eventsForKind(kind: ClientKind, events: readonly JsonValue[]): ChannelEvent[] {
  return events.map((json, i) => {
    if (kind === 'any') return { kind: 'any', data: json }
    try {
      return { kind: 'structured', event: structuredEventFromJson(json) }
    } catch (err) {
      throw new NotifyError(
        NotifyErrorCode.BAD_PARAM,
        `event ${i + 1}: ${kind} suppliers push structured events (${(err as Error).message})`
      )
    }
  })
}

/**
 * A push supplier's push of `events` into its proxy consumer: one call per event, a sequence
 * supplier one call for the batch.
 * @returns how many were accepted before an error
 * @throws NotifyError Disconnected, IMP_LIMIT, OBJECT_NOT_EXIST, BAD_PARAM (with the count accepted)
 */
export function pushInto(proxy: ProxyBase, kind: ClientKind, events: ChannelEvent[]): number {
  const p = proxy as unknown as {
    push?: (data: JsonValue) => void
    push_structured_event?: (e: StructuredEvent) => void
    push_structured_events?: (e: StructuredEvent[]) => void
  }
  if (kind === 'sequence') {
    p.push_structured_events?.(events.map((e) => asStructured(e)))
    return events.length
  }
  let accepted = 0
  for (const event of events) {
    if (kind === 'any') p.push?.(event.kind === 'any' ? event.data : (event.event as never))
    else p.push_structured_event?.(asStructured(event))
    accepted++
  }
  return accepted
}

function asStructured(event: ChannelEvent): StructuredEvent {
  if (event.kind !== 'structured') {
    throw new NotifyError(NotifyErrorCode.BAD_PARAM, 'expected a structured event')
  }
  return event.event
}

/** A consumer's non-blocking pull of up to `max` events from its pull proxy supplier. */
export function tryPullFrom(proxy: ProxyBase, kind: ClientKind, max: number): ChannelEvent[] {
  const p = proxy as unknown as {
    try_pull(): { has_event: boolean; event?: JsonValue }
    try_pull_structured_event(): { has_event: boolean; event?: StructuredEvent }
    try_pull_structured_events(max: number): { has_event: boolean; events: StructuredEvent[] }
  }
  if (kind === 'any') {
    const r = p.try_pull()
    return r.has_event ? [{ kind: 'any', data: r.event ?? null }] : []
  }
  if (kind === 'structured') {
    const r = p.try_pull_structured_event()
    return r.has_event && r.event ? [{ kind: 'structured', event: r.event }] : []
  }
  return p.try_pull_structured_events(max).events.map((event) => ({ kind: 'structured', event }))
}

/** A consumer's blocking pull (1..max events); rejects with Disconnected on disconnect. */
export async function pullFrom(
  proxy: ProxyBase,
  kind: ClientKind,
  max: number
): Promise<ChannelEvent[]> {
  const p = proxy as unknown as {
    pull(): Promise<JsonValue>
    pull_structured_event(): Promise<StructuredEvent>
    pull_structured_events(max: number): Promise<StructuredEvent[]>
  }
  if (kind === 'any') return [{ kind: 'any', data: await p.pull() }]
  if (kind === 'structured') return [{ kind: 'structured', event: await p.pull_structured_event() }]
  return (await p.pull_structured_events(max)).map((event) => ({ kind: 'structured', event }))
}

/** True for proxies with suspend_connection (push proxy suppliers, pull proxy consumers). */
export function isSuspendable(
  proxy: ProxyBase
): proxy is PushProxySupplierBase | PullProxyConsumerBase {
  return proxy instanceof PushProxySupplierBase || proxy instanceof PullProxyConsumerBase
}

/** The proxy named by a ref. @throws NotifyError ChannelNotFound, AdminNotFound, ProxyNotFound */
export function findProxy(channel: EventChannel, ref: ProxyRefJson): ProxyBase {
  return ref.side === 'consumer'
    ? channel.get_consumeradmin(ref.adminId).get_proxy_supplier(ref.proxyId)
    : channel.get_supplieradmin(ref.adminId).get_proxy_consumer(ref.proxyId)
}

/** Effective ConnectionReliability of a proxy is Persistent. */
export function hasPersistentConnection(proxy: ProxyBase): boolean {
  return proxy.qos.get('ConnectionReliability') === 1
}
