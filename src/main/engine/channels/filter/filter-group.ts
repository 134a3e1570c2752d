import type { ChannelEvent } from '../event'
import type { FilterLike } from './filter-like'

/** An admin's MyOperator (CosNotifyChannelAdmin::InterFilterGroupOperator). */
export type InterFilterGroupOperator = 'AND_OP' | 'OR_OP'

/**
 * One filter group — the filters of one admin or one proxy (digest §4.2 rule 3): passes when it
 * has no filters or at least one of them matches. Filters never throw from match, so a broken
 * filter simply counts as non-matching.
 */
export function groupPasses(filters: readonly FilterLike[], event: ChannelEvent): boolean {
  return filters.length === 0 || filters.some((f) => f.match(event))
}

/**
 * One hop, admin group combined with proxy group by the admin's operator (§4.2 rule 4). Note the
 * pitfall of the truth table: with OR_OP an admin without filters passes everything, so the
 * proxy's filters are bypassed.
 */
export function hopPasses(
  operator: InterFilterGroupOperator,
  adminFilters: readonly FilterLike[],
  proxyFilters: readonly FilterLike[],
  event: ChannelEvent
): boolean {
  if (operator === 'AND_OP') {
    return groupPasses(adminFilters, event) && groupPasses(proxyFilters, event)
  }
  return groupPasses(adminFilters, event) || groupPasses(proxyFilters, event)
}
