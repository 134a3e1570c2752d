import type { ChannelEvent } from '../event'
import type { SequencePullSupplier } from './clients'
import { ClientType, ProxyType } from './constants'
import { PullProxyConsumerBase } from './pull-proxy-consumer-base'
import type { SupplierAdmin } from './supplier-admin'

/**
 * SequenceProxyPullConsumer: the channel polls `try_pull_structured_events(max)` with max = the
 * proxy's effective MaximumBatchSize; each event of a batch is handled individually.
 */
export class SequenceProxyPullConsumer extends PullProxyConsumerBase {
  /** @internal created by SupplierAdmin.obtain_notification_pull_consumer */
  constructor(admin: SupplierAdmin, id: number) {
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

  /**
   * @throws NotifyError AlreadyConnected, BAD_PARAM (nil), TypeError (no
   *   try_pull_structured_events), OBJECT_NOT_EXIST, FederationCycle
   */
  connect_sequence_pull_supplier(supplier: SequencePullSupplier): void {
    this.connectClient(supplier, false, ['try_pull_structured_events'])
  }

  /** Client-initiated disconnect: destroys the proxy. @throws NotifyError OBJECT_NOT_EXIST */
  disconnect_sequence_pull_consumer(): void {
    this.disconnectByClient()
  }

  protected override get pullBatchMax(): number {
    return Math.max(1, this.qos.number('MaximumBatchSize'))
  }

  protected async tryPullClient(client: object): Promise<ChannelEvent[]> {
    const result = await (client as SequencePullSupplier).try_pull_structured_events(
      this.pullBatchMax
    )
    if (!result.has_event) return []
    return result.events.map((event) => ({ kind: 'structured', event: structuredClone(event) }))
  }

  protected callClientDisconnect(client: object): unknown {
    return (client as SequencePullSupplier).disconnect_sequence_pull_supplier?.()
  }
}
