import type { StructuredEvent } from '../event'
import type { SequencePushSupplier } from './clients'
import { ClientType, ProxyType } from './constants'
import { NotifyError, NotifyErrorCode } from './notify-error'
import { ProxyConsumer } from './proxy-consumer'
import type { SupplierAdmin } from './supplier-admin'

/**
 * SequenceProxyPushConsumer: the supplier pushes batches; each event of a batch is filtered and
 * queued individually (§2.5), so the batch is split for structured and any consumers.
 */
export class SequenceProxyPushConsumer extends ProxyConsumer {
  /** @internal created by SupplierAdmin.obtain_notification_push_consumer */
  constructor(admin: SupplierAdmin, id: number) {
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

  /** Nil supplier allowed. @throws NotifyError AlreadyConnected, OBJECT_NOT_EXIST, FederationCycle */
  connect_sequence_push_supplier(supplier?: SequencePushSupplier | null): void {
    this.connectClient(supplier, true, [])
  }

  /**
   * Hands a batch to the channel (all or nothing with respect to IMP_LIMIT).
   * @throws NotifyError Disconnected, OBJECT_NOT_EXIST, IMP_LIMIT, BAD_PARAM
   */
  push_structured_events(events: StructuredEvent[]): void {
    if (!Array.isArray(events)) throw new NotifyError(NotifyErrorCode.BAD_PARAM, 'batch expected')
    this.acceptEvents(
      events.map((event) => ({ kind: 'structured', event: structuredClone(event) }))
    )
  }

  /** Client-initiated disconnect: destroys the proxy. @throws NotifyError OBJECT_NOT_EXIST */
  disconnect_sequence_push_consumer(): void {
    this.disconnectByClient()
  }

  protected callClientDisconnect(client: object): unknown {
    return (client as SequencePushSupplier).disconnect_sequence_push_supplier?.()
  }
}
