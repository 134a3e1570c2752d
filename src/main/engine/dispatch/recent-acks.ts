import type { DispatchInfo } from '@shared/contract/labs/dispatch'

type Ack = DispatchInfo['collections']['rcvdMsgs']['items'][number]

/**
 * The newest acks of `rcvd_msgs` kept for display, a ring of fixed size (the dispatcher used to
 * unshift into an array, which moved every entry on each ack).
 */
export class RecentAcks {
  readonly #ring: Ack[] = []
  readonly #max: number
  #next = 0

  constructor(max: number) {
    this.#max = max
  }

  push(ack: Ack): void {
    this.#ring[this.#next] = ack
    this.#next = (this.#next + 1) % this.#max
  }

  /** The newest `max` acks, newest first. */
  newest(max: number): Ack[] {
    const out: Ack[] = []
    for (let k = 1; k <= this.#ring.length && out.length < max; k++) {
      const ack = this.#ring[(this.#next - k + this.#max) % this.#max]
      if (ack) out.push(ack)
    }
    return out
  }
}
