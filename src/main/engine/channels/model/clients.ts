import type { EventType, JsonValue, StructuredEvent } from '../event'
import type { RoutedEvent } from './federation'

/**
 * Client interfaces (CosEventComm / CosNotifyComm, digest §1.1, §2.5). Applications, remote
 * adapters and other channels' proxies implement them. Every method may return a promise; the
 * channel awaits delivery calls (one in flight per consumer) and ignores the results of callbacks.
 * Throwing an error whose `code` is `Disconnected` or `OBJECT_NOT_EXIST` tells the channel the
 * client is gone for good.
 */

/** NotifyPublish: consumers may receive the channel's offer changes (§2.8). */
export interface NotifyPublish {
  offer_change?(added: EventType[], removed: EventType[]): unknown
}

/** NotifySubscribe: suppliers may receive the channel's subscription changes (§2.8). */
export interface NotifySubscribe {
  subscription_change?(added: EventType[], removed: EventType[]): unknown
}

/** Result of `try_pull`: the event is meaningful only when `has_event` is true. */
export type TryPullResult<T> =
  { has_event: true; event: T } | { has_event: false; event?: undefined }

/** Result of `try_pull_structured_events`: 0..max events, `has_event` = events.length > 0. */
export interface TryPullBatchResult {
  has_event: boolean
  events: StructuredEvent[]
}

/** CosEventComm::PushConsumer (also CosNotifyComm::PushConsumer). */
export interface PushConsumer extends NotifyPublish {
  push(data: JsonValue): unknown
  disconnect_push_consumer?(): unknown
}

/** CosNotifyComm::StructuredPushConsumer. */
export interface StructuredPushConsumer extends NotifyPublish {
  push_structured_event(event: StructuredEvent): unknown
  disconnect_structured_push_consumer?(): unknown
}

/** CosNotifyComm::SequencePushConsumer. */
export interface SequencePushConsumer extends NotifyPublish {
  push_structured_events(events: StructuredEvent[]): unknown
  disconnect_sequence_push_consumer?(): unknown
}

/** CosEventComm::PullConsumer: needs only a disconnect callback. */
export interface PullConsumer extends NotifyPublish {
  disconnect_pull_consumer?(): unknown
}

/** CosNotifyComm::StructuredPullConsumer. */
export interface StructuredPullConsumer extends NotifyPublish {
  disconnect_structured_pull_consumer?(): unknown
}

/** CosNotifyComm::SequencePullConsumer. */
export interface SequencePullConsumer extends NotifyPublish {
  disconnect_sequence_pull_consumer?(): unknown
}

/** CosEventComm::PushSupplier: needs only a disconnect callback. */
export interface PushSupplier extends NotifySubscribe {
  disconnect_push_supplier?(): unknown
}

/** CosNotifyComm::StructuredPushSupplier. */
export interface StructuredPushSupplier extends NotifySubscribe {
  disconnect_structured_push_supplier?(): unknown
}

/** CosNotifyComm::SequencePushSupplier. */
export interface SequencePushSupplier extends NotifySubscribe {
  disconnect_sequence_push_supplier?(): unknown
}

/** CosEventComm::PullSupplier. The channel polls `try_pull`; `pull` is optional here. */
export interface PullSupplier extends NotifySubscribe {
  pull?(): JsonValue | Promise<JsonValue>
  try_pull(): TryPullResult<JsonValue> | Promise<TryPullResult<JsonValue>>
  disconnect_pull_supplier?(): unknown
}

/** CosNotifyComm::StructuredPullSupplier. */
export interface StructuredPullSupplier extends NotifySubscribe {
  pull_structured_event?(): StructuredEvent | Promise<StructuredEvent>
  try_pull_structured_event():
    TryPullResult<StructuredEvent> | Promise<TryPullResult<StructuredEvent>>
  disconnect_structured_pull_supplier?(): unknown
}

/** CosNotifyComm::SequencePullSupplier. */
export interface SequencePullSupplier extends NotifySubscribe {
  pull_structured_events?(maxNumber: number): StructuredEvent[] | Promise<StructuredEvent[]>
  try_pull_structured_events(maxNumber: number): TryPullBatchResult | Promise<TryPullBatchResult>
  disconnect_sequence_pull_supplier?(): unknown
}

/**
 * Optional extension of any push consumer, for federation through a hop this process cannot see
 * (e.g. a ZeroMQ link to a channel in another process). When the client has `push_routed`, the
 * proxy calls it instead of its flavour's push operation, with the events already converted to
 * the proxy's flavour and the uids of the channels they crossed; the far side hands them to its
 * proxy consumer's `acceptRouted`, which drops events that would re-enter a channel (digest §1.6).
 */
export interface RoutedPushConsumer {
  push_routed(events: RoutedEvent[]): unknown
}
