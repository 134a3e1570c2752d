import type { EventChannel } from '../model'
import { refKey } from '../proxy-ops'
import { addCounters } from './counters'
import { markDirty, type LabState } from './lab-state'

/**
 * Listens to a channel and records its lab metadata: client states follow their proxies, the
 * topology is rewritten on every change, and a destroyed channel's counters stay in the totals.
 */
export function adoptChannel(state: LabState, channel: EventChannel, label: string | null): void {
  state.meta.set(channel.id, { label, filters: new Map() })
  const id = channel.id
  channel.on('proxyConnected', () => markDirty(state, id))
  channel.on('proxyDisconnected', (notice) => {
    const client = state.byProxy.get(refKey(notice.proxy))
    if (client !== undefined && client.state === 'connected') client.state = 'disconnected'
    if (notice.initiator === 'channel') {
      state.note(
        'proxy-disconnected',
        'info',
        `channel ${id} ended ${notice.proxy.side} proxy ${notice.proxy.adminId}/${notice.proxy.proxyId}: ${notice.reason}`,
        { channelId: id, adminId: notice.proxy.adminId, proxyId: notice.proxy.proxyId }
      )
    }
    markDirty(state, id)
  })
  channel.on('proxyDestroyed', (ref) => {
    state.byProxy.delete(refKey(ref))
    state.killSuspended.delete(refKey(ref))
    markDirty(state, id)
  })
  channel.on('channelDestroyed', () => {
    addCounters(state.retired, channel.counters.toInfo())
    for (const client of state.clients.values()) {
      if (client.proxy.channelId === id) state.clients.delete(client.id)
    }
    state.meta.delete(id)
    state.flow.forget(id)
    markDirty(state, id)
  })
  const flow = state.flow
  channel.on('eventReceived', (n) => flow.add('received', n))
  channel.on('eventFilteredOut', (n) => flow.add('filtered', n, n.stage))
  channel.on('eventDiscarded', (n) =>
    flow.add('discarded', n, n.policy ? `${n.reason} (${n.policy})` : n.reason)
  )
  channel.on('eventExpired', (n) => flow.add('expired', n))
  channel.on('eventDelivered', (n) =>
    flow.add('delivered', n, n.batchSize > 1 ? `batch of ${n.batchSize}` : null)
  )
  channel.on('error', (err) =>
    state.note('channel-error', 'warn', `channel ${id}: ${err.message}`, { channelId: id })
  )
}
