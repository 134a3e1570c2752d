import type { ChannelEvent, Property } from '../event'
import type { FilterLike } from '../filter/filter-like'
import type { ProxyRef } from './channel-events'
import type { ProxyType, ProxyTypeName } from './constants'
import { ProxyType as ProxyTypes } from './constants'
import { Counters } from './counters'
import type { EventChannel } from './event-channel'
import { FilterAdmin } from './filter-admin'
import type { ProxyState } from './info'
import { NotifyError, NotifyErrorCode } from './notify-error'
import {
  availableQoS,
  describePropertyErrors,
  type NamedPropertyRange,
  validateEventQoS
} from './qos'
import { QoSProperties } from './qos-properties'

/** Calls a client callback, swallowing synchronous throws and asynchronous rejections. */
export function callQuietly(fn: () => unknown): void {
  try {
    const result = fn()
    if (result instanceof Promise) result.catch(() => undefined)
  } catch {
    // Client callbacks must never break the channel (digest §1.5, §2.8).
  }
}

/** What a proxy needs from the admin that owns it. */
export interface ProxyOwner {
  readonly MyID: number
  readonly channel: EventChannel
  readonly qos: QoSProperties
  /** @internal removes a destroyed proxy from the admin's lists */
  _removeProxy(proxy: ProxyBase): void
}

/**
 * Common machinery of every proxy: identity, the connection state machine of digest §1.2
 * (created → connected → destroyed), QoS with live inheritance from the admin, the proxy's own
 * filter group, counters, and federation peering.
 */
export abstract class ProxyBase {
  readonly #id: number
  readonly #side: 'supplier' | 'consumer'
  readonly #owner: ProxyOwner
  readonly #cosEvent: boolean
  readonly #filters = new FilterAdmin()
  readonly #qos: QoSProperties
  #state: ProxyState = 'created'
  #client: object | null = null
  #peer: ProxyBase | null = null
  readonly #links = new Set<{ channel: EventChannel; key: string }>()
  /** @internal event counters, updated by the channel */
  readonly counters = new Counters()

  /**
   * @param side - `consumer` for proxy suppliers (consumer-facing), `supplier` for proxy consumers
   * @param owner - the admin creating the proxy
   * @param id - ProxyID, unique within the admin
   * @param cosEvent - obtained through a CosEvent operation (no own FilterAdmin)
   */
  protected constructor(
    side: 'supplier' | 'consumer',
    owner: ProxyOwner,
    id: number,
    cosEvent: boolean
  ) {
    this.#side = side
    this.#owner = owner
    this.#id = id
    this.#cosEvent = cosEvent
    this.#qos = new QoSProperties('proxy', owner.qos)
  }

  /** ProxyID, unique within the admin and never reused. */
  get id(): number {
    return this.#id
  }

  /** CosNotifyChannelAdmin ProxyType of this proxy (`MyType`). */
  abstract get MyType(): ProxyType

  /** Name of {@link ProxyBase.MyType}. */
  get proxyTypeName(): ProxyTypeName {
    const entry = Object.entries(ProxyTypes).find(([, v]) => v === this.MyType)
    return (entry?.[0] ?? 'PUSH_ANY') as ProxyTypeName
  }

  /** Which side of the channel: `consumer` = proxy supplier, `supplier` = proxy consumer. */
  get side(): 'supplier' | 'consumer' {
    return this.#side
  }

  /** Lifecycle state. */
  get state(): ProxyState {
    return this.#state
  }

  /** True while a client is connected. */
  get isConnected(): boolean {
    return this.#state === 'connected'
  }

  /** True when obtained through a CosEvent operation. */
  get isCosEvent(): boolean {
    return this.#cosEvent
  }

  /** Reference used in notices and info objects. */
  get ref(): ProxyRef {
    return {
      channelId: this.channel.id,
      side: this.#side,
      adminId: this.#owner.MyID,
      proxyId: this.#id
    }
  }

