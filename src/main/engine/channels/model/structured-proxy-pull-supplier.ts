import type { StructuredEvent } from '../event'
import type { StructuredPullConsumer, TryPullResult } from './clients'
import { ClientType, ProxyType } from './constants'
import type { ConsumerAdmin } from './consumer-admin'
import { toStructuredEvent } from './conversions'
import type { QueuedItem } from './envelope'
import { PullProxySupplierBase } from './pull-proxy-supplier-base'

/** StructuredProxyPullSupplier: the consumer pulls StructuredEvents (anys wrapped, §2.6). */
export class StructuredProxyPullSupplier extends PullProxySupplierBase {
  /** @internal created by ConsumerAdmin.obtain_notification_pull_supplier */
  constructor(admin: ConsumerAdmin, id: number) {
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

  /** Nil consumer allowed. @throws NotifyError AlreadyConnected, OBJECT_NOT_EXIST, FederationCycle */
  connect_structured_pull_consumer(consumer?: StructuredPullConsumer | null): void {
    this.connectClient(consumer, true, [])
  }

  /** Blocks until an event is available. @throws NotifyError Disconnected, OBJECT_NOT_EXIST */
  async pull_structured_event(): Promise<StructuredEvent> {
    const items = await this.pullItems(1)
    return structuredOf(items[0] as QueuedItem)
  }

  /** Never blocks. @throws NotifyError Disconnected, OBJECT_NOT_EXIST */
  try_pull_structured_event(): TryPullResult<StructuredEvent> {
    const [item] = this.tryPullItems(1)
    return item === undefined
      ? { has_event: false }
      : { has_event: true, event: structuredOf(item) }
  }

  /** Client-initiated disconnect: destroys the proxy. @throws NotifyError OBJECT_NOT_EXIST */
  disconnect_structured_pull_supplier(): void {
    this.disconnectByClient()
  }

  protected callClientDisconnect(client: object): unknown {
    return (client as StructuredPullConsumer).disconnect_structured_pull_consumer?.()
  }
}

function structuredOf(item: QueuedItem): StructuredEvent {
  return toStructuredEvent(item.envelope.event)
}
