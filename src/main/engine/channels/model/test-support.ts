import type { JsonValue, StructuredEvent } from '../event'
import { EventChannelFactory } from './event-channel-factory'
import type { EventChannel } from './event-channel'
import { ManualClock } from './manual-clock'
import type { EventChannelFactoryOptions } from './event-channel-factory'

/**
 * Helpers shared by the model's unit tests (not part of the public API). Kept beside the code so
 * the tests stay next to what they test.
 */

/** Lets every pending promise continuation run. */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

/** A factory on a manual clock with one channel. */
export function manualSetup(
  qos: { name: string; value: JsonValue }[] = [],
  admin: { name: string; value: JsonValue }[] = [],
  opts: EventChannelFactoryOptions = {}
): { clock: ManualClock; factory: EventChannelFactory; channel: EventChannel } {
  const clock = new ManualClock()
  const factory = new EventChannelFactory({ clock, ...opts })
  return { clock, factory, channel: factory.create_channel(qos, admin) }
}

/** The `code` of what `fn` throws. */
export function codeOf(fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    return String((err as { code?: unknown }).code)
  }
  throw new Error('expected an exception')
}

/** A small structured event named `name`. */
export function structured(name: string, priority?: number): StructuredEvent {
  return {
    header: {
      fixed_header: { event_type: { domain_name: 'Lab', type_name: 'Tick' }, event_name: name },
      variable_header: priority === undefined ? [] : [{ name: 'Priority', value: priority }]
    },
    filterable_data: [],
    remainder_of_body: null
  }
}

/** Event names of a list of structured events. */
export function namesOf(events: readonly StructuredEvent[]): string[] {
  return events.map((e) => e.header.fixed_header.event_name)
}
