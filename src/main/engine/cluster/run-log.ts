import type { AckRecord } from './checker'

/** Ack latencies kept for the percentiles. */
const LATENCY_SAMPLE_MAX = 10_000

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
  /** Ack latencies (send of the acknowledged attempt → ack), a uniform sample of at most 10,000. */
  readonly #latencies: number[] = []
  #latencySeen = 0
  #nextId = 1
  #slots = 0
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

  /** The next send slot of a paced run (1, 2, …). */
  slot(): number {
    return ++this.#slots
  }

  /** Ids are left to hand out. */
  get hasMore(): boolean {
    return this.#nextId <= this.#total
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

  /** One acknowledged attempt's latency, in ms (reservoir sampling keeps the sample bounded). */
  latency(ms: number): void {
    this.#latencySeen++
    if (this.#latencies.length < LATENCY_SAMPLE_MAX) this.#latencies.push(ms)
    else {
      const i = Math.floor(Math.random() * this.#latencySeen)
      if (i < LATENCY_SAMPLE_MAX) this.#latencies[i] = ms
    }
  }

  /** p50 and p99 of the ack latency, in ms (null before the first ack). */
  percentiles(): { p50Ms: number | null; p99Ms: number | null } {
    if (this.#latencies.length === 0) return { p50Ms: null, p99Ms: null }
    const sorted = [...this.#latencies].sort((a, b) => a - b)
    const at = (q: number): number =>
      Math.round((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0) * 100) /
      100
    return { p50Ms: at(0.5), p99Ms: at(0.99) }
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
