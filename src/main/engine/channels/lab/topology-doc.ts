import type { Filter, MappingFilter } from '../filter'
import {
  ProxyConsumer,
  ProxySupplier,
  type ConsumerAdmin,
  type ProxyBase,
  type SupplierAdmin
} from '../model'
import type {
  AdminDoc,
  AttachmentDoc,
  ChannelDoc,
  ClientDoc,
  FilterDoc,
  ProxyDoc
} from '../persistence/topology-store'
import { hasPersistentConnection, refKey, roleAndKind } from '../proxy-ops'
import type { LabState } from './lab-state'
import { metaOf, type FilterOwner } from './lookups'

// What the topology store writes for a channel: enough to re-create it, its filters, admins and
// persistent connections (with who held them) under the same ids after a restart.

/** The topology document of a live ConnectionReliability=Persistent channel, else null. */
export function buildChannelDoc(state: LabState, id: number): ChannelDoc | null {
  const factory = state.factory
  if (factory === null || !factory.get_all_channels().includes(id)) return null
  const channel = factory.get_event_channel(id)
  if (channel.destroyed || channel.qos.get('ConnectionReliability') !== 1) return null
  const meta = metaOf(state, id)
  const filters: FilterDoc[] = []
  for (const [filterId, lab] of meta.filters) {
    if (lab.filter.destroyed) continue
    if (lab.kind === 'filter') {
      filters.push({
        id: filterId,
        kind: 'filter',
        grammar: lab.filter.constraintGrammar,
        constraints: (lab.filter as Filter)
          .getAllConstraints()
          .map((c) => ({ expression: c.constraint_expression }))
      })
    } else {
      const mapping = lab.filter as MappingFilter
      filters.push({
        id: filterId,
        kind: lab.kind,
        grammar: mapping.constraintGrammar,
        defaultValue: mapping.defaultValue,
        constraints: mapping
          .getAllMappingConstraints()
          .map((c) => ({ expression: c.constraint_expression, value: c.value }))
      })
    }
  }
  const proxies: ProxyDoc[] = []
  const adminDoc = (admin: ConsumerAdmin | SupplierAdmin): AdminDoc => {
    const info = admin.toInfo()
    return {
      id: info.id,
      operator: info.operator,
      qos: info.qos,
      filters: attachments(admin),
      priorityFilterId: 'priorityFilterId' in info ? info.priorityFilterId : null,
      lifetimeFilterId: 'lifetimeFilterId' in info ? info.lifetimeFilterId : null
    }
  }
  const consumerAdmins = channel.get_all_consumeradmins().map((a) => channel.get_consumeradmin(a))
  const supplierAdmins = channel.get_all_supplieradmins().map((a) => channel.get_supplieradmin(a))
  for (const admin of [...consumerAdmins, ...supplierAdmins]) {
    for (const proxy of admin.proxyList() as ProxyBase[]) {
      if (proxy.state !== 'connected' || !hasPersistentConnection(proxy)) continue
      const doc = proxyDoc(state, proxy)
      if (doc !== null) proxies.push(doc)
    }
  }
  return {
    v: 1,
    id,
    label: meta.label,
    qos: channel.qos.getExplicit(),
    admin: channel.get_admin(),
    filters,
    consumerAdmins: consumerAdmins.map(adminDoc),
    supplierAdmins: supplierAdmins.map(adminDoc),
    proxies
  }
}

/** A connected persistent proxy and its client; null for the flood supplier (never restored). */
function proxyDoc(state: LabState, proxy: ProxyBase): ProxyDoc | null {
  const { role, kind } = roleAndKind(proxy)
  const info = proxy instanceof ProxySupplier ? proxy.toInfo() : (proxy as ProxyConsumer).toInfo()
  const key = refKey(proxy.ref)
  const lab = state.byProxy.get(key)
  let client: ClientDoc
  if (lab !== undefined) {
    if (lab.id.startsWith('flood-')) return null
    client = { kind: 'lab', id: lab.id, label: lab.label, killed: lab.state === 'killed' }
  } else if (proxy.peer !== null) {
    client = { kind: 'federation', peer: proxy.peer.ref }
  } else {
    const remote = state.remote?.describe(proxy) ?? null
    client = remote === null ? { kind: 'none' } : { kind: 'remote', name: remote.name }
  }
  // Suspended only by the user: a kill or an absent remote client suspends too, and the restore
  // re-derives that from the client.
  const suspended =
    info.suspended && !state.killSuspended.has(key) && !(state.remote?.isAway(proxy) ?? false)
  return {
    ref: proxy.ref,
    role,
    kind,
    cosEvent: proxy.isCosEvent,
    qos: info.qos,
    filters: proxy.isCosEvent ? [] : attachments(proxy),
    priorityFilterId: 'priorityFilterId' in info ? info.priorityFilterId : null,
    lifetimeFilterId: 'lifetimeFilterId' in info ? info.lifetimeFilterId : null,
    suspended,
    client
  }
}

function attachments(owner: FilterOwner): AttachmentDoc[] {
  return owner.get_all_filters().map((attachmentId) => ({
    attachmentId,
    filterId: owner.get_filter(attachmentId).id
  }))
}
