/** Opaque handle of a timer started through a {@link Clock}. */
export type TimerHandle = { readonly __timer: true } | object

/**
 * Time source and timer service of the channel model. Every time-based QoS (Timeout, StartTime,
 * StopTime, PacingInterval, pull polling, push retries) goes through it, so tests and the lab's
 * "step time" control can drive time without sleeping.
 */
export interface Clock {
  /** Current time in ms since the Unix epoch. */
  now(): number
  /** Runs `callback` once after `delayMs` ms (clamped to ≥ 0). */
  setTimer(callback: () => void, delayMs: number): TimerHandle
  /** Cancels a timer; unknown or fired handles are ignored. */
  clearTimer(handle: TimerHandle): void
}

/** The wall clock: `Date.now()` and Node timers. */
export class SystemClock implements Clock {
  /** @returns ms since the Unix epoch */
  now(): number {
    return Date.now()
  }

  /** Starts a Node timer. */
  setTimer(callback: () => void, delayMs: number): TimerHandle {
    return setTimeout(callback, Math.max(0, delayMs))
  }

  /** Clears a Node timer started by {@link SystemClock.setTimer}. */
  clearTimer(handle: TimerHandle): void {
    clearTimeout(handle as ReturnType<typeof setTimeout>)
  }
}
