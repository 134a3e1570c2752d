import type { ChannelEvent, EventType, Property } from '../event'
import type { FilterLike, MappingFilterLike } from '../filter/filter-like'
import { ClientType, InterFilterGroupOperator } from './constants'
import type { EventChannel } from './event-channel'
import { assertValidEventTypes } from './event-types'
import { FilterAdmin } from './filter-admin'
import type { ConsumerAdminInfo } from './info'
import { NotifyError, NotifyErrorCode } from './notify-error'
import type { ProxyBase } from './proxy-base'
import { ProxyPullSupplier } from './proxy-pull-supplier'
import { ProxyPushSupplier } from './proxy-push-supplier'
import type { ProxySupplier } from './proxy-supplier'
import { PullProxySupplierBase } from './pull-proxy-supplier-base'
import type { PushProxySupplierBase } from './push-proxy-supplier-base'
import type { NamedPropertyRange } from './qos'
import { QoSProperties } from './qos-properties'
import { SequenceProxyPullSupplier } from './sequence-proxy-pull-supplier'
import { SequenceProxyPushSupplier } from './sequence-proxy-push-supplier'
import { StructuredProxyPullSupplier } from './structured-proxy-pull-supplier'
import { StructuredProxyPushSupplier } from './structured-proxy-push-supplier'

/**
 * CosNotifyChannelAdmin::ConsumerAdmin (digest §2.4): creates consumer-facing proxies, holds a
 * filter group combined with each proxy's group by its fixed InterFilterGroupOperator, the
 * admin-level mapping filters, and admin-level QoS inherited live by its proxies.
 */
export class ConsumerAdmin {
  readonly #channel: EventChannel
  readonly #id: number
  readonly #operator: InterFilterGroupOperator
  readonly #qos: QoSProperties
  readonly #filters = new FilterAdmin()
  readonly #proxies = new Map<number, ProxySupplier>()
  #nextProxyId = 0
  #priorityFilter: MappingFilterLike | null = null
  #lifetimeFilter: MappingFilterLike | null = null
  #destroyed = false

  /** @internal created by EventChannel (default admin or new_for_consumers) */
  constructor(channel: EventChannel, id: number, operator: InterFilterGroupOperator) {
    this.#channel = channel
    this.#id = id
    this.#operator = operator
    this.#qos = new QoSProperties('admin', channel.qos)
  }

  /** AdminID (0 = the channel's default admin). */
  get MyID(): number {
    return this.#id
  }

  /** The owning channel (`MyChannel`). */
  get MyChannel(): EventChannel {
    this.#assertAlive()
    return this.#channel
  }

  /** AND_OP or OR_OP, fixed at creation (`MyOperator`). */
  get MyOperator(): InterFilterGroupOperator {
    return this.#operator
  }

  /** @internal owning channel without liveness check */
  get channel(): EventChannel {
    return this.#channel
  }

  /** @internal admin-level QoS (parent of the proxies' QoS) */
  get qos(): QoSProperties {
    return this.#qos
  }

  /** True once destroyed (directly or with the channel). */
  get destroyed(): boolean {
    return this.#destroyed
  }

  /** `priority_filter` attribute (nil = none); applies to proxies without their own (§4.3). */
  get priority_filter(): MappingFilterLike | null {
    this.#assertAlive()
    return this.#priorityFilter
  }

  set priority_filter(filter: MappingFilterLike | null) {
    this.#assertAlive()
    this.#priorityFilter = filter ?? null
  }

  /** `lifetime_filter` attribute (nil = none). */
  get lifetime_filter(): MappingFilterLike | null {
    this.#assertAlive()
    return this.#lifetimeFilter
  }

  set lifetime_filter(filter: MappingFilterLike | null) {
    this.#assertAlive()
    this.#lifetimeFilter = filter ?? null
  }

  /** @internal mapping filters without liveness check */
  get mappingPriorityFilter(): MappingFilterLike | null {
    return this.#priorityFilter
  }

  /** @internal */
  get mappingLifetimeFilter(): MappingFilterLike | null {
    return this.#lifetimeFilter
  }

  /** ProxyIDs of the pull-style proxies (`pull_suppliers`). */
  get pull_suppliers(): number[] {
    this.#assertAlive()
    return this.proxyList()
      .filter((p) => p instanceof PullProxySupplierBase)
      .map((p) => p.id)
  }

