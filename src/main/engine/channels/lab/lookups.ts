import { CommandError, ErrorCode } from '@shared/contract'
import type { FilterTarget, ProxyRefJson } from '@shared/contract/labs/channels'
import type { FilterLike } from '../filter'
import type { LabClient } from '../lab-client'
import {
  NotifyError,
  NotifyErrorCode,
  type ConsumerAdmin,
  type EventChannel,
  type EventChannelFactory,
  type ProxyBase,
  type SupplierAdmin
} from '../model'
import { findProxy, refKey } from '../proxy-ops'
import type { ChannelMeta, LabFilter, LabState } from './lab-state'

// Lookups by the ids commands carry. Each throws the CORBA exception (or a CommandError) a caller
// should see when the object is gone, so handlers can use the result without checking.

/** What filters attach to: admins and (Notification Service) proxies. */
export interface FilterOwner {
  add_filter(filter: FilterLike): number
  remove_filter(id: number): void
  get_filter(id: number): FilterLike
  get_all_filters(): number[]
}

/** The live factory; throws before start and while the lab restarts. */
export function factoryOf(state: LabState): EventChannelFactory {
  if (state.factory === null) throw new Error('ChannelsLab not started')
  return state.factory
}

export function channelOf(state: LabState, id: number): EventChannel {
  return factoryOf(state).get_event_channel(id)
}

/** The channel's lab metadata, made empty on first use. */
export function metaOf(state: LabState, id: number): ChannelMeta {
  let meta = state.meta.get(id)
  if (meta === undefined) {
    meta = { label: null, filters: new Map() }
    state.meta.set(id, meta)
  }
  return meta
}

export function adminOf(
  state: LabState,
  channelId: number,
  side: 'consumer' | 'supplier',
  adminId: number
): ConsumerAdmin | SupplierAdmin {
  const channel = channelOf(state, channelId)
  return side === 'consumer'
    ? channel.get_consumeradmin(adminId)
    : channel.get_supplieradmin(adminId)
}

export function proxyOf(state: LabState, ref: ProxyRefJson): ProxyBase {
  return findProxy(channelOf(state, ref.channelId), ref)
}

/** The proxy, or null when it (or its channel) is gone. */
export function proxyOrNull(state: LabState, ref: ProxyRefJson): ProxyBase | null {
  try {
    return proxyOf(state, ref)
  } catch {
    return null
  }
}

export function labClientOf(state: LabState, id: string): LabClient {
  const client = state.clients.get(id)
  if (client === undefined) {
    throw new CommandError(
      ErrorCode.InvalidState,
      `no lab client ${id} (it may have been destroyed)`
    )
  }
  return client
}

/** Records a lab client under its id and its proxy. */
export function registerClient(state: LabState, client: LabClient): void {
  state.clients.set(client.id, client)
  state.byProxy.set(refKey(client.proxy), client)
}

/** The admin, or the proxy when the target names one. */
export function ownerOf(state: LabState, target: FilterTarget): FilterOwner {
  if (target.proxyId === undefined)
    return adminOf(state, target.channelId, target.side, target.adminId)
  return proxyOf(state, { ...target, proxyId: target.proxyId })
}

/** A live filter the lab made on the channel; FILTER_NOT_FOUND otherwise. */
export function labFilterOf(state: LabState, channelId: number, filterId: number): LabFilter {
  const lab = state.meta.get(channelId)?.filters.get(filterId)
  if (lab === undefined || lab.filter.destroyed) {
    throw new NotifyError(
      NotifyErrorCode.FILTER_NOT_FOUND,
      `no filter ${filterId} on channel ${channelId}`
    )
  }
  return lab
}
