type Frames = (Buffer | string)[] | Buffer | string

/** What SendQueue needs of a ZeroMQ socket (Dealer, Router, Push … all have it). */
export interface Sendable {
  send(message: never): Promise<void>
}

/**
 * The one way to send on a ZeroMQ socket: zeromq.js allows a single pending `send()` per socket
 * (a second throws EBUSY), so every sender pushes here and one pump awaits the sends in order.
 * Bounded: `push` returns false when `max` messages wait, and the caller waits for `room()` (a
 * receive loop that forwards stops reading, which is the backpressure) or drops and counts.
 */
export class SendQueue {
  readonly #socket: Sendable
  readonly #max: number
  readonly #onError: (err: Error) => void
  #items: (Frames | undefined)[] = []
  #head = 0
  #pumping = false
  #closed = false
  #waiters: (() => void)[] = []

  constructor(socket: Sendable, max: number, onError: (err: Error) => void) {
    this.#socket = socket
    this.#max = max
    this.#onError = onError
  }

  /** Messages waiting to be sent. */
  get length(): number {
    return this.#items.length - this.#head
  }

  /** Queues a message; false when full (nothing queued). */
  push(frames: Frames): boolean {
    if (this.#closed) return true
    if (this.length >= this.#max) return false
    this.#items.push(frames)
    if (!this.#pumping) void this.#pump()
    return true
  }

  /** Resolves when there is room again (at once if there is). */
  room(): Promise<void> {
    if (this.length < this.#max || this.#closed) return Promise.resolve()
    return new Promise((resolve) => this.#waiters.push(resolve))
  }

  /** Forgets what is queued and wakes waiters; later pushes are ignored. */
  close(): void {
    this.#closed = true
    this.#items = []
    this.#head = 0
    for (const w of this.#waiters.splice(0)) w()
  }

  async #pump(): Promise<void> {
    this.#pumping = true
    try {
      while (this.#head < this.#items.length && !this.#closed) {
        const frames = this.#items[this.#head] as Frames
        this.#items[this.#head++] = undefined
        if (this.#head > 1_024 && this.#head * 2 > this.#items.length) {
          this.#items = this.#items.slice(this.#head)
          this.#head = 0
        }
        await this.#socket.send(frames as never)
        if (this.#waiters.length > 0 && this.length < this.#max) {
          for (const w of this.#waiters.splice(0)) w()
        }
      }
      if (this.#head === this.#items.length) {
        this.#items = []
        this.#head = 0
      }
    } catch (err) {
      if (!this.#closed) this.#onError(err as Error)
    } finally {
      this.#pumping = false
    }
    // A push that raced with the end of the loop above.
    if (!this.#closed && this.length > 0) void this.#pump()
  }
}
