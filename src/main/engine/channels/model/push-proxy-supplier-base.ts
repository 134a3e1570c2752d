import type { ChannelEvent } from '../event'
import type { RoutedPushConsumer } from './clients'
import type { TimerHandle } from './clock'
import { PUSH_MAX_ATTEMPTS, PUSH_RETRY_BACKOFF_MS } from './constants'
import type { ConsumerAdmin } from './consumer-admin'
import type { QueuedItem } from './envelope'
import { isPermanentClientError, NotifyError, NotifyErrorCode } from './notify-error'
import type { ProxyConsumer } from './proxy-consumer'
import { ProxySupplier } from './proxy-supplier'

interface PendingDelivery {
  items: QueuedItem[]
  attempts: number
}

/**
 * Push flavours of the consumer-facing proxy: the channel drives delivery, one call in flight per
 * consumer so the queue order is the delivery order. Supports suspend_connection /
 * resume_connection (digest §2.9) and the failure handling of §2.5: a permanent error
 * (Disconnected, OBJECT_NOT_EXIST) destroys the proxy; any other error is retried up to
 * PUSH_MAX_ATTEMPTS times, PUSH_RETRY_BACKOFF_MS apart, then the event is dropped (BestEffort).
 */
export abstract class PushProxySupplierBase extends ProxySupplier {
  #suspended = false
  #draining = false
  #pending: PendingDelivery | null = null
  #inFlight: PendingDelivery | null = null
  #retryTimer: TimerHandle | null = null

  /** @see ProxySupplier */
  protected constructor(admin: ConsumerAdmin, id: number, cosEvent: boolean) {
    super(admin, id, cosEvent)
  }

  /** True while suspend_connection is in force. */
  override get isSuspended(): boolean {
    return this.#suspended
  }

  /**
   * Stops pushing to the consumer; events keep being queued (subject to the queue limits).
   * @throws NotifyError ConnectionAlreadyInactive, NotConnected, OBJECT_NOT_EXIST
   */
  suspend_connection(): void {
    this.assertAlive()
    if (!this.isConnected) throw new NotifyError(NotifyErrorCode.NOT_CONNECTED)
    if (this.#suspended) throw new NotifyError(NotifyErrorCode.CONNECTION_ALREADY_INACTIVE)
    this.#suspended = true
  }

  /**
   * Resumes pushing and flushes the queue in order.
   * @throws NotifyError ConnectionAlreadyActive, NotConnected, OBJECT_NOT_EXIST
   */
  resume_connection(): void {
    this.assertAlive()
    if (!this.isConnected) throw new NotifyError(NotifyErrorCode.NOT_CONNECTED)
    if (!this.#suspended) throw new NotifyError(NotifyErrorCode.CONNECTION_ALREADY_ACTIVE)
    this.#suspended = false
    this.onResumed()
    this.scheduleDelivery()
  }

  /** Hook: resume_connection was called (before the queue is flushed). */
  protected onResumed(): void {}

  /** Calls the client's push operation with events already converted to its flavour. */
  protected abstract pushToClient(client: object, events: ChannelEvent[]): unknown

  /**
   * Chooses the next batch to push, or null to wait. Any/structured: one event at a time;
   * the sequence flavour overrides this with MaximumBatchSize/PacingInterval.
   */
  protected nextBatch(): QueuedItem[] | null {
    const items = this.takeDeliverable(1)
    return items.length > 0 ? items : null
  }

  /** True when the channel may call the client now. */
  protected get canPush(): boolean {
    return this.isConnected && !this.#suspended
  }

  /**
   * Starts the drain loop in a microtask, never inside the caller's stack: a supplier's push
   * returns once the channel accepted the event, not when consumers got it (digest §1.3).
   */
  protected override scheduleDelivery(): void {
    if (this.#draining || !this.canPush) return
    this.#draining = true
    queueMicrotask(() => void this.#drain())
  }

  protected override onConnected(): void {
    this.scheduleDelivery()
  }

  protected override onDestroyed(): void {
    if (this.#retryTimer !== null) this.channel.clock.clearTimer(this.#retryTimer)
    this.#retryTimer = null
    // An in-flight delivery is accounted by the drain loop when it settles.
    if (this.#pending !== null && this.#pending !== this.#inFlight) {
      this.recordDropped(this.#pending.items, 'Destroyed')
      this.#pending = null
    }
    super.onDestroyed()
  }

  async #drain(): Promise<void> {
    try {
      while (this.canPush && this.#retryTimer === null) {
        const pending = this.#pending ?? this.#takePending()
        if (pending === null) break
        this.#inFlight = pending
        try {
          await this.#deliver(pending.items)
          this.#inFlight = null
          this.#pending = null
          this.recordDelivered(pending.items)
        } catch (err) {
          this.#inFlight = null
          if (this.state === 'destroyed') {
            this.#pending = null
            this.recordDropped(pending.items, 'Destroyed')
            break
          }
          if (isPermanentClientError(err)) {
            this.#pending = null
            this.recordDropped(pending.items, 'Destroyed')
            this.destroyProxy('channel', 'consumer is gone', true)
            break
          }
          pending.attempts++
          if (pending.attempts >= PUSH_MAX_ATTEMPTS) {
            this.#pending = null
            this.recordDropped(pending.items, 'DeliveryFailed')
            continue
          }
          this.#retryTimer = this.channel.clock.setTimer(() => {
            this.#retryTimer = null
            this.scheduleDelivery()
          }, PUSH_RETRY_BACKOFF_MS)
        }
      }
    } finally {
      this.#draining = false
    }
    this.armWakeTimer()
  }

  #takePending(): PendingDelivery | null {
    const items = this.nextBatch()
    if (items === null) return null
    this.#pending = { items, attempts: 0 }
    return this.#pending
  }

  async #deliver(items: QueuedItem[]): Promise<void> {
    const events = items.map((item) => this.convert(item.envelope.event))
    const client = this.client
    const peer = this.peer
    if (peer !== null && peer === client && peer.side === 'supplier') {
      // Federation with a local channel: hand the events over with their path (loop prevention).
      ;(peer as ProxyConsumer).acceptRouted(
        events.map((event, i) => ({ event, path: items[i]?.envelope.path ?? [] }))
      )
      return
    }
    if (client === null) throw new NotifyError(NotifyErrorCode.DISCONNECTED)
    const routed = client as Partial<RoutedPushConsumer>
    if (typeof routed.push_routed === 'function') {
      // A remote federation adapter: it carries the path to the next channel itself.
      await routed.push_routed(
        events.map((event, i) => ({ event, path: items[i]?.envelope.path ?? [] }))
      )
      return
    }
    await this.pushToClient(client, events)
  }
}
