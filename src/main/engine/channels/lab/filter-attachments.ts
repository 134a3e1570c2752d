import type { FilterInfoJson, FilterTarget } from '@shared/contract/labs/channels'
import type { ProxyBase } from '../model'
import type { LabState } from './lab-state'
import { adminOf, factoryOf, type FilterOwner } from './lookups'

/** Where a filter is attached on its channel: filter lists and mapping-filter slots. */
export function attachmentsOf(
  state: LabState,
  channelId: number,
  filterId: number
): FilterInfoJson['attachedTo'] {
  const found: FilterInfoJson['attachedTo'] = []
  const channel = state.factory?.get_all_channels().includes(channelId)
    ? factoryOf(state).get_event_channel(channelId)
    : null
  if (channel === null) return found
  const scan = (
    owner: FilterOwner & { priority_filter?: unknown; lifetime_filter?: unknown },
    target: FilterTarget
  ): void => {
    for (const att of owner.get_all_filters()) {
      if (owner.get_filter(att).id === filterId) found.push({ target, attachmentId: att })
    }
    for (const attr of ['priority_filter', 'lifetime_filter'] as const) {
      const f = owner[attr] as { id: number } | null | undefined
      if (f?.id === filterId) found.push({ target, attachmentId: null })
    }
  }
  for (const side of ['consumer', 'supplier'] as const) {
    const ids =
      side === 'consumer' ? channel.get_all_consumeradmins() : channel.get_all_supplieradmins()
    for (const adminId of ids) {
      const admin = adminOf(state, channelId, side, adminId)
      scan(admin as never, { channelId, side, adminId })
      for (const proxy of admin.proxyList() as ProxyBase[]) {
        if (proxy.isCosEvent) continue
        scan(proxy as never, { channelId, side, adminId, proxyId: proxy.id })
      }
    }
  }
  return found
}

/** Destroys a lab filter attached nowhere any more (filters are otherwise independent objects). */
export function forgetIfUnused(state: LabState, channelId: number, filterId: number): void {
  const meta = state.meta.get(channelId)
  const lab = meta?.filters.get(filterId)
  if (meta === undefined || lab === undefined) return
  if (attachmentsOf(state, channelId, filterId).length > 0) return
  lab.filter.destroy()
  meta.filters.delete(filterId)
}
