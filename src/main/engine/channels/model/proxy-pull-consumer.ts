import type { ChannelEvent } from '../event'
import type { PullSupplier } from './clients'
import { ClientType, ProxyType } from './constants'
import { PullProxyConsumerBase } from './pull-proxy-consumer-base'
import type { SupplierAdmin } from './supplier-admin'

/** ProxyPullConsumer (CosEvent and Notification, ANY_EVENT): the channel polls a PullSupplier. */
export class ProxyPullConsumer extends PullProxyConsumerBase {
  /** @internal created by SupplierAdmin.obtain_* */
  constructor(admin: SupplierAdmin, id: number, cosEvent: boolean) {
    super(admin, id, cosEvent)
  }

  /** PULL_ANY. */
  get MyType(): ProxyType {
    return ProxyType.PULL_ANY
  }

  /** ANY_EVENT. */
  get clientType(): ClientType {
    return ClientType.ANY_EVENT
  }

  /**
   * Connects the pull supplier and starts polling it (CosEvent name).
   * @throws NotifyError AlreadyConnected, BAD_PARAM (nil), TypeError (no try_pull),
   *   OBJECT_NOT_EXIST, FederationCycle
   */
  connect_pull_supplier(supplier: PullSupplier): void {
    this.connectClient(supplier, false, ['try_pull'])
  }

  /** Notification name of {@link connect_pull_supplier}. */
  connect_any_pull_supplier(supplier: PullSupplier): void {
    this.connectClient(supplier, false, ['try_pull'])
  }

  /** Client-initiated disconnect: destroys the proxy. @throws NotifyError OBJECT_NOT_EXIST */
  disconnect_pull_consumer(): void {
    this.disconnectByClient()
  }

  protected async tryPullClient(client: object): Promise<ChannelEvent[]> {
    const result = await (client as PullSupplier).try_pull()
    return result.has_event ? [{ kind: 'any', data: structuredClone(result.event) }] : []
  }

  protected callClientDisconnect(client: object): unknown {
    return (client as PullSupplier).disconnect_pull_supplier?.()
  }
}
