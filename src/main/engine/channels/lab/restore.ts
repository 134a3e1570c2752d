import type { Filter, FilterLike, MappingFilter } from '../filter'
import { LabClient } from '../lab-client'
import {
  consumerKey,
  InterFilterGroupOperator,
  ProxySupplier,
  type ConsumerAdmin,
  type EventChannel,
  type ProxyBase,
  type StoredEvent,
  type SupplierAdmin
} from '../model'
import type { Envelope } from '../model/envelope'
import { eventBytes } from '../model/event-bytes'
import type { AdminDoc, AttachmentDoc, ChannelDoc, ProxyDoc } from '../persistence/topology-store'
import { connectProxy, findProxy, isSuspendable, obtainProxy, refKey } from '../proxy-ops'
import { RemoteServer } from '../remote/remote-server'
import { adoptChannel } from './adopt-channel'
import { persistFailed, type ChannelMeta, type LabState } from './lab-state'
import { channelOf, factoryOf, metaOf, registerClient, type FilterOwner } from './lookups'

// Re-creating what a previous run left in Redis. The model hands out ids in order and never
// reuses one, so every object is re-made under its old id by burning the ids below it.

/** Ids burnt at most while re-making one object (guards a corrupt document or counter). */
const RESTORE_ID_GAP_MAX = 10_000

/** What the previous run left, read at boot. */
export interface BootReport {
  channelsRestored: number
  proxiesRestored: number
  eventsRestored: number
  bestEffortLost: number
  unclean: boolean
}

/**
 * Re-creates a channel from its document: filters, admins, then proxies with their clients and
 * stored events. A proxy that cannot come back is reported and skipped.
 * @param stored - persistent events by consumer key, as loaded from Redis
 */
export function restoreChannel(
  state: LabState,
  doc: ChannelDoc,
  stored: Map<string, StoredEvent[]>,
  report: BootReport
): void {
  const factory = factoryOf(state)
  let channel: EventChannel | null = null
  for (let burnt = 0; burnt <= RESTORE_ID_GAP_MAX; burnt++) {
    const candidate = factory.create_channel(doc.qos, doc.admin)
    if (candidate.id === doc.id) {
      channel = candidate
      break
    }
    candidate.destroyInternal()
    if (candidate.id > doc.id) break
  }
  if (channel === null) throw new Error(`id ${doc.id} is no longer available`)
  adoptChannel(state, channel, doc.label)
  report.channelsRestored++
  const meta = metaOf(state, channel.id)
  const ff = channel.default_filter_factory
  for (const f of [...doc.filters].sort((a, b) => a.id - b.id)) {
    let made: Filter | MappingFilter | null = null
    for (let burnt = 0; burnt <= RESTORE_ID_GAP_MAX; burnt++) {
      const candidate =
        f.kind === 'filter'
          ? ff.createFilter(f.grammar)
          : ff.createMappingFilter(f.grammar, f.defaultValue ?? 0)
      if (candidate.id === f.id) {
        made = candidate
        break
      }
      candidate.destroy()
      if (candidate.id > f.id) break
    }
    if (made === null) continue
    if (f.kind === 'filter') {
      ;(made as Filter).addConstraints(f.constraints.map((c) => c.expression))
    } else {
      ;(made as MappingFilter).addMappingConstraints(
        f.constraints.map((c) => ({
          constraint_expression: c.expression,
          result_to_set: c.value ?? 0
        }))
      )
    }
    meta.filters.set(f.id, { filter: made, kind: f.kind })
  }
  for (const a of [...doc.consumerAdmins].sort((x, y) => x.id - y.id)) {
    restoreAdmin(channel, 'consumer', a, meta)
  }
  for (const a of [...doc.supplierAdmins].sort((x, y) => x.id - y.id)) {
    restoreAdmin(channel, 'supplier', a, meta)
  }
  const proxies = [...doc.proxies].sort(
    (x, y) =>
      x.ref.side.localeCompare(y.ref.side) ||
      x.ref.adminId - y.ref.adminId ||
      x.ref.proxyId - y.ref.proxyId
  )
  for (const p of proxies) {
    try {
      const restored = restoreProxy(state, channel, p, meta, stored)
      if (restored !== null) {
        report.proxiesRestored++
        report.eventsRestored += restored
      }
    } catch (err) {
      persistFailed(
        state,
        new Error(`proxy ${refKey(p.ref)} could not be restored: ${(err as Error).message}`)
      )
    }
  }
}

function restoreAdmin(
  channel: EventChannel,
  side: 'consumer' | 'supplier',
  a: AdminDoc,
  meta: ChannelMeta
): void {
  let admin: ConsumerAdmin | SupplierAdmin | null = null
  if (a.id === 0) {
    admin = side === 'consumer' ? channel.default_consumer_admin : channel.default_supplier_admin
  } else {
    const op =
      a.operator === 'AND_OP' ? InterFilterGroupOperator.AND_OP : InterFilterGroupOperator.OR_OP
    for (let burnt = 0; burnt <= RESTORE_ID_GAP_MAX; burnt++) {
      const candidate =
        side === 'consumer' ? channel.new_for_consumers(op) : channel.new_for_suppliers(op)
      if (candidate.MyID === a.id) {
        admin = candidate
        break
      }
      candidate.destroy()
      if (candidate.MyID > a.id) break
    }
  }
  if (admin === null) return
  if (a.qos.length > 0) admin.set_qos(a.qos)
  restoreAttachments(admin, a.filters, meta)
  if (side === 'consumer') {
    const ca = admin as ConsumerAdmin
    ca.priority_filter = mappingFilter(meta, a.priorityFilterId)
    ca.lifetime_filter = mappingFilter(meta, a.lifetimeFilterId)
  }
}

