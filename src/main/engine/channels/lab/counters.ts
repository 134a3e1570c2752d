import type { ChannelCountersInfo } from '@shared/contract/labs/channels'
import type { LabState } from './lab-state'

/** All counters at zero. */
export function zeroCounters(): ChannelCountersInfo {
  return {
    received: 0,
    delivered: 0,
    filteredOut: 0,
    discarded: 0,
    discardedBy: {},
    expired: 0,
    rejected: 0
  }
}

/** Adds `add` into `into` (in place). */
export function addCounters(into: ChannelCountersInfo, add: ChannelCountersInfo): void {
  into.received += add.received
  into.delivered += add.delivered
  into.filteredOut += add.filteredOut
  into.discarded += add.discarded
  into.expired += add.expired
  into.rejected += add.rejected
  for (const [k, v] of Object.entries(add.discardedBy))
    into.discardedBy[k] = (into.discardedBy[k] ?? 0) + v
}

/** What moved between two readings (never negative; the per-reason split is left out). */
export function diffCounters(
  now: ChannelCountersInfo,
  before: ChannelCountersInfo
): ChannelCountersInfo {
  return {
    received: Math.max(0, now.received - before.received),
    delivered: Math.max(0, now.delivered - before.delivered),
    filteredOut: Math.max(0, now.filteredOut - before.filteredOut),
    discarded: Math.max(0, now.discarded - before.discarded),
    discardedBy: {},
    expired: Math.max(0, now.expired - before.expired),
    rejected: Math.max(0, now.rejected - before.rejected)
  }
}

/** The lab's totals: destroyed channels plus every live one. */
export function totalsOf(state: LabState): ChannelCountersInfo {
  const totals = { ...state.retired, discardedBy: { ...state.retired.discardedBy } }
  const factory = state.factory
  if (factory === null) return totals
  for (const id of factory.get_all_channels()) {
    addCounters(totals, factory.get_event_channel(id).counters.toInfo())
  }
  return totals
}
