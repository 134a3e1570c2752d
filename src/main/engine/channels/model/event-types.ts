import type { ChannelEvent, EventType } from '../event'
import { NotifyError, NotifyErrorCode } from './notify-error'

/** Canonical "all event types" entry (digest §2.7). */
export const ALL_TYPES: EventType = { domain_name: '*', type_name: '%ALL' }

/** Event type of untyped (Any) events for matching and conversions (§2.6). */
export const ANY_EVENT_TYPE: EventType = { domain_name: '', type_name: '%ANY' }

const SPECIAL_TYPE_NAMES = new Set(['%ALL', '%ANY', '%TYPED'])

/**
 * Normalises an EventType the way TAO does (§2.7): an empty field is the wildcard `*`, and any
 * fully wild pair is the canonical `("*", "%ALL")`.
 */
export function normalizeEventType(type: EventType): EventType {
  const domain = type.domain_name === '' ? '*' : type.domain_name
  const name = type.type_name === '' ? '*' : type.type_name
  if (domain === '*' && (name === '*' || name === '%ALL')) return ALL_TYPES
  return { domain_name: domain, type_name: name }
}

/** Stable map key of a normalised EventType. */
export function eventTypeKey(type: EventType): string {
  const n = normalizeEventType(type)
  return `${n.domain_name}\u0000${n.type_name}`
}

/**
 * Validates the EventTypeSeq of an offer_change/subscription_change (§2.8).
 * @throws NotifyError InvalidEventType for the first malformed entry: non-string fields, a `%`
 *   type name other than %ALL/%ANY/%TYPED, or %ALL with a concrete domain
 */
export function assertValidEventTypes(types: readonly EventType[]): void {
  for (const type of types) {
    const domain = (type as { domain_name?: unknown } | null)?.domain_name
    const name = (type as { type_name?: unknown } | null)?.type_name
    const malformed =
      typeof domain !== 'string' ||
      typeof name !== 'string' ||
      (name.startsWith('%') && !SPECIAL_TYPE_NAMES.has(name)) ||
      (name === '%ALL' && domain !== '' && domain !== '*')
    if (malformed) {
      throw new NotifyError(NotifyErrorCode.INVALID_EVENT_TYPE, 'malformed event type', {
        eventType: { domain_name: String(domain), type_name: String(name) }
      })
    }
  }
}

/** @returns the event type a channel event is matched and announced under */
export function eventTypeOf(event: ChannelEvent): EventType {
  return event.kind === 'any' ? ANY_EVENT_TYPE : event.event.header.fixed_header.event_type
}

/** Sorts event types for stable output (by domain, then type name). */
export function sortEventTypes(types: EventType[]): EventType[] {
  return types.sort(
    (a, b) => a.domain_name.localeCompare(b.domain_name) || a.type_name.localeCompare(b.type_name)
  )
}
