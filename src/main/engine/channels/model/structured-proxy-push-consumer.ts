import type { StructuredEvent } from '../event'
import type { StructuredPushSupplier } from './clients'
import { ClientType, ProxyType } from './constants'
import { ProxyConsumer } from './proxy-consumer'
import type { SupplierAdmin } from './supplier-admin'

/** StructuredProxyPushConsumer: the supplier pushes StructuredEvents. */
export class StructuredProxyPushConsumer extends ProxyConsumer {
  /** @internal created by SupplierAdmin.obtain_notification_push_consumer */
  constructor(admin: SupplierAdmin, id: number) {
    super(admin, id, false)
  }

  /** PUSH_STRUCTURED. */
  get MyType(): ProxyType {
    return ProxyType.PUSH_STRUCTURED
  }

  /** STRUCTURED_EVENT. */
  get clientType(): ClientType {
    return ClientType.STRUCTURED_EVENT
  }

  /** Nil supplier allowed. @throws NotifyError AlreadyConnected, OBJECT_NOT_EXIST, FederationCycle */
  connect_structured_push_supplier(supplier?: StructuredPushSupplier | null): void {
    this.connectClient(supplier, true, [])
  }

  /**
   * Hands one structured event to the channel.
   * @throws NotifyError Disconnected, OBJECT_NOT_EXIST, IMP_LIMIT, BAD_PARAM (malformed event)
   */
  push_structured_event(event: StructuredEvent): void {
    this.acceptEvents([{ kind: 'structured', event: structuredClone(event) }])
  }

  /** Client-initiated disconnect: destroys the proxy. @throws NotifyError OBJECT_NOT_EXIST */
  disconnect_structured_push_consumer(): void {
    this.disconnectByClient()
  }

  protected callClientDisconnect(client: object): unknown {
    return (client as StructuredPushSupplier).disconnect_structured_push_supplier?.()
  }
}
