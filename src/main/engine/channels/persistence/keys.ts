/**
 * Every Redis key of the Channels lab, in one place: `<prefix>:<scope>:<type>` with the default
 * prefix `flowlab:channels`. Tests use a unique prefix each.
 */
export interface ChannelsKeys {
  /** `flowlab:channels` (no trailing colon). */
  prefix: string
  /** Hash of run bookkeeping: `generation` (incremented per start), `nextChannel`. */
  meta: string
  /** String present while a run is live; found at start = the previous run did not close cleanly. */
  running: string
  /** Hash ChannelID → JSON topology of a ConnectionReliability=Persistent channel. */
  topology: string
  /** Set of consumer keys (`channel/admin/proxy`) that have an event stream. */
  consumers: string
  /** Hash consumer key → best-effort events queued for it (what a crash loses). */
  bestEffort: string
  /** Stream of one consumer's undelivered persistent events. */
  events(consumer: string): string
}

/** Default key prefix of the Channels lab. */
export const CHANNELS_KEY_PREFIX = 'flowlab:channels'

export function channelsKeys(prefix = CHANNELS_KEY_PREFIX): ChannelsKeys {
  return {
    prefix,
    meta: `${prefix}:run:meta`,
    running: `${prefix}:run:running`,
    topology: `${prefix}:topology:channels`,
    consumers: `${prefix}:events:consumers`,
    bestEffort: `${prefix}:events:best-effort`,
    events: (consumer) => `${prefix}:events:${consumer}`
  }
}
