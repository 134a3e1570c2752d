import type { ChannelEvent, EventType, StructuredEvent } from '../event'
import { type ClientType, MAX_FEDERATION_HOPS } from './constants'
import { eventBytes } from './event-bytes'
import { eventTypeOf } from './event-types'
import { EventTypeSet } from './event-type-set'
import { assertValidEventTypes } from './event-types'
import type { RoutedEvent } from './federation'
import type { ProxyConsumerInfo } from './info'
import { NotifyError, NotifyErrorCode } from './notify-error'
import { callQuietly, ProxyBase } from './proxy-base'
import { applyObtainMode } from './proxy-supplier'
import type { SupplierAdmin } from './supplier-admin'
import { InterFilterGroupOperator, type ObtainInfoMode } from './constants'

/**
 * Supplier-facing proxy (CosNotifyChannelAdmin::ProxyConsumer): receives events from one supplier,
 * runs the supplier-side filter stage (this proxy's group with its SupplierAdmin's group under the
 * admin's operator, digest §4.2 rule 5) and hands them to the channel. Also a NotifyPublish target
 * (offer_change) and a source of subscription information (obtain_subscription_types).
 */
export abstract class ProxyConsumer extends ProxyBase {
  readonly #admin: SupplierAdmin
  readonly #offers = new EventTypeSet()
  #subscriptionUpdates = true

  /**
   * @param admin - owning SupplierAdmin
   * @param id - ProxyID
   * @param cosEvent - obtained through obtain_push_consumer/obtain_pull_consumer
   */
  protected constructor(admin: SupplierAdmin, id: number, cosEvent: boolean) {
    super('supplier', admin, id, cosEvent)
    this.#admin = admin
  }

  /** The SupplierAdmin that created this proxy (`MyAdmin`). */
  get MyAdmin(): SupplierAdmin {
    return this.#admin
  }

  /** Flavour of events the supplier provides. */
  abstract get clientType(): ClientType

  /** Pull flavours report suspend_connection here; push flavours are never suspended. */
  get isSuspended(): boolean {
    return false
  }

