import type { ChannelEvent } from '../event'
import type { StructuredPushConsumer } from './clients'
import { ClientType, ProxyType } from './constants'
import type { ConsumerAdmin } from './consumer-admin'
import { PushProxySupplierBase } from './push-proxy-supplier-base'

/**
 * StructuredProxyPushSupplier: pushes StructuredEvents; any events arrive wrapped as
 * `("", "%ANY")` with the any in remainder_of_body (§2.6).
 */
export class StructuredProxyPushSupplier extends PushProxySupplierBase {
  /** @internal created by ConsumerAdmin.obtain_notification_push_supplier */
  constructor(admin: ConsumerAdmin, id: number) {
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

  /**
   * @throws NotifyError AlreadyConnected, BAD_PARAM (nil), TypeError (no push_structured_event),
   *   OBJECT_NOT_EXIST, FederationCycle
   */
  connect_structured_push_consumer(consumer: StructuredPushConsumer): void {
    this.connectClient(consumer, false, ['push_structured_event'])
  }

  /** Client-initiated disconnect: destroys the proxy. @throws NotifyError OBJECT_NOT_EXIST */
  disconnect_structured_push_supplier(): void {
    this.disconnectByClient()
  }

  protected async pushToClient(client: object, events: ChannelEvent[]): Promise<void> {
    for (const event of events) {
      if (event.kind === 'structured') {
        await (client as StructuredPushConsumer).push_structured_event(event.event)
      }
    }
  }

  protected callClientDisconnect(client: object): unknown {
    return (client as StructuredPushConsumer).disconnect_structured_push_consumer?.()
  }
}
