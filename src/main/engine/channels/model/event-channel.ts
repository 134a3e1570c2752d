import type { ChannelEvent, EventType, JsonValue, Property } from '../event'
import { FilterFactory } from '../filter/filter-factory'
import { AdminRegistry } from './admin-registry'
import { ChannelAdminProperties } from './channel-admin-properties'
import { asError, createChannelEmitter } from './channel-emitter'
import type { EventChannelListener } from './channel-events'
import {
  type EventChannelOptions,
  resolveChannelOptions,
  type ResolvedChannelOptions,
  storeForEvent
} from './channel-options'
import { ChannelRouter } from './channel-router'
import type { Clock } from './clock'
import type { InterFilterGroupOperator } from './constants'
import type { ConsumerAdmin } from './consumer-admin'
import { Counters } from './counters'
import type { QueuedItem } from './envelope'
import type { EventStore } from './event-store'
import type { EventTypeDelta } from './event-type-set'
import type { EventChannelFactory } from './event-channel-factory'
import { FederationLinks } from './federation-links'
import type { RoutedEvent } from './federation'
import type { EventChannelInfo } from './info'
import { NotifyError, NotifyErrorCode } from './notify-error'
import type { ProxyConsumer } from './proxy-consumer'
import type { AdminPropertyName, NamedPropertyRange, QoSPropertyName } from './qos'
import { QoSProperties } from './qos-properties'
import type { SupplierAdmin } from './supplier-admin'
import type { TypedEmitter } from './typed-emitter'

export {
  type EventChannelOptions,
  resolveChannelOptions,
  type ResolvedChannelOptions
} from './channel-options'

let nextChannelUid = 1

/**
 * CosNotifyChannelAdmin::EventChannel (digest §2.3), usable as a CosEvent channel through
 * for_consumers/for_suppliers. Owns the admins, the channel-level QoS and admin properties, the
 * aggregate offers/subscriptions, and routes every accepted event from the supplier-side filter
 * stage to each connected consumer-facing proxy.
 *
 * Queue accounting: MaxQueueLength counts every queued per-consumer entry (TAO's choice, digest
 * §3.2), so one event queued for three consumers counts three.
 */
export class EventChannel {
  readonly #factory: EventChannelFactory | null
  readonly #id: number
  readonly #uid: string
  readonly #qos: QoSProperties
  readonly #admin: ChannelAdminProperties
  readonly #admins: AdminRegistry
  readonly #router: ChannelRouter
  #destroyed = false
  #filterFactory: FilterFactory | null = null
  /** @internal resolved options */
  readonly options: ResolvedChannelOptions
  /** @internal typed event emitter (use {@link EventChannel.on}/{@link EventChannel.off}) */
  readonly emitter: TypedEmitter<EventChannelListener>
  /** @internal channel-wide counters */
  readonly counters = new Counters()
  /** @internal federation edges leaving this channel */
  readonly federation = new FederationLinks()

  /**
   * Prefer {@link EventChannelFactory.create_channel}; direct construction makes a channel that
   * belongs to no factory.
   * @param id - ChannelID
   * @param initialQoS - channel QoS (validated)
   * @param initialAdmin - admin properties (validated)
   * @param options - tunables
   * @param factory - owning factory, if any
   * @param factoryDefaults - factory default QoS values (the root of inheritance)
   * @throws NotifyError UnsupportedQoS / UnsupportedAdmin (nothing created)
   */
  constructor(
    id: number,
    initialQoS: Property[] = [],
    initialAdmin: Property[] = [],
    options: EventChannelOptions = {},
    factory: EventChannelFactory | null = null,
    factoryDefaults?: Readonly<Record<string, JsonValue>>
  ) {
    this.#qos = new QoSProperties('channel', null, factoryDefaults)
    this.#qos.set(initialQoS, false)
    this.#admin = new ChannelAdminProperties(initialAdmin)
    this.#id = id
    this.#uid = `channel-${nextChannelUid++}`
    this.#factory = factory
    this.options = resolveChannelOptions(options)
    this.emitter = createChannelEmitter()
    this.#admins = new AdminRegistry(this, this.options.defaultAdminOperator)
    this.#router = new ChannelRouter(this, this.#admins)
  }

  /** ChannelID within the factory. */
  get id(): number {
    return this.#id
  }

  /** Process-unique id (federation loop prevention, UI keys). */
  get uid(): string {
    return this.#uid
  }

  /** The creating factory (`MyFactory`), null for a stand-alone channel. */
  get MyFactory(): EventChannelFactory | null {
    this.#assertAlive()
    return this.#factory
  }

  /** True once destroyed. */
  get destroyed(): boolean {
    return this.#destroyed
  }

  /** @internal the channel's clock */
  get clock(): Clock {
    return this.options.clock
  }

  /** @internal channel-level QoS (root of the live inheritance chain) */
  get qos(): QoSProperties {
    return this.#qos
  }

  /** Registers a listener for one of the channel's typed events. */
  on<K extends keyof EventChannelListener>(event: K, listener: EventChannelListener[K]): this {
    this.emitter.on(event, listener)
    return this
  }

