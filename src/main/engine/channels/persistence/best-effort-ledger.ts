import type { Redis } from 'ioredis'
import {
  InMemoryEventStore,
  type EventStore,
  type StoredEvent,
  type StoreRemovalReason
} from '../model'
import type { ChannelsKeys } from './keys'

/**
 * The BestEffort {@link EventStore}: events live in memory only (an InMemoryEventStore), and
 * nothing of them survives a crash. What this wrapper adds is the count: how many best-effort
 * events each consumer has queued, mirrored into one Redis hash so that the next start can say
 * how many were lost ("the UI says so", issue 4 acceptance 3).
 *
 * The hash is rewritten coalesced: at most one write in flight, the next one carrying whatever
 * changed meanwhile, so at full speed the cost is one small write per Redis round trip, never one
 * per event. After a SIGKILL the count is at most one round trip stale.
 */
export class BestEffortLedger implements EventStore {
  readonly #memory = new InMemoryEventStore()
  readonly #client: Redis | null
  readonly #keys: ChannelsKeys
  readonly #onError: (err: Error) => void
  readonly #counts = new Map<string, number>()
  readonly #changed = new Set<string>()
  #writing: Promise<void> | null = null
  #detached = false

  /**
   * @param client - command connection, or null without Redis (then only memory)
   * @param keys - key names
   * @param onError - told of failed writes
   */
  constructor(client: Redis | null, keys: ChannelsKeys, onError: (err: Error) => void) {
    this.#client = client
    this.#keys = keys
    this.#onError = onError
  }

  /** Best-effort events queued now, over all consumers. */
  get total(): number {
    let n = 0
    for (const c of this.#counts.values()) n += c
    return n
  }

  /** Stops counting (the in-memory channels are about to be torn down). */
  detach(): void {
    this.#detached = true
  }

  /** Resolves when the Redis hash reflects the current counts. */
  async flushed(): Promise<void> {
    if (this.#client === null) return
    while (this.#writing !== null || this.#changed.size > 0) {
      if (this.#writing === null) this.#schedule()
      await this.#writing
    }
  }

  append(consumer: string, event: StoredEvent): void {
    this.#memory.append(consumer, event)
    this.#bump(consumer, 1)
  }

  ack(consumer: string, seq: number): void {
    this.#memory.ack(consumer, seq)
    this.#bump(consumer, -1)
  }

  remove(consumer: string, seq: number, _reason: StoreRemovalReason): void {
    this.#memory.remove(consumer, seq)
    this.#bump(consumer, -1)
  }

  load(consumer: string): StoredEvent[] {
    return this.#memory.load(consumer)
  }

  dropConsumer(consumer: string): void {
    this.#memory.dropConsumer(consumer)
    if (this.#detached) return
    this.#counts.set(consumer, 0)
    this.#changed.add(consumer)
    this.#schedule()
  }

  close(): Promise<void> {
    this.#detached = true
    return this.#memory.close()
  }

  #bump(consumer: string, delta: number): void {
    if (this.#detached) return
    const next = Math.max(0, (this.#counts.get(consumer) ?? 0) + delta)
    this.#counts.set(consumer, next)
    this.#changed.add(consumer)
    this.#schedule()
  }

  #schedule(): void {
    if (this.#writing !== null || this.#client === null || this.#changed.size === 0) return
    const client = this.#client
    // `finally` runs after the assignment even when the body throws synchronously.
    const write = async (): Promise<void> => {
      try {
        while (this.#changed.size > 0) {
          const batch = [...this.#changed]
          this.#changed.clear()
          const multi = client.multi()
          for (const consumer of batch) {
            const n = this.#counts.get(consumer) ?? 0
            if (n > 0) multi.hset(this.#keys.bestEffort, consumer, n)
            else {
              multi.hdel(this.#keys.bestEffort, consumer)
              this.#counts.delete(consumer)
            }
          }
          await multi.exec()
        }
      } catch (err) {
        this.#onError(err instanceof Error ? err : new Error(String(err)))
      }
    }
    this.#writing = write().finally(() => {
      this.#writing = null
    })
  }
}
