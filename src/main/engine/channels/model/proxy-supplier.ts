import type { ChannelEvent, EventType } from '../event'
import { eventTypeMatches } from '../filter/event-type-match'
import type { FilterLike, MappingFilterLike } from '../filter/filter-like'
import type { TimerHandle } from './clock'
import type { DiscardReason } from './channel-events'
import {
  ClientType,
  InterFilterGroupOperator,
  type ObtainInfoMode,
  type PolicyName,
  policyName
} from './constants'
import type { ConsumerAdmin } from './consumer-admin'
import { ConsumerQueue, type QueuePolicy } from './consumer-queue'
import { toAnyValue, toStructuredEvent } from './conversions'
import { itemDeadline, itemPriority, itemStart } from './delivery-qos'
import type { Envelope, QueuedItem } from './envelope'
import { consumerKey } from './event-store'
import { EventTypeSet } from './event-type-set'
import { ALL_TYPES, assertValidEventTypes, eventTypeOf } from './event-types'
import { FilterSubscriptions } from './filter-subscriptions'
import type { ProxySupplierInfo } from './info'
import { applyObtainMode } from './obtain-mode'
import { callQuietly, ProxyBase } from './proxy-base'
import { QueueLedger } from './queue-ledger'

export { applyObtainMode } from './obtain-mode'

/**
 * Consumer-facing proxy (CosNotifyChannelAdmin::ProxySupplier): filters events for one consumer,
 * applies the mapping filters, and keeps that consumer's bounded queue with OrderPolicy,
 * DiscardPolicy, MaxEventsPerConsumer and the channel's MaxQueueLength (digest §3.5, §4.4).
 * Push and pull flavours decide how the queue is drained.
 */