  /** Removes a listener. */
  off<K extends keyof EventChannelListener>(event: K, listener: EventChannelListener[K]): this {
    this.emitter.off(event, listener)
    return this
  }

  /** The default ConsumerAdmin (id 0); recreated on access if it was destroyed (JacORB). */
  get default_consumer_admin(): ConsumerAdmin {
    this.#assertAlive()
    return this.#admins.defaultConsumerAdmin()
  }

  /** The default SupplierAdmin (id 0); recreated on access if it was destroyed. */
  get default_supplier_admin(): SupplierAdmin {
    this.#assertAlive()
    return this.#admins.defaultSupplierAdmin()
  }

  /**
   * `default_filter_factory`: creates EXTENDED_TCL filters and mapping filters whose `$curtime`
   * follows this channel's clock. Filters outlive the channel (they are only detached on destroy).
   */
  get default_filter_factory(): FilterFactory {
    this.#assertAlive()
    this.#filterFactory ??= new FilterFactory({ clock: () => this.clock.now() })
    return this.#filterFactory
  }

  /** CosEvent `for_consumers`: the default ConsumerAdmin. */
  for_consumers(): ConsumerAdmin {
    return this.default_consumer_admin
  }

  /** CosEvent `for_suppliers`: the default SupplierAdmin. */
  for_suppliers(): SupplierAdmin {
    return this.default_supplier_admin
  }

  /**
   * Creates a ConsumerAdmin with a fixed operator; its id is `admin.MyID` (never reused).
   * @throws NotifyError BAD_PARAM (bad operator), OBJECT_NOT_EXIST
   */
  new_for_consumers(op: InterFilterGroupOperator): ConsumerAdmin {
    this.#assertAlive()
    return this.#admins.newConsumerAdmin(op)
  }

  /** Creates a SupplierAdmin with a fixed operator. @throws NotifyError BAD_PARAM, OBJECT_NOT_EXIST */
  new_for_suppliers(op: InterFilterGroupOperator): SupplierAdmin {
    this.#assertAlive()
    return this.#admins.newSupplierAdmin(op)
  }

  /** @throws NotifyError AdminNotFound, OBJECT_NOT_EXIST */
  get_consumeradmin(id: number): ConsumerAdmin {
    this.#assertAlive()
    return this.#admins.consumerAdmin(id)
  }

  /** @throws NotifyError AdminNotFound, OBJECT_NOT_EXIST */
  get_supplieradmin(id: number): SupplierAdmin {
    this.#assertAlive()
    return this.#admins.supplierAdmin(id)
  }

  /** @returns AdminIDs of the live ConsumerAdmins (including the default admin 0) */
  get_all_consumeradmins(): number[] {
    this.#assertAlive()
    return this.#admins.consumerAdminIds()
  }

  /** @returns AdminIDs of the live SupplierAdmins (including 0) */
  get_all_supplieradmins(): number[] {
    this.#assertAlive()
    return this.#admins.supplierAdminIds()
  }

  /** @returns effective channel-level QoS */
  get_qos(): Property[] {
    this.#assertAlive()
    return this.#qos.getAll()
  }

