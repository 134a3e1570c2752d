import type { ChannelEvent } from '../event'
import type { FilterLike } from '../filter/filter-like'
import { NotifyError, NotifyErrorCode } from './notify-error'

/**
 * CosNotifyFilter::FilterAdmin: the filter group of one admin or proxy (digest §4.1, §4.2).
 * Filters are independent, possibly shared objects: the group only holds references and never
 * destroys them. FilterIDs are unique per owner and never reused.
 */
export class FilterAdmin {
  readonly #filters = new Map<number, FilterLike>()
  #nextId = 1

  /**
   * Attaches a filter.
   * @returns the FilterID of this attachment
   * @throws NotifyError BAD_PARAM for a nil filter
   */
  add_filter(filter: FilterLike | null | undefined): number {
    if (filter === null || filter === undefined || typeof filter.match !== 'function') {
      throw new NotifyError(NotifyErrorCode.BAD_PARAM, 'add_filter needs a filter')
    }
    const id = this.#nextId++
    this.#filters.set(id, filter)
    return id
  }

  /** Detaches a filter. @throws NotifyError FilterNotFound */
  remove_filter(id: number): void {
    if (!this.#filters.delete(id)) throw filterNotFound(id)
  }

  /** @returns the filter attached under `id` @throws NotifyError FilterNotFound */
  get_filter(id: number): FilterLike {
    const filter = this.#filters.get(id)
    if (filter === undefined) throw filterNotFound(id)
    return filter
  }

  /** @returns the FilterIDs of all attached filters, in attachment order */
  get_all_filters(): number[] {
    return [...this.#filters.keys()]
  }

  /** Detaches every filter. */
  remove_all_filters(): void {
    this.#filters.clear()
  }

  /** Number of attached filters. */
  get size(): number {
    return this.#filters.size
  }

  /**
   * Group verdict (§4.2 rule 3): passes when no filter is attached or at least one matches; a
   * filter that throws counts as not matching.
   */
  passes(event: ChannelEvent): boolean {
    if (this.#filters.size === 0) return true
    for (const filter of this.#filters.values()) {
      try {
        if (filter.match(event)) return true
      } catch {
        // A failing (e.g. destroyed) filter is treated as non-matching (§4.1, §4.2).
      }
    }
    return false
  }
}

function filterNotFound(id: number): NotifyError {
  return new NotifyError(NotifyErrorCode.FILTER_NOT_FOUND, `no filter with id ${id}`)
}
