import {
  CACHE_SERIES_MAX,
  type CacheLatency,
  type CacheSeriesPoint
} from '@shared/contract/labs/cache'

/** Latency samples kept per kind for the run's percentiles (a uniform reservoir beyond). */
const RESERVOIR = 50_000

/** Workload counters the metrics own (the database and checker add theirs). */
export interface WorkloadCounts {
  reads: number
  writes: number
  hits: number
  misses: number
  failedWrites: number
  failedReads: number
  secondWrites: number
}

interface Bucket {
  hits: number
  misses: number
  ops: number
  reads: number[]
  writes: number[]
  fault: boolean
}

function emptyBucket(): Bucket {
  return { hits: 0, misses: 0, ops: 0, reads: [], writes: [], fault: false }
}

/** p-th percentile of the samples (nearest rank), null without samples. */
export function percentile(samples: readonly number[], p: number): number | null {
  if (samples.length === 0) return null
  const sorted = [...samples].sort((a, b) => a - b)
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return round(sorted[rank] as number)
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100
}

/**
 * Counts, latency percentiles and the per-second chart series of one run. `tickSecond()` closes a
 * point (the run calls it once a second); the series keeps the last CACHE_SERIES_MAX points.
 */
export class RunMetrics {
  readonly counts: WorkloadCounts = {
    reads: 0,
    writes: 0,
    hits: 0,
    misses: 0,
    failedWrites: 0,
    failedReads: 0,
    secondWrites: 0
  }
  readonly series: CacheSeriesPoint[] = []
  readonly #reads: number[] = []
  readonly #writes: number[] = []
  #seenReads = 0
  #seenWrites = 0
  #bucket = emptyBucket()
  #second = 0
  #random: () => number

  constructor(random: () => number) {
    this.#random = random
  }

  read(ms: number, hit: boolean | null): void {
    this.counts.reads++
    if (hit === true) this.counts.hits++
    if (hit === false) this.counts.misses++
    if (hit === true) this.#bucket.hits++
    if (hit === false) this.#bucket.misses++
    this.#bucket.ops++
    this.#bucket.reads.push(ms)
    this.#seenReads = this.#sample(this.#reads, this.#seenReads, ms)
  }

  write(ms: number): void {
    this.counts.writes++
    this.#bucket.ops++
    this.#bucket.writes.push(ms)
    this.#seenWrites = this.#sample(this.#writes, this.#seenWrites, ms)
  }

  /** Marks the current second as having a fault in effect (the chart shades it). */
  markFault(): void {
    this.#bucket.fault = true
  }

  get hitRatio(): number | null {
    const { hits, misses } = this.counts
    return hits + misses === 0 ? null : hits / (hits + misses)
  }

  latency(): CacheLatency {
    return {
      readP50Ms: percentile(this.#reads, 50),
      readP99Ms: percentile(this.#reads, 99),
      writeP50Ms: percentile(this.#writes, 50),
      writeP99Ms: percentile(this.#writes, 99)
    }
  }

  tickSecond(faultActive: boolean): void {
    const b = this.#bucket
    this.#second++
    this.series.push({
      t: this.#second,
      hitRatio: b.hits + b.misses === 0 ? null : b.hits / (b.hits + b.misses),
      readP50Ms: percentile(b.reads, 50),
      readP99Ms: percentile(b.reads, 99),
      writeP99Ms: percentile(b.writes, 99),
      opsPerSec: b.ops,
      fault: b.fault || faultActive
    })
    if (this.series.length > CACHE_SERIES_MAX) this.series.shift()
    this.#bucket = emptyBucket()
  }

  #sample(samples: number[], seen: number, ms: number): number {
    if (samples.length < RESERVOIR) samples.push(ms)
    else {
      const slot = Math.floor(this.#random() * (seen + 1))
      if (slot < RESERVOIR) samples[slot] = ms
    }
    return seen + 1
  }
}
