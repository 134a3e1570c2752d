import type { ChannelEvent } from '../event'

/**
 * The size of an event as the lab accounts for it: the UTF-8 bytes of its JSON form (the value of
 * an `any`, the StructuredEvent otherwise). Measured once per event when a channel accepts it.
 * A value that cannot be serialised counts as infinitely large (it is refused).
 */
export function eventBytes(event: ChannelEvent): number {
  try {
    const json = JSON.stringify(event.kind === 'any' ? event.data : event.event)
    return json === undefined ? 0 : Buffer.byteLength(json, 'utf8')
  } catch {
    return Number.POSITIVE_INFINITY
  }
}
