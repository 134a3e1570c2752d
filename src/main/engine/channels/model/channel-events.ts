import type { EventType } from '../event'
import type { PolicyName } from './constants'

/** Identifies one proxy in notices and info objects. */
export interface ProxyRef {
  /** Owning channel. */
  channelId: number
  /** `supplier` = supplier-facing proxy consumer (under a SupplierAdmin); `consumer` = proxy supplier. */
  side: 'supplier' | 'consumer'
  /** Owning admin (0 = default admin). */
  adminId: number
  /** Unique within the admin, never reused. */
  proxyId: number
}

/** Common part of every per-event notice. */
export interface EventNotice {
  channelId: number
  /** Channel-wide receive sequence number of the event; 0 for an event refused before acceptance. */
  seq: number
  eventType: EventType
  /** The proxy concerned (the receiving proxy consumer for `eventReceived`). */
  proxy: ProxyRef
}

/** Why an event was dropped without delivery to one consumer (or to all, for supplier-side drops). */
export type DiscardReason =
  /** The consumer's queue was full (MaxEventsPerConsumer or the hard limit); `policy` chose. */
  | 'MaxEventsPerConsumer'
  /**
   * The consumer's queue reached its byte budget (CONSUMER_QUEUE_HARD_LIMIT_BYTES); `policy`
   * chose the victim. Counted under this reason, not the policy, so byte drops stay visible.
   */
  | 'QueueBytes'
  /** The channel held MaxQueueLength events with RejectNewEvents FALSE; `policy` chose. */
  | 'MaxQueueLength'
  /** The push consumer kept failing with transient errors (PUSH_MAX_ATTEMPTS). */
  | 'DeliveryFailed'
  /** The event had already crossed this channel or too many hops (federation loop). */
  | 'FederationLoop'
  /** The consumer's proxy was destroyed with the event still queued. */
  | 'Destroyed'

/** An event was dropped. */
export interface DiscardNotice extends EventNotice {
  reason: DiscardReason
  /** DiscardPolicy that picked the victim, for the two overflow reasons; otherwise null. */
  policy: PolicyName | null
}

/** An event reached a filter stage and did not pass it. */
export interface FilteredNotice extends EventNotice {
  /** `supplier`: dropped for everybody; `consumer`: dropped for `proxy` only. */
  stage: 'supplier' | 'consumer'
}

/** An event was handed to a consumer (pushed successfully, or returned by pull/try_pull). */
export interface DeliveredNotice extends EventNotice {
  /** Size of the sequence batch it travelled in (1 for any/structured). */
  batchSize: number
}

/** An event expired (StopTime/Timeout/lifetime) before it could be delivered. */
export interface ExpiredNotice extends EventNotice {
  /** The deadline that passed, ms since the epoch. */
  deadlineMs: number
}

/** A supplier's push was refused with IMP_LIMIT (queue full, RejectNewEvents TRUE). */
export interface RejectedNotice {
  channelId: number
  proxy: ProxyRef
  /** Number of events refused by that call (a sequence push refuses the whole batch). */
  count: number
}

/** A proxy's connection ended. */
export interface DisconnectNotice {
  proxy: ProxyRef
  /** Who ended it: the client (disconnect_* call) or the channel (destroy, delivery failure). */
  initiator: 'client' | 'channel'
  reason: string
}

/**
 * Typed events of an {@link EventChannel}. The UI subscribes to these (through the engine) to
 * animate flows and counters; they are plain JSON payloads.
 */
export interface EventChannelListener {
  eventReceived(notice: EventNotice): void
  eventDelivered(notice: DeliveredNotice): void
  eventFilteredOut(notice: FilteredNotice): void
  eventDiscarded(notice: DiscardNotice): void
  eventExpired(notice: ExpiredNotice): void
  eventRejected(notice: RejectedNotice): void
  proxyConnected(proxy: ProxyRef): void
  proxyDisconnected(notice: DisconnectNotice): void
  proxyDestroyed(proxy: ProxyRef): void
  channelDestroyed(notice: { channelId: number }): void
  /** Background failures (persistence, client callbacks that are not swallowed by spec). */
  error(err: Error): void
}
