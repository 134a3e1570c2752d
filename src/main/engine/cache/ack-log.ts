/** Who wrote: a workload client through the strategy, or the second writer (database only). */
export type WriteSource = 'client' | 'second'

/** One acknowledged write. */
export interface AckedWrite {
  key: string
  value: string
  version: number
  source: WriteSource
  /** Wall-clock ms of the acknowledgement. */
  at: number
  /** Order of events in the run (the process is single-threaded, so this order is exact). */
  seq: number
}

/** One read that returned an older version than the newest acknowledged before it began. */
export interface StaleRead {
  key: string
  version: number
  expected: AckedWrite
  /** Wall-clock ms the read began. */
  at: number
  seq: number
}

/** A moment the cache lost (or may have lost) its memory. */
export interface CacheLoss {
  at: number
  seq: number
  /** Dirty entries and queued writes just before. */
  dirty: number
  queued: number
}

/**
 * Ground truth of one run as the workload saw it: the per-key version counter (the lab allocates
 * every version, the second writer's too), every acknowledged write, stale reads (detected live:
 * the read's expectation is taken when it begins), and the events the checker explains them by.
 * Bounded by the run's `ops` (a write per operation at most, plus second-writer writes).
 */
export class AckLog {
  readonly writes: AckedWrite[] = []
  readonly staleReads: StaleRead[] = []
  readonly losses: CacheLoss[] = []
  /** Dirty entries dropped by an expiry before they reached the database. */
  readonly expiries: { key: string; version: number; at: number; seq: number }[] = []
  /** Writes a crashed flusher held (`key:version`). */
  readonly flusherLost = new Set<string>()
  /** Database-down periods [from, to] (wall-clock ms; `to` null while down). */
  readonly dbDown: { from: number; to: number | null }[] = []
  readonly #versions = new Map<string, number>()
  readonly #newest = new Map<string, AckedWrite>()
  #seq = 0

  /** The next version of `key` (strictly increasing per key; the seed is version 0). */
  nextVersion(key: string): number {
    const version = (this.#versions.get(key) ?? 0) + 1
    this.#versions.set(key, version)
    return version
  }

  /** Event order stamp. */
  tick(): number {
    return ++this.#seq
  }

  /** The newest acknowledged write of `key` so far (what a read beginning now must see). */
  newest(key: string): AckedWrite | undefined {
    return this.#newest.get(key)
  }

  ack(write: Omit<AckedWrite, 'seq'>): void {
    const record = { ...write, seq: this.tick() }
    this.writes.push(record)
    const newest = this.#newest.get(write.key)
    if (!newest || newest.version < write.version) this.#newest.set(write.key, record)
  }

  /** Records a read given what was newest when it began; true when it was stale. */
  read(key: string, version: number, expected: AckedWrite | undefined, at: number): boolean {
    if (!expected || version >= expected.version) return false
    this.staleReads.push({ key, version, expected, at, seq: this.tick() })
    return true
  }

  /** A dirty entry holding `version` of `key` expired (was deleted unflushed). */
  expiredDirty(key: string, version: number, at: number): void {
    this.expiries.push({ key, version, at, seq: this.tick() })
  }

  loss(at: number, dirty: number, queued: number): void {
    this.losses.push({ at, seq: this.tick(), dirty, queued })
  }

  /** The newest acknowledged write per key (the report's `lastAcked`). */
  lastAcked(): Record<string, { value: string; version: number }> {
    const out: Record<string, { value: string; version: number }> = {}
    for (const [key, write] of this.#newest)
      out[key] = { value: write.value, version: write.version }
    return out
  }
}
