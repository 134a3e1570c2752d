/**
 * Constants of CosEventComm / CosNotification / CosNotifyChannelAdmin (digest §2, §3.1), plus the
 * tuned numbers of the in-process channel model. Every tuned number carries its unit and the reason.
 */

/** CosNotification reliability values (EventReliability, ConnectionReliability). */
export const BestEffort = 0
export const Persistent = 1

/** CosNotification priority bounds; −32768 is a legal short but not a legal Priority (§3.4). */
export const LowestPriority = -32767
export const DefaultPriority = 0
export const HighestPriority = 32767

/** OrderPolicy / DiscardPolicy values (§3.1). LifoOrder is a DiscardPolicy only. */
export const AnyOrder = 0
export const FifoOrder = 1
export const PriorityOrder = 2
export const DeadlineOrder = 3
export const LifoOrder = 4

/** Human-readable names of the order/discard policy values, for info objects and events. */
export type PolicyName = 'AnyOrder' | 'FifoOrder' | 'PriorityOrder' | 'DeadlineOrder' | 'LifoOrder'

/** Maps an OrderPolicy/DiscardPolicy value to its name. */
export function policyName(value: number): PolicyName {
  const names: PolicyName[] = [
    'AnyOrder',
    'FifoOrder',
    'PriorityOrder',
    'DeadlineOrder',
    'LifoOrder'
  ]
  return names[value] ?? 'AnyOrder'
}

/** CosNotifyChannelAdmin::ClientType: the flavour of events a proxy exchanges with its client. */
export const ClientType = {
  ANY_EVENT: 0,
  STRUCTURED_EVENT: 1,
  SEQUENCE_EVENT: 2
} as const
export type ClientType = (typeof ClientType)[keyof typeof ClientType]

/** CosNotifyChannelAdmin::ProxyType as reported by a proxy's `MyType` (typed flavours unsupported). */
export const ProxyType = {
  PUSH_ANY: 0,
  PULL_ANY: 1,
  PUSH_STRUCTURED: 2,
  PULL_STRUCTURED: 3,
  PUSH_SEQUENCE: 4,
  PULL_SEQUENCE: 5,
  PUSH_TYPED: 6,
  PULL_TYPED: 7
} as const
export type ProxyType = (typeof ProxyType)[keyof typeof ProxyType]

/** Name of a ProxyType value, for info objects. */
export type ProxyTypeName = keyof typeof ProxyType

/** CosNotifyChannelAdmin::InterFilterGroupOperator (digest §4.2). */
export const InterFilterGroupOperator = {
  AND_OP: 0,
  OR_OP: 1
} as const
export type InterFilterGroupOperator =
  (typeof InterFilterGroupOperator)[keyof typeof InterFilterGroupOperator]

/** CosNotifyChannelAdmin::ObtainInfoMode (digest §2.8). */
export const ObtainInfoMode = {
  ALL_NOW_UPDATES_OFF: 0,
  ALL_NOW_UPDATES_ON: 1,
  NONE_NOW_UPDATES_OFF: 2,
  NONE_NOW_UPDATES_ON: 3
} as const
export type ObtainInfoMode = (typeof ObtainInfoMode)[keyof typeof ObtainInfoMode]

/** CosNotification::QoSError_code (digest §3.1). */
export const QoSErrorCode = {
  UNSUPPORTED_PROPERTY: 0,
  UNAVAILABLE_PROPERTY: 1,
  UNSUPPORTED_VALUE: 2,
  UNAVAILABLE_VALUE: 3,
  BAD_PROPERTY: 4,
  BAD_TYPE: 5,
  BAD_VALUE: 6
} as const
export type QoSErrorCode = (typeof QoSErrorCode)[keyof typeof QoSErrorCode]

/**
 * How often a ProxyPullConsumer polls its pull supplier with `try_pull`, in ms. JacORB's
 * Notification Service uses 1000 ms (digest §1.3); channels can override it per channel.
 */
export const PULL_POLL_INTERVAL_MS = 1_000

/**
 * Most events one poll tick drains from a pull supplier before yielding until the next tick, so a
 * supplier that always has an event cannot monopolise the channel.
 */
export const PULL_POLL_MAX_EVENTS_PER_TICK = 100

/**
 * Hard bound on one consumer's queue, in events, used when MaxEventsPerConsumer is 0 (unlimited in
 * the spec). The lab must never grow without bound; overflow goes through DiscardPolicy as usual.
 */
export const CONSUMER_QUEUE_HARD_LIMIT_EVENTS = 10_000

/**
 * Hard bound on the bytes one consumer's queue holds (the JSON size of its events, see eventBytes):
 * a count alone lets 10 000 large events take gigabytes. Reaching it discards through
 * DiscardPolicy exactly as the count limit does (DiscardReason `QueueBytes`).
 */
export const CONSUMER_QUEUE_HARD_LIMIT_BYTES = 8 * 1024 * 1024

/**
 * Largest event a channel accepts, in bytes of its JSON size (eventBytes); a push holding a larger one
 * is refused whole with IMP_LIMIT (reason `event-too-large`). Kept well below the queue's byte
 * bound so a queue always holds a few of the largest events.
 */
export const CHANNEL_EVENT_MAX_BYTES = 256 * 1024

/** Most concurrently blocked `pull` calls on one pull proxy; more fail with IMP_LIMIT. */
export const MAX_PENDING_PULLS = 64

/**
 * Delivery attempts of one event to a push consumer whose `push` throws a non-permanent error,
 * before the event is dropped (BestEffort). JacORB gives up after 3 attempts (digest §2.5).
 */
export const PUSH_MAX_ATTEMPTS = 3

/** Back-off between those attempts, in ms (JacORB's 2 s). */
export const PUSH_RETRY_BACKOFF_MS = 2_000

/**
 * Most channels an event may cross in a federation before it is dropped as a loop. Local cycles are
 * rejected at connect time; this bounds cycles that pass through non-local hops.
 */
export const MAX_FEDERATION_HOPS = 16

/** TimeT/UtcT unit: 100 ns, so one millisecond is 10 000 units. */
export const TIME_T_UNITS_PER_MS = 10_000

/** UtcT time of the Unix epoch (100 ns units since 1582-10-15T00:00:00Z). */
export const UTC_T_UNIX_EPOCH = 122_192_928_000_000_000n