  /** @internal the owning channel */
  get channel(): EventChannel {
    return this.#owner.channel
  }

  /** @internal the effective QoS of this proxy */
  get qos(): QoSProperties {
    return this.#qos
  }

  /** @internal the local proxy of another channel this one is federated with, if any */
  get peer(): ProxyBase | null {
    return this.#peer
  }

  /** The connected client (null when none or a nil client was connected). */
  protected get client(): object | null {
    return this.#client
  }

  /** @returns the effective QoS of every property settable on a proxy (get_qos) */
  get_qos(): Property[] {
    this.assertAlive()
    return this.#qos.getAll()
  }

  /** Atomically sets QoS. @throws NotifyError UnsupportedQoS, nothing applied */
  set_qos(props: Property[]): void {
    this.assertAlive()
    this.#qos.set(props, false)
    this.onQoSChanged()
  }

  /**
   * Validates QoS without applying it.
   * @returns the other properties still settable here, with their ranges
   * @throws NotifyError UnsupportedQoS
   */
  validate_qos(required: Property[]): NamedPropertyRange[] {
    this.assertAlive()
    return this.#qos.validate(required, false)
  }

  /**
   * Would this proxy honour these per-event QoS values (validate_event_qos, §3.4)?
   * @returns the other per-event properties it understands
   * @throws NotifyError UnsupportedQoS
   */
  validate_event_qos(required: Property[]): NamedPropertyRange[] {
    this.assertAlive()
    const errors = validateEventQoS(required, {
      startTimeSupported: this.#qos.flag('StartTimeSupported'),
      stopTimeSupported: this.#qos.flag('StopTimeSupported'),
      channelEventReliability: this.channel.qos.get('EventReliability')
    })
    if (errors.length > 0) {
      throw new NotifyError(
        NotifyErrorCode.UNSUPPORTED_QOS,
        describePropertyErrors('event QoS not honoured', errors),
        {
          propertyErrors: errors
        }
      )
    }
    const named = new Set(required.map((p) => p.name))
    return availableQoS('event', []).filter((r) => !named.has(r.name))
  }

  /** Attaches a filter to this proxy's group. @returns its FilterID */
  add_filter(filter: FilterLike): number {
    return this.#filterAdmin().add_filter(filter)
  }

  /** @throws NotifyError FilterNotFound */
  remove_filter(id: number): void {
    this.#filterAdmin().remove_filter(id)
  }

  /** @throws NotifyError FilterNotFound */
  get_filter(id: number): FilterLike {
    return this.#filterAdmin().get_filter(id)
  }

  /** @returns the FilterIDs attached to this proxy */
  get_all_filters(): number[] {
    return this.#filterAdmin().get_all_filters()
  }

  /** Detaches all filters of this proxy. */
  remove_all_filters(): void {
    this.#filterAdmin().remove_all_filters()
  }

  /** @internal verdict of this proxy's own filter group (CosEvent proxies: none = pass) */
  filterGroupPasses(event: ChannelEvent): boolean {
    return this.#filters.passes(event)
  }

  /** @internal FilterIDs, without liveness check (info objects) */
  filterIds(): number[] {
    return this.#filters.get_all_filters()
  }

  /** @throws NotifyError OBJECT_NOT_EXIST once destroyed (directly or with its admin/channel) */
  protected assertAlive(): void {
    if (this.#state === 'destroyed') {
      throw new NotifyError(NotifyErrorCode.OBJECT_NOT_EXIST, 'proxy destroyed')
    }
  }

  /** @throws NotifyError AlreadyConnected when a client was ever connected */
  protected assertNotConnected(): void {
    this.assertAlive()
    if (this.#state === 'connected') {
      throw new NotifyError(NotifyErrorCode.ALREADY_CONNECTED, 'proxy already has a client')
    }
  }

