/**
 * The worker's crash fault: which point it dies at and how often. A crash is armed when the Nth
 * message arrives and fires at the first message reaching its point; the worker then dies as a
 * crash does (SIGKILL). Only relative imports: this file is loaded in the worker process.
 */
import type { CrashPoint } from '../../../shared/contract/labs/dispatch'
import { CRASH_POINTS } from '../../../shared/contract/labs/dispatch'

export class WorkerCrash {
  #at: CrashPoint | null
  /** Crash on every Nth handled message; 0 = on the next one (once). */
  #every: number
  #handled = 0
  #armed = false

  constructor(at: CrashPoint | null, every: number) {
    this.#at = at
    this.#every = every
    if (at && every === 0) this.#armed = true
  }

  /**
   * True when a crash is armed or the next request arms one: from that request on, a burst is
   * handled one by one so a crash point keeps its per-message meaning.
   */
  get ahead(): boolean {
    return (
      this.#armed ||
      (this.#at !== null && this.#every > 0 && (this.#handled + 1) % this.#every === 0)
    )
  }

  /** Counts a request handled in a burst (only while no crash is {@link ahead}). */
  countBatched(): void {
    this.#handled++
  }

  /** Counts a request handled on its own, arming the crash on every Nth. */
  countOne(): void {
    this.#handled++
    if (this.#at && this.#every > 0 && this.#handled % this.#every === 0) this.#armed = true
  }

  /** True, once, when the armed crash is for `point` (the caller then dies). */
  fires(point: CrashPoint): boolean {
    if (!this.#armed || this.#at !== point) return false
    this.#armed = false
    return true
  }

  /** Applies the crash fields of a control message (absent fields stay as they are). */
  configure(crashAt: string | null | undefined, crashEvery: number | undefined): void {
    if (crashEvery !== undefined) this.#every = crashEvery
    if (crashAt !== undefined) {
      this.#at = (CRASH_POINTS as readonly string[]).includes(crashAt ?? '')
        ? (crashAt as CrashPoint)
        : null
      this.#armed = this.#at !== null && this.#every === 0
      this.#handled = 0
    }
  }
}
