import type { ClientKind, ClientRole, FilterTarget, ProxyRefJson } from './commands'
import type { ConstraintExpJson, EventTypeJson, JsonValue, PropertyJson } from './events'

/**
 * The bounded view of the Channels lab the UI receives in every snapshot (`snapshot.labs.channels`):
 * at most CHANNELS_INFO_MAX_BYTES serialised (limits.ts).
 */

export type PolicyNameJson =
  'AnyOrder' | 'FifoOrder' | 'PriorityOrder' | 'DeadlineOrder' | 'LifoOrder'

/** Event counters of one object; every field only grows. */
export interface ChannelCountersInfo {
  /** Accepted from suppliers (proxy consumers, channel) or queued for the consumer (proxy suppliers). */
  received: number
  /** Handed to consumers. */
  delivered: number
  /** Refused by a filter stage. */
  filteredOut: number
  /** Dropped without delivery. */
  discarded: number
  /** Discards by the DiscardPolicy that chose them, or by reason (Destroyed, DeliveryFailed, FederationLoop, QueueBytes…). */
  discardedBy: Record<string, number>
  /** Expired before delivery (Timeout, StopTime, lifetime filter). */
  expired: number
  /** Refused at the supplier with IMP_LIMIT (RejectNewEvents). */
  rejected: number
}

/** A short, bounded view of one event. */
export interface EventPreviewInfo {
  /** Channel receive sequence number; restored events keep theirs, new ones are numbered after them. */
  seq: number
  /** `domain/type` ('/%ANY' for any events). */
  eventType: string
  eventName: string
  /** JSON text, at most CHANNELS_INFO_PREVIEW_CHARS. */
  preview: string
  /**
   * Structured events: the header fields and filterable data as `[name, JSON text]` pairs (at most
   * CHANNELS_INFO_PREVIEW_FIELDS_MAX each, values cut at CHANNELS_INFO_PREVIEW_VALUE_CHARS) and
   * the remainder of the body as JSON text (at most CHANNELS_INFO_PREVIEW_CHARS).
   */
  structured?: {
    variableHeader: [string, string][]
    filterableData: [string, string][]
    body: string
  }
}

/** One queued entry of a consumer's queue, in delivery order. */
export interface QueueEntryInfo extends EventPreviewInfo {
  /** Effective priority for this consumer. */
  priority: number
  /** Expiry, ms since the epoch; null = never. */
  deadlineMs: number | null
  /** Held until, ms since the epoch; null = deliverable. */
  startMs: number | null
  /** Stored in Redis (EventReliability=Persistent). */
  persistent: boolean
}

/** Who is on the other end of a proxy. */
export interface ProxyClientInfo {
  kind: 'lab' | 'remote' | 'federation' | 'flood' | 'none'
  /** Lab client id, remote session id, or the peer proxy as `channel/side/admin/proxy`. */
  id: string | null
  label: string | null
  /** Remote clients gone for now (ConnectionReliability=Persistent keeps the proxy) or killed lab consumers. */
  away: boolean
}

export interface ProxyInfoBase {
  ref: ProxyRefJson
  proxyType: string
  cosEvent: boolean
  state: 'created' | 'connected' | 'destroyed'
  connected: boolean
  suspended: boolean
  filterIds: number[]
  /** Explicitly set QoS. */
  qos: PropertyJson[]
  /** ConnectionReliability=Persistent in effect: this proxy comes back after a restart. */
  persistentConnection: boolean
  client: ProxyClientInfo
  counters: ChannelCountersInfo
}

/** A consumer-facing proxy (proxy supplier) with its queue. */
export interface ConsumerProxyInfo extends ProxyInfoBase {
  queue: {
    length: number
    capacity: number
    /** Bytes its events take (JSON size), and the queue's byte budget. */
    bytes: number
    bytesCapacity: number
    orderPolicy: PolicyNameJson
    discardPolicy: PolicyNameJson
    /** First ≤ CHANNELS_INFO_QUEUE_ENTRIES_MAX entries in delivery order; empty when not detailed. */
    entries: QueueEntryInfo[]
    /** False when the entries were left out to keep the info bounded. */
    detailed: boolean
  }
  priorityFilterId: number | null
  lifetimeFilterId: number | null
  subscribedTypes: EventTypeJson[]
}

