import type { EventType } from '../event'
import type { AdminRegistry } from './admin-registry'
import { policyName } from './constants'
import { dropsIncoming, isBetterVictim } from './consumer-queue'
import type { Envelope, QueuedItem } from './envelope'
import type { EventChannel } from './event-channel'
import { eventBytes } from './event-bytes'
import { EventTypeCounter } from './event-type-counter'
import type { EventTypeDelta } from './event-type-set'
import { eventTypeOf } from './event-types'
import type { RoutedEvent } from './federation'
import { NotifyError, NotifyErrorCode } from './notify-error'
import type { ProxyConsumer } from './proxy-consumer'
import type { ProxySupplier } from './proxy-supplier'

/**
 * What flows across one channel from its supplier side to its consumer side: events (numbered,
 * through the supplier-side filter stage, fanned out to every consumer-facing proxy), the
 * channel-wide discard when MaxQueueLength is reached, and the aggregate offer and subscription
 * sets each side announces to the other.
 */
export class ChannelRouter {
  readonly #channel: EventChannel
  readonly #admins: AdminRegistry
  readonly #offers = new EventTypeCounter()
  readonly #subscriptions = new EventTypeCounter()
  #seq = 0

  constructor(channel: EventChannel, admins: AdminRegistry) {
    this.#channel = channel
    this.#admins = admins
  }

  /** The aggregate offer set (what suppliers offer). */
  offeredTypes(): EventType[] {
    return this.#offers.values()
  }

  /** The aggregate subscription set (what consumers want). */
  subscribedTypes(): EventType[] {
    return this.#subscriptions.values()
  }

  /**
   * IMP_LIMIT check at push entry (§3.5), then per event sequence number, supplier-side filter
   * stage, and fan-out to every consumer-facing proxy.
   * @throws NotifyError IMP_LIMIT (nothing accepted)
   */
  accept(source: ProxyConsumer, routed: RoutedEvent[]): void {
    const channel = this.#channel
    if (channel.isFullAndRejecting()) {
      source.counters.rejected += routed.length
      channel.counters.rejected += routed.length
      channel.emitter.emit('eventRejected', {
        channelId: channel.id,
        proxy: source.ref,
        count: routed.length
      })
      throw new NotifyError(NotifyErrorCode.IMP_LIMIT, 'channel queue full (RejectNewEvents)')
    }
    const now = channel.clock.now()
    for (const { event, path, bytes } of routed) {
      const seq = ++this.#seq
      const notice = {
        channelId: channel.id,
        seq,
        eventType: eventTypeOf(event),
        proxy: source.ref
      }
      source.counters.received++
      channel.counters.received++
      channel.emitter.emit('eventReceived', notice)
      if (!source.supplierStagePasses(event)) {
        source.counters.filteredOut++
        channel.counters.filteredOut++
        channel.emitter.emit('eventFilteredOut', { ...notice, stage: 'supplier' })
        continue
      }
      const envelope: Envelope = {
        seq,
        event,
        bytes: bytes ?? eventBytes(event),
        receivedAtMs: now,
        supplierPriority: source.qos.number('Priority'),
        supplierTimeout: source.qos.number('Timeout'),
        path: [...path, channel.uid],
        source: source.ref
      }
      for (const proxy of this.#admins.proxySuppliers()) proxy.offer(envelope)
    }
  }

  /** Numbers the next event after `seq` (no effect when the numbering is already past it). */
  continueSequenceAfter(seq: number): void {
    if (Number.isSafeInteger(seq) && seq > this.#seq) this.#seq = seq
  }

  /**
   * Channel-wide overflow (MaxQueueLength with RejectNewEvents FALSE): picks the victim over
   * every consumer queue with the channel's DiscardPolicy (§3.3).
   * @returns false when the incoming item itself must be dropped
   */
  makeRoom(incoming: QueuedItem): boolean {
    const policy = this.#channel.qos.number('DiscardPolicy')
    let best: { item: QueuedItem; proxy: ProxySupplier } | undefined
    for (const proxy of this.#admins.proxySuppliers()) {
      for (const item of proxy.queuedEntries()) {
        if (item === incoming) continue
        if (best === undefined || isBetterVictim(policy, item, best.item)) best = { item, proxy }
      }
    }
    if (best === undefined || dropsIncoming(policy, incoming, best.item)) return false
    best.proxy.discardQueued(best.item, 'MaxQueueLength', policyName(policy))
    return true
  }

  /** Applies one supplier's offer delta; tells consumers when the aggregate changes. */
  offerDelta(delta: EventTypeDelta): void {
    const change = this.#offers.apply(delta)
    if (change.added.length === 0 && change.removed.length === 0) return
    for (const proxy of this.#admins.proxySuppliers())
      proxy.notifyOfferChange(change.added, change.removed)
  }

  /** Applies one consumer's subscription delta; tells suppliers on aggregate change. */
  subscriptionDelta(delta: EventTypeDelta): void {
    const change = this.#subscriptions.apply(delta)
    if (change.added.length === 0 && change.removed.length === 0) return
    for (const admin of this.#admins.supplierAdminList()) {
      for (const proxy of admin.proxyList()) {
        proxy.notifySubscriptionChange(change.added, change.removed)
      }
    }
  }
}
