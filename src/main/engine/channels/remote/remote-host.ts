import type { PropertyJson, ProxyRefJson } from '@shared/contract/labs/channels'
import type { EventChannelFactory } from '../model'

/** What the server needs from the lab. */
export interface RemoteHost {
  factory(): EventChannelFactory
  createChannel(qos: PropertyJson[], admin: PropertyJson[]): number
  /** Topology of a channel changed (persist it). */
  changed(channelId: number): void
  /** True when a lab client (not a remote one) owns this proxy. */
  labClientOf(ref: ProxyRefJson): boolean
}