  /**
   * Validates and records a client (digest §1.2, §2.5).
   * @param client - the client; null/undefined allowed only when `nilAllowed`
   * @param required - methods the channel will call on the client (TypeError when missing)
   */
  protected connectClient(
    client: object | null | undefined,
    nilAllowed: boolean,
    required: string[]
  ): void {
    this.assertNotConnected()
    if (client === null || client === undefined) {
      if (!nilAllowed) throw new NotifyError(NotifyErrorCode.BAD_PARAM, 'nil client reference')
    } else {
      for (const method of required) {
        if (typeof (client as Record<string, unknown>)[method] !== 'function') {
          throw new NotifyError(NotifyErrorCode.TYPE_ERROR, `client has no ${method}()`)
        }
      }
      if (client instanceof ProxyBase) this.#peerWith(client)
    }
    this.#client = client ?? null
    this.#state = 'connected'
    this.channel.emitter.emit('proxyConnected', this.ref)
    this.onConnected()
  }

  /**
   * Client-initiated disconnect (`disconnect_*` called on the proxy): destroys the proxy and, if
   * the channel is configured to, calls the client back.
   * @throws NotifyError OBJECT_NOT_EXIST when destroyed or never connected (JacORB, digest §1.2)
   */
  protected disconnectByClient(): void {
    this.assertAlive()
    if (this.#state !== 'connected') {
      throw new NotifyError(NotifyErrorCode.OBJECT_NOT_EXIST, 'proxy is not connected')
    }
    this.destroyProxy(
      'client',
      'disconnect requested',
      this.channel.options.callbackOnClientDisconnect
    )
  }

  /**
   * @internal destroys the proxy: ends the connection, releases queue/timers/waiters, leaves the
   * admin, and optionally calls the client's disconnect callback (errors swallowed). Idempotent.
   */
  destroyProxy(initiator: 'client' | 'channel', reason: string, notifyClient: boolean): void {
    if (this.#state === 'destroyed') return
    const wasConnected = this.#state === 'connected'
    const ref = this.ref
    this.#state = 'destroyed'
    this.onDestroyed()
    for (const link of this.#links) link.channel.federation.unlink(link.key)
    this.#links.clear()
    this.#owner._removeProxy(this)
    const emitter = this.channel.emitter
    if (wasConnected) emitter.emit('proxyDisconnected', { proxy: ref, initiator, reason })
    emitter.emit('proxyDestroyed', ref)
    const client = this.#client
    if (notifyClient && wasConnected && client !== null) {
      callQuietly(() => this.callClientDisconnect(client))
    }
  }

  /** Calls the flavour-specific `disconnect_*` of the client. */
  protected abstract callClientDisconnect(client: object): unknown

  /** Hook: a client was connected. */
  protected onConnected(): void {}

  /** Hook: the proxy is being destroyed (state is already `destroyed`). */
  protected onDestroyed(): void {}

  /** Hook: this proxy's QoS changed. */
  protected onQoSChanged(): void {}

  #filterAdmin(): FilterAdmin {
    this.assertAlive()
    if (this.#cosEvent) {
      throw new NotifyError(NotifyErrorCode.NO_IMPLEMENT, 'CosEvent proxies have no FilterAdmin')
    }
    return this.#filters
  }

  /** Records a federation edge between this proxy and a proxy of another (or the same) channel. */
  #peerWith(peer: ProxyBase): void {
    if (peer.#side === this.#side) return
    const upstream = this.#side === 'consumer' ? this : peer
    const downstream = this.#side === 'consumer' ? peer : this
    const up = upstream.channel
    const down = downstream.channel
    if (up === down || down.federation.reaches(up)) {
      throw new NotifyError(
        NotifyErrorCode.FEDERATION_CYCLE,
        `connecting channel ${up.id} to channel ${down.id} would close a federation cycle`
      )
    }
    const link = { channel: up, key: up.federation.link(upstream.ref, downstream.ref, down) }
    this.#links.add(link)
    peer.#links.add(link)
    this.#peer = peer
    peer.#peer ??= this
  }
}
