import type { ChannelEvent, JsonValue } from '../event'
import type { MappingFilterLike } from '../filter/filter-like'
import { headerValue } from './conversions'
import type { Envelope } from './envelope'
import type { QoSProperties } from './qos-properties'
import { parseTimeT, timeTToMs, utcTToUnixMs } from './time'

// The per-consumer QoS of one queued event (§3.3, §4.3): what a consumer-facing proxy computes
// when it enqueues an event, from its mapping filters, the event's headers and its own QoS.

const isPriority = (v: JsonValue | undefined): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= -32_767 && v <= 32_767

/**
 * §3.3/§4.3: mapping filter result, else the event's header, else the supplier-side default.
 * @param mapping - the proxy's priority_filter, else its admin's
 */
export function itemPriority(envelope: Envelope, mapping: MappingFilterLike | null): number {
  const header = headerValue(envelope.event, 'Priority')
  const own = isPriority(header) ? header : undefined
  if (mapping !== null) {
    const result = matchQuietly(mapping, envelope.event)
    if (result !== null && result.matched && isPriority(result.value)) return result.value
    if (own !== undefined) return own
    if (result !== null && isPriority(result.value)) return result.value
  }
  return own ?? envelope.supplierPriority
}

/**
 * Deadline = receive time + lifetime, where lifetime is the lifetime_filter result, else the
 * event's Timeout header, else the QoS default (the shorter non-zero Timeout of the supplier-side
 * and this consumer-side proxy); 0 = unlimited. StopTime (if honoured here) can only shorten it.
 * @param mapping - the proxy's lifetime_filter, else its admin's
 * @param qos - the consumer-side proxy's QoS
 */
export function itemDeadline(
  envelope: Envelope,
  mapping: MappingFilterLike | null,
  qos: QoSProperties
): number | null {
  const headerTimeout = parseTimeT(headerValue(envelope.event, 'Timeout') ?? undefined)
  let lifetime: number | undefined
  if (mapping !== null) {
    const result = matchQuietly(mapping, envelope.event)
    const value = result === null ? null : parseTimeT(result.value)
    if (result !== null && result.matched && value !== null) lifetime = Number(value)
    else if (headerTimeout !== null) lifetime = Number(headerTimeout)
    else if (value !== null) lifetime = Number(value)
  } else if (headerTimeout !== null) {
    lifetime = Number(headerTimeout)
  }
  if (lifetime === undefined) {
    const defaults = [envelope.supplierTimeout, qos.number('Timeout')].filter((t) => t > 0)
    lifetime = defaults.length > 0 ? Math.min(...defaults) : 0
  }
  let deadline = lifetime > 0 ? envelope.receivedAtMs + timeTToMs(lifetime) : null
  if (qos.flag('StopTimeSupported')) {
    const stop = utcTToUnixMs(headerValue(envelope.event, 'StopTime') ?? undefined)
    if (stop !== null && (deadline === null || stop < deadline)) deadline = stop
  }
  return deadline
}

/** The StartTime header, when the proxy honours it: the event is held until then. */
export function itemStart(envelope: Envelope, qos: QoSProperties): number | null {
  if (!qos.flag('StartTimeSupported')) return null
  return utcTToUnixMs(headerValue(envelope.event, 'StartTime') ?? undefined)
}

function matchQuietly(
  filter: MappingFilterLike,
  event: ChannelEvent
): { matched: boolean; value: JsonValue } | null {
  try {
    return filter.match(event)
  } catch {
    return null // a failing mapping filter is ignored; the header or QoS default applies
  }
}
