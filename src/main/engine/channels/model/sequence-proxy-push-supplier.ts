import type { ChannelEvent, StructuredEvent } from '../event'
import type { SequencePushConsumer } from './clients'
import type { TimerHandle } from './clock'
import { ClientType, ProxyType } from './constants'
import type { ConsumerAdmin } from './consumer-admin'
import type { QueuedItem } from './envelope'
import { PushProxySupplierBase } from './push-proxy-supplier-base'
import { timeTToMs } from './time'

/**
 * SequenceProxyPushSupplier: pushes batches with `push_structured_events` under MaximumBatchSize
 * and PacingInterval (digest §2.10):
 * - as soon as MaximumBatchSize events are deliverable, a full batch goes out (and any pacing
 *   timer is cancelled);
 * - otherwise, with PacingInterval > 0, a timer starts when the first event of a new batch is
 *   waiting, and on expiry 1..MaximumBatchSize events go out;
 * - with PacingInterval = 0 we follow the digest's recommendation, not the spec-literal reading:
 *   whatever is queued (up to MaximumBatchSize) is delivered immediately, so events never get
 *   stuck waiting for a batch that may never fill;
 * - resume_connection flushes the whole queue at once (full batches, then the partial rest).
 */
export class SequenceProxyPushSupplier extends PushProxySupplierBase {
  #pacingTimer: TimerHandle | null = null
  #pacingDue = false
  #flushing = false

  /** @internal created by ConsumerAdmin.obtain_notification_push_supplier */
  constructor(admin: ConsumerAdmin, id: number) {
    super(admin, id, false)
  }

  /** PUSH_SEQUENCE. */
  get MyType(): ProxyType {
    return ProxyType.PUSH_SEQUENCE
  }

  /** SEQUENCE_EVENT. */
  get clientType(): ClientType {
    return ClientType.SEQUENCE_EVENT
  }

  /**
   * @throws NotifyError AlreadyConnected, BAD_PARAM (nil), TypeError (no push_structured_events),
   *   OBJECT_NOT_EXIST, FederationCycle
   */
  connect_sequence_push_consumer(consumer: SequencePushConsumer): void {
    this.connectClient(consumer, false, ['push_structured_events'])
  }

  /** Client-initiated disconnect: destroys the proxy. @throws NotifyError OBJECT_NOT_EXIST */
  disconnect_sequence_push_supplier(): void {
    this.disconnectByClient()
  }

  protected override nextBatch(): QueuedItem[] | null {
    const max = Math.max(1, this.qos.number('MaximumBatchSize'))
    const pacingMs = timeTToMs(this.qos.get('PacingInterval'))
    const ready = this.deliverableCount()
    if (ready === 0) {
      this.#flushing = false
      this.takeDeliverable(0) // reports expired events
      return null
    }
    if (ready >= max || pacingMs === 0 || this.#pacingDue || this.#flushing) {
      this.#cancelPacing()
      return this.takeDeliverable(max)
    }
    if (this.#pacingTimer === null) {
      const clock = this.channel.clock
      this.#pacingTimer = clock.setTimer(() => {
        this.#pacingTimer = null
        this.#pacingDue = true
        this.scheduleDelivery()
      }, pacingMs)
    }
    return null
  }

  /** resume_connection flushes everything queued, partial last batch included (§2.9). */
  protected override onResumed(): void {
    this.#flushing = true
  }

  protected async pushToClient(client: object, events: ChannelEvent[]): Promise<void> {
    const batch: StructuredEvent[] = []
    for (const event of events) if (event.kind === 'structured') batch.push(event.event)
    await (client as SequencePushConsumer).push_structured_events(batch)
  }

  protected callClientDisconnect(client: object): unknown {
    return (client as SequencePushConsumer).disconnect_sequence_push_consumer?.()
  }

  protected override onDestroyed(): void {
    this.#cancelPacing()
    super.onDestroyed()
  }

  #cancelPacing(): void {
    if (this.#pacingTimer !== null) this.channel.clock.clearTimer(this.#pacingTimer)
    this.#pacingTimer = null
    this.#pacingDue = false
  }
}