/** A supplier-facing proxy (proxy consumer). */
export interface SupplierProxyInfo extends ProxyInfoBase {
  offeredTypes: EventTypeJson[]
}

export interface AdminInfoJson {
  id: number
  operator: 'AND_OP' | 'OR_OP'
  filterIds: number[]
  qos: PropertyJson[]
  /** Consumer admins only. */
  priorityFilterId: number | null
  lifetimeFilterId: number | null
  proxiesTotal: number
}

/** Per event type: who supplies it (offers) and who consumes it (subscriptions). */
export interface DiscoveryEntryInfo {
  type: EventTypeJson
  /** Proxy consumers (suppliers' proxies) offering it, as `admin/proxy` with client label. */
  suppliers: string[]
  /** Proxy suppliers (consumers' proxies) subscribed to it. */
  consumers: string[]
}

export interface ChannelInfoJson {
  id: number
  label: string | null
  /** Effective channel QoS. */
  qos: PropertyJson[]
  /** Admin properties. */
  admin: PropertyJson[]
  /** EventReliability=Persistent: events kept in Redis until every consumer has them. */
  persistentEvents: boolean
  /** ConnectionReliability=Persistent: topology comes back after a restart. */
  persistentConnection: boolean
  /** Events queued over all consumers (what MaxQueueLength bounds). */
  queued: number
  counters: ChannelCountersInfo
  offeredTypes: EventTypeJson[]
  subscribedTypes: EventTypeJson[]
  discovery: DiscoveryEntryInfo[]
  consumerAdmins: (AdminInfoJson & { proxies: ConsumerProxyInfo[] })[]
  supplierAdmins: (AdminInfoJson & { proxies: SupplierProxyInfo[] })[]
  /** Federation edges leaving this channel. */
  federation: { from: ProxyRefJson; to: ProxyRefJson }[]
}

/** An in-process lab client the UI drives. */
export interface LabClientInfo {
  id: string
  label: string | null
  role: ClientRole
  kind: ClientKind
  proxy: ProxyRefJson
  state: 'connected' | 'killed' | 'disconnected'
  /** Events it supplied (push) or received. */
  supplied: number
  received: number
  /** Pull suppliers: events waiting in its buffer for the channel's poll. */
  buffered: number
  /** Pull consumers: blocked pull calls in progress. */
  pendingPulls: number
  /** Newest last, at most CHANNELS_INFO_RECEIVED_MAX. */
  lastReceived: (EventPreviewInfo & { at: number; batch: number })[]
  /** Discovery callbacks it received (offer_change / subscription_change). */
  notifications: number
  /** Last error the channel returned to it (e.g. IMP_LIMIT, Disconnected). */
  lastError: string | null
}

/** A filter object (shared by every admin/proxy it is attached to). */
export interface FilterInfoJson {
  channelId: number
  id: number
  kind: 'filter' | 'priority' | 'lifetime'
  grammar: string
  constraints: {
    constraint_id: number
    constraint_expression: ConstraintExpJson
    /** Mapping filters: the value set on match. */
    value?: JsonValue
  }[]
  /** Mapping filters: default value. */
  defaultValue?: JsonValue
  /** Where it is attached: `admin` or `admin/proxy` on a side, with the attachment id. */
  attachedTo: { target: FilterTarget; attachmentId: number | null }[]
}

/** A remote client session over ZeroMQ. */
export interface RemoteClientInfo {
  session: string
  name: string | null
  state: 'attached' | 'gone'
  proxies: ProxyRefJson[]
  connectedAt: number
  lastSeenAt: number
  requests: number
  pushed: number
  delivered: number
}

