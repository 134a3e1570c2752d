/**
 * CosNotifyFilter: filter factory, filters and mapping filters over ETCL constraints (digest §4).
 * The channel model sees filters only through FilterLike and MappingFilterLike.
 */
export type { ConstraintExp, ConstraintInfo } from './constraint-exp'
export {
  ALL_EVENT_TYPES,
  ANY_EVENT_TYPE,
  eventTypeMatches,
  eventTypeOf,
  eventTypesMatch,
  globMatches,
  isAllEventTypes,
  normalizeEventType
} from './event-type-match'
export {
  Filter,
  type ConstraintVerdict,
  type FilterOptions,
  type FilterVerdict,
  type NotifySubscribe
} from './filter'
export { FilterError, FilterErrorCode, type FilterErrorDetails } from './filter-error'
export { FilterFactory, SUPPORTED_GRAMMARS } from './filter-factory'
export { groupPasses, hopPasses, type InterFilterGroupOperator } from './filter-group'
export type { FilterLike, MappingFilterLike } from './filter-like'
export {
  isOfValueType,
  MappingFilter,
  valueTypeOf,
  type MappingConstraintInfo,
  type MappingConstraintPair
} from './mapping-filter'
