import type { JsonValue } from '../event'
import type { PullConsumer, TryPullResult } from './clients'
import { ClientType, ProxyType } from './constants'
import type { ConsumerAdmin } from './consumer-admin'
import { toAnyValue } from './conversions'
import type { QueuedItem } from './envelope'
import { PullProxySupplierBase } from './pull-proxy-supplier-base'

/** ProxyPullSupplier (CosEvent and Notification, ANY_EVENT): the consumer pulls anys. */
export class ProxyPullSupplier extends PullProxySupplierBase {
  /** @internal created by ConsumerAdmin.obtain_* */
  constructor(admin: ConsumerAdmin, id: number, cosEvent: boolean) {
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
   * Connects the consumer (CosEvent name); a nil consumer is allowed (no disconnect callback).
   * @throws NotifyError AlreadyConnected, OBJECT_NOT_EXIST, FederationCycle
   */
  connect_pull_consumer(consumer?: PullConsumer | null): void {
    this.connectClient(consumer, true, [])
  }

  /** Notification name of {@link connect_pull_consumer}. */
  connect_any_pull_consumer(consumer?: PullConsumer | null): void {
    this.connectClient(consumer, true, [])
  }

  /**
   * Blocks until an event is available and returns it.
   * @throws NotifyError Disconnected (also when disconnected/destroyed while blocked),
   *   OBJECT_NOT_EXIST
   */
  async pull(): Promise<JsonValue> {
    const items = await this.pullItems(1)
    return valueOf(items[0] as QueuedItem)
  }

  /**
   * Never blocks: `{ has_event: true, event }` when one was queued, else `{ has_event: false }`.
   * @throws NotifyError Disconnected, OBJECT_NOT_EXIST
   */
  try_pull(): TryPullResult<JsonValue> {
    const [item] = this.tryPullItems(1)
    return item === undefined ? { has_event: false } : { has_event: true, event: valueOf(item) }
  }

  /** Client-initiated disconnect: destroys the proxy. @throws NotifyError OBJECT_NOT_EXIST */
  disconnect_pull_supplier(): void {
    this.disconnectByClient()
  }

  protected callClientDisconnect(client: object): unknown {
    return (client as PullConsumer).disconnect_pull_consumer?.()
  }
}

function valueOf(item: QueuedItem): JsonValue {
  return toAnyValue(item.envelope.event)
}