  /**
   * Changes this supplier's offers (NotifyPublish, §2.8); the channel tells consumers when the
   * aggregate changes.
   * @throws NotifyError InvalidEventType (nothing applied), OBJECT_NOT_EXIST
   */
  offer_change(added: EventType[], removed: EventType[]): void {
    this.assertAlive()
    assertValidEventTypes(added)
    assertValidEventTypes(removed)
    this.channel.offerDelta(this.#offers.change(added, removed))
  }

  /** Types this supplier offers. */
  offeredTypes(): EventType[] {
    return this.#offers.values()
  }

  /**
   * What consumers of the channel subscribed to (§2.8), and whether this supplier gets
   * subscription_change calls.
   * @throws NotifyError BAD_PARAM (unknown mode), OBJECT_NOT_EXIST
   */
  obtain_subscription_types(mode: ObtainInfoMode): EventType[] {
    this.assertAlive()
    const result = applyObtainMode(mode, () => this.channel.subscribedTypes())
    this.#subscriptionUpdates = result.updates
    return result.types
  }

  /** @internal calls the client's subscription_change if it wants updates (errors ignored) */
  notifySubscriptionChange(added: EventType[], removed: EventType[]): void {
    const client = this.client as {
      subscription_change?: (a: EventType[], r: EventType[]) => unknown
    } | null
    if (!this.isConnected || !this.#subscriptionUpdates || client === null) return
    if (typeof client.subscription_change !== 'function') return
    callQuietly(() => client.subscription_change?.(added, removed))
  }

  /** @internal supplier-side filter stage for one event */
  supplierStagePasses(event: ChannelEvent): boolean {
    const admin = this.#admin.filterGroupPasses(event)
    const own = this.filterGroupPasses(event)
    return this.#admin.MyOperator === InterFilterGroupOperator.AND_OP ? admin && own : admin || own
  }

  /**
   * Hands supplied events to the channel.
   * @throws NotifyError Disconnected (not connected), OBJECT_NOT_EXIST, IMP_LIMIT (channel full
   *   with RejectNewEvents), BAD_PARAM (malformed structured event)
   */
  protected acceptEvents(events: ChannelEvent[]): void {
    this.acceptRouted(events.map((event) => ({ event, path: [] })))
  }

  /**
   * Accepts events that come with their federation path (local federation, or a remote adapter
   * fed through a `RoutedPushConsumer.push_routed`): events that already crossed this channel, or
   * MAX_FEDERATION_HOPS channels, are dropped as a loop (DiscardReason `FederationLoop`). A call
   * holding an event larger than the channel's eventMaxBytes is refused whole (counted rejected).
   * @throws NotifyError Disconnected, OBJECT_NOT_EXIST, IMP_LIMIT, BAD_PARAM
   */
  acceptRouted(routed: RoutedEvent[]): void {
    this.assertAlive()
    if (!this.isConnected)
      throw new NotifyError(NotifyErrorCode.DISCONNECTED, 'proxy not connected')
    for (const { event } of routed) assertChannelEvent(event)
    const channel = this.channel
    const max = channel.options.eventMaxBytes
    const sized = routed.map((r) => ({ ...r, bytes: r.bytes ?? eventBytes(r.event, max) }))
    const tooLarge = sized.find((r) => r.bytes > max)
    if (tooLarge !== undefined) {
      this.counters.rejected += routed.length
      channel.counters.rejected += routed.length
      channel.emitter.emit('eventRejected', {
        channelId: channel.id,
        proxy: this.ref,
        count: routed.length
      })
      throw new NotifyError(
        NotifyErrorCode.IMP_LIMIT,
        `event of more than ${max} bytes (the limit per event)`,
        { reason: 'event-too-large' }
      )
    }
    const fresh: RoutedEvent[] = []
    for (const r of sized) {
      if (r.path.includes(channel.uid) || r.path.length >= MAX_FEDERATION_HOPS) {
        this.counters.discard('FederationLoop')
        channel.counters.discard('FederationLoop')
        channel.emitter.emit('eventDiscarded', {
          channelId: channel.id,
          seq: 0,
          eventType: eventTypeOf(r.event),
          proxy: this.ref,
          reason: 'FederationLoop',
          policy: null
        })
      } else fresh.push(r)
    }
    if (fresh.length > 0) channel.accept(this, fresh)
  }

  protected override onDestroyed(): void {
    const removed = this.#offers.clear()
    if (removed.length > 0) this.channel.offerDelta({ added: [], removed })
  }

  /** @returns a plain-JSON snapshot */
  toInfo(): ProxyConsumerInfo {
    return {
      kind: 'proxy-consumer',
      ref: this.ref,
      proxyType: this.proxyTypeName,
      cosEvent: this.isCosEvent,
      state: this.state,
      connected: this.isConnected,
      suspended: this.isSuspended,
      filterIds: this.filterIds(),
      qos: this.qos.getExplicit(),
      offeredTypes: this.#offers.values(),
      peer: this.peer?.ref ?? null,
      counters: this.counters.toInfo()
    }
  }
}

/** @throws NotifyError BAD_PARAM when a supplied structured event lacks its mandatory parts */
function assertChannelEvent(event: ChannelEvent): void {
  if (event.kind === 'any') return
  if (!isStructuredEvent(event.event)) {
    throw new NotifyError(NotifyErrorCode.BAD_PARAM, 'malformed StructuredEvent')
  }
}

/** @returns true when `value` has the shape of a StructuredEvent (§2.6) */
export function isStructuredEvent(value: unknown): value is StructuredEvent {
  const ev = value as StructuredEvent | null
  const type = ev?.header?.fixed_header?.event_type
  return (
    typeof ev === 'object' &&
    ev !== null &&
    typeof type?.domain_name === 'string' &&
    typeof type.type_name === 'string' &&
    typeof ev.header.fixed_header.event_name === 'string' &&
    Array.isArray(ev.header.variable_header) &&
    Array.isArray(ev.filterable_data)
  )
}
