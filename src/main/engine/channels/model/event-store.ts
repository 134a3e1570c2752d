import type { ChannelEvent } from '../event'

/**
 * Persistence plug-in for undelivered events (digest §3.3, EventReliability).
 *
 * The channel keeps each consumer's queue in memory (ordering, discarding and expiry happen there,
 * synchronously) and mirrors every change of that queue into an EventStore, write-behind:
 *
 * - {@link EventStore.append} when an event is queued for a consumer,
 * - {@link EventStore.ack} when it was delivered to that consumer (pushed successfully or pulled),
 * - {@link EventStore.remove} when it left the queue without delivery (discarded, expired, lost at
 *   destroy),
 * - {@link EventStore.dropConsumer} when the consumer's proxy is destroyed.
 *
 * So at any moment the store of a consumer holds exactly its undelivered events, and
 * {@link EventStore.load} can rebuild the queue after a restart. Calls for one consumer are made
 * in the order the queue changed; a store may complete them asynchronously but must apply them in
 * that order. Failures (rejected promises or throws) are reported through the channel's `error`
 * event and never stop delivery: persistence is best effort from the channel's point of view.
 *
 * The channel picks the store per event: events whose effective EventReliability is Persistent
 * (channel set to Persistent, or the event's header asks for it on such a channel) go to the
 * persistent store if one is configured, everything else to the best-effort store (by default an
 * {@link InMemoryEventStore}). A Redis Streams implementation would map a consumer key to one
 * stream (`XADD` on append, `XDEL`/`XACK` on ack/remove, `DEL` on dropConsumer, `XRANGE` on load).
 */
export interface EventStore {
  /** Records that `event` is queued (undelivered) for `consumer`. */
  append(consumer: string, event: StoredEvent): void | Promise<void>
  /** Records that event `seq` was delivered to `consumer`. */
  ack(consumer: string, seq: number): void | Promise<void>
  /** Records that event `seq` left `consumer`'s queue undelivered, and why. */
  remove(consumer: string, seq: number, reason: StoreRemovalReason): void | Promise<void>
  /** @returns the undelivered events of `consumer` in receive (seq) order */
  load(consumer: string): StoredEvent[] | Promise<StoredEvent[]>
  /** Forgets everything about `consumer` (its proxy was destroyed). */
  dropConsumer(consumer: string): void | Promise<void>
  /** Releases resources; idempotent. */
  close(): Promise<void>
}

/** Why an event left a queue without being delivered. */
export type StoreRemovalReason = 'discarded' | 'expired' | 'destroyed'

/** One undelivered event as stored for one consumer. Plain JSON. */
export interface StoredEvent {
  /** Channel-wide receive sequence number (unique per channel, increasing). */
  seq: number
  /** The event as the channel carries it (before conversion to the consumer's flavour). */
  event: ChannelEvent
  /** When the channel accepted it, ms since the epoch. */
  receivedAtMs: number
  /** Effective priority for this consumer. */
  priority: number
  /** Expiry in ms since the epoch, or null. */
  deadlineMs: number | null
  /** Earliest delivery in ms since the epoch, or null. */
  startMs: number | null
}

/** Builds the key of one consumer (proxy supplier) in a store: `channel/admin/proxy`. */
export function consumerKey(channelId: number, adminId: number, proxyId: number): string {
  return `${channelId}/${adminId}/${proxyId}`
}
