import type { ChannelEvent, JsonValue } from '../event'
import { type Clock, SystemClock } from './clock'
import {
  CHANNEL_EVENT_MAX_BYTES,
  CONSUMER_QUEUE_HARD_LIMIT_BYTES,
  CONSUMER_QUEUE_HARD_LIMIT_EVENTS,
  InterFilterGroupOperator,
  Persistent,
  PULL_POLL_INTERVAL_MS
} from './constants'
import { headerValue } from './conversions'
import type { EventStore } from './event-store'
import { InMemoryEventStore } from './in-memory-event-store'

/** Tunables of one channel; every field optional, defaults merged in {@link resolveChannelOptions}. */
export interface EventChannelOptions {
  /** Time source and timers (default: the wall clock). */
  clock?: Clock
  /** How often pull suppliers are polled, in ms (default PULL_POLL_INTERVAL_MS). */
  pollIntervalMs?: number
  /**
   * Whether a client-initiated `disconnect_*` is answered by calling the client's own
   * `disconnect_*` (digest §1.2 [rec]: configurable, default on, errors swallowed).
   */
  callbackOnClientDisconnect?: boolean
  /** Bound of one consumer queue when MaxEventsPerConsumer is 0, in events. */
  queueHardLimit?: number
  /** Bound of the bytes one consumer queue holds, in bytes (default CONSUMER_QUEUE_HARD_LIMIT_BYTES). */
  queueHardLimitBytes?: number
  /** Largest event accepted, in bytes of its JSON size (default CHANNEL_EVENT_MAX_BYTES). */
  eventMaxBytes?: number
  /** Store for BestEffort events (default: a new InMemoryEventStore per channel). */
  bestEffortStore?: EventStore
  /** Store for Persistent events (default: the best-effort store, i.e. no persistence). */
  persistentStore?: EventStore
  /** Operator of the default admins (digest §2.3 [rec]: AND_OP). */
  defaultAdminOperator?: InterFilterGroupOperator
  /**
   * TAO-compatible subscription routing (digest §2.8 [impl]): consumer-facing proxies start
   * subscribed to `%ALL` and only receive event types their subscriptions cover, independently
   * of filters. Default off: subscriptions are advisory and filters alone decide delivery.
   */
  subscriptionRouting?: boolean
}

/** {@link EventChannelOptions} with every default applied. */
export interface ResolvedChannelOptions {
  clock: Clock
  pollIntervalMs: number
  callbackOnClientDisconnect: boolean
  queueHardLimit: number
  queueHardLimitBytes: number
  eventMaxBytes: number
  bestEffortStore: EventStore
  persistentStore: EventStore | null
  defaultAdminOperator: InterFilterGroupOperator
  subscriptionRouting: boolean
}

/** Applies the defaults of {@link EventChannelOptions}. */
export function resolveChannelOptions(opts: EventChannelOptions = {}): ResolvedChannelOptions {
  return {
    clock: opts.clock ?? new SystemClock(),
    pollIntervalMs: opts.pollIntervalMs ?? PULL_POLL_INTERVAL_MS,
    callbackOnClientDisconnect: opts.callbackOnClientDisconnect ?? true,
    queueHardLimit: opts.queueHardLimit ?? CONSUMER_QUEUE_HARD_LIMIT_EVENTS,
    queueHardLimitBytes: opts.queueHardLimitBytes ?? CONSUMER_QUEUE_HARD_LIMIT_BYTES,
    eventMaxBytes: opts.eventMaxBytes ?? CHANNEL_EVENT_MAX_BYTES,
    bestEffortStore: opts.bestEffortStore ?? new InMemoryEventStore(),
    persistentStore: opts.persistentStore ?? null,
    defaultAdminOperator: opts.defaultAdminOperator ?? InterFilterGroupOperator.AND_OP,
    subscriptionRouting: opts.subscriptionRouting ?? false
  }
}

/**
 * The store mirroring an event's queue entries: Persistent only when the channel's
 * EventReliability is Persistent and the event does not ask for BestEffort (§3.3).
 */
export function storeForEvent(
  options: ResolvedChannelOptions,
  channelReliability: JsonValue,
  event: ChannelEvent
): EventStore {
  const persistent =
    channelReliability === Persistent &&
    headerValue(event, 'EventReliability') !== 0 &&
    options.persistentStore !== null
  return persistent ? (options.persistentStore as EventStore) : options.bestEffortStore
}
