import type { ChannelEvent } from '../event'
import type { ProxyRef } from './channel-events'
import type { QueueEntry } from './consumer-queue'
import type { EventStore } from './event-store'

/** One accepted event inside a channel, as handed from the supplier side to every consumer. */
export interface Envelope {
  /** Channel-wide receive sequence number. */
  readonly seq: number
  readonly event: ChannelEvent
  /** Size of the event, about its JSON length in bytes (eventBytes): what it costs each queue. */
  readonly bytes: number
  /** When the channel accepted the event, ms since the epoch. */
  readonly receivedAtMs: number
  /** Supplier-side default priority: effective Priority QoS of the receiving proxy consumer. */
  readonly supplierPriority: number
  /** Supplier-side default lifetime: effective Timeout QoS of that proxy consumer, TimeT units. */
  readonly supplierTimeout: number
  /** Channel uids crossed so far, this channel included (federation loop prevention). */
  readonly path: readonly string[]
  /** The proxy consumer that received it. */
  readonly source: ProxyRef
}

/** An envelope queued for one consumer, with that consumer's view of priority and timing. */
export interface QueuedItem extends QueueEntry {
  readonly envelope: Envelope
  /** The store that mirrors this entry (chosen by EventReliability). */
  readonly store: EventStore
}
