import { DbDownError } from './db-down-error'

/** Resolves after `ms` (the engine's own pacing and latency, never a test's synchronisation). */
export function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve()
}

/** Pause between attempts of a flush that must happen (final flush, eviction). */
const RETRY_MS = 50
/** Attempts for other failures (a cache that is restarting) before giving up. */
const OTHER_ATTEMPTS = 200

/**
 * Runs `op` until it succeeds: as long as the database is down (a down period always ends), and a
 * bounded number of times for anything else (Redis coming back after a crash).
 */
export async function untilDone<T>(op: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await op()
    } catch (err) {
      if (!(err instanceof DbDownError) && attempt >= OTHER_ATTEMPTS) throw err
      await sleep(RETRY_MS)
    }
  }
}
