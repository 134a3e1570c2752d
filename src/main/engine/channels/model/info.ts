import type { EventType, Property } from '../event'
import type { PolicyName, ProxyTypeName } from './constants'
import type { ProxyRef } from './channel-events'

/**
 * Plain-JSON snapshots of the channel model (`toInfo()`), for the engine snapshot, the remote
 * protocol and the UI. No class instances, Maps or Dates.
 */

/** Event counters of one object; every field only grows. */
export interface CounterInfo {
  /** Events accepted from suppliers (proxy consumers, channel) or queued for the consumer (proxy suppliers). */
  received: number
  /** Events handed to consumers. */
  delivered: number
  /** Events a filter stage refused. */
  filteredOut: number
  /** Events dropped without delivery (see the two breakdowns). */
  discarded: number
  /** Discards by the DiscardPolicy that chose them (PolicyName) or by reason for non-policy drops. */
  discardedBy: Record<string, number>
  /** Events that expired before delivery. */
  expired: number
  /** Events refused at the supplier with IMP_LIMIT. */
  rejected: number
}

/** Lifecycle of a proxy (digest §1.2). */
export type ProxyState = 'created' | 'connected' | 'destroyed'

/** A consumer-facing proxy (ProxyPushSupplier, StructuredProxyPullSupplier, …). */
export interface ProxySupplierInfo {
  kind: 'proxy-supplier'
  ref: ProxyRef
  proxyType: ProxyTypeName
  /** True for proxies obtained through the CosEvent operations (no own filter group). */
  cosEvent: boolean
  state: ProxyState
  connected: boolean
  /** Push proxies only: suspend_connection in force. */
  suspended: boolean
  /** Events waiting for this consumer (including held and not yet purged expired ones). */
  queueLength: number
  /** Current bound of the queue (MaxEventsPerConsumer or the hard limit). */
  queueCapacity: number
  /** Bytes the queued events take (their JSON size), and the byte budget. */
  queueBytes: number
  queueBytesCapacity: number
  orderPolicy: PolicyName
  discardPolicy: PolicyName
  filterIds: number[]
  priorityFilterId: number | null
  lifetimeFilterId: number | null
  /** Explicitly set QoS (inherited values are not repeated). */
  qos: Property[]
  /** Types this consumer subscribed to. */
  subscribedTypes: EventType[]
  /** Federation: the other channel's proxy consumer this proxy feeds, if local. */
  peer: ProxyRef | null
  counters: CounterInfo
}

/** A supplier-facing proxy (ProxyPushConsumer, SequenceProxyPullConsumer, …). */
export interface ProxyConsumerInfo {
  kind: 'proxy-consumer'
  ref: ProxyRef
  proxyType: ProxyTypeName
  cosEvent: boolean
  state: ProxyState
  connected: boolean
  /** Pull proxies only: polling suspended. */
  suspended: boolean
  filterIds: number[]
  qos: Property[]
  /** Types this supplier offers. */
  offeredTypes: EventType[]
  /** Federation: the other channel's proxy supplier feeding this proxy, if local. */
  peer: ProxyRef | null
  counters: CounterInfo
}

/** A ConsumerAdmin. */
export interface ConsumerAdminInfo {
  kind: 'consumer-admin'
  channelId: number
  id: number
  operator: 'AND_OP' | 'OR_OP'
  destroyed: boolean
  filterIds: number[]
  priorityFilterId: number | null
  lifetimeFilterId: number | null
  qos: Property[]
  proxies: ProxySupplierInfo[]
}

/** A SupplierAdmin. */
export interface SupplierAdminInfo {
  kind: 'supplier-admin'
  channelId: number
  id: number
  operator: 'AND_OP' | 'OR_OP'
  destroyed: boolean
  filterIds: number[]
  qos: Property[]
  proxies: ProxyConsumerInfo[]
}

/** A federation edge leaving this channel (events flow from `from` to `to`). */
export interface FederationLinkInfo {
  from: ProxyRef
  to: ProxyRef
}

/** An EventChannel. */
export interface EventChannelInfo {
  kind: 'channel'
  id: number
  /** Process-unique id used for federation loop detection. */
  uid: string
  destroyed: boolean
  /** Effective channel QoS. */
  qos: Property[]
  /** Admin properties. */
  admin: Property[]
  /** Events queued over all consumers (what MaxQueueLength bounds). */
  queued: number
  counters: CounterInfo
  offeredTypes: EventType[]
  subscribedTypes: EventType[]
  consumerAdmins: ConsumerAdminInfo[]
  supplierAdmins: SupplierAdminInfo[]
  federation: FederationLinkInfo[]
}

/** An EventChannelFactory. */
export interface EventChannelFactoryInfo {
  kind: 'factory'
  channels: EventChannelInfo[]
}
