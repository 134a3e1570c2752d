import type { CounterInfo } from './info'

/** Mutable event counters behind {@link CounterInfo}. */
export class Counters {
  received = 0
  delivered = 0
  filteredOut = 0
  expired = 0
  rejected = 0
  #discarded = 0
  readonly #discardedBy = new Map<string, number>()

  /** Counts `n` discards under `key` (a PolicyName or a DiscardReason). */
  discard(key: string, n = 1): void {
    this.#discarded += n
    this.#discardedBy.set(key, (this.#discardedBy.get(key) ?? 0) + n)
  }

  /** @returns a plain-JSON copy */
  toInfo(): CounterInfo {
    return {
      received: this.received,
      delivered: this.delivered,
      filteredOut: this.filteredOut,
      discarded: this.#discarded,
      discardedBy: Object.fromEntries(this.#discardedBy),
      expired: this.expired,
      rejected: this.rejected
    }
  }
}
