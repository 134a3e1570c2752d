import type { JsonValue } from '../event'
import type { PushSupplier } from './clients'
import { ClientType, ProxyType } from './constants'
import { ProxyConsumer } from './proxy-consumer'
import type { SupplierAdmin } from './supplier-admin'

/**
 * ProxyPushConsumer (CosEvent and Notification, ANY_EVENT): the supplier pushes anys. It is itself
 * a PushConsumer, so another channel's ProxyPushSupplier can push into it (federation, §1.6).
 */
export class ProxyPushConsumer extends ProxyConsumer {
  /** @internal created by SupplierAdmin.obtain_* */
  constructor(admin: SupplierAdmin, id: number, cosEvent: boolean) {
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
   * Connects the supplier (CosEvent name); nil is allowed (no disconnect callback then).
   * @throws NotifyError AlreadyConnected, OBJECT_NOT_EXIST, FederationCycle
   */
  connect_push_supplier(supplier?: PushSupplier | null): void {
    this.connectClient(supplier, true, [])
  }

  /** Notification name of {@link connect_push_supplier}. */
  connect_any_push_supplier(supplier?: PushSupplier | null): void {
    this.connectClient(supplier, true, [])
  }

  /**
   * Hands one event to the channel; returns once the channel accepted it (§1.3).
   * @throws NotifyError Disconnected, OBJECT_NOT_EXIST, IMP_LIMIT
   */
  push(data: JsonValue): void {
    this.acceptEvents([{ kind: 'any', data: structuredClone(data) }])
  }

  /** Client-initiated disconnect: destroys the proxy. @throws NotifyError OBJECT_NOT_EXIST */
  disconnect_push_consumer(): void {
    this.disconnectByClient()
  }

  protected callClientDisconnect(client: object): unknown {
    return (client as PushSupplier).disconnect_push_supplier?.()
  }
}
