import {
  CHANNELS_INFO_CHANNELS_MAX,
  CHANNELS_INFO_CLIENTS_MAX,
  CHANNELS_INFO_FILTERS_MAX,
  CHANNELS_INFO_QUEUE_DETAIL_MAX,
  type ChannelInfoJson,
  type ChannelsInfo,
  type FilterInfoJson
} from '@shared/contract/labs/channels'
import type { Filter, MappingFilter } from '../filter'
import { boundInfo } from './bound-info'
import { channelInfo } from './channel-info'
import { totalsOf } from './counters'
import { attachmentsOf } from './filter-attachments'
import type { LabFilter, LabState } from './lab-state'

/** Constraints and attachments listed per filter. */
const FILTER_DETAIL_MAX = 32

/**
 * The lab's bounded plain-JSON view (≤ CHANNELS_INFO_MAX_BYTES serialised). The channel in view
 * comes first and gets the queue-entry budget first, so it is detailed even among many.
 * @param status - the lab's lifecycle status
 * @param redisUp - whether the engine's Redis is up now (persistence needs both it and the stores)
 */
export function buildInfo(
  state: LabState,
  status: ChannelsInfo['status'],
  redisUp: boolean
): ChannelsInfo {
  const factory = state.factory
  const view = state.view
  const ids = factory?.get_all_channels() ?? []
  let shownIds = ids.slice(0, CHANNELS_INFO_CHANNELS_MAX)
  if (view !== null && ids.includes(view) && !shownIds.includes(view)) {
    shownIds = [view, ...shownIds.slice(0, CHANNELS_INFO_CHANNELS_MAX - 1)]
  }
  const detailBudget = { left: CHANNELS_INFO_QUEUE_DETAIL_MAX }
  const ordered =
    view !== null && shownIds.includes(view)
      ? [view, ...shownIds.filter((id) => id !== view)]
      : shownIds
  const built = new Map<number, ChannelInfoJson>()
  for (const id of ordered) {
    if (factory === null) break
    built.set(id, channelInfo(state, factory.get_event_channel(id), detailBudget))
  }
  const channels = shownIds
    .map((id) => built.get(id))
    .filter((c): c is ChannelInfoJson => c !== undefined)
  const clients = [...state.clients.values()]
  const filters: FilterInfoJson[] = []
  for (const [channelId, meta] of state.meta) {
    for (const [filterId, lab] of meta.filters) {
      if (filters.length >= CHANNELS_INFO_FILTERS_MAX) break
      filters.push(filterInfo(state, channelId, filterId, lab))
    }
  }
  const filtersTotal = [...state.meta.values()].reduce((n, m) => n + m.filters.size, 0)
  const info: ChannelsInfo = {
    status,
    view,
    channelsTotal: ids.length,
    channels,
    clientsTotal: clients.length,
    clients: clients.slice(0, CHANNELS_INFO_CLIENTS_MAX).map((c) => c.toInfo()),
    filtersTotal,
    filters,
    remote: state.remote?.toInfo() ?? {
      endpoint: null,
      curveServerKey: null,
      sessionsTotal: 0,
      sessions: [],
      rejected: { total: 0, byReason: {} },
      refused: { total: 0, byReason: {} },
      evicted: 0,
      sendFailed: 0
    },
    persistence: {
      available: state.persistent !== null && redisUp,
      prefix: state.keys.prefix,
      storedEvents: state.persistent?.storedEvents ?? 0,
      pendingWrites: state.persistent?.pendingWrites ?? 0,
      errors: state.persistErrors,
      lastError: state.persistLastError,
      lastRestart: state.lastRestart
    },
    flow: state.flow.toInfo(view),
    totals: totalsOf(state),
    trimmed: false
  }
  return boundInfo(info)
}

function filterInfo(
  state: LabState,
  channelId: number,
  filterId: number,
  lab: LabFilter
): FilterInfoJson {
  const base = {
    channelId,
    id: filterId,
    kind: lab.kind,
    grammar: lab.filter.constraintGrammar,
    attachedTo: attachmentsOf(state, channelId, filterId).slice(0, FILTER_DETAIL_MAX)
  }
  if (lab.filter.destroyed) return { ...base, constraints: [] }
  if (lab.kind === 'filter') {
    return {
      ...base,
      constraints: (lab.filter as Filter).getAllConstraints().slice(0, FILTER_DETAIL_MAX)
    }
  }
  const mapping = lab.filter as MappingFilter
  return {
    ...base,
    defaultValue: mapping.defaultValue,
    constraints: mapping.getAllMappingConstraints().slice(0, FILTER_DETAIL_MAX)
  }
}
