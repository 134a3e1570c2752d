import type { ChannelEvent } from '../event'

/**
 * Federation plumbing (digest §1.6). When a proxy of this model is handed to another channel's
 * proxy as its client, the two channels exchange events together with the path of channel uids
 * already crossed, so that a cycle through hops this process cannot see (remote channels, wrapper
 * clients) is bounded by MAX_FEDERATION_HOPS, while local cycles are rejected at connect time.
 */
export interface RoutedEvent {
  event: ChannelEvent
  /** Channel uids crossed so far, oldest first. */
  path: readonly string[]
  /** Size of the event in bytes, once measured (see eventBytes). */
  bytes?: number
}
