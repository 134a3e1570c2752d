import type { AckRecord } from './checker'

/**
 * What a run records as it goes, bounded by the run's message count: every acknowledged message
 * (the attempt acknowledged and by which node), attempts per message, failures, and what the
 * consumer group delivered, per partition.
 */
export class RunLog {
  readonly acks: AckRecord[] = []
  readonly attempts = new Map<number, number>()
  /** Messages whose every attempt failed. */
  failed = 0
  /** Write attempts sent. */
  produced = 0
  readonly ackedPer: number[]
  readonly consumed: Array<Array<{ id: number; streamId: string }>>
  readonly consumedPer: number[]
  /** The last error a failed attempt saw, for the panel. */
  lastError: string | null = null
  #nextId = 1
  readonly #total: number
  readonly #onAck: (acked: number) => void

  constructor(partitions: number, total: number, onAck: (acked: number) => void) {
    this.ackedPer = new Array<number>(partitions).fill(0)
    this.consumedPer = new Array<number>(partitions).fill(0)
    this.consumed = Array.from({ length: partitions }, () => [])
    this.#total = total
    this.#onAck = onAck
  }

  /** The next message id to send, or null when every message has been taken. */
  take(): number | null {
    if (this.#nextId > this.#total) return null
    return this.#nextId++
  }

  /** Stops handing out ids (the run was stopped). */
  drain(): void {
    this.#nextId = this.#total + 1
  }

  attempt(id: number): number {
    const n = (this.attempts.get(id) ?? 0) + 1
    this.attempts.set(id, n)
    this.produced++
    return n
  }

  ack(record: AckRecord): void {
    this.acks.push(record)
    this.ackedPer[record.partition] = (this.ackedPer[record.partition] ?? 0) + 1
    this.#onAck(this.acks.length)
  }

  fail(error: string): void {
    this.failed++
    this.lastError = error
  }

  deliver(partition: number, id: number, streamId: string): void {
    this.consumed[partition]?.push({ id, streamId })
    this.consumedPer[partition] = (this.consumedPer[partition] ?? 0) + 1
  }

  get settledCount(): number {
    return this.acks.length + this.failed
  }
}
