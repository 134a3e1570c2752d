import { DISPATCH_SERIES_MAX, type DispatchInfo } from '@shared/contract/labs/dispatch'
import { percentiles } from './checker'

/** Chart series cadence. */
export const SERIES_INTERVAL_MS = 1_000
/** Latency samples kept per series point (reservoir), for its p50/p99. */
const SERIES_LATENCY_SAMPLES_MAX = 2_000

/** The run's chart: one point of throughput and latency per `sample()` (every second). */
export class RunSeries {
  readonly #points: DispatchInfo['series'] = []
  #acks = 0
  #latencies: number[] = []
  #seen = 0
  #faulted = false

  /** A fault was applied during the current point (it is shaded on the chart). */
  markFault(): void {
    this.#faulted = true
  }

  /** Counts one ack; its latency joins the point's reservoir sample. */
  ack(latency: number): void {
    this.#acks++
    this.#seen++
    if (this.#latencies.length < SERIES_LATENCY_SAMPLES_MAX) this.#latencies.push(latency)
    else {
      const j = Math.floor(Math.random() * this.#seen)
      if (j < SERIES_LATENCY_SAMPLES_MAX) this.#latencies[j] = latency
    }
  }

  /**
   * Closes the current point and starts the next. Latency is null for a second without acks (a
   * gap on the chart, not "0 ms"); `faultActive` says a standing fault rule was in effect.
   */
  sample(faultActive = false): void {
    const none = this.#latencies.length === 0
    const [p50, p99] = none
      ? [null, null]
      : percentiles(Float32Array.from(this.#latencies), [50, 99])
    this.#points.push({
      t: Date.now(),
      msgsPerSec: (this.#acks * 1_000) / SERIES_INTERVAL_MS,
      p50Ms: p50 ?? null,
      p99Ms: p99 ?? null,
      fault: faultActive || this.#faulted
    })
    this.#faulted = false
    if (this.#points.length > DISPATCH_SERIES_MAX) this.#points.shift()
    this.#acks = 0
    this.#latencies = []
    this.#seen = 0
  }

  toInfo(): DispatchInfo['series'] {
    return this.#points.slice(-DISPATCH_SERIES_MAX)
  }
}
