import type { ChannelEvent } from '../event'
import type { StructuredPullSupplier } from './clients'
import { ClientType, ProxyType } from './constants'
import { PullProxyConsumerBase } from './pull-proxy-consumer-base'
import type { SupplierAdmin } from './supplier-admin'

/** StructuredProxyPullConsumer: the channel polls `try_pull_structured_event`. */
export class StructuredProxyPullConsumer extends PullProxyConsumerBase {
  /** @internal created by SupplierAdmin.obtain_notification_pull_consumer */
  constructor(admin: SupplierAdmin, id: number) {
    super(admin, id, false)
  }

  /** PULL_STRUCTURED. */
  get MyType(): ProxyType {
    return ProxyType.PULL_STRUCTURED
  }

  /** STRUCTURED_EVENT. */
  get clientType(): ClientType {
    return ClientType.STRUCTURED_EVENT
  }

  /**
   * @throws NotifyError AlreadyConnected, BAD_PARAM (nil), TypeError (no
   *   try_pull_structured_event), OBJECT_NOT_EXIST, FederationCycle
   */
  connect_structured_pull_supplier(supplier: StructuredPullSupplier): void {
    this.connectClient(supplier, false, ['try_pull_structured_event'])
  }

  /** Client-initiated disconnect: destroys the proxy. @throws NotifyError OBJECT_NOT_EXIST */
  disconnect_structured_pull_consumer(): void {
    this.disconnectByClient()
  }

  protected async tryPullClient(client: object): Promise<ChannelEvent[]> {
    const result = await (client as StructuredPullSupplier).try_pull_structured_event()
    return result.has_event ? [{ kind: 'structured', event: structuredClone(result.event) }] : []
  }

  protected callClientDisconnect(client: object): unknown {
    return (client as StructuredPullSupplier).disconnect_structured_pull_supplier?.()
  }
}
