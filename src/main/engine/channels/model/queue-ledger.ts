import type { DiscardReason, ProxyRef } from './channel-events'
import type { PolicyName } from './constants'
import type { Counters } from './counters'
import type { QueuedItem } from './envelope'
import type { EventChannel } from './event-channel'
import type { StoredEvent } from './event-store'
import { eventTypeOf } from './event-types'

/**
 * The bookkeeping of one consumer's queue: every event that enters it, is delivered, discarded,
 * expires or is lost on destroy is counted (proxy and channel), announced through the channel's
 * events and mirrored in the event store the entry was queued with. Store failures never reach
 * the caller; they are reported through the channel's `error` event.
 */
export class QueueLedger {
  readonly #channel: EventChannel
  readonly #counters: Counters
  readonly #ref: () => ProxyRef
  readonly #storeKey: string

  /**
   * @param counters - the proxy's counters
   * @param ref - the proxy's reference, for notices
   * @param storeKey - the consumer's key in the event stores
   */
  constructor(channel: EventChannel, counters: Counters, ref: () => ProxyRef, storeKey: string) {
    this.#channel = channel
    this.#counters = counters
    this.#ref = ref
    this.#storeKey = storeKey
  }

  /** An event entered the queue: mirror it. */
  appended(item: QueuedItem): void {
    this.#storeCall(() => item.store.append(this.#storeKey, storedFrom(item)))
  }

  /** Counts and reports a successful delivery of `items` as one call of `batchSize` events. */
  delivered(items: readonly QueuedItem[]): void {
    const channel = this.#channel
    for (const item of items) {
      this.#counters.delivered++
      channel.counters.delivered++
      this.#storeCall(() => item.store.ack(this.#storeKey, item.seq))
      channel.emitter.emit('eventDelivered', {
        channelId: channel.id,
        seq: item.seq,
        eventType: eventTypeOf(item.envelope.event),
        proxy: this.#ref(),
        batchSize: items.length
      })
    }
  }

  /**
   * Counts and reports a discard.
   * @param policy - the DiscardPolicy that chose it, null when no policy did
   * @param stored - false when the item never made it into the store
   */
  discarded(
    item: QueuedItem,
    reason: DiscardReason,
    policy: PolicyName | null,
    stored: boolean
  ): void {
    const channel = this.#channel
    const key = reason === 'QueueBytes' ? reason : (policy ?? reason)
    this.#counters.discard(key)
    channel.counters.discard(key)
    if (stored) this.#storeCall(() => item.store.remove(this.#storeKey, item.seq, 'discarded'))
    channel.emitter.emit('eventDiscarded', {
      channelId: channel.id,
      seq: item.seq,
      eventType: eventTypeOf(item.envelope.event),
      proxy: this.#ref(),
      reason,
      policy
    })
  }

  /** Counts and reports an event whose deadline passed while queued. */
  expired(item: QueuedItem): void {
    const channel = this.#channel
    this.#counters.expired++
    channel.counters.expired++
    this.#storeCall(() => item.store.remove(this.#storeKey, item.seq, 'expired'))
    channel.emitter.emit('eventExpired', {
      channelId: channel.id,
      seq: item.seq,
      eventType: eventTypeOf(item.envelope.event),
      proxy: this.#ref(),
      deadlineMs: item.deadlineMs ?? 0
    })
  }

  /** The proxy was destroyed with `lost` still queued: count them and forget the consumer. */
  destroyed(lost: readonly QueuedItem[]): void {
    for (const item of lost) {
      this.#counters.discard('Destroyed')
      this.#storeCall(() => item.store.remove(this.#storeKey, item.seq, 'destroyed'))
    }
    for (const store of new Set(lost.map((i) => i.store))) {
      this.#storeCall(() => store.dropConsumer(this.#storeKey))
    }
  }

  #storeCall(fn: () => unknown): void {
    try {
      const result = fn()
      if (result instanceof Promise) result.catch((err: unknown) => this.#channel.reportError(err))
    } catch (err) {
      this.#channel.reportError(err)
    }
  }
}

function storedFrom(item: QueuedItem): StoredEvent {
  return {
    seq: item.seq,
    event: item.envelope.event,
    receivedAtMs: item.envelope.receivedAtMs,
    priority: item.priority,
    deadlineMs: item.deadlineMs,
    startMs: item.startMs
  }
}
