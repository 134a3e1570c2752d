import { MAX_PENDING_PULLS } from './constants'
import type { ConsumerAdmin } from './consumer-admin'
import type { QueuedItem } from './envelope'
import type { RoutedEvent } from './federation'
import { NotifyError, NotifyErrorCode } from './notify-error'
import { ProxySupplier } from './proxy-supplier'

interface Waiter {
  max: number
  resolve(items: QueuedItem[]): void
  reject(err: Error): void
}

/**
 * Pull flavours of the consumer-facing proxy: the consumer drives delivery with a blocking `pull`
 * (a promise that settles when an event arrives, or rejects with Disconnected when the proxy is
 * disconnected or destroyed) or a non-blocking `try_pull` (digest §1.3). The proxy's queue is the
 * mailbox of the hybrid push/pull model.
 */
export abstract class PullProxySupplierBase extends ProxySupplier {
  readonly #waiters: Waiter[] = []

  /** @see ProxySupplier */
  protected constructor(admin: ConsumerAdmin, id: number, cosEvent: boolean) {
    super(admin, id, cosEvent)
  }

  /** Number of blocked pull calls. */
  get pendingPulls(): number {
    return this.#waiters.length
  }

  /**
   * Blocking pull of 1..max events.
   * @throws NotifyError Disconnected (not connected / disconnected while waiting),
   *   OBJECT_NOT_EXIST, IMP_LIMIT when MAX_PENDING_PULLS calls are already blocked
   */
  protected async pullItems(max: number): Promise<QueuedItem[]> {
    this.#assertCanPull()
    const items = this.takeDeliverable(max)
    if (items.length > 0) {
      this.recordDelivered(items)
      return items
    }
    if (this.#waiters.length >= MAX_PENDING_PULLS) {
      throw new NotifyError(NotifyErrorCode.IMP_LIMIT, 'too many blocked pull calls')
    }
    return new Promise<QueuedItem[]>((resolve, reject) => {
      this.#waiters.push({ max, resolve, reject })
      this.armWakeTimer()
    })
  }

  /**
   * Non-blocking pull of 0..max events.
   * @throws NotifyError Disconnected, OBJECT_NOT_EXIST
   */
  protected tryPullItems(max: number): QueuedItem[] {
    this.#assertCanPull()
    const items = this.takeDeliverable(max)
    if (items.length > 0) this.recordDelivered(items)
    return items
  }

  /** @internal non-blocking pull for a federated local ProxyPullConsumer, keeping the path */
  pullRouted(max: number): RoutedEvent[] {
    return this.tryPullItems(max).map((item) => ({
      event: this.convert(item.envelope.event),
      path: item.envelope.path
    }))
  }

  protected override scheduleDelivery(): void {
    while (this.#waiters.length > 0 && this.isConnected) {
      const waiter = this.#waiters[0] as Waiter
      const items = this.takeDeliverable(waiter.max)
      if (items.length === 0) break
      this.#waiters.shift()
      this.recordDelivered(items)
      waiter.resolve(items)
    }
  }

  protected override onDestroyed(): void {
    for (const waiter of this.#waiters.splice(0)) {
      waiter.reject(
        new NotifyError(NotifyErrorCode.DISCONNECTED, 'proxy disconnected while pulling')
      )
    }
    super.onDestroyed()
  }

  #assertCanPull(): void {
    this.assertAlive()
    if (!this.isConnected)
      throw new NotifyError(NotifyErrorCode.DISCONNECTED, 'proxy not connected')
  }
}
