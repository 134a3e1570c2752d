import type { ChannelEvent, EventType, Property } from '../event'
import type { FilterLike } from '../filter/filter-like'
import { ClientType, InterFilterGroupOperator } from './constants'
import type { EventChannel } from './event-channel'
import { assertValidEventTypes } from './event-types'
import { FilterAdmin } from './filter-admin'
import type { SupplierAdminInfo } from './info'
import { NotifyError, NotifyErrorCode } from './notify-error'
import type { ProxyBase } from './proxy-base'
import type { ProxyConsumer } from './proxy-consumer'
import { ProxyPullConsumer } from './proxy-pull-consumer'
import { ProxyPushConsumer } from './proxy-push-consumer'
import { PullProxyConsumerBase } from './pull-proxy-consumer-base'
import type { NamedPropertyRange } from './qos'
import { QoSProperties } from './qos-properties'
import { SequenceProxyPullConsumer } from './sequence-proxy-pull-consumer'
import { SequenceProxyPushConsumer } from './sequence-proxy-push-consumer'
import { StructuredProxyPullConsumer } from './structured-proxy-pull-consumer'
import { StructuredProxyPushConsumer } from './structured-proxy-push-consumer'

/** Push-style supplier-facing proxies. */
export type PushProxyConsumer =
  ProxyPushConsumer | StructuredProxyPushConsumer | SequenceProxyPushConsumer

/**
 * CosNotifyChannelAdmin::SupplierAdmin (digest §2.4): creates supplier-facing proxies and holds the
 * filter group of the supplier-side stage, combined with each proxy's group by its operator.
 */
export class SupplierAdmin {
  readonly #channel: EventChannel
  readonly #id: number
  readonly #operator: InterFilterGroupOperator
  readonly #qos: QoSProperties
  readonly #filters = new FilterAdmin()
  readonly #proxies = new Map<number, ProxyConsumer>()
  #nextProxyId = 0
  #destroyed = false

  /** @internal created by EventChannel (default admin or new_for_suppliers) */
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

  /** @internal admin-level QoS */
  get qos(): QoSProperties {
    return this.#qos
  }

  /** True once destroyed. */
  get destroyed(): boolean {
    return this.#destroyed
  }

  /** ProxyIDs of the pull-style proxies (`pull_consumers`). */
  get pull_consumers(): number[] {
    this.#assertAlive()
    return this.proxyList()
      .filter((p) => p instanceof PullProxyConsumerBase)
      .map((p) => p.id)
  }

  /** ProxyIDs of the push-style proxies (`push_consumers`). */
  get push_consumers(): number[] {
    this.#assertAlive()
    return this.proxyList()
      .filter((p) => !(p instanceof PullProxyConsumerBase))
      .map((p) => p.id)
  }

  /** @throws NotifyError ProxyNotFound, OBJECT_NOT_EXIST */
  get_proxy_consumer(id: number): ProxyConsumer {
    this.#assertAlive()
    const proxy = this.#proxies.get(id)
    if (proxy === undefined)
      throw new NotifyError(NotifyErrorCode.PROXY_NOT_FOUND, `no proxy ${id}`)
    return proxy
  }

  /**
   * Creates a push-style supplier-facing proxy of the given flavour.
   * @throws NotifyError AdminLimitExceeded (MaxSuppliers), BAD_PARAM, OBJECT_NOT_EXIST
   */
  obtain_notification_push_consumer(ctype: typeof ClientType.ANY_EVENT): ProxyPushConsumer
  obtain_notification_push_consumer(
    ctype: typeof ClientType.STRUCTURED_EVENT
  ): StructuredProxyPushConsumer
  obtain_notification_push_consumer(
    ctype: typeof ClientType.SEQUENCE_EVENT
  ): SequenceProxyPushConsumer
  obtain_notification_push_consumer(ctype: ClientType): PushProxyConsumer
  obtain_notification_push_consumer(ctype: ClientType): PushProxyConsumer {
    this.#assertAlive()
    const make = {
      [ClientType.ANY_EVENT]: (id: number) => new ProxyPushConsumer(this, id, false),
      [ClientType.STRUCTURED_EVENT]: (id: number) => new StructuredProxyPushConsumer(this, id),
      [ClientType.SEQUENCE_EVENT]: (id: number) => new SequenceProxyPushConsumer(this, id)
    }[ctype]
    if (make === undefined) throw new NotifyError(NotifyErrorCode.BAD_PARAM, 'unknown ClientType')
    this.#channel.assertCanAddProxy('supplier')
    return this.#add<PushProxyConsumer>(make)
  }

