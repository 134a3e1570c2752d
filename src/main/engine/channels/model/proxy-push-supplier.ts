import type { ChannelEvent } from '../event'
import type { PushConsumer } from './clients'
import { ClientType, ProxyType } from './constants'
import type { ConsumerAdmin } from './consumer-admin'
import { PushProxySupplierBase } from './push-proxy-supplier-base'

/**
 * ProxyPushSupplier (CosEvent and CosNotifyChannelAdmin, ANY_EVENT): pushes every event to a
 * PushConsumer as an any; structured events arrive as an any holding the StructuredEvent (§2.6).
 */
export class ProxyPushSupplier extends PushProxySupplierBase {
  /** @internal created by ConsumerAdmin.obtain_* */
  constructor(admin: ConsumerAdmin, id: number, cosEvent: boolean) {
    super(admin, id, cosEvent)
  }

  /** PUSH_ANY. */
  get MyType(): ProxyType {
    return ProxyType.PUSH_ANY
  }

  /** ANY_EVENT. */
  get clientType(): ClientType {
    return ClientType.ANY_EVENT
  }

  /**
   * Connects the consumer (CosEvent name).
   * @throws NotifyError AlreadyConnected, BAD_PARAM (nil), TypeError (no `push`), OBJECT_NOT_EXIST,
   *   FederationCycle
   */
  connect_push_consumer(consumer: PushConsumer): void {
    this.connectClient(consumer, false, ['push'])
  }

  /** Connects the consumer (Notification name); same rules as {@link connect_push_consumer}. */
  connect_any_push_consumer(consumer: PushConsumer): void {
    this.connectClient(consumer, false, ['push'])
  }

  /** Client-initiated disconnect: destroys the proxy. @throws NotifyError OBJECT_NOT_EXIST */
  disconnect_push_supplier(): void {
    this.disconnectByClient()
  }

  protected async pushToClient(client: object, events: ChannelEvent[]): Promise<void> {
    for (const event of events) {
      if (event.kind === 'any') await (client as PushConsumer).push(event.data)
    }
  }

  protected callClientDisconnect(client: object): unknown {
    return (client as PushConsumer).disconnect_push_consumer?.()
  }
}
