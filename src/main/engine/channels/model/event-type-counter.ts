import type { EventType } from '../event'
import type { EventTypeDelta } from './event-type-set'
import { eventTypeKey, normalizeEventType, sortEventTypes } from './event-types'

/**
 * The channel's aggregate of offers (or subscriptions): a reference count per event type over all
 * suppliers (or consumers). A type is *added* to the aggregate when its count goes 0→1 and
 * *removed* when it goes 1→0 (digest §2.8).
 */
export class EventTypeCounter {
  readonly #counts = new Map<string, { type: EventType; count: number }>()

  /**
   * Applies one member's delta.
   * @returns the change of the aggregate (empty lists when nothing crossed 0)
   */
  apply(delta: EventTypeDelta): EventTypeDelta {
    const out: EventTypeDelta = { added: [], removed: [] }
    for (const t of delta.added) {
      const key = eventTypeKey(t)
      const entry = this.#counts.get(key)
      if (entry === undefined) {
        this.#counts.set(key, { type: normalizeEventType(t), count: 1 })
        out.added.push(normalizeEventType(t))
      } else entry.count++
    }
    for (const t of delta.removed) {
      const key = eventTypeKey(t)
      const entry = this.#counts.get(key)
      if (entry === undefined) continue
      entry.count--
      if (entry.count <= 0) {
        this.#counts.delete(key)
        out.removed.push(entry.type)
      }
    }
    return out
  }

  /** @returns every type with a positive count, sorted */
  values(): EventType[] {
    return sortEventTypes([...this.#counts.values()].map((e) => e.type))
  }
}