export abstract class ProxySupplier extends ProxyBase {
  readonly #admin: ConsumerAdmin
  readonly #queue: ConsumerQueue<QueuedItem>
  readonly #subscriptions = new EventTypeSet()
  #offerUpdates = true
  #priorityFilter: MappingFilterLike | null = null
  #lifetimeFilter: MappingFilterLike | null = null
  #wakeTimer: TimerHandle | null = null
  #wakeAtMs: number | null = null
  readonly #filterSubscriptions = new FilterSubscriptions(
    (added, removed) => this.subscription_change(added, removed),
    () => this.state === 'destroyed'
  )
  readonly #ledger: QueueLedger

  /**
   * @param admin - owning ConsumerAdmin
   * @param id - ProxyID
   * @param cosEvent - obtained through obtain_push_supplier/obtain_pull_supplier
   */
  protected constructor(admin: ConsumerAdmin, id: number, cosEvent: boolean) {
    super('consumer', admin, id, cosEvent)
    this.#admin = admin
    this.#queue = new ConsumerQueue(
      admin.channel.options.queueHardLimit,
      admin.channel.options.queueHardLimitBytes
    )
    const storeKey = consumerKey(admin.channel.id, admin.MyID, id)
    this.#ledger = new QueueLedger(admin.channel, this.counters, () => this.ref, storeKey)
    if (admin.channel.options.subscriptionRouting) {
      // TAO's initial state: subscribed to everything, so CosEvent-style clients receive all.
      admin.channel.subscriptionDelta(this.#subscriptions.change([ALL_TYPES], []))
    }
  }

  /**
   * Attaches a filter (see ProxyBase). A filter that supports subscription callbacks
   * (`attachCallback`, as the EXTENDED_TCL Filter does) is wired the JacORB way (digest §2.8):
   * the event types of its constraints become this consumer's subscriptions, now and whenever
   * its constraints change, until the filter is removed.
   */
  override add_filter(filter: FilterLike): number {
    const id = super.add_filter(filter)
    this.#filterSubscriptions.wire(id, filter)
    return id
  }

  /** Detaches a filter and withdraws the subscriptions it contributed. */
  override remove_filter(id: number): void {
    super.remove_filter(id)
    this.#filterSubscriptions.unwire(id)
  }

  /** Detaches every filter and withdraws their subscriptions. */
  override remove_all_filters(): void {
    super.remove_all_filters()
    for (const id of this.#filterSubscriptions.ids()) this.#filterSubscriptions.unwire(id)
  }

  /** The ConsumerAdmin that created this proxy (`MyAdmin`). */
  get MyAdmin(): ConsumerAdmin {
    return this.#admin
  }

  /** Flavour of events the client receives. */
  abstract get clientType(): ClientType

  /** `priority_filter` attribute: a MappingFilter giving per-consumer priorities (nil = none). */
  get priority_filter(): MappingFilterLike | null {
    this.assertAlive()
    return this.#priorityFilter
  }

  set priority_filter(filter: MappingFilterLike | null) {
    this.assertAlive()
    this.#priorityFilter = filter ?? null
  }

  /** `lifetime_filter` attribute: a MappingFilter giving per-consumer lifetimes (TimeT). */
  get lifetime_filter(): MappingFilterLike | null {
    this.assertAlive()
    return this.#lifetimeFilter
  }

  set lifetime_filter(filter: MappingFilterLike | null) {
    this.assertAlive()
    this.#lifetimeFilter = filter ?? null
  }

  /** Number of events waiting for this consumer. */
  get queueLength(): number {
    return this.#queue.length
  }

  /** Bytes the events waiting for this consumer take (their JSON size). */
  get queueBytes(): number {
    return this.#queue.bytes
  }

  /**
   * What suppliers of the channel offer (§2.8), and whether this consumer gets offer_change calls.
   * @returns the full aggregate offer set for ALL_NOW_* modes, an empty list for NONE_NOW_*
   * @throws NotifyError BAD_PARAM for an unknown mode
   */
  obtain_offered_types(mode: ObtainInfoMode): EventType[] {
    this.assertAlive()
    const result = applyObtainMode(mode, () => this.channel.offeredTypes())
    this.#offerUpdates = result.updates
    return result.types
  }

  /**
   * Changes this consumer's subscriptions (NotifySubscribe, §2.8); the channel tells suppliers
   * when the aggregate changes.
   * @throws NotifyError InvalidEventType (nothing applied)
   */
  subscription_change(added: EventType[], removed: EventType[]): void {
    this.assertAlive()
    assertValidEventTypes(added)
    assertValidEventTypes(removed)
    this.channel.subscriptionDelta(this.#subscriptions.change(added, removed))
  }

  /** Types this consumer subscribed to. */
  subscribedTypes(): EventType[] {
    return this.#subscriptions.values()
  }

  /** @internal calls the client's offer_change if it wants updates (errors ignored) */
  notifyOfferChange(added: EventType[], removed: EventType[]): void {
    const client = this.client as {
      offer_change?: (a: EventType[], r: EventType[]) => unknown
    } | null
    if (!this.isConnected || !this.#offerUpdates || client === null) return
    if (typeof client.offer_change !== 'function') return
    callQuietly(() => client.offer_change?.(added, removed))
  }

  /**
   * @internal consumer side of the pipeline for one event (§4.4): filter stage (admin group with
   * this proxy's group under the admin's operator), mapping filters, effective priority and
   * deadline, then enqueue with the overflow algorithm of §3.5.
   */
  offer(envelope: Envelope): void {
    if (!this.isConnected) return // not delivered to or queued for unconnected proxies (§1.2)
    const channel = this.channel
    const event = envelope.event
    if (channel.options.subscriptionRouting && !this.#subscribedTo(event)) return
    if (!this.#passesConsumerStage(event)) {
      this.counters.filteredOut++
      channel.counters.filteredOut++
      channel.emitter.emit('eventFilteredOut', {
        channelId: channel.id,
        seq: envelope.seq,
        eventType: eventTypeOf(event),
        proxy: this.ref,
        stage: 'consumer'
      })
      return
    }
    this.counters.received++
    const item: QueuedItem = {
      seq: envelope.seq,
      priority: itemPriority(envelope, this.#priorityFilter ?? this.#admin.mappingPriorityFilter),
      deadlineMs: itemDeadline(
        envelope,
        this.#lifetimeFilter ?? this.#admin.mappingLifetimeFilter,
        this.qos
      ),
      startMs: itemStart(envelope, this.qos),
      bytes: envelope.bytes,
      envelope,
      store: channel.storeFor(event)
    }
    const policy = this.#policy()
    const maxQueue = channel.adminNumber('MaxQueueLength')
    const globalFull = maxQueue > 0 && channel.queuedTotal() >= maxQueue
    const result = this.#queue.offer(item, policy)
    result.discarded.forEach((victim, i) => {
      this.#ledger.discarded(
        victim,
        result.limits[i] === 'bytes' ? 'QueueBytes' : 'MaxEventsPerConsumer',
        policyName(policy.discardPolicy),
        victim !== item
      )
    })
    if (!result.accepted) return
    this.#ledger.appended(item)
    if (globalFull && result.discarded.length === 0 && !channel.makeRoom(item)) {
      this.#queue.remove(item.seq)
      this.#ledger.discarded(
        item,
        'MaxQueueLength',
        policyName(channel.qos.number('DiscardPolicy')),
        true
      )
      return
    }
    this.scheduleDelivery()
    this.armWakeTimer()
  }

  /** @internal queued entries (for the channel-wide discard choice) */
  queuedEntries(): readonly QueuedItem[] {
    return this.#queue.entries()
  }

  /** @internal drops one queued entry chosen by the channel-wide DiscardPolicy */
  discardQueued(item: QueuedItem, reason: DiscardReason, policy: PolicyName): void {
    if (this.#queue.remove(item.seq) !== undefined)
      this.#ledger.discarded(item, reason, policy, true)
  }

  /**
   * Takes up to `max` deliverable events, emitting and counting the expired ones met on the way.
   */
  protected takeDeliverable(max: number): QueuedItem[] {
    const { events, expired } = this.#queue.take(this.channel.clock.now(), max)
    for (const item of expired) this.#ledger.expired(item)
    return events
  }

  /** @returns how many events could be delivered right now */
  protected deliverableCount(): number {
    return this.#queue.deliverableCount(this.channel.clock.now())
  }

  /** Counts and reports a successful delivery of `items` as one call of `batchSize` events. */
  protected recordDelivered(items: readonly QueuedItem[]): void {
    this.#ledger.delivered(items)
  }

  /** Counts and reports events dropped after leaving the queue (delivery failure). */
  protected recordDropped(items: readonly QueuedItem[], reason: DiscardReason): void {
    for (const item of items) this.#ledger.discarded(item, reason, null, true)
  }

  /** Converts an event to this proxy's client flavour (§2.6), as a channel event. */
  protected convert(event: ChannelEvent): ChannelEvent {
    return this.clientType === ClientType.ANY_EVENT
      ? { kind: 'any', data: toAnyValue(event) }
      : { kind: 'structured', event: toStructuredEvent(event) }
  }

  /** Starts draining the queue towards the client if the flavour allows it now. */
  protected abstract scheduleDelivery(): void

  /**
   * Keeps one timer armed at the next moment the queue changes by itself (an event's start time
   * or deadline), so held events are released and expired ones reported without polling.
   */
  protected armWakeTimer(): void {
    if (this.state === 'destroyed') return
    const clock = this.channel.clock
    const next = this.#queue.nextWakeMs(clock.now())
    if (next === null || (this.#wakeAtMs !== null && this.#wakeAtMs <= next)) return
    if (this.#wakeTimer !== null) clock.clearTimer(this.#wakeTimer)
    this.#wakeAtMs = next
    this.#wakeTimer = clock.setTimer(() => {
      this.#wakeTimer = null
      this.#wakeAtMs = null
      if (this.state === 'destroyed') return
      for (const item of this.#queue.purgeExpired(clock.now())) this.#ledger.expired(item)
      this.scheduleDelivery()
      this.armWakeTimer()
    }, next - clock.now())
  }

  protected override onQoSChanged(): void {
    this.scheduleDelivery()
  }

  /** @internal a parent's QoS changed (batch size, pacing…): re-evaluate delivery */
  scheduleAfterQoSChange(): void {
    if (this.state !== 'destroyed') this.scheduleDelivery()
  }

  protected override onDestroyed(): void {
    this.#filterSubscriptions.detachAll()
    const clock = this.channel.clock
    if (this.#wakeTimer !== null) clock.clearTimer(this.#wakeTimer)
    this.#wakeTimer = null
    this.#ledger.destroyed(this.#queue.clear())
    const removed = this.#subscriptions.clear()
    if (removed.length > 0) this.channel.subscriptionDelta({ added: [], removed })
  }

  /** @returns a plain-JSON snapshot */
  toInfo(): ProxySupplierInfo {
    const policy = this.#policy()
    return {
      kind: 'proxy-supplier',
      ref: this.ref,
      proxyType: this.proxyTypeName,
      cosEvent: this.isCosEvent,
      state: this.state,
      connected: this.isConnected,
      suspended: this.isSuspended,
      queueLength: this.#queue.length,
      queueCapacity: this.#queue.capacity(policy),
      queueBytes: this.#queue.bytes,
      queueBytesCapacity: this.#queue.byteCapacity,
      orderPolicy: policyName(policy.orderPolicy),
      discardPolicy: policyName(policy.discardPolicy),
      filterIds: this.filterIds(),
      priorityFilterId: this.#priorityFilter?.id ?? null,
      lifetimeFilterId: this.#lifetimeFilter?.id ?? null,
      qos: this.qos.getExplicit(),
      subscribedTypes: this.#subscriptions.values(),
      peer: this.peer?.ref ?? null,
      counters: this.counters.toInfo()
    }
  }

  /** Push flavours report suspend_connection here; pull flavours are never suspended. */
  get isSuspended(): boolean {
    return false
  }

  #subscribedTo(event: ChannelEvent): boolean {
    const type = eventTypeOf(event)
    return this.#subscriptions.values().some((pattern) => eventTypeMatches(pattern, type))
  }

  #policy(): QueuePolicy {
    return {
      maxEvents: this.qos.number('MaxEventsPerConsumer'),
      orderPolicy: this.qos.number('OrderPolicy'),
      discardPolicy: this.qos.number('DiscardPolicy')
    }
  }

  #passesConsumerStage(event: ChannelEvent): boolean {
    const admin = this.#admin.filterGroupPasses(event)
    const own = this.filterGroupPasses(event)
    return this.#admin.MyOperator === InterFilterGroupOperator.AND_OP ? admin && own : admin || own
  }
}
