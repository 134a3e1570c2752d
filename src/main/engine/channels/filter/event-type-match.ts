import type { ChannelEvent, EventType } from '../event'

/** The type of an untyped any event for constraint matching (digest §2.6). */
export const ANY_EVENT_TYPE: Readonly<EventType> = { domain_name: '', type_name: '%ANY' }

/** The canonical "all event types" entry TAO normalises every fully wild pair to (§2.7). */
export const ALL_EVENT_TYPES: Readonly<EventType> = { domain_name: '*', type_name: '%ALL' }

/** The event type a constraint's `event_types` are matched against. */
export function eventTypeOf(event: ChannelEvent): EventType {
  return event.kind === 'structured' ? event.event.header.fixed_header.event_type : ANY_EVENT_TYPE
}

function isWildDomain(domain: string): boolean {
  return domain === '' || domain === '*'
}

function isWildType(type: string): boolean {
  return type === '' || type === '*' || type === '%ALL'
}

/** True for `*`/`""` domain with `*`/`""`/`%ALL` type: the pair matches every event. */
export function isAllEventTypes(type: EventType): boolean {
  return isWildDomain(type.domain_name) && isWildType(type.type_name)
}

/** TAO's normalisation: every fully wild pair becomes `("*", "%ALL")`; others are unchanged. */
export function normalizeEventType(type: EventType): EventType {
  return isAllEventTypes(type)
    ? { ...ALL_EVENT_TYPES }
    : { domain_name: type.domain_name, type_name: type.type_name }
}

/**
 * Glob match where `*` is zero or more characters and everything else is literal and
 * case-sensitive (JacORB's partial wildcards, the digest's recommendation). Greedy with one
 * backtrack point, so it is linear in practice and never exponential.
 */
export function globMatches(pattern: string, text: string): boolean {
  let p = 0
  let t = 0
  let star = -1
  let resume = 0
  while (t < text.length) {
    if (p < pattern.length && pattern[p] !== '*' && pattern[p] === text[t]) {
      p++
      t++
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++
      resume = t
    } else if (star >= 0) {
      p = star + 1
      t = ++resume
    } else {
      return false
    }
  }
  while (pattern[p] === '*') p++
  return p === pattern.length
}

/**
 * Whether one EventTypeSeq entry covers an event type (§2.7): an empty field is a wildcard like
 * `*`, `%ALL` as type name means every type (in the given domain), and `*` elsewhere is a glob.
 *
 * @param pattern - the constraint's or subscription's entry
 * @param actual - the event's type (`("", "%ANY")` for untyped events)
 */
export function eventTypeMatches(pattern: EventType, actual: EventType): boolean {
  const domainOk =
    isWildDomain(pattern.domain_name) || globMatches(pattern.domain_name, actual.domain_name)
  return (
    domainOk && (isWildType(pattern.type_name) || globMatches(pattern.type_name, actual.type_name))
  )
}

/** Whether an EventTypeSeq covers an event type; an empty sequence means all types (§2.7). */
export function eventTypesMatch(patterns: readonly EventType[], actual: EventType): boolean {
  return patterns.length === 0 || patterns.some((p) => eventTypeMatches(p, actual))
}
