import type { Redis } from 'ioredis'
import {
  CONSUMER_QUEUE_HARD_LIMIT_EVENTS,
  type EventStore,
  type StoredEvent,
  type StoreRemovalReason
} from '../model'
import type { ChannelsKeys } from './keys'

/**
 * Stream length cap per consumer (`XADD … MAXLEN ~`). The channel never queues more than
 * CONSUMER_QUEUE_HARD_LIMIT_EVENTS for one consumer and deletes what it delivers, so the cap only
 * bounds a stream whose deletions were lost (Redis down for a while).
 */
export const EVENT_STREAM_MAXLEN = CONSUMER_QUEUE_HARD_LIMIT_EVENTS * 2

/**
 * The EventReliability=Persistent {@link EventStore}: one Redis stream per consumer
 * (`<prefix>:events:<channel/admin/proxy>`) holding exactly its undelivered events, as the model's
 * write-behind contract asks (append → XADD, ack/remove → XDEL, dropConsumer → DEL, load → XRANGE).
 *
 * Entry ids are chosen here, `<generation>-<n>`, with the generation incremented at every start,
 * so an ack never has to wait for its XADD's reply and ids keep increasing across restarts. All
 * writes go through one connection, so Redis applies them in call order (the contract's ordering
 * rule). Failures are counted and reported through `onError`; delivery never waits for Redis.
 */
export class RedisEventStore implements EventStore {
  readonly #client: Redis
  readonly #keys: ChannelsKeys
  readonly #generation: number
  readonly #onError: (err: Error) => void
  /** consumer key → (seq → stream entry id) of the events this run appended. */
  readonly #ids = new Map<string, Map<number, string>>()
  readonly #known = new Set<string>()
  /** Entry ids read by `load`, deleted by `dropLoaded` once the events are queued again. */
  readonly #loaded = new Map<string, string[]>()
  #next = 0
  #pending = 0
  #errors = 0
  #lastError: string | null = null
  #detached = false
  #idle: (() => void)[] = []

  /**
   * @param client - command connection (not shared with blocking reads)
   * @param keys - key names
   * @param generation - this run's generation (strictly greater than every earlier run's)
   * @param onError - told of every failed write
   */
  constructor(
    client: Redis,
    keys: ChannelsKeys,
    generation: number,
    onError: (err: Error) => void
  ) {
    this.#client = client
    this.#keys = keys
    this.#generation = generation
    this.#onError = onError
  }

  /** Undelivered persistent events this run is tracking, summed over consumers. */
  get storedEvents(): number {
    let n = 0
    for (const ids of this.#ids.values()) n += ids.size
    return n
  }

  /** Writes sent and not yet answered. */
  get pendingWrites(): number {
    return this.#pending
  }

  get errors(): number {
    return this.#errors
  }

  get lastError(): string | null {
    return this.#lastError
  }

  /**
   * Stops mirroring: later calls change nothing in Redis. Used before the in-memory channels are
   * torn down (restart, close) so that tearing them down does not delete what must survive.
   */
  detach(): void {
    this.#detached = true
  }

  /** Resolves when every write sent so far has been answered. */
  flushed(): Promise<void> {
    if (this.#pending === 0) return Promise.resolve()
    return new Promise((resolve) => this.#idle.push(resolve))
  }

  append(consumer: string, event: StoredEvent): void {
    if (this.#detached) return
    let ids = this.#ids.get(consumer)
    if (ids === undefined) {
      ids = new Map()
      this.#ids.set(consumer, ids)
    }
    const id = `${this.#generation}-${++this.#next}`
    ids.set(event.seq, id)
    if (!this.#known.has(consumer)) {
      this.#known.add(consumer)
      this.#track(this.#client.sadd(this.#keys.consumers, consumer))
    }
    this.#track(
      this.#client.xadd(
        this.#keys.events(consumer),
        'MAXLEN',
        '~',
        EVENT_STREAM_MAXLEN,
        id,
        'e',
        JSON.stringify(event)
      )
    )
  }

  ack(consumer: string, seq: number): void {
    this.#delete(consumer, seq)
  }

  remove(consumer: string, seq: number, _reason: StoreRemovalReason): void {
    this.#delete(consumer, seq)
  }

  /** @returns the consumer's stored events in stream (= receive) order */
  async load(consumer: string): Promise<StoredEvent[]> {
    const entries = await this.#client.xrange(this.#keys.events(consumer), '-', '+')
    const events: StoredEvent[] = []
    this.#loaded.set(
      consumer,
      entries.map(([id]) => id)
    )
    for (const [, fields] of entries) {
      const json = fields[fields.indexOf('e') + 1]
      if (json === undefined) continue
      try {
        events.push(JSON.parse(json) as StoredEvent)
      } catch {
        this.#fail(new Error(`unreadable stored event in ${consumer}`))
      }
    }
    return events
  }

  /** @returns the consumer keys that have a stream */
  async consumers(): Promise<string[]> {
    return this.#client.smembers(this.#keys.consumers)
  }

  /**
   * Deletes the entries `load` returned (they were re-queued and re-appended under new ids). Done
   * after the re-append, so a crash in between leaves duplicates, never a loss.
   */
  dropLoaded(consumer: string): void {
    const ids = this.#loaded.get(consumer) ?? []
    this.#loaded.delete(consumer)
    this.#known.add(consumer)
    if (ids.length > 0) this.#track(this.#client.xdel(this.#keys.events(consumer), ...ids))
  }

  /** Deletes a consumer's stream whatever the detach state (restore, orphan clean-up). */
  async purge(consumer: string): Promise<void> {
    await this.#client
      .multi()
      .del(this.#keys.events(consumer))
      .srem(this.#keys.consumers, consumer)
      .exec()
    this.#known.delete(consumer)
    this.#ids.delete(consumer)
  }

  dropConsumer(consumer: string): void {
    if (this.#detached) return
    this.#ids.delete(consumer)
    this.#known.delete(consumer)
    this.#track(
      this.#client
        .multi()
        .del(this.#keys.events(consumer))
        .srem(this.#keys.consumers, consumer)
        .exec()
    )
  }

  /** Stops mirroring; the connection belongs to the lab. Idempotent. */
  close(): Promise<void> {
    this.#detached = true
    return Promise.resolve()
  }

  #delete(consumer: string, seq: number): void {
    if (this.#detached) return
    const ids = this.#ids.get(consumer)
    const id = ids?.get(seq)
    if (ids === undefined || id === undefined) return
    ids.delete(seq)
    this.#track(this.#client.xdel(this.#keys.events(consumer), id))
  }

  #track(op: Promise<unknown>): void {
    this.#pending++
    op.then(
      () => this.#settled(),
      (err: unknown) => {
        this.#fail(err instanceof Error ? err : new Error(String(err)))
        this.#settled()
      }
    )
  }

  #settled(): void {
    this.#pending--
    if (this.#pending === 0) for (const resolve of this.#idle.splice(0)) resolve()
  }

  #fail(err: Error): void {
    this.#errors++
    this.#lastError = err.message
    this.#onError(err)
  }
}
