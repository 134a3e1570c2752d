/**
 * Events as the Channels lab carries them, in the JSON form the CLI, the remote protocol and the
 * UI's sample events use (issue #4). A CORBA `any` is modelled as a JSON value: integral numbers
 * are `long`, other numbers `double`, arrays are sequences, objects are structs.
 */

/** Any JSON value; the lab's stand-in for a CORBA `any`. */
export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue }

/** CosNotification::EventType. `*` (or empty) is a wildcard in constraints and subscriptions. */
export interface EventType {
  domain_name: string
  type_name: string
}

/** CosNotification::Property: a name/value pair; the first occurrence of a name wins on lookup. */
export interface Property {
  name: string
  value: JsonValue
}

/** CosNotification::StructuredEvent (digest §2.6). */
export interface StructuredEvent {
  header: {
    fixed_header: { event_type: EventType; event_name: string }
    /** Per-event QoS such as Priority, Timeout, StartTime, StopTime, EventReliability. */
    variable_header: Property[]
  }
  /** Name/value pairs meant for filtering. */
  filterable_data: Property[]
  /** Opaque payload. */
  remainder_of_body: JsonValue
}

/**
 * One event inside a channel: either an untyped `any` (CosEvent push/pull) or a structured event.
 * Sequence suppliers and consumers move arrays of structured events; each one is a `structured`
 * ChannelEvent inside the channel.
 */
export type ChannelEvent =
  { kind: 'any'; data: JsonValue } | { kind: 'structured'; event: StructuredEvent }