  /**
   * Atomically sets channel QoS; children see the change at once (live inheritance).
   * @throws NotifyError UnsupportedQoS (nothing applied)
   */
  set_qos(props: Property[]): void {
    this.#assertAlive()
    this.#qos.set(props, this.#admins.hasProxies())
    for (const proxy of this.#admins.proxySuppliers()) proxy.scheduleAfterQoSChange()
  }

  /** Validates channel QoS without applying. @throws NotifyError UnsupportedQoS */
  validate_qos(required: Property[]): NamedPropertyRange[] {
    this.#assertAlive()
    return this.#qos.validate(required, this.#admins.hasProxies())
  }

  /** @returns the admin properties (MaxQueueLength, MaxConsumers, MaxSuppliers, RejectNewEvents) */
  get_admin(): Property[] {
    this.#assertAlive()
    return this.#admin.getAll()
  }

  /**
   * Validates admin properties without applying them (the admin counterpart of validate_qos).
   * @throws NotifyError UnsupportedAdmin with every PropertyError
   */
  validate_admin(props: Property[]): void {
    this.#assertAlive()
    ChannelAdminProperties.validate(props)
  }

  /**
   * Atomically sets admin properties; limits apply to later operations.
   * @throws NotifyError UnsupportedAdmin (nothing applied)
   */
  set_admin(props: Property[]): void {
    this.#assertAlive()
    this.#admin.set(props)
  }

  /**
   * Destroys the channel (digest §1.5): every admin and proxy; each connected client's disconnect
   * is called (errors swallowed, nobody blocks anybody), queued events are dropped, blocked pulls
   * reject with Disconnected, and every later call on the channel, its admins or proxies raises
   * OBJECT_NOT_EXIST. Filters are only detached.
   * @throws NotifyError OBJECT_NOT_EXIST when already destroyed
   */
  destroy(): void {
    this.#assertAlive()
    this.destroyInternal()
  }

  /**
   * Lifecycle form of {@link EventChannel.destroy} for the engine: idempotent, never throws.
   * @returns when the channel is destroyed
   */
  close(): Promise<void> {
    this.destroyInternal()
    return Promise.resolve()
  }

  /** @internal idempotent destroy (factory close) */
  destroyInternal(): void {
    if (this.#destroyed) return
    this.#destroyed = true
    this.#admins.destroyAll('channel destroyed')
    this.federation.clear()
    this.#factory?.removeChannel(this)
    this.emitter.emit('channelDestroyed', { channelId: this.#id })
    this.emitter.clear()
  }

  /** @returns a plain-JSON snapshot of the channel, its admins and proxies */
  toInfo(): EventChannelInfo {
    return {
      kind: 'channel',
      id: this.#id,
      uid: this.#uid,
      destroyed: this.#destroyed,
      qos: this.#qos.getAll(),
      admin: this.#admin.getAll(),
      queued: this.queuedTotal(),
      counters: this.counters.toInfo(),
      offeredTypes: this.#router.offeredTypes(),
      subscribedTypes: this.#router.subscribedTypes(),
      ...this.#admins.toInfo(),
      federation: this.federation.toInfo()
    }
  }

  /** @returns the aggregate offer set (what suppliers offer) */
  offeredTypes(): EventType[] {
    return this.#router.offeredTypes()
  }

  /** @returns the aggregate subscription set (what consumers want) */
  subscribedTypes(): EventType[] {
    return this.#router.subscribedTypes()
  }

  // ---- internal API used by admins and proxies -------------------------------------------------

  /** @internal numeric admin property */
  adminNumber(name: AdminPropertyName): number {
    return this.#admin.number(name)
  }

  /** @internal events queued over all consumers */
  queuedTotal(): number {
    let total = 0
    for (const proxy of this.#admins.proxySuppliers()) total += proxy.queueLength
    return total
  }

  /** @internal true when a supplier's push would fail with IMP_LIMIT now */
  isFullAndRejecting(): boolean {
    const max = this.adminNumber('MaxQueueLength')
    return this.#admin.rejectNewEvents && max > 0 && this.queuedTotal() >= max
  }

  /**
   * @internal MaxConsumers / MaxSuppliers check at obtain_notification_* time, counting every live
   * proxy of that side in the channel, connected or not (digest §2.4 [rec]).
   * @throws NotifyError AdminLimitExceeded
   */
  assertCanAddProxy(side: 'consumer' | 'supplier'): void {
    this.#admin.assertRoomFor(side, () => this.#admins.proxyCount(side))
  }

  /** @internal forgets a destroyed admin */
  removeAdmin(admin: ConsumerAdmin | SupplierAdmin): void {
    this.#admins.remove(admin)
  }

  /**
   * @internal supplier side of the pipeline: IMP_LIMIT check at push entry (§3.5), then per event
   * sequence number, supplier-side filter stage, and fan-out to every consumer-facing proxy.
   * @throws NotifyError IMP_LIMIT (nothing accepted), OBJECT_NOT_EXIST
   */
  accept(source: ProxyConsumer, routed: RoutedEvent[]): void {
    this.#assertAlive()
    this.#router.accept(source, routed)
  }

  /**
   * @internal restore: events restored from the store keep their sequence numbers, so new events
   * are numbered after the highest one (they stay younger, and ids do not repeat).
   */
  continueSequenceAfter(seq: number): void {
    this.#router.continueSequenceAfter(seq)
  }

  /**
   * @internal channel-wide overflow (MaxQueueLength with RejectNewEvents FALSE): picks the victim
   * over every consumer queue with the channel's DiscardPolicy (§3.3).
   * @returns false when the incoming item itself must be dropped
   */
  makeRoom(incoming: QueuedItem): boolean {
    return this.#router.makeRoom(incoming)
  }

  /** @internal applies one supplier's offer delta; tells consumers when the aggregate changes */
  offerDelta(delta: EventTypeDelta): void {
    if (this.#destroyed) return
    this.#router.offerDelta(delta)
  }

  /** @internal applies one consumer's subscription delta; tells suppliers on aggregate change */
  subscriptionDelta(delta: EventTypeDelta): void {
    if (this.#destroyed) return
    this.#router.subscriptionDelta(delta)
  }

  /**
   * @internal the store mirroring an event's queue entries: Persistent only when the channel's
   * EventReliability is Persistent and the event does not ask for BestEffort (§3.3).
   */
  storeFor(event: ChannelEvent): EventStore {
    return storeForEvent(this.options, this.#qos.get('EventReliability'), event)
  }

  /** @internal effective channel QoS value */
  qosValue(name: QoSPropertyName): JsonValue {
    return this.#qos.get(name)
  }

  /** @internal reports a background failure through the `error` event */
  reportError(err: unknown): void {
    this.emitter.emit('error', asError(err))
  }

  #assertAlive(): void {
    if (this.#destroyed)
      throw new NotifyError(NotifyErrorCode.OBJECT_NOT_EXIST, 'channel destroyed')
  }
}
