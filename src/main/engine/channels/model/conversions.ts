import type { ChannelEvent, JsonValue, Property, StructuredEvent } from '../event'
import { ANY_EVENT_TYPE } from './event-types'

/**
 * Flavour conversions performed when supplier and consumer flavours differ (digest §2.6). They
 * copy, so a consumer can never mutate what other consumers receive.
 */

/** Any → Structured: the `("", "%ANY")` wrapper with the original any as remainder_of_body. */
export function toStructuredEvent(event: ChannelEvent): StructuredEvent {
  if (event.kind === 'structured') return structuredClone(event.event)
  return {
    header: {
      fixed_header: { event_type: { ...ANY_EVENT_TYPE }, event_name: '' },
      variable_header: []
    },
    filterable_data: [],
    remainder_of_body: structuredClone(event.data)
  }
}

/** Structured → Any: the whole StructuredEvent inserted into an any (as its JSON form). */
export function toAnyValue(event: ChannelEvent): JsonValue {
  if (event.kind === 'any') return structuredClone(event.data)
  return structuredToJson(event.event)
}

/** The JSON form of a StructuredEvent (a plain object, assignable to JsonValue). */
export function structuredToJson(event: StructuredEvent): JsonValue {
  const props = (list: Property[]): JsonValue =>
    list.map((p) => ({ name: p.name, value: structuredClone(p.value) }))
  return {
    header: {
      fixed_header: {
        event_type: {
          domain_name: event.header.fixed_header.event_type.domain_name,
          type_name: event.header.fixed_header.event_type.type_name
        },
        event_name: event.header.fixed_header.event_name
      },
      variable_header: props(event.header.variable_header)
    },
    filterable_data: props(event.filterable_data),
    remainder_of_body: structuredClone(event.remainder_of_body)
  }
}

/** First occurrence of a variable_header property (§2.6), or undefined (also for any events). */
export function headerValue(event: ChannelEvent, name: string): JsonValue | undefined {
  if (event.kind !== 'structured') return undefined
  return event.event.header.variable_header.find((p) => p.name === name)?.value
}
