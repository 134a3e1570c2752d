import type { ChannelEvent, JsonValue } from '../event'

/**
 * What the channel model needs from a filter: an identity and a verdict that never throws (a
 * destroyed filter or a failing constraint is simply "no match", digest §4.2 and §4.5.7).
 */
export interface FilterLike {
  readonly id: number
  match(event: ChannelEvent): boolean
}

/**
 * What the channel model needs from a priority or lifetime mapping filter (digest §4.3): the
 * value of the best matching constraint, or the filter's default value with `matched: false`.
 */
export interface MappingFilterLike {
  readonly id: number
  match(event: ChannelEvent): { matched: boolean; value: JsonValue }
}
