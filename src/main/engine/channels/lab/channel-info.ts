import {
  CHANNELS_INFO_PROXIES_MAX,
  CHANNELS_INFO_QUEUE_ENTRIES_MAX,
  type ChannelInfoJson,
  type ConsumerProxyInfo,
  type DiscoveryEntryInfo,
  type ProxyClientInfo,
  type ProxyInfoBase,
  type SupplierProxyInfo
} from '@shared/contract/labs/channels'
import type { EventType } from '../event'
import { previewEvent } from '../event-json'
import type { EventChannel, ProxyBase } from '../model'
import type { ProxyConsumerInfo, ProxySupplierInfo } from '../model/info'
import { hasPersistentConnection, refKey } from '../proxy-ops'
import type { LabState } from './lab-state'
import { metaOf } from './lookups'

/** Suppliers or consumers listed per event type in a channel's discovery table. */
const DISCOVERY_NAMES_MAX = 16
/** Event types listed in a channel's discovery table. */
const DISCOVERY_TYPES_MAX = 64

/**
 * One channel as the panel shows it: admins, proxies with who holds them, queues (entries only
 * while `detail.left` lasts) and which proxies offer and subscribe to which event types.
 * @param detail - queue-entry budget shared by every channel of one snapshot (decremented)
 */
export function channelInfo(
  state: LabState,
  channel: EventChannel,
  detail: { left: number }
): ChannelInfoJson {
  const info = channel.toInfo()
  const meta = metaOf(state, channel.id)
  const discovery = new Map<string, DiscoveryEntryInfo>()
  const entry = (t: EventType): DiscoveryEntryInfo => {
    const key = `${t.domain_name}\u0000${t.type_name}`
    let e = discovery.get(key)
    if (e === undefined) {
      e = { type: t, suppliers: [], consumers: [] }
      discovery.set(key, e)
    }
    return e
  }
  const consumerAdmins: ChannelInfoJson['consumerAdmins'] = info.consumerAdmins.map((a) => {
    const admin = channel.get_consumeradmin(a.id)
    const proxies: ConsumerProxyInfo[] = []
    for (const proxy of admin.proxyList().slice(0, CHANNELS_INFO_PROXIES_MAX)) {
      const p = proxy.toInfo()
      const client = clientInfo(state, proxy)
      const name = `${a.id}/${proxy.id}${client.label ? ` (${client.label})` : ''}`
      for (const t of p.subscribedTypes)
        if (entry(t).consumers.length < DISCOVERY_NAMES_MAX) entry(t).consumers.push(name)
      const detailed = detail.left > 0 && p.queueLength > 0
      if (detailed) detail.left--
      proxies.push({
        ...proxyBase(proxy, p, client),
        queue: {
          length: p.queueLength,
          capacity: p.queueCapacity,
          bytes: p.queueBytes,
          bytesCapacity: p.queueBytesCapacity,
          orderPolicy: p.orderPolicy,
          discardPolicy: p.discardPolicy,
          entries: detailed
            ? proxy
                .queuedEntries()
                .slice(0, CHANNELS_INFO_QUEUE_ENTRIES_MAX)
                .map((item) => ({
                  ...previewEvent(item.envelope.event, item.seq),
                  priority: item.priority,
                  deadlineMs: item.deadlineMs,
                  startMs: item.startMs,
                  persistent: item.store === state.persistent
                }))
            : [],
          detailed: detailed || p.queueLength === 0
        },
        priorityFilterId: p.priorityFilterId,
        lifetimeFilterId: p.lifetimeFilterId,
        subscribedTypes: p.subscribedTypes
      })
    }
    return {
      id: a.id,
      operator: a.operator,
      filterIds: a.filterIds,
      qos: a.qos,
      priorityFilterId: a.priorityFilterId,
      lifetimeFilterId: a.lifetimeFilterId,
      proxiesTotal: a.proxies.length,
      proxies
    }
  })
  const supplierAdmins: ChannelInfoJson['supplierAdmins'] = info.supplierAdmins.map((a) => {
    const admin = channel.get_supplieradmin(a.id)
    const proxies: SupplierProxyInfo[] = []
    for (const proxy of admin.proxyList().slice(0, CHANNELS_INFO_PROXIES_MAX)) {
      const p = proxy.toInfo()
      const client = clientInfo(state, proxy)
      const name = `${a.id}/${proxy.id}${client.label ? ` (${client.label})` : ''}`
      for (const t of p.offeredTypes)
        if (entry(t).suppliers.length < DISCOVERY_NAMES_MAX) entry(t).suppliers.push(name)
      proxies.push({
        ...proxyBase(proxy, p, client),
        offeredTypes: p.offeredTypes
      })
    }
    return {
      id: a.id,
      operator: a.operator,
      filterIds: a.filterIds,
      qos: a.qos,
      priorityFilterId: null,
      lifetimeFilterId: null,
      proxiesTotal: a.proxies.length,
      proxies
    }
  })
  return {
    id: info.id,
    label: meta.label,
    qos: info.qos,
    admin: info.admin,
    persistentEvents: channel.qos.get('EventReliability') === 1,
    persistentConnection: channel.qos.get('ConnectionReliability') === 1,
    queued: info.queued,
    counters: info.counters,
    offeredTypes: info.offeredTypes,
    subscribedTypes: info.subscribedTypes,
    discovery: [...discovery.values()].slice(0, DISCOVERY_TYPES_MAX),
    consumerAdmins,
    supplierAdmins,
    federation: info.federation
  }
}

/** Who holds a proxy: a lab client, the flood supplier, a federated channel, a remote session. */
function clientInfo(state: LabState, proxy: ProxyBase): ProxyClientInfo {
  const lab = state.byProxy.get(refKey(proxy.ref))
  if (lab !== undefined) {
    return {
      kind: lab.id.startsWith('flood-') ? 'flood' : 'lab',
      id: lab.id,
      label: lab.label,
      away: lab.state === 'killed'
    }
  }
  if (proxy.peer !== null) {
    const r = proxy.peer.ref
    return { kind: 'federation', id: refKey(r), label: `channel ${r.channelId}`, away: false }
  }
  const remote = state.remote?.describe(proxy) ?? null
  if (remote !== null) {
    return { kind: 'remote', id: remote.session, label: remote.name, away: remote.away }
  }
  return { kind: 'none', id: null, label: null, away: false }
}

/** The fields every proxy shows, whichever side of the channel it is on. */
function proxyBase(
  proxy: ProxyBase,
  p: ProxySupplierInfo | ProxyConsumerInfo,
  client: ProxyClientInfo
): ProxyInfoBase {
  return {
    ref: p.ref,
    proxyType: p.proxyType,
    cosEvent: p.cosEvent,
    state: p.state,
    connected: p.connected,
    suspended: p.suspended,
    filterIds: p.filterIds,
    qos: p.qos,
    persistentConnection: hasPersistentConnection(proxy),
    client,
    counters: p.counters
  }
}
