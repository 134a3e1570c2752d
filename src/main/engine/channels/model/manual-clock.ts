import type { Clock, TimerHandle } from './clock'

interface ManualTimer {
  readonly id: number
  readonly dueMs: number
  readonly callback: () => void
}

/** Lets every pending promise continuation run (one macrotask turn drains the microtask queue). */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

/**
 * A {@link Clock} that only moves when told to. Timers fire in due order (ties in creation order)
 * inside {@link ManualClock.advance}, with pending promise continuations settled after each, so
 * asynchronous deliveries triggered by a timer complete before the next timer runs.
 */
export class ManualClock implements Clock {
  #nowMs: number
  #nextId = 1
  #timers = new Map<number, ManualTimer>()

  /** @param startMs - initial time in ms since the Unix epoch */
  constructor(startMs = Date.UTC(2026, 0, 1)) {
    this.#nowMs = startMs
  }

  /** @returns the simulated time in ms since the Unix epoch */
  now(): number {
    return this.#nowMs
  }

  /** Registers a timer due at `now() + delayMs`. */
  setTimer(callback: () => void, delayMs: number): TimerHandle {
    const id = this.#nextId++
    this.#timers.set(id, { id, dueMs: this.#nowMs + Math.max(0, delayMs), callback })
    return { id }
  }

  /** Cancels a timer. */
  clearTimer(handle: TimerHandle): void {
    const id = (handle as { id?: unknown }).id
    if (typeof id === 'number') this.#timers.delete(id)
  }

  /** Number of timers not yet fired or cleared. */
  get pendingTimers(): number {
    return this.#timers.size
  }

  /**
   * Moves time forward by `ms`, firing every timer that falls due on the way (including timers
   * that those timers start), settling promise continuations after each.
   * @returns when time has reached `now() + ms` and everything due has run
   */
  async advance(ms: number): Promise<void> {
    const targetMs = this.#nowMs + Math.max(0, ms)
    await settle()
    for (;;) {
      const next = this.#nextDue(targetMs)
      if (next === undefined) break
      this.#timers.delete(next.id)
      this.#nowMs = Math.max(this.#nowMs, next.dueMs)
      next.callback()
      await settle()
    }
    this.#nowMs = targetMs
    await settle()
  }

  #nextDue(limitMs: number): ManualTimer | undefined {
    let best: ManualTimer | undefined
    for (const timer of this.#timers.values()) {
      if (timer.dueMs > limitMs) continue
      if (best === undefined || timer.dueMs < best.dueMs) best = timer
    }
    return best
  }
}
