type Fn = (...args: never[]) => void

/**
 * Minimal typed event emitter. Listener exceptions are caught so that an observer can never break
 * the channel; they are reported through `onListenerError`.
 */
export class TypedEmitter<L extends { [K in keyof L]: Fn }> {
  readonly #listeners = new Map<keyof L, Set<Fn>>()
  readonly #onListenerError: (err: unknown) => void

  /** @param onListenerError - called when a listener throws */
  constructor(onListenerError: (err: unknown) => void = () => {}) {
    this.#onListenerError = onListenerError
  }

  /** Registers a listener. */
  on<K extends keyof L>(event: K, listener: L[K]): void {
    let set = this.#listeners.get(event)
    if (set === undefined) {
      set = new Set()
      this.#listeners.set(event, set)
    }
    set.add(listener)
  }

  /** Removes a listener registered with {@link TypedEmitter.on}. */
  off<K extends keyof L>(event: K, listener: L[K]): void {
    this.#listeners.get(event)?.delete(listener)
  }

  /** @returns how many listeners `event` has */
  listenerCount<K extends keyof L>(event: K): number {
    return this.#listeners.get(event)?.size ?? 0
  }

  /** Calls every listener of `event` with `args`. */
  emit<K extends keyof L>(event: K, ...args: Parameters<L[K]>): void {
    const set = this.#listeners.get(event)
    if (set === undefined) return
    for (const listener of [...set]) {
      try {
        ;(listener as (...a: Parameters<L[K]>) => void)(...args)
      } catch (err) {
        this.#onListenerError(err)
      }
    }
  }

  /** Drops every listener. */
  clear(): void {
    this.#listeners.clear()
  }
}
