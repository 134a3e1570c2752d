import type { EventType } from '../event'
import { ALL_TYPES, eventTypeKey, normalizeEventType } from './event-types'

/** What a change actually did to a set: the types really added and really removed. */
export interface EventTypeDelta {
  added: EventType[]
  removed: EventType[]
}

const ALL_KEY = eventTypeKey(ALL_TYPES)

/**
 * The offers of one supplier or the subscriptions of one consumer, with TAO's `%ALL` bookkeeping
 * (digest §2.8, cases 1–6). Starts empty: nothing is offered or subscribed until a client says so
 * (JacORB); filters stay authoritative for delivery, this information is advisory.
 */
export class EventTypeSet {
  readonly #types = new Map<string, EventType>()

  /** @returns the current types, normalised */
  values(): EventType[] {
    return [...this.#types.values()]
  }

  /** Number of types in the set. */
  get size(): number {
    return this.#types.size
  }

  /**
   * Applies `(added, removed)` per the six %ALL cases.
   * @returns the effective delta (to feed the channel's aggregate counts)
   */
  change(added: readonly EventType[], removed: readonly EventType[]): EventTypeDelta {
    const a = dedupe(added)
    let r = dedupe(removed)
    const hasAll = this.#types.has(ALL_KEY)
    const aAll = a.has(ALL_KEY)
    const rAll = r.has(ALL_KEY)
    if (hasAll && aAll) return { added: [], removed: [] } // case 1
    if (hasAll && a.size > 0) {
      // case 2: the wildcard is replaced by the specific types
      this.#types.clear()
      for (const [k, t] of a) this.#types.set(k, t)
      return { added: [...a.values()], removed: [ALL_TYPES] }
    }
    if (hasAll) {
      // case 3: only removing %ALL itself does anything
      if (!rAll) return { added: [], removed: [] }
      this.#types.clear()
      return { added: [], removed: [ALL_TYPES] }
    }
    if (aAll && rAll) return { added: [], removed: [] } // case 4
    if (aAll) {
      // case 5: everything specific is superseded by %ALL
      const previous = [...this.#types.values()]
      this.#types.clear()
      this.#types.set(ALL_KEY, ALL_TYPES)
      return { added: [ALL_TYPES], removed: previous }
    }
    // case 6
    if (rAll) r = new Map(this.#types)
    const delta: EventTypeDelta = { added: [], removed: [] }
    for (const [k, t] of a) {
      if (r.has(k)) {
        r.delete(k)
        continue
      }
      if (!this.#types.has(k)) {
        this.#types.set(k, t)
        delta.added.push(t)
      }
    }
    for (const [k, t] of r) {
      if (a.has(k)) continue
      if (this.#types.delete(k)) delta.removed.push(t)
    }
    return delta
  }

  /** Empties the set. @returns what it held (as a removal delta) */
  clear(): EventType[] {
    const all = [...this.#types.values()]
    this.#types.clear()
    return all
  }
}

function dedupe(types: readonly EventType[]): Map<string, EventType> {
  const map = new Map<string, EventType>()
  for (const t of types) map.set(eventTypeKey(t), normalizeEventType(t))
  return map
}
