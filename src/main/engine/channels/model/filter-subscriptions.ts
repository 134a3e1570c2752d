import type { EventType } from '../event'
import type { FilterLike } from '../filter/filter-like'
import { ALL_TYPES } from './event-types'

/** A filter offering JacORB-style subscription callbacks (the EXTENDED_TCL Filter does). */
interface CallbackFilter extends FilterLike {
  attachCallback(callback: {
    subscriptionChange(added: EventType[], removed: EventType[]): void
  }): number
  detachCallback?(id: number): void
  getAllConstraints?(): { constraint_expression: { event_types: EventType[] } }[]
}

/**
 * The filters of one consumer-facing proxy that drive its subscriptions the JacORB way (digest
 * §2.8): the event types of a wired filter's constraints become the consumer's subscriptions,
 * now and whenever its constraints change, until the filter is removed.
 */
export class FilterSubscriptions {
  /** Filters with a subscription callback attached by this proxy: FilterID → detach. */
  readonly #wired = new Map<number, { types: () => EventType[]; detach: () => void }>()
  readonly #change: (added: EventType[], removed: EventType[]) => void
  readonly #destroyed: () => boolean

  /**
   * @param change - the proxy's subscription_change (throws on malformed types)
   * @param destroyed - true once the proxy is destroyed (late callbacks are then ignored)
   */
  constructor(
    change: (added: EventType[], removed: EventType[]) => void,
    destroyed: () => boolean
  ) {
    this.#change = change
    this.#destroyed = destroyed
  }

  /** FilterIDs currently wired. */
  ids(): number[] {
    return [...this.#wired.keys()]
  }

  /** Wires filter `id` if it supports subscription callbacks; others are left alone. */
  wire(id: number, filter: FilterLike): void {
    const candidate = filter as Partial<CallbackFilter>
    if (typeof candidate.attachCallback !== 'function') return
    const wiredFilter = candidate as CallbackFilter
    const types = (): EventType[] => constraintTypes(wiredFilter)
    const apply = (added: EventType[], removed: EventType[]): void => {
      if (this.#destroyed()) return
      try {
        this.#change(added, removed)
      } catch {
        // A filter reporting a malformed type must not break the filter change itself.
      }
    }
    try {
      const callbackId = wiredFilter.attachCallback({ subscriptionChange: apply })
      this.#wired.set(id, {
        types,
        detach: () => {
          try {
            wiredFilter.detachCallback?.(callbackId)
          } catch {
            // already detached or filter destroyed
          }
        }
      })
      apply(types(), [])
    } catch {
      // A destroyed filter cannot take callbacks; it simply matches nothing.
    }
  }

  /** Unwires filter `id` and withdraws the subscriptions it contributed. */
  unwire(id: number): void {
    const wired = this.#wired.get(id)
    if (wired === undefined) return
    this.#wired.delete(id)
    wired.detach()
    const types = typesQuietly(wired.types)
    if (types.length > 0) this.#change([], types)
  }

  /** Detaches every callback without touching subscriptions (the proxy is being destroyed). */
  detachAll(): void {
    for (const wired of this.#wired.values()) wired.detach()
    this.#wired.clear()
  }
}

/** Reads a filter's types; a destroyed filter contributes none. */
function typesQuietly(read: () => EventType[]): EventType[] {
  try {
    return read()
  } catch {
    return []
  }
}

/** The event types of a filter's constraints; an empty list means all types (§2.7). */
function constraintTypes(filter: CallbackFilter): EventType[] {
  const infos = filter.getAllConstraints?.() ?? []
  return infos.flatMap((info) => {
    const types = info.constraint_expression.event_types
    return types.length === 0 ? [ALL_TYPES] : types
  })
}