/** @returns the number of stored events put back, or null when the proxy was not restored */
function restoreProxy(
  state: LabState,
  channel: EventChannel,
  p: ProxyDoc,
  meta: ChannelMeta,
  stored: Map<string, StoredEvent[]>
): number | null {
  let proxy: ProxyBase | null = null
  for (let burnt = 0; burnt <= RESTORE_ID_GAP_MAX; burnt++) {
    const candidate = obtainProxy(channel, p.ref.adminId, p.role, p.kind, p.cosEvent)
    if (candidate.id === p.ref.proxyId) {
      proxy = candidate
      break
    }
    candidate.destroyProxy('channel', 'restore', false)
    if (candidate.id > p.ref.proxyId) break
  }
  if (proxy === null) return null
  if (p.qos.length > 0) proxy.set_qos(p.qos)
  if (!proxy.isCosEvent) restoreAttachments(proxy, p.filters, meta)
  if (proxy instanceof ProxySupplier) {
    proxy.priority_filter = mappingFilter(meta, p.priorityFilterId)
    proxy.lifetime_filter = mappingFilter(meta, p.lifetimeFilterId)
  }
  let away = false
  switch (p.client.kind) {
    case 'lab': {
      const client = new LabClient(p.client.id, p.role, p.kind, proxy.ref, p.client.label)
      const n = Number(/^c(\d+)$/.exec(p.client.id)?.[1] ?? 0)
      if (n >= state.nextClient) state.nextClient = n + 1
      registerClient(state, client)
      connectProxy(proxy, client)
      if (p.client.killed) {
        client.state = 'killed'
        away = p.role === 'push-consumer'
      }
      break
    }
    case 'remote':
      connectProxy(proxy, RemoteServer.awayAdapter(proxy, p.client.name))
      away = p.role === 'push-consumer' || p.role === 'pull-supplier'
      break
    case 'federation':
      // connected once every channel is back (restoreFederation)
      break
    case 'none':
      connectProxy(proxy, null)
      break
  }
  if (isSuspendable(proxy) && proxy.isConnected && (p.suspended || away)) {
    proxy.suspend_connection()
    if (p.client.kind === 'lab' && away) state.killSuspended.add(refKey(proxy.ref))
  }
  let restored = 0
  const events = stored.get(consumerKey(channel.id, p.ref.adminId, p.ref.proxyId)) ?? []
  if (proxy instanceof ProxySupplier && events.length > 0) {
    // Restored events keep the sequence numbers they were stored with (their original order);
    // the channel numbers new events after the highest, so they stay older than anything new.
    for (const e of events) channel.continueSequenceAfter(e.seq)
    events.forEach((e) => {
      const envelope: Envelope = {
        seq: e.seq,
        event: e.event,
        bytes: eventBytes(e.event),
        receivedAtMs: e.receivedAtMs,
        supplierPriority: e.priority,
        supplierTimeout: 0,
        path: [channel.uid],
        source: proxy.ref
      }
      if (proxy.isConnected) {
        proxy.offer(envelope)
        restored++
      }
    })
  }
  return restored
}

/** Re-connects restored federation links whose both ends came back. */
export function restoreFederation(state: LabState, doc: ChannelDoc): void {
  for (const p of doc.proxies) {
    if (p.client.kind !== 'federation' || p.ref.side !== 'consumer') continue
    try {
      const up = findProxy(channelOf(state, p.ref.channelId), p.ref)
      const peerRef = p.client.peer
      const down = findProxy(channelOf(state, peerRef.channelId), peerRef)
      if (up.state !== 'created' || down.state !== 'created') continue
      connectProxy(down, up)
      connectProxy(up, down)
    } catch (err) {
      persistFailed(
        state,
        new Error(`federation of ${refKey(p.ref)} not restored: ${(err as Error).message}`)
      )
    }
  }
}

/** Ids are never reused: burns channel ids up to the counter the previous run left. */
export function burnChannelIds(state: LabState, next: number): void {
  const factory = factoryOf(state)
  const live = factory.get_all_channels()
  let top = live.length > 0 ? Math.max(...live) + 1 : 0
  for (let burnt = 0; top < next && burnt < RESTORE_ID_GAP_MAX; burnt++) {
    const c = factory.create_channel()
    top = c.id + 1
    c.destroyInternal()
  }
}

function mappingFilter(meta: ChannelMeta, id: number | null): MappingFilter | null {
  return id === null ? null : ((meta.filters.get(id)?.filter as MappingFilter | undefined) ?? null)
}

/** Re-attaches filters under their old FilterIDs (ids below are burnt with a placeholder). */
function restoreAttachments(owner: FilterOwner, docs: AttachmentDoc[], meta: ChannelMeta): void {
  const placeholder: FilterLike = { id: -1, match: () => false }
  for (const a of [...docs].sort((x, y) => x.attachmentId - y.attachmentId)) {
    const lab = meta.filters.get(a.filterId)
    if (lab === undefined) continue
    for (let burnt = 0; burnt <= RESTORE_ID_GAP_MAX; burnt++) {
      const id = owner.add_filter(placeholder)
      owner.remove_filter(id)
      if (id + 1 >= a.attachmentId) break
    }
    owner.add_filter(lab.filter as Filter)
  }
}
