import type { ChannelEvent, EventType, JsonValue } from '../event'
import { eventTypeMatches } from '../filter/event-type-match'
import type { FilterLike, MappingFilterLike } from '../filter/filter-like'
import type { TimerHandle } from './clock'
import type { DiscardReason } from './channel-events'
import {
  ClientType,
  InterFilterGroupOperator,
  ObtainInfoMode,
  type PolicyName,
  policyName
} from './constants'
import type { ConsumerAdmin } from './consumer-admin'
import { ConsumerQueue, type QueuePolicy } from './consumer-queue'
import { headerValue, toAnyValue, toStructuredEvent } from './conversions'
import type { Envelope, QueuedItem } from './envelope'
import { consumerKey, type StoredEvent } from './event-store'
import { EventTypeSet } from './event-type-set'
import { ALL_TYPES, assertValidEventTypes, eventTypeOf } from './event-types'
import type { ProxySupplierInfo } from './info'
import { NotifyError, NotifyErrorCode } from './notify-error'
import { callQuietly, ProxyBase } from './proxy-base'
import { parseTimeT, timeTToMs, utcTToUnixMs } from './time'

const isPriority = (v: JsonValue | undefined): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= -32_767 && v <= 32_767

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
  /** Filters with a subscription callback attached by this proxy: FilterID → detach. */
  readonly #filterCallbacks = new Map<number, { types: () => EventType[]; detach: () => void }>()

  /**
   * @param admin - owning ConsumerAdmin
   * @param id - ProxyID
   * @param cosEvent - obtained through obtain_push_supplier/obtain_pull_supplier
   */
  protected constructor(admin: ConsumerAdmin, id: number, cosEvent: boolean) {
    super('consumer', admin, id, cosEvent)
    this.#admin = admin
    this.#queue = new ConsumerQueue(admin.channel.options.queueHardLimit)
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
    this.#wireFilterCallback(id, filter)
    return id
  }

  /** Detaches a filter and withdraws the subscriptions it contributed. */
  override remove_filter(id: number): void {
    super.remove_filter(id)
    this.#unwireFilterCallback(id)
  }

  /** Detaches every filter and withdraws their subscriptions. */
  override remove_all_filters(): void {
    super.remove_all_filters()
    for (const id of [...this.#filterCallbacks.keys()]) this.#unwireFilterCallback(id)
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
      priority: this.#priorityFor(envelope),
      deadlineMs: this.#deadlineFor(envelope),
      startMs: this.#startFor(envelope),
      envelope,
      store: channel.storeFor(event)
    }
    const policy = this.#policy()
    const maxQueue = channel.adminNumber('MaxQueueLength')
    const globalFull = maxQueue > 0 && channel.queuedTotal() >= maxQueue
    const result = this.#queue.offer(item, policy)
    for (const victim of result.discarded) {
      this.#recordDiscard(
        victim,
        'MaxEventsPerConsumer',
        policyName(policy.discardPolicy),
        victim !== item
      )
    }
    if (!result.accepted) return
    this.#storeCall(() => item.store.append(this.#storeKey(), storedFrom(item)))
    if (globalFull && result.discarded.length === 0 && !channel.makeRoom(item)) {
      this.#queue.remove(item.seq)
      this.#recordDiscard(
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
    if (this.#queue.remove(item.seq) !== undefined) this.#recordDiscard(item, reason, policy, true)
  }

  /**
   * Takes up to `max` deliverable events, emitting and counting the expired ones met on the way.
   */
  protected takeDeliverable(max: number): QueuedItem[] {
    const { events, expired } = this.#queue.take(this.channel.clock.now(), max)
    for (const item of expired) this.#recordExpired(item)
    return events
  }

  /** @returns how many events could be delivered right now */
  protected deliverableCount(): number {
    return this.#queue.deliverableCount(this.channel.clock.now())
  }

  /** Counts and reports a successful delivery of `items` as one call of `batchSize` events. */
  protected recordDelivered(items: readonly QueuedItem[]): void {
    const channel = this.channel
    for (const item of items) {
      this.counters.delivered++
      channel.counters.delivered++
      this.#storeCall(() => item.store.ack(this.#storeKey(), item.seq))
      channel.emitter.emit('eventDelivered', {
        channelId: channel.id,
        seq: item.seq,
        eventType: eventTypeOf(item.envelope.event),
        proxy: this.ref,
        batchSize: items.length
      })
    }
  }

  /** Counts and reports events dropped after leaving the queue (delivery failure). */
  protected recordDropped(items: readonly QueuedItem[], reason: DiscardReason): void {
    for (const item of items) this.#recordDiscard(item, reason, null, true)
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
      for (const item of this.#queue.purgeExpired(clock.now())) this.#recordExpired(item)
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
    for (const wired of this.#filterCallbacks.values()) wired.detach()
    this.#filterCallbacks.clear()
    const clock = this.channel.clock
    if (this.#wakeTimer !== null) clock.clearTimer(this.#wakeTimer)
    this.#wakeTimer = null
    const lost = this.#queue.clear()
    for (const item of lost) {
      this.counters.discard('Destroyed')
      this.#storeCall(() => item.store.remove(this.#storeKey(), item.seq, 'destroyed'))
    }
    for (const store of new Set(lost.map((i) => i.store))) {
      this.#storeCall(() => store.dropConsumer(this.#storeKey()))
    }
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

  #wireFilterCallback(id: number, filter: FilterLike): void {
    const candidate = filter as Partial<CallbackFilter>
    if (typeof candidate.attachCallback !== 'function') return
    const wiredFilter = candidate as CallbackFilter
    const types = (): EventType[] => constraintTypes(wiredFilter)
    const apply = (added: EventType[], removed: EventType[]): void => {
      if (this.state === 'destroyed') return
      try {
        this.subscription_change(added, removed)
      } catch {
        // A filter reporting a malformed type must not break the filter change itself.
      }
    }
    try {
      const callbackId = wiredFilter.attachCallback({ subscriptionChange: apply })
      this.#filterCallbacks.set(id, {
        types,
        detach: () => {
          try {
            wiredFilter.detachCallback?.(callbackId)
          } catch {
            // already detached or filter destroyed
          }
        }
      })
      apply(types(), [])
    } catch {
      // A destroyed filter cannot take callbacks; it simply matches nothing.
    }
  }

  #unwireFilterCallback(id: number): void {
    const wired = this.#filterCallbacks.get(id)
    if (wired === undefined) return
    this.#filterCallbacks.delete(id)
    wired.detach()
    const types = typesQuietly(wired.types)
    if (types.length > 0) this.subscription_change([], types)
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

  /** §3.3/§4.3: mapping filter result, else the event's header, else the supplier-side default. */
  #priorityFor(envelope: Envelope): number {
    const header = headerValue(envelope.event, 'Priority')
    const own = isPriority(header) ? header : undefined
    const mapping = this.#priorityFilter ?? this.#admin.mappingPriorityFilter
    if (mapping !== null) {
      const result = matchQuietly(mapping, envelope.event)
      if (result !== null && result.matched && isPriority(result.value)) return result.value
      if (own !== undefined) return own
      if (result !== null && isPriority(result.value)) return result.value
    }
    return own ?? envelope.supplierPriority
  }

  /**
   * Deadline = receive time + lifetime, where lifetime is the lifetime_filter result, else the
   * event's Timeout header, else the QoS default (the shorter non-zero Timeout of the supplier-side
   * and this consumer-side proxy); 0 = unlimited. StopTime (if honoured here) can only shorten it.
   */
  #deadlineFor(envelope: Envelope): number | null {
    const headerTimeout = parseTimeT(headerValue(envelope.event, 'Timeout') ?? undefined)
    let lifetime: number | undefined
    const mapping = this.#lifetimeFilter ?? this.#admin.mappingLifetimeFilter
    if (mapping !== null) {
      const result = matchQuietly(mapping, envelope.event)
      const value = result === null ? null : parseTimeT(result.value)
      if (result !== null && result.matched && value !== null) lifetime = Number(value)
      else if (headerTimeout !== null) lifetime = Number(headerTimeout)
      else if (value !== null) lifetime = Number(value)
    } else if (headerTimeout !== null) {
      lifetime = Number(headerTimeout)
    }
    if (lifetime === undefined) {
      const defaults = [envelope.supplierTimeout, this.qos.number('Timeout')].filter((t) => t > 0)
      lifetime = defaults.length > 0 ? Math.min(...defaults) : 0
    }
    let deadline = lifetime > 0 ? envelope.receivedAtMs + timeTToMs(lifetime) : null
    if (this.qos.flag('StopTimeSupported')) {
      const stop = utcTToUnixMs(headerValue(envelope.event, 'StopTime') ?? undefined)
      if (stop !== null && (deadline === null || stop < deadline)) deadline = stop
    }
    return deadline
  }

  #startFor(envelope: Envelope): number | null {
    if (!this.qos.flag('StartTimeSupported')) return null
    return utcTToUnixMs(headerValue(envelope.event, 'StartTime') ?? undefined)
  }

  #recordDiscard(
    item: QueuedItem,
    reason: DiscardReason,
    policy: PolicyName | null,
    stored: boolean
  ): void {
    const channel = this.channel
    this.counters.discard(policy ?? reason)
    channel.counters.discard(policy ?? reason)
    if (stored) this.#storeCall(() => item.store.remove(this.#storeKey(), item.seq, 'discarded'))
    channel.emitter.emit('eventDiscarded', {
      channelId: channel.id,
      seq: item.seq,
      eventType: eventTypeOf(item.envelope.event),
      proxy: this.ref,
      reason,
      policy
    })
  }

  #recordExpired(item: QueuedItem): void {
    const channel = this.channel
    this.counters.expired++
    channel.counters.expired++
    this.#storeCall(() => item.store.remove(this.#storeKey(), item.seq, 'expired'))
    channel.emitter.emit('eventExpired', {
      channelId: channel.id,
      seq: item.seq,
      eventType: eventTypeOf(item.envelope.event),
      proxy: this.ref,
      deadlineMs: item.deadlineMs ?? 0
    })
  }

  #storeKey(): string {
    return consumerKey(this.channel.id, this.#admin.MyID, this.id)
  }

  #storeCall(fn: () => unknown): void {
    try {
      const result = fn()
      if (result instanceof Promise) result.catch((err: unknown) => this.channel.reportError(err))
    } catch (err) {
      this.channel.reportError(err)
    }
  }
}