  /** ProxyIDs of the push-style proxies (`push_suppliers`). */
  get push_suppliers(): number[] {
    this.#assertAlive()
    return this.proxyList()
      .filter((p) => !(p instanceof PullProxySupplierBase))
      .map((p) => p.id)
  }

  /** @throws NotifyError ProxyNotFound, OBJECT_NOT_EXIST */
  get_proxy_supplier(id: number): ProxySupplier {
    this.#assertAlive()
    const proxy = this.#proxies.get(id)
    if (proxy === undefined)
      throw new NotifyError(NotifyErrorCode.PROXY_NOT_FOUND, `no proxy ${id}`)
    return proxy
  }

  /**
   * Creates a push-style consumer-facing proxy of the given flavour.
   * @throws NotifyError AdminLimitExceeded (MaxConsumers), BAD_PARAM (bad ClientType),
   *   OBJECT_NOT_EXIST
   */
  obtain_notification_push_supplier(ctype: typeof ClientType.ANY_EVENT): ProxyPushSupplier
  obtain_notification_push_supplier(
    ctype: typeof ClientType.STRUCTURED_EVENT
  ): StructuredProxyPushSupplier
  obtain_notification_push_supplier(
    ctype: typeof ClientType.SEQUENCE_EVENT
  ): SequenceProxyPushSupplier
  obtain_notification_push_supplier(ctype: ClientType): PushProxySupplierBase
  obtain_notification_push_supplier(ctype: ClientType): PushProxySupplierBase {
    this.#assertAlive()
    const make = {
      [ClientType.ANY_EVENT]: (id: number) => new ProxyPushSupplier(this, id, false),
      [ClientType.STRUCTURED_EVENT]: (id: number) => new StructuredProxyPushSupplier(this, id),
      [ClientType.SEQUENCE_EVENT]: (id: number) => new SequenceProxyPushSupplier(this, id)
    }[ctype]
    if (make === undefined) throw new NotifyError(NotifyErrorCode.BAD_PARAM, 'unknown ClientType')
    this.#channel.assertCanAddProxy('consumer')
    return this.#add<PushProxySupplierBase>(make)
  }

  /**
   * Creates a pull-style consumer-facing proxy of the given flavour.
   * @throws NotifyError AdminLimitExceeded (MaxConsumers), BAD_PARAM, OBJECT_NOT_EXIST
   */
  obtain_notification_pull_supplier(ctype: typeof ClientType.ANY_EVENT): ProxyPullSupplier
  obtain_notification_pull_supplier(
    ctype: typeof ClientType.STRUCTURED_EVENT
  ): StructuredProxyPullSupplier
  obtain_notification_pull_supplier(
    ctype: typeof ClientType.SEQUENCE_EVENT
  ): SequenceProxyPullSupplier
  obtain_notification_pull_supplier(ctype: ClientType): PullProxySupplierBase
  obtain_notification_pull_supplier(ctype: ClientType): PullProxySupplierBase {
    this.#assertAlive()
    const make = {
      [ClientType.ANY_EVENT]: (id: number) => new ProxyPullSupplier(this, id, false),
      [ClientType.STRUCTURED_EVENT]: (id: number) => new StructuredProxyPullSupplier(this, id),
      [ClientType.SEQUENCE_EVENT]: (id: number) => new SequenceProxyPullSupplier(this, id)
    }[ctype]
    if (make === undefined) throw new NotifyError(NotifyErrorCode.BAD_PARAM, 'unknown ClientType')
    this.#channel.assertCanAddProxy('consumer')
    return this.#add<PullProxySupplierBase>(make)
  }

  /**
   * CosEvent `obtain_push_supplier`: an any-typed push proxy without its own filter group. Not
   * limited by MaxConsumers (the CosEvent operation declares no AdminLimitExceeded) but counted.
   */
  obtain_push_supplier(): ProxyPushSupplier {
    this.#assertAlive()
    return this.#add((id) => new ProxyPushSupplier(this, id, true))
  }

  /** CosEvent `obtain_pull_supplier`: an any-typed pull proxy without its own filter group. */
  obtain_pull_supplier(): ProxyPullSupplier {
    this.#assertAlive()
    return this.#add((id) => new ProxyPullSupplier(this, id, true))
  }

