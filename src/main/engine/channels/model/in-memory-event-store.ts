import { CONSUMER_QUEUE_HARD_LIMIT_EVENTS } from './constants'
import type { EventStore, StoredEvent } from './event-store'

/**
 * The BestEffort {@link EventStore}: undelivered events per consumer in memory, lost with the
 * process. Each consumer's map is bounded (the channel's own queue bound keeps it far below; the
 * bound only guards against a caller that never acknowledges), dropping the oldest on overflow.
 */
export class InMemoryEventStore implements EventStore {
  readonly #maxPerConsumer: number
  readonly #consumers = new Map<string, Map<number, StoredEvent>>()
  #closed = false

  /** @param maxPerConsumer - bound per consumer, in events */
  constructor(maxPerConsumer = CONSUMER_QUEUE_HARD_LIMIT_EVENTS) {
    this.#maxPerConsumer = maxPerConsumer
  }

  /** Stores an undelivered event. */
  append(consumer: string, event: StoredEvent): void {
    if (this.#closed) return
    let events = this.#consumers.get(consumer)
    if (events === undefined) {
      events = new Map()
      this.#consumers.set(consumer, events)
    }
    events.set(event.seq, event)
    if (events.size > this.#maxPerConsumer) {
      const oldest = events.keys().next().value
      if (oldest !== undefined) events.delete(oldest)
    }
  }

  /** Forgets a delivered event. */
  ack(consumer: string, seq: number): void {
    this.#consumers.get(consumer)?.delete(seq)
  }

  /** Forgets an event dropped without delivery. */
  remove(consumer: string, seq: number): void {
    this.#consumers.get(consumer)?.delete(seq)
  }

  /** @returns the undelivered events of a consumer, in seq order */
  load(consumer: string): StoredEvent[] {
    const events = [...(this.#consumers.get(consumer)?.values() ?? [])]
    return events.sort((a, b) => a.seq - b.seq)
  }

  /** Forgets a consumer. */
  dropConsumer(consumer: string): void {
    this.#consumers.delete(consumer)
  }

  /** Number of undelivered events held for all consumers. */
  get size(): number {
    let n = 0
    for (const events of this.#consumers.values()) n += events.size
    return n
  }

  /** Drops everything; idempotent. */
  close(): Promise<void> {
    this.#closed = true
    this.#consumers.clear()
    return Promise.resolve()
  }
}
