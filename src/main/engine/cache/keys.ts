/** Redis key names of one Cache lab run, built here and nowhere else. */
export interface CacheKeys {
  /** `flowlab:<labId>:` — every key of the run starts with it. */
  prefix: string
  /** The hash of one cached entry (fields value, version, dirty). */
  entry(key: string): string
  /** Set of the keys whose entry is dirty (written to the cache, not yet to the database). */
  dirty: string
  /** The write-behind queue (a list of JSON items, oldest first). */
  queue: string
}

export function cacheKeys(labId: string): CacheKeys {
  const prefix = `flowlab:${labId}:`
  return {
    prefix,
    entry: (key) => `${prefix}cache:${key}`,
    dirty: `${prefix}dirty`,
    queue: `${prefix}queue`
  }
}

/** The workload's key names `k1..kK`, by number. */
export function keyName(n: number): string {
  return `k${n}`
}