function matchQuietly(
  filter: MappingFilterLike,
  event: ChannelEvent
): { matched: boolean; value: JsonValue } | null {
  try {
    return filter.match(event)
  } catch {
    return null // a failing mapping filter is ignored; the header or QoS default applies
  }
}

function storedFrom(item: QueuedItem): StoredEvent {
  return {
    seq: item.seq,
    event: item.envelope.event,
    receivedAtMs: item.envelope.receivedAtMs,
    priority: item.priority,
    deadlineMs: item.deadlineMs,
    startMs: item.startMs
  }
}

/** A filter offering JacORB-style subscription callbacks (the EXTENDED_TCL Filter does). */
interface CallbackFilter extends FilterLike {
  attachCallback(callback: {
    subscriptionChange(added: EventType[], removed: EventType[]): void
  }): number
  detachCallback?(id: number): void
  getAllConstraints?(): { constraint_expression: { event_types: EventType[] } }[]
}

/** Reads a filter's types; a destroyed filter contributes none. */
function typesQuietly(read: () => EventType[]): EventType[] {
  try {
    return read()
  } catch {
    return []
  }
}

/** The event types of a filter's constraints; an empty list means all types (§2.7). */
function constraintTypes(filter: CallbackFilter): EventType[] {
  const infos = filter.getAllConstraints?.() ?? []
  return infos.flatMap((info) => {
    const types = info.constraint_expression.event_types
    return types.length === 0 ? [ALL_TYPES] : types
  })
}

/**
 * Applies an ObtainInfoMode (§2.8).
 * @throws NotifyError BAD_PARAM for an unknown mode
 */
export function applyObtainMode(
  mode: ObtainInfoMode,
  current: () => EventType[]
): { types: EventType[]; updates: boolean } {
  switch (mode) {
    case ObtainInfoMode.ALL_NOW_UPDATES_OFF:
      return { types: current(), updates: false }
    case ObtainInfoMode.ALL_NOW_UPDATES_ON:
      return { types: current(), updates: true }
    case ObtainInfoMode.NONE_NOW_UPDATES_OFF:
      return { types: [], updates: false }
    case ObtainInfoMode.NONE_NOW_UPDATES_ON:
      return { types: [], updates: true }
    default:
      throw new NotifyError(NotifyErrorCode.BAD_PARAM, `unknown ObtainInfoMode ${String(mode)}`)
  }
}