  /**
   * NotifySubscribe on the admin: applies the change to every current proxy of this admin (§2.4).
   * @throws NotifyError InvalidEventType (nothing applied), OBJECT_NOT_EXIST
   */
  subscription_change(added: EventType[], removed: EventType[]): void {
    this.#assertAlive()
    assertValidEventTypes(added)
    assertValidEventTypes(removed)
    for (const proxy of this.proxyList()) proxy.subscription_change(added, removed)
  }

  /** @returns effective admin-level QoS */
  get_qos(): Property[] {
    this.#assertAlive()
    return this.#qos.getAll()
  }

  /** Atomically sets admin-level QoS. @throws NotifyError UnsupportedQoS */
  set_qos(props: Property[]): void {
    this.#assertAlive()
    this.#qos.set(props, this.#proxies.size > 0)
    for (const proxy of this.proxyList()) proxy.scheduleAfterQoSChange()
  }

  /** Validates admin-level QoS. @throws NotifyError UnsupportedQoS */
  validate_qos(required: Property[]): NamedPropertyRange[] {
    this.#assertAlive()
    return this.#qos.validate(required, this.#proxies.size > 0)
  }

  /** Attaches a filter to the admin's group. @returns FilterID @throws BAD_PARAM on nil */
  add_filter(filter: FilterLike): number {
    this.#assertAlive()
    return this.#filters.add_filter(filter)
  }

  /** @throws NotifyError FilterNotFound */
  remove_filter(id: number): void {
    this.#assertAlive()
    this.#filters.remove_filter(id)
  }

  /** @throws NotifyError FilterNotFound */
  get_filter(id: number): FilterLike {
    this.#assertAlive()
    return this.#filters.get_filter(id)
  }

  /** @returns the admin's FilterIDs */
  get_all_filters(): number[] {
    this.#assertAlive()
    return this.#filters.get_all_filters()
  }

  /** Detaches every filter of the admin. */
  remove_all_filters(): void {
    this.#assertAlive()
    this.#filters.remove_all_filters()
  }

  /**
   * Destroys the admin and its proxies, calling each connected client's disconnect (errors
   * swallowed). A destroyed default admin is recreated on next access (JacORB).
   * @throws NotifyError OBJECT_NOT_EXIST when already destroyed
   */
  destroy(): void {
    this.#assertAlive()
    this.destroyInternal('admin destroyed')
    this.#channel.removeAdmin(this)
  }

  /** @internal destroys the proxies (channel-initiated) and marks the admin destroyed */
  destroyInternal(reason: string): void {
    if (this.#destroyed) return
    this.#destroyed = true
    for (const proxy of this.proxyList()) proxy.destroyProxy('channel', reason, true)
  }

  /** @internal verdict of the admin's filter group */
  filterGroupPasses(event: ChannelEvent): boolean {
    return this.#filters.passes(event)
  }

  /** @internal live proxies in id order */
  proxyList(): ProxySupplier[] {
    return [...this.#proxies.values()]
  }

  /** @internal */
  _removeProxy(proxy: ProxyBase): void {
    this.#proxies.delete(proxy.id)
  }

  /** @returns a plain-JSON snapshot */
  toInfo(): ConsumerAdminInfo {
    return {
      kind: 'consumer-admin',
      channelId: this.#channel.id,
      id: this.#id,
      operator: this.#operator === InterFilterGroupOperator.AND_OP ? 'AND_OP' : 'OR_OP',
      destroyed: this.#destroyed,
      filterIds: this.#filters.get_all_filters(),
      priorityFilterId: this.#priorityFilter?.id ?? null,
      lifetimeFilterId: this.#lifetimeFilter?.id ?? null,
      qos: this.#qos.getExplicit(),
      proxies: this.proxyList().map((p) => p.toInfo())
    }
  }

  #add<P extends ProxySupplier>(make: (id: number) => P): P {
    const proxy = make(this.#nextProxyId++)
    this.#proxies.set(proxy.id, proxy)
    return proxy
  }

  #assertAlive(): void {
    if (this.#destroyed) throw new NotifyError(NotifyErrorCode.OBJECT_NOT_EXIST, 'admin destroyed')
  }
}
