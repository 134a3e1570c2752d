/**
 * In-process model of the CORBA Event and Notification Services (digest:
 * shared/reference/notification-service.md). Entry points: {@link EventChannelFactory} and
 * {@link EventChannel}; everything else is reached through them.
 */
export * from './constants'
export * from './notify-error'
export type { Clock, TimerHandle } from './clock'
export { SystemClock } from './clock'
export { ManualClock } from './manual-clock'
export * from './time'
export type * from './clients'
export type * from './channel-events'
export type * from './info'
export type { EventStore, StoredEvent, StoreRemovalReason } from './event-store'
export type { RoutedEvent } from './federation'
export { consumerKey } from './event-store'
export { InMemoryEventStore } from './in-memory-event-store'
export {
  ADMIN_PROPERTY_NAMES,
  DEFAULT_ADMIN,
  DEFAULT_QOS,
  QOS_PROPERTY_NAMES,
  type AdminPropertyName,
  type NamedPropertyRange,
  type QoSLevel,
  type QoSPropertyName
} from './qos'
export { ALL_TYPES, ANY_EVENT_TYPE, normalizeEventType } from './event-types'
export { EventTypeSet, type EventTypeDelta } from './event-type-set'
export { toAnyValue, toStructuredEvent } from './conversions'
export { ConsumerQueue, type QueueEntry, type QueuePolicy } from './consumer-queue'
export { EventChannelFactory, type EventChannelFactoryOptions } from './event-channel-factory'
export { EventChannel, type EventChannelOptions } from './event-channel'
export { ConsumerAdmin } from './consumer-admin'
export { SupplierAdmin, type PushProxyConsumer } from './supplier-admin'
export { ProxyBase } from './proxy-base'
export { ProxySupplier } from './proxy-supplier'
export { ProxyConsumer } from './proxy-consumer'
export { PushProxySupplierBase } from './push-proxy-supplier-base'
export { PullProxySupplierBase } from './pull-proxy-supplier-base'
export { PullProxyConsumerBase } from './pull-proxy-consumer-base'
export { ProxyPushSupplier } from './proxy-push-supplier'
export { StructuredProxyPushSupplier } from './structured-proxy-push-supplier'
export { SequenceProxyPushSupplier } from './sequence-proxy-push-supplier'
export { ProxyPullSupplier } from './proxy-pull-supplier'
export { StructuredProxyPullSupplier } from './structured-proxy-pull-supplier'
export { SequenceProxyPullSupplier } from './sequence-proxy-pull-supplier'
export { ProxyPushConsumer } from './proxy-push-consumer'
export { StructuredProxyPushConsumer } from './structured-proxy-push-consumer'
export { SequenceProxyPushConsumer } from './sequence-proxy-push-consumer'
export { ProxyPullConsumer } from './proxy-pull-consumer'
export { StructuredProxyPullConsumer } from './structured-proxy-pull-consumer'
export { SequenceProxyPullConsumer } from './sequence-proxy-pull-consumer'
