import type { StructuredEvent } from '../event'
import type { SequencePullConsumer, TryPullBatchResult } from './clients'
import { ClientType, ProxyType } from './constants'
import type { ConsumerAdmin } from './consumer-admin'
import { toStructuredEvent } from './conversions'
import { NotifyError, NotifyErrorCode } from './notify-error'
import { PullProxySupplierBase } from './pull-proxy-supplier-base'

/**
 * SequenceProxyPullSupplier: the consumer pulls batches. `max_number` bounds a batch and the
 * effective MaximumBatchSize caps it further (digest §2.10).
 */
export class SequenceProxyPullSupplier extends PullProxySupplierBase {
  /** @internal created by ConsumerAdmin.obtain_notification_pull_supplier */
  constructor(admin: ConsumerAdmin, id: number) {
    super(admin, id, false)
  }

  /** PULL_SEQUENCE. */
  get MyType(): ProxyType {
    return ProxyType.PULL_SEQUENCE
  }

  /** SEQUENCE_EVENT. */
  get clientType(): ClientType {
    return ClientType.SEQUENCE_EVENT
  }

  /** Nil consumer allowed. @throws NotifyError AlreadyConnected, OBJECT_NOT_EXIST, FederationCycle */
  connect_sequence_pull_consumer(consumer?: SequencePullConsumer | null): void {
    this.connectClient(consumer, true, [])
  }

  /**
   * Blocks until at least one event is available; returns 1..max_number events.
   * @throws NotifyError BAD_PARAM (max_number < 1), Disconnected, OBJECT_NOT_EXIST
   */
  async pull_structured_events(max_number: number): Promise<StructuredEvent[]> {
    const items = await this.pullItems(this.#cap(max_number))
    return items.map((item) => toStructuredEvent(item.envelope.event))
  }

  /**
   * Never blocks; returns 0..max_number events.
   * @throws NotifyError BAD_PARAM, Disconnected, OBJECT_NOT_EXIST
   */
  try_pull_structured_events(max_number: number): TryPullBatchResult {
    const events = this.tryPullItems(this.#cap(max_number)).map((item) =>
      toStructuredEvent(item.envelope.event)
    )
    return { has_event: events.length > 0, events }
  }

  /** Client-initiated disconnect: destroys the proxy. @throws NotifyError OBJECT_NOT_EXIST */
  disconnect_sequence_pull_supplier(): void {
    this.disconnectByClient()
  }

  protected callClientDisconnect(client: object): unknown {
    return (client as SequencePullConsumer).disconnect_sequence_pull_consumer?.()
  }

  #cap(maxNumber: number): number {
    this.assertAlive()
    if (!Number.isInteger(maxNumber) || maxNumber < 1) {
      throw new NotifyError(NotifyErrorCode.BAD_PARAM, 'max_number must be a positive integer')
    }
    return Math.min(maxNumber, Math.max(1, this.qos.number('MaximumBatchSize')))
  }
}
