import type { ChannelEvent, EventType, JsonValue, Property } from '../event'
import { FilterFactory } from '../filter/filter-factory'
import type { EventChannelListener } from './channel-events'
import { type Clock, SystemClock } from './clock'
import {
  CONSUMER_QUEUE_HARD_LIMIT_EVENTS,
  InterFilterGroupOperator,
  Persistent,
  policyName,
  PULL_POLL_INTERVAL_MS
} from './constants'
import { ConsumerAdmin } from './consumer-admin'
import { dropsIncoming, isBetterVictim } from './consumer-queue'
import { headerValue } from './conversions'
import { Counters } from './counters'
import type { Envelope, QueuedItem } from './envelope'
import type { EventStore } from './event-store'
import { EventTypeCounter } from './event-type-counter'
import type { EventTypeDelta } from './event-type-set'
import { eventTypeOf } from './event-types'
import type { EventChannelFactory } from './event-channel-factory'
import { FederationLinks } from './federation-links'
import type { RoutedEvent } from './federation'
import { InMemoryEventStore } from './in-memory-event-store'
import type { EventChannelInfo } from './info'
import { NotifyError, NotifyErrorCode } from './notify-error'
import type { ProxyConsumer } from './proxy-consumer'
import type { ProxySupplier } from './proxy-supplier'
import {
  ADMIN_PROPERTY_NAMES,
  type AdminPropertyName,
  DEFAULT_ADMIN,
  describePropertyErrors,
  type NamedPropertyRange,
  type QoSPropertyName,
  validateAdmin
} from './qos'
import { QoSProperties } from './qos-properties'
import { SupplierAdmin } from './supplier-admin'
import { TypedEmitter } from './typed-emitter'

/** Tunables of one channel; every field optional, defaults merged in {@link resolveChannelOptions}. */
export interface EventChannelOptions {
  /** Time source and timers (default: the wall clock). */
  clock?: Clock
  /** How often pull suppliers are polled, in ms (default PULL_POLL_INTERVAL_MS). */
  pollIntervalMs?: number
  /**
   * Whether a client-initiated `disconnect_*` is answered by calling the client's own
   * `disconnect_*` (digest §1.2 [rec]: configurable, default on, errors swallowed).
   */
  callbackOnClientDisconnect?: boolean
  /** Bound of one consumer queue when MaxEventsPerConsumer is 0, in events. */
  queueHardLimit?: number
  /** Store for BestEffort events (default: a new InMemoryEventStore per channel). */
  bestEffortStore?: EventStore
  /** Store for Persistent events (default: the best-effort store, i.e. no persistence). */
  persistentStore?: EventStore
  /** Operator of the default admins (digest §2.3 [rec]: AND_OP). */
  defaultAdminOperator?: InterFilterGroupOperator
  /**
   * TAO-compatible subscription routing (digest §2.8 [impl]): consumer-facing proxies start
   * subscribed to `%ALL` and only receive event types their subscriptions cover, independently
   * of filters. Default off: subscriptions are advisory and filters alone decide delivery.
   */
  subscriptionRouting?: boolean
}

/** {@link EventChannelOptions} with every default applied. */
export interface ResolvedChannelOptions {
  clock: Clock
  pollIntervalMs: number
  callbackOnClientDisconnect: boolean
  queueHardLimit: number
  bestEffortStore: EventStore
  persistentStore: EventStore | null
  defaultAdminOperator: InterFilterGroupOperator
  subscriptionRouting: boolean
}