  /**
   * Creates a pull-style supplier-facing proxy of the given flavour.
   * @throws NotifyError AdminLimitExceeded (MaxSuppliers), BAD_PARAM, OBJECT_NOT_EXIST
   */
  obtain_notification_pull_consumer(ctype: typeof ClientType.ANY_EVENT): ProxyPullConsumer
  obtain_notification_pull_consumer(
    ctype: typeof ClientType.STRUCTURED_EVENT
  ): StructuredProxyPullConsumer
  obtain_notification_pull_consumer(
    ctype: typeof ClientType.SEQUENCE_EVENT
  ): SequenceProxyPullConsumer
  obtain_notification_pull_consumer(ctype: ClientType): PullProxyConsumerBase
  obtain_notification_pull_consumer(ctype: ClientType): PullProxyConsumerBase {
    this.#assertAlive()
    const make = {
      [ClientType.ANY_EVENT]: (id: number) => new ProxyPullConsumer(this, id, false),
      [ClientType.STRUCTURED_EVENT]: (id: number) => new StructuredProxyPullConsumer(this, id),
      [ClientType.SEQUENCE_EVENT]: (id: number) => new SequenceProxyPullConsumer(this, id)
    }[ctype]
    if (make === undefined) throw new NotifyError(NotifyErrorCode.BAD_PARAM, 'unknown ClientType')
    this.#channel.assertCanAddProxy('supplier')
    return this.#add<PullProxyConsumerBase>(make)
  }

  /** CosEvent `obtain_push_consumer`: any-typed, no own filter group, not limited by MaxSuppliers. */
  obtain_push_consumer(): ProxyPushConsumer {
    this.#assertAlive()
    return this.#add((id) => new ProxyPushConsumer(this, id, true))
  }

  /** CosEvent `obtain_pull_consumer`. */
  obtain_pull_consumer(): ProxyPullConsumer {
    this.#assertAlive()
    return this.#add((id) => new ProxyPullConsumer(this, id, true))
  }

  /**
   * NotifyPublish on the admin: applies the offer change to every current proxy of this admin.
   * @throws NotifyError InvalidEventType (nothing applied), OBJECT_NOT_EXIST
   */
  offer_change(added: EventType[], removed: EventType[]): void {
    this.#assertAlive()
    assertValidEventTypes(added)
    assertValidEventTypes(removed)
    for (const proxy of this.proxyList()) proxy.offer_change(added, removed)
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
  }

  /** Validates admin-level QoS. @throws NotifyError UnsupportedQoS */
  validate_qos(required: Property[]): NamedPropertyRange[] {
    this.#assertAlive()
    return this.#qos.validate(required, this.#proxies.size > 0)
  }

  /** Attaches a filter to the admin's group. @returns FilterID */
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
   * Destroys the admin and its proxies, calling each connected client's disconnect.
   * @throws NotifyError OBJECT_NOT_EXIST when already destroyed
   */
  destroy(): void {
    this.#assertAlive()
    this.destroyInternal('admin destroyed')
    this.#channel.removeAdmin(this)
  }

  /** @internal */
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
  proxyList(): ProxyConsumer[] {
    return [...this.#proxies.values()]
  }

  /** @internal */
  _removeProxy(proxy: ProxyBase): void {
    this.#proxies.delete(proxy.id)
  }

  /** @returns a plain-JSON snapshot */
  toInfo(): SupplierAdminInfo {
    return {
      kind: 'supplier-admin',
      channelId: this.#channel.id,
      id: this.#id,
      operator: this.#operator === InterFilterGroupOperator.AND_OP ? 'AND_OP' : 'OR_OP',
      destroyed: this.#destroyed,
      filterIds: this.#filters.get_all_filters(),
      qos: this.#qos.getExplicit(),
      proxies: this.proxyList().map((p) => p.toInfo())
    }
  }

  #add<P extends ProxyConsumer>(make: (id: number) => P): P {
    const proxy = make(this.#nextProxyId++)
    this.#proxies.set(proxy.id, proxy)
    return proxy
  }

  #assertAlive(): void {
    if (this.#destroyed) throw new NotifyError(NotifyErrorCode.OBJECT_NOT_EXIST, 'admin destroyed')
  }
}