/** Persistence (Redis) state. */
export interface ChannelsPersistenceInfo {
  /** Redis reachable; persistent channels need it. */
  available: boolean
  /** Redis key prefix. */
  prefix: string
  /** Persistent events stored (undelivered, summed over consumers). */
  storedEvents: number
  /** Store writes not yet acknowledged by Redis. */
  pendingWrites: number
  /** Failed store operations. */
  errors: number
  lastError: string | null
  /** What the last start/restart found. null before the first start. */
  lastRestart: {
    at: number
    /** Channels and proxies re-created from Redis. */
    channelsRestored: number
    proxiesRestored: number
    /** Persistent events put back in their consumers' queues. */
    eventsRestored: number
    /** Best-effort events that were queued when the previous run ended and are gone. */
    bestEffortLost: number
    /** True when the previous run ended without a clean close (crash, SIGKILL, restart fault). */
    unclean: boolean
  } | null
}

/** Events whose whole story the event-flow view shows at once (the newest recorded). */
export const CHANNEL_FLOW_WINDOW = 12
/** Steps kept per event (a fan-out to many consumers is cut here; `more` counts the rest). */
export const CHANNEL_FLOW_STEPS_MAX = 24

/** What happened to an event at one proxy, as the event-flow view draws it. */
export type ChannelFlowKind = 'received' | 'filtered' | 'discarded' | 'expired' | 'delivered'

export interface ChannelFlowStep {
  kind: ChannelFlowKind
  /** The proxy: `S<admin>/<proxy>` on the supplier side, `C<admin>/<proxy>` on the consumer side. */
  proxy: string
  /** ms since the lab started. */
  t: number
  /** filtered: `supplier` or `consumer` stage; discarded: the reason (and policy); else null. */
  detail: string | null
}

/** One event's story through one channel: received from a supplier, then fanned out. */
export interface ChannelFlowEvent {
  channelId: number
  seq: number
  /** domain/type of the event. */
  type: string
  steps: ChannelFlowStep[]
  /** Steps not kept (beyond CHANNEL_FLOW_STEPS_MAX). */
  more: number
}

export interface ChannelsInfo {
  status: 'stopped' | 'starting' | 'ready' | 'restarting' | 'closed'
  /** The channel whose consumers get queue details (null: the first channels). */
  view: number | null
  channelsTotal: number
  /** At most CHANNELS_INFO_CHANNELS_MAX, by id. */
  channels: ChannelInfoJson[]
  clientsTotal: number
  clients: LabClientInfo[]
  filtersTotal: number
  filters: FilterInfoJson[]
  remote: {
    /** ROUTER endpoint remote clients connect to; null when not bound. */
    endpoint: string | null
    /**
     * The engine's CURVE public key (Z85, 40 characters) when the endpoint uses CURVE: clients
     * need it (`ChannelsClient.open(…, { serverKey })`, the Python examples' `--server-key`).
     */
    curveServerKey: string | null
    sessionsTotal: number
    sessions: RemoteClientInfo[]
    /**
     * Malformed frames rejected, by reason (`too-deep`, `shape`, `bad-json`…; `auth`: a client
     * failed the CURVE handshake, without the server key or with a wrong one).
     */
    rejected: { total: number; byReason: Record<string, number> }
    /**
     * Requests refused by a per-peer limit (IMP_LIMIT), by reason: `sessions-full` (a newcomer
     * while every session is active), `session-channels`, `session-proxies`, `session-pulls`,
     * `session-filters`, `proxy-types`, `event-too-large`.
     */
    refused: { total: number; byReason: Record<string, number> }
    /** Idle sessions evicted to make room for newcomers (they were told). */
    evicted: number
    /** Messages ZeroMQ could not route: the peer was gone (e.g. an evicted one) or full. */
    sendFailed: number
  }
  persistence: ChannelsPersistenceInfo
  /**
   * The event-flow view: the newest CHANNEL_FLOW_WINDOW recorded events, supplier → channel →
   * each consumer proxy, with filtered, discarded and expired marked. Above 100 events a second
   * only 1 in `sampleEvery` is recorded (whole stories).
   */
  flow: { sampleEvery: number; events: ChannelFlowEvent[] }
  /** Sums over all channels. */
  totals: ChannelCountersInfo
  /** True when details were dropped to stay below CHANNELS_INFO_MAX_BYTES. */
  trimmed: boolean
}