/** Applies the defaults of {@link EventChannelOptions}. */
export function resolveChannelOptions(opts: EventChannelOptions = {}): ResolvedChannelOptions {
  return {
    clock: opts.clock ?? new SystemClock(),
    pollIntervalMs: opts.pollIntervalMs ?? PULL_POLL_INTERVAL_MS,
    callbackOnClientDisconnect: opts.callbackOnClientDisconnect ?? true,
    queueHardLimit: opts.queueHardLimit ?? CONSUMER_QUEUE_HARD_LIMIT_EVENTS,
    bestEffortStore: opts.bestEffortStore ?? new InMemoryEventStore(),
    persistentStore: opts.persistentStore ?? null,
    defaultAdminOperator: opts.defaultAdminOperator ?? InterFilterGroupOperator.AND_OP,
    subscriptionRouting: opts.subscriptionRouting ?? false
  }
}

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
  readonly #admin = new Map<AdminPropertyName, JsonValue>()
  readonly #consumerAdmins = new Map<number, ConsumerAdmin>()
  readonly #supplierAdmins = new Map<number, SupplierAdmin>()
  readonly #offers = new EventTypeCounter()
  readonly #subscriptions = new EventTypeCounter()
  #nextConsumerAdminId = 1
  #nextSupplierAdminId = 1
  #seq = 0
  #destroyed = false
  #reportingListenerError = false
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
    const adminErrors = validateAdmin(initialAdmin)
    if (adminErrors.length > 0) {
      throw new NotifyError(
        NotifyErrorCode.UNSUPPORTED_ADMIN,
        describePropertyErrors('unsupported admin properties', adminErrors),
        {
          propertyErrors: adminErrors
        }
      )
    }
    for (const name of ADMIN_PROPERTY_NAMES) this.#admin.set(name, DEFAULT_ADMIN[name])
    for (const { name, value } of initialAdmin) this.#admin.set(name as AdminPropertyName, value)
    this.#id = id
    this.#uid = `channel-${nextChannelUid++}`
    this.#factory = factory
    this.options = resolveChannelOptions(options)
    this.emitter = new TypedEmitter<EventChannelListener>((err) => this.#listenerFailed(err))
    const op = this.options.defaultAdminOperator
    this.#consumerAdmins.set(0, new ConsumerAdmin(this, 0, op))
    this.#supplierAdmins.set(0, new SupplierAdmin(this, 0, op))
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
    let admin = this.#consumerAdmins.get(0)
    if (admin === undefined) {
      admin = new ConsumerAdmin(this, 0, this.options.defaultAdminOperator)
      this.#consumerAdmins.set(0, admin)
    }
    return admin
  }

  /** The default SupplierAdmin (id 0); recreated on access if it was destroyed. */
  get default_supplier_admin(): SupplierAdmin {
    this.#assertAlive()
    let admin = this.#supplierAdmins.get(0)
    if (admin === undefined) {
      admin = new SupplierAdmin(this, 0, this.options.defaultAdminOperator)
      this.#supplierAdmins.set(0, admin)
    }
    return admin
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
    assertOperator(op)
    const admin = new ConsumerAdmin(this, this.#nextConsumerAdminId++, op)
    this.#consumerAdmins.set(admin.MyID, admin)
    return admin
  }

  /** Creates a SupplierAdmin with a fixed operator. @throws NotifyError BAD_PARAM, OBJECT_NOT_EXIST */
  new_for_suppliers(op: InterFilterGroupOperator): SupplierAdmin {
    this.#assertAlive()
    assertOperator(op)
    const admin = new SupplierAdmin(this, this.#nextSupplierAdminId++, op)
    this.#supplierAdmins.set(admin.MyID, admin)
    return admin
  }

  /** @throws NotifyError AdminNotFound, OBJECT_NOT_EXIST */
  get_consumeradmin(id: number): ConsumerAdmin {
    this.#assertAlive()
    const admin = id === 0 ? this.default_consumer_admin : this.#consumerAdmins.get(id)
    if (admin === undefined)
      throw new NotifyError(NotifyErrorCode.ADMIN_NOT_FOUND, `no admin ${id}`)
    return admin
  }

  /** @throws NotifyError AdminNotFound, OBJECT_NOT_EXIST */
  get_supplieradmin(id: number): SupplierAdmin {
    this.#assertAlive()
    const admin = id === 0 ? this.default_supplier_admin : this.#supplierAdmins.get(id)
    if (admin === undefined)
      throw new NotifyError(NotifyErrorCode.ADMIN_NOT_FOUND, `no admin ${id}`)
    return admin
  }

  /** @returns AdminIDs of the live ConsumerAdmins (including the default admin 0) */
  get_all_consumeradmins(): number[] {
    this.#assertAlive()
    void this.default_consumer_admin
    return [...this.#consumerAdmins.keys()].sort((a, b) => a - b)
  }

  /** @returns AdminIDs of the live SupplierAdmins (including 0) */
  get_all_supplieradmins(): number[] {
    this.#assertAlive()
    void this.default_supplier_admin
    return [...this.#supplierAdmins.keys()].sort((a, b) => a - b)
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
    this.#qos.set(props, this.#hasProxies())
    for (const proxy of this.#proxySuppliers()) proxy.scheduleAfterQoSChange()
  }

  /** Validates channel QoS without applying. @throws NotifyError UnsupportedQoS */
  validate_qos(required: Property[]): NamedPropertyRange[] {
    this.#assertAlive()
    return this.#qos.validate(required, this.#hasProxies())
  }

  /** @returns the admin properties (MaxQueueLength, MaxConsumers, MaxSuppliers, RejectNewEvents) */
  get_admin(): Property[] {
    this.#assertAlive()
    return [...this.#admin].map(([name, value]) => ({ name, value }))
  }

  /**
   * Validates admin properties without applying them (the admin counterpart of validate_qos).
   * @throws NotifyError UnsupportedAdmin with every PropertyError
   */
  validate_admin(props: Property[]): void {
    this.#assertAlive()
    const errors = validateAdmin(props)
    if (errors.length > 0) {
      throw new NotifyError(
        NotifyErrorCode.UNSUPPORTED_ADMIN,
        describePropertyErrors('unsupported admin properties', errors),
        {
          propertyErrors: errors
        }
      )
    }
  }

  /**
   * Atomically sets admin properties; limits apply to later operations.
   * @throws NotifyError UnsupportedAdmin (nothing applied)
   */
  set_admin(props: Property[]): void {
    this.validate_admin(props)
    for (const { name, value } of props) this.#admin.set(name as AdminPropertyName, value)
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
    for (const admin of [...this.#supplierAdmins.values()])
      admin.destroyInternal('channel destroyed')
    for (const admin of [...this.#consumerAdmins.values()])
      admin.destroyInternal('channel destroyed')
    this.#supplierAdmins.clear()
    this.#consumerAdmins.clear()
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
      admin: [...this.#admin].map(([name, value]) => ({ name, value })),
      queued: this.queuedTotal(),
      counters: this.counters.toInfo(),
      offeredTypes: this.#offers.values(),
      subscribedTypes: this.#subscriptions.values(),
      consumerAdmins: [...this.#consumerAdmins.values()].map((a) => a.toInfo()),
      supplierAdmins: [...this.#supplierAdmins.values()].map((a) => a.toInfo()),
      federation: this.federation.toInfo()
    }
  }

  /** @returns the aggregate offer set (what suppliers offer) */
  offeredTypes(): EventType[] {
    return this.#offers.values()
  }

  /** @returns the aggregate subscription set (what consumers want) */
  subscribedTypes(): EventType[] {
    return this.#subscriptions.values()
  }

  // ---- internal API used by admins and proxies -------------------------------------------------

  /** @internal numeric admin property */
  adminNumber(name: AdminPropertyName): number {
    const value = this.#admin.get(name)
    return typeof value === 'number' ? value : 0
  }

  /** @internal events queued over all consumers */
  queuedTotal(): number {
    let total = 0
    for (const proxy of this.#proxySuppliers()) total += proxy.queueLength
    return total
  }

  /** @internal true when a supplier's push would fail with IMP_LIMIT now */
  isFullAndRejecting(): boolean {
    const max = this.adminNumber('MaxQueueLength')
    return this.#admin.get('RejectNewEvents') === true && max > 0 && this.queuedTotal() >= max
  }

  /**
   * @internal MaxConsumers / MaxSuppliers check at obtain_notification_* time, counting every live
   * proxy of that side in the channel, connected or not (digest §2.4 [rec]).
   * @throws NotifyError AdminLimitExceeded
   */
  assertCanAddProxy(side: 'consumer' | 'supplier'): void {
    const name = side === 'consumer' ? 'MaxConsumers' : 'MaxSuppliers'
    const limit = this.adminNumber(name)
    if (limit <= 0) return
    const count =
      side === 'consumer'
        ? this.#proxySuppliers().length
        : [...this.#supplierAdmins.values()].reduce((n, a) => n + a.proxyList().length, 0)
    if (count >= limit) {
      throw new NotifyError(NotifyErrorCode.ADMIN_LIMIT_EXCEEDED, `${name} (${limit}) reached`, {
        adminLimit: { name, value: limit }
      })
    }
  }

  /** @internal forgets a destroyed admin */
  removeAdmin(admin: ConsumerAdmin | SupplierAdmin): void {
    if (admin instanceof ConsumerAdmin) {
      if (this.#consumerAdmins.get(admin.MyID) === admin) this.#consumerAdmins.delete(admin.MyID)
    } else if (this.#supplierAdmins.get(admin.MyID) === admin) {
      this.#supplierAdmins.delete(admin.MyID)
    }
  }

  /**
   * @internal supplier side of the pipeline: IMP_LIMIT check at push entry (§3.5), then per event
   * sequence number, supplier-side filter stage, and fan-out to every consumer-facing proxy.
   * @throws NotifyError IMP_LIMIT (nothing accepted), OBJECT_NOT_EXIST
   */
  accept(source: ProxyConsumer, routed: RoutedEvent[]): void {
    this.#assertAlive()
    if (this.isFullAndRejecting()) {
      source.counters.rejected += routed.length
      this.counters.rejected += routed.length
      this.emitter.emit('eventRejected', {
        channelId: this.#id,
        proxy: source.ref,
        count: routed.length
      })
      throw new NotifyError(NotifyErrorCode.IMP_LIMIT, 'channel queue full (RejectNewEvents)')
    }
    const now = this.clock.now()
    for (const { event, path } of routed) {
      const seq = ++this.#seq
      const notice = { channelId: this.#id, seq, eventType: eventTypeOf(event), proxy: source.ref }
      source.counters.received++
      this.counters.received++
      this.emitter.emit('eventReceived', notice)
      if (!source.supplierStagePasses(event)) {
        source.counters.filteredOut++
        this.counters.filteredOut++
        this.emitter.emit('eventFilteredOut', { ...notice, stage: 'supplier' })
        continue
      }
      const envelope: Envelope = {
        seq,
        event,
        receivedAtMs: now,
        supplierPriority: source.qos.number('Priority'),
        supplierTimeout: source.qos.number('Timeout'),
        path: [...path, this.#uid],
        source: source.ref
      }
      for (const proxy of this.#proxySuppliers()) proxy.offer(envelope)
    }
  }

  /**
   * @internal channel-wide overflow (MaxQueueLength with RejectNewEvents FALSE): picks the victim
   * over every consumer queue with the channel's DiscardPolicy (§3.3).
   * @returns false when the incoming item itself must be dropped
   */
  makeRoom(incoming: QueuedItem): boolean {
    const policy = this.#qos.number('DiscardPolicy')
    let best: { item: QueuedItem; proxy: ProxySupplier } | undefined
    for (const proxy of this.#proxySuppliers()) {
      for (const item of proxy.queuedEntries()) {
        if (item === incoming) continue
        if (best === undefined || isBetterVictim(policy, item, best.item)) best = { item, proxy }
      }
    }
    if (best === undefined || dropsIncoming(policy, incoming, best.item)) return false
    best.proxy.discardQueued(best.item, 'MaxQueueLength', policyName(policy))
    return true
  }

  /** @internal applies one supplier's offer delta; tells consumers when the aggregate changes */
  offerDelta(delta: EventTypeDelta): void {
    if (this.#destroyed) return
    const change = this.#offers.apply(delta)
    if (change.added.length === 0 && change.removed.length === 0) return
    for (const proxy of this.#proxySuppliers())
      proxy.notifyOfferChange(change.added, change.removed)
  }

  /** @internal applies one consumer's subscription delta; tells suppliers on aggregate change */
  subscriptionDelta(delta: EventTypeDelta): void {
    if (this.#destroyed) return
    const change = this.#subscriptions.apply(delta)
    if (change.added.length === 0 && change.removed.length === 0) return
    for (const admin of [...this.#supplierAdmins.values()]) {
      for (const proxy of admin.proxyList()) {
        proxy.notifySubscriptionChange(change.added, change.removed)
      }
    }
  }

  /**
   * @internal the store mirroring an event's queue entries: Persistent only when the channel's
   * EventReliability is Persistent and the event does not ask for BestEffort (§3.3).
   */
  storeFor(event: ChannelEvent): EventStore {
    const persistent =
      this.#qos.get('EventReliability') === Persistent &&
      headerValue(event, 'EventReliability') !== 0 &&
      this.options.persistentStore !== null
    return persistent ? (this.options.persistentStore as EventStore) : this.options.bestEffortStore
  }

  /** @internal effective channel QoS value */
  qosValue(name: QoSPropertyName): JsonValue {
    return this.#qos.get(name)
  }

  /** @internal reports a background failure through the `error` event */
  reportError(err: unknown): void {
    const error = err instanceof Error ? err : new Error(String(err))
    this.emitter.emit('error', error)
  }

  /** A listener threw: report it through `error`, unless an `error` listener is what threw. */
  #listenerFailed(err: unknown): void {
    if (this.#reportingListenerError) return
    this.#reportingListenerError = true
    try {
      this.reportError(err)
    } finally {
      this.#reportingListenerError = false
    }
  }

  #proxySuppliers(): ProxySupplier[] {
    const all: ProxySupplier[] = []
    for (const admin of this.#consumerAdmins.values()) all.push(...admin.proxyList())
    return all
  }

  #hasProxies(): boolean {
    if (this.#proxySuppliers().length > 0) return true
    return [...this.#supplierAdmins.values()].some((a) => a.proxyList().length > 0)
  }

  #assertAlive(): void {
    if (this.#destroyed)
      throw new NotifyError(NotifyErrorCode.OBJECT_NOT_EXIST, 'channel destroyed')
  }
}

function assertOperator(op: InterFilterGroupOperator): void {
  if (op !== InterFilterGroupOperator.AND_OP && op !== InterFilterGroupOperator.OR_OP) {
    throw new NotifyError(
      NotifyErrorCode.BAD_PARAM,
      `unknown InterFilterGroupOperator ${String(op)}`
    )
  }
}
