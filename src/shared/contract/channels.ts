import { z } from 'zod'

/**
 * The Channels lab's part of the contract (issue 4): the commands of the Channels panel (CORBA
 * Event and Notification Service: channels, admins, proxies, lab clients, filters, QoS,
 * federation, faults), the live filter editor's evaluation, and the bounded `ChannelsInfo` the UI
 * receives in every snapshot. Event JSON is the issue's form: a structured event is an object with
 * a `header`; any other JSON value is an untyped `any` event.
 */

export const ChannelsCommandType = {
  Create: 'channels:create',
  Destroy: 'channels:destroy',
  SetAdmin: 'channels:setAdmin',
  NewAdmin: 'channels:newAdmin',
  DestroyAdmin: 'channels:destroyAdmin',
  Connect: 'channels:connect',
  Disconnect: 'channels:disconnect',
  DestroyProxy: 'channels:destroyProxy',
  Kill: 'channels:kill',
  Revive: 'channels:revive',
  Suspend: 'channels:suspend',
  Resume: 'channels:resume',
  Push: 'channels:push',
  Pull: 'channels:pull',
  AddFilter: 'channels:addFilter',
  AttachFilter: 'channels:attachFilter',
  ModifyFilter: 'channels:modifyFilter',
  RemoveFilter: 'channels:removeFilter',
  SetMappingFilter: 'channels:setMappingFilter',
  SetQoS: 'channels:setQoS',
  Federate: 'channels:federate',
  OfferChange: 'channels:offerChange',
  SubscriptionChange: 'channels:subscriptionChange',
  Flood: 'channels:flood',
  Evaluate: 'channels:evaluate',
  View: 'channels:view',
  Restart: 'channels:restart'
} as const
export type ChannelsCommandTypeName = (typeof ChannelsCommandType)[keyof typeof ChannelsCommandType]

/** The default loopback endpoint of the remote-client ROUTER (docs/CHANNELS-PROTOCOL.md). */
export const CHANNELS_DEFAULT_ENDPOINT = 'tcp://127.0.0.1:5556'

// ───────────────────────────── building blocks ─────────────────────────────

/** Any JSON value: the lab's stand-in for a CORBA `any`. */
export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue }
export const JsonValueSchema: z.ZodType<JsonValue> = z.json() as z.ZodType<JsonValue>

/** CosNotification::EventType; `*` (or empty) is a wildcard in constraints and subscriptions. */
export const EventTypeSchema = z.strictObject({
  domain_name: z.string().max(256),
  type_name: z.string().max(256)
})
export type EventTypeJson = z.infer<typeof EventTypeSchema>

/** CosNotification::Property (QoS, admin properties, header fields, filterable data). */
export const PropertySchema = z.strictObject({
  name: z.string().min(1).max(128),
  value: JsonValueSchema
})
export type PropertyJson = z.infer<typeof PropertySchema>

const properties = z.array(PropertySchema).max(64)

/** A StructuredEvent in JSON (issue 4); missing lists default to empty, the body to null. */
export const StructuredEventSchema = z.strictObject({
  header: z.strictObject({
    fixed_header: z.strictObject({
      event_type: EventTypeSchema,
      event_name: z.string().max(256).default('')
    }),
    variable_header: properties.default([])
  }),
  filterable_data: z.array(PropertySchema).max(256).default([]),
  remainder_of_body: JsonValueSchema.default(null)
})
export type StructuredEventJson = z.output<typeof StructuredEventSchema>

/**
 * One event as the UI, the CLI and the remote protocol write it: an object with `header` is a
 * structured event (validated as such), any other JSON value is the contents of an `any` event.
 */
export const EventJsonSchema = JsonValueSchema.superRefine((value, ctx) => {
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && 'header' in value) {
    const parsed = StructuredEventSchema.safeParse(value)
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path })
      }
    }
  }
})

const channelId = z.number().int().min(0).max(2_147_483_647)
const adminId = z.number().int().min(0).max(2_147_483_647)
const proxyId = z.number().int().min(0).max(2_147_483_647)
/** `supplier`: a SupplierAdmin and its proxy consumers; `consumer`: a ConsumerAdmin and its proxy suppliers. */
export const SideSchema = z.enum(['supplier', 'consumer'])
export type Side = z.infer<typeof SideSchema>

/** Identifies one proxy (as the model's ProxyRef). */
export const ProxyRefSchema = z.strictObject({
  channelId,
  side: SideSchema,
  adminId,
  proxyId
})
export type ProxyRefJson = z.infer<typeof ProxyRefSchema>

/** An admin or one of its proxies: where filters go. */
export const FilterTargetSchema = z.strictObject({
  channelId,
  side: SideSchema,
  adminId: adminId.default(0),
  /** Absent: the admin itself. */
  proxyId: proxyId.optional()
})
export type FilterTarget = z.infer<typeof FilterTargetSchema>

/** A channel, an admin or a proxy: where QoS is set (digest §3.4). */
export const QoSTargetSchema = z.strictObject({
  channelId,
  /** Absent: the channel. */
  side: SideSchema.optional(),
  adminId: adminId.optional(),
  proxyId: proxyId.optional()
})
export type QoSTarget = z.infer<typeof QoSTargetSchema>

/** The four client roles, from the client's point of view. */
export const CLIENT_ROLES = [
  'push-supplier',
  'pull-supplier',
  'push-consumer',
  'pull-consumer'
] as const
export const ClientRoleSchema = z.enum(CLIENT_ROLES)
export type ClientRole = z.infer<typeof ClientRoleSchema>

/** The event flavour a client exchanges (CosNotifyChannelAdmin::ClientType). */
export const CLIENT_KINDS = ['any', 'structured', 'sequence'] as const
export const ClientKindSchema = z.enum(CLIENT_KINDS)
export type ClientKind = z.infer<typeof ClientKindSchema>

export const InterFilterGroupOperatorSchema = z.enum(['AND_OP', 'OR_OP'])

/** CosNotifyFilter::ConstraintExp. */
export const ConstraintExpSchema = z.strictObject({
  /** Empty: all event types. */
  event_types: z.array(EventTypeSchema).max(32).default([]),
  /** ETCL text; empty = TRUE. */
  constraint_expr: z.string().max(4_096)
})
export type ConstraintExpJson = z.output<typeof ConstraintExpSchema>

const clientId = z.string().min(1).max(64)
const label = z.string().max(64).optional()

// ───────────────────────────── commands ─────────────────────────────

/** EventChannelFactory.create_channel(initial_qos, initial_admin). */
export const ChannelsCreateSchema = z.strictObject({
  type: z.literal(ChannelsCommandType.Create),
  /** QoS properties (EventReliability, ConnectionReliability, OrderPolicy …); invalid → UnsupportedQoS. */
  qos: properties.default([]),
  /** Admin properties (MaxQueueLength, MaxConsumers, MaxSuppliers, RejectNewEvents). */
  admin: properties.default([]),
  /** Name shown in the UI. */
  label
})
/** EventChannel.destroy(): every connected client is told; queued events are lost. */
export const ChannelsDestroySchema = z.strictObject({
  type: z.literal(ChannelsCommandType.Destroy),
  channelId
})
/** EventChannel.set_admin(). */
export const ChannelsSetAdminSchema = z.strictObject({
  type: z.literal(ChannelsCommandType.SetAdmin),
  channelId,
  admin: properties
})
/** new_for_consumers / new_for_suppliers with a fixed AND/OR operator. */
export const ChannelsNewAdminSchema = z.strictObject({
  type: z.literal(ChannelsCommandType.NewAdmin),
  channelId,
  side: SideSchema,
  operator: InterFilterGroupOperatorSchema.default('AND_OP'),
  /** Admin-level QoS set right after creation. */
  qos: properties.default([])
})
/** Admin.destroy(): destroys its proxies (clients told). */
export const ChannelsDestroyAdminSchema = z.strictObject({
  type: z.literal(ChannelsCommandType.DestroyAdmin),
  channelId,
  side: SideSchema,
  adminId
})
/**
 * Creates an in-process lab client of a role and kind, obtains its proxy from an admin and
 * connects it. Returns `{ clientId, proxy }`.
 */
export const ChannelsConnectSchema = z.strictObject({
  type: z.literal(ChannelsCommandType.Connect),
  channelId,
  adminId: adminId.default(0),
  role: ClientRoleSchema,
  kind: ClientKindSchema.default('structured'),
  /** Obtain through the CosEvent operation (any events, no own filter group). */
  cosEvent: z.boolean().default(false),
  /** Proxy-level QoS set before connecting. */
  qos: properties.default([]),
  label
})
/** The client calls disconnect_* on its proxy (the proxy is destroyed). */
export const ChannelsDisconnectSchema = z.strictObject({
  type: z.literal(ChannelsCommandType.Disconnect),
  clientId
})
/** The channel ends a proxy's connection (any proxy: lab, remote, federation link). */
export const ChannelsDestroyProxySchema = z.strictObject({
  type: z.literal(ChannelsCommandType.DestroyProxy),
  proxy: ProxyRefSchema
})
/**
 * Fault: a lab consumer dies. With ConnectionReliability=Persistent its proxy stays and queues
 * (the channel waits for it); otherwise the next delivery fails and the channel destroys it.
 */
export const ChannelsKillSchema = z.strictObject({
  type: z.literal(ChannelsCommandType.Kill),
  clientId
})
/** A killed lab consumer comes back (a persistent proxy then flushes its queue). */
export const ChannelsReviveSchema = z.strictObject({
  type: z.literal(ChannelsCommandType.Revive),
  clientId
})
/** suspend_connection on a push proxy supplier or pull proxy consumer. */
export const ChannelsSuspendSchema = z.strictObject({
  type: z.literal(ChannelsCommandType.Suspend),
  proxy: ProxyRefSchema
})
/** resume_connection (queued events flushed in order). */
export const ChannelsResumeSchema = z.strictObject({
  type: z.literal(ChannelsCommandType.Resume),
  proxy: ProxyRefSchema
})
/**
 * A lab supplier supplies events: a push supplier pushes them (a sequence supplier as one batch),
 * a pull supplier adds them to the buffer the channel polls. Returns `{ accepted, rejected }`.
 */
export const ChannelsPushSchema = z.strictObject({
  type: z.literal(ChannelsCommandType.Push),
  clientId,
  events: z.array(EventJsonSchema).min(1).max(1_000)
})
/**
 * A lab pull consumer pulls. `try_pull` answers at once; `pull` answers at once when an event is
 * queued, otherwise it blocks in the background (the command returns `{ pending: true }`) and the
 * event shows up in the client's received list.
 */
export const ChannelsPullSchema = z.strictObject({
  type: z.literal(ChannelsCommandType.Pull),
  clientId,
  mode: z.enum(['pull', 'try_pull']).default('try_pull'),
  /** Sequence consumers: most events per call. */
  max: z.number().int().min(1).max(1_000).default(1)
})
/** Creates a filter with constraints and attaches it to an admin or proxy. Returns `{ filterId, attachmentId }`. */
export const ChannelsAddFilterSchema = z.strictObject({
  type: z.literal(ChannelsCommandType.AddFilter),
  target: FilterTargetSchema,
  constraints: z.array(ConstraintExpSchema).max(32).default([]),
  grammar: z.string().max(32).default('EXTENDED_TCL')
})
/** Attaches an existing filter (filters may be shared). Returns `{ attachmentId }`. */
export const ChannelsAttachFilterSchema = z.strictObject({
  type: z.literal(ChannelsCommandType.AttachFilter),
  target: FilterTargetSchema,
  filterId: z.number().int().min(1)
})
/** add_constraints / modify_constraints (atomic) / remove constraints of a filter. */
export const ChannelsModifyFilterSchema = z.strictObject({
  type: z.literal(ChannelsCommandType.ModifyFilter),
  channelId,
  filterId: z.number().int().min(1),
  add: z.array(ConstraintExpSchema).max(32).default([]),
  modify: z
    .array(
      z.strictObject({
        constraint_id: z.number().int().min(1),
        constraint_expression: ConstraintExpSchema
      })
    )
    .max(32)
    .default([]),
  remove: z.array(z.number().int().min(1)).max(32).default([]),
  /** remove_all_constraints first. */
  removeAll: z.boolean().default(false)
})
/** remove_filter on an admin or proxy; the filter is destroyed once attached nowhere. */
export const ChannelsRemoveFilterSchema = z.strictObject({
  type: z.literal(ChannelsCommandType.RemoveFilter),
  target: FilterTargetSchema,
  attachmentId: z.number().int().min(1)
})
/**
 * Sets (or with `constraints: null` clears) the priority_filter / lifetime_filter of a consumer
 * admin or consumer proxy. Returns `{ filterId }`.
 */
export const ChannelsSetMappingFilterSchema = z.strictObject({
  type: z.literal(ChannelsCommandType.SetMappingFilter),
  target: FilterTargetSchema,
  kind: z.enum(['priority', 'lifetime']),
  /** Value when no constraint matches (priority: short; lifetime: TimeT). */
  defaultValue: JsonValueSchema.default(0),
  constraints: z
    .array(z.strictObject({ constraint: ConstraintExpSchema, value: JsonValueSchema }))
    .max(32)
    .nullable()
})
/** set_qos on a channel, an admin or a proxy (atomic; UnsupportedQoS names each property). */
export const ChannelsSetQoSSchema = z.strictObject({
  type: z.literal(ChannelsCommandType.SetQoS),
  target: QoSTargetSchema,
  qos: properties
})
/**
 * Federation: `from`'s output feeds `to`'s input through a proxy supplier of `from` connected to a
 * proxy consumer of `to` (push: from pushes; pull: to polls). A cycle is refused (FederationCycle).
 */
export const ChannelsFederateSchema = z.strictObject({
  type: z.literal(ChannelsCommandType.Federate),
  from: channelId,
  to: channelId,
  mode: z.enum(['push', 'pull']).default('push'),
  kind: ClientKindSchema.default('structured')
})
/** A lab supplier's offer_change (discovery). */
export const ChannelsOfferChangeSchema = z.strictObject({
  type: z.literal(ChannelsCommandType.OfferChange),
  clientId,
  added: z.array(EventTypeSchema).max(64).default([]),
  removed: z.array(EventTypeSchema).max(64).default([])
})
/** A lab consumer's subscription_change (discovery). */
export const ChannelsSubscriptionChangeSchema = z.strictObject({
  type: z.literal(ChannelsCommandType.SubscriptionChange),
  clientId,
  added: z.array(EventTypeSchema).max(64).default([]),
  removed: z.array(EventTypeSchema).max(64).default([])
})
/** Floods a channel with N events from a hidden flood supplier. Returns `{ accepted, rejected }`. */
export const ChannelsFloodSchema = z.strictObject({
  type: z.literal(ChannelsCommandType.Flood),
  channelId,
  count: z.number().int().min(1).max(100_000),
  /** Template (structured or any); default: a `Flowlab/Flood` structured event. */
  event: EventJsonSchema.optional(),
  /** Give each event a header Priority: `cycle` = 1..5 repeating, `random` = -10..10. */
  priorities: z.enum(['none', 'cycle', 'random']).default('none')
})
/**
 * The live filter editor: parses the constraint and evaluates it against sample events. Never
 * fails for a bad constraint: the result carries the syntax or type error with its column.
 */
export const ChannelsEvaluateSchema = z.strictObject({
  type: z.literal(ChannelsCommandType.Evaluate),
  constraint: z.string().max(4_096),
  /** Constraint event types; empty = all. */
  eventTypes: z.array(EventTypeSchema).max(32).default([]),
  events: z.array(EventJsonSchema).max(50).default([])
})
/** Which channel's consumers get queue details in ChannelsInfo (the rest only counts). */
export const ChannelsViewSchema = z.strictObject({
  type: z.literal(ChannelsCommandType.View),
  channelId: channelId.nullable()
})
/**
 * Restarts the channels part of the engine as a crash would: everything in memory is lost
 * (best-effort events, BestEffort topology); persistent topology and events come back from Redis.
 */
export const ChannelsRestartSchema = z.strictObject({
  type: z.literal(ChannelsCommandType.Restart)
})

export const ChannelsCommandSchema = z.discriminatedUnion('type', [
  ChannelsCreateSchema,
  ChannelsDestroySchema,
  ChannelsSetAdminSchema,
  ChannelsNewAdminSchema,
  ChannelsDestroyAdminSchema,
  ChannelsConnectSchema,
  ChannelsDisconnectSchema,
  ChannelsDestroyProxySchema,
  ChannelsKillSchema,
  ChannelsReviveSchema,
  ChannelsSuspendSchema,
  ChannelsResumeSchema,
  ChannelsPushSchema,
  ChannelsPullSchema,
  ChannelsAddFilterSchema,
  ChannelsAttachFilterSchema,
  ChannelsModifyFilterSchema,
  ChannelsRemoveFilterSchema,
  ChannelsSetMappingFilterSchema,
  ChannelsSetQoSSchema,
  ChannelsFederateSchema,
  ChannelsOfferChangeSchema,
  ChannelsSubscriptionChangeSchema,
  ChannelsFloodSchema,
  ChannelsEvaluateSchema,
  ChannelsViewSchema,
  ChannelsRestartSchema
])
/** A command after validation, defaults applied. */
export type ChannelsCommand = z.output<typeof ChannelsCommandSchema>
/** A command as a sender writes it. */
export type ChannelsCommandInput = z.input<typeof ChannelsCommandSchema>
export type ChannelsCommandOf<T extends ChannelsCommand['type']> = Extract<
  ChannelsCommand,
  { type: T }
>

// ───────────────────────────── results ─────────────────────────────

/** Result of `channels:connect`. */
export interface ChannelsConnectResult {
  clientId: string
  proxy: ProxyRefJson
}

/** Result of `channels:evaluate` for one sample event. */
export interface EvaluationResultJson {
  /** The sample was not a valid event (message says why); nothing evaluated. */
  invalid?: string
  /** Whether the event's type is covered by the event types (false: not evaluated). */
  typeMatched: boolean
  /** The constraint matched (type matched and expression TRUE). */
  matched: boolean
  /** Why evaluation failed (missing component, type mismatch, arithmetic). */
  failure?: { kind: 'missing' | 'type' | 'arithmetic'; message: string; column: number }
}

/** Result of `channels:evaluate`. */
export type ChannelsEvaluateResult =
  | {
      ok: true
      /** The canonical text of the parsed constraint. */
      canonical: string
      results: EvaluationResultJson[]
    }
  | {
      ok: false
      error: {
        kind: 'syntax' | 'type'
        /** 1-based column of the offending token or operator. */
        column: number
        /** What the grammar allowed there (syntax errors). */
        expected: string | null
        /** What was found instead (syntax errors). */
        found: string | null
        message: string
      }
    }

// ───────────────────────────── info (UI) ─────────────────────────────

/** Most channels listed in ChannelsInfo (the rest counted in `channelsTotal`). */
export const CHANNELS_INFO_CHANNELS_MAX = 32
/** Most proxies listed per admin. */
export const CHANNELS_INFO_PROXIES_MAX = 128
/** Queue entries shown per consumer (the first ones, in delivery order). */
export const CHANNELS_INFO_QUEUE_ENTRIES_MAX = 50
/** Consumers whose queue entries are shown (those of the viewed channel first). */
export const CHANNELS_INFO_QUEUE_DETAIL_MAX = 16
/** Last events kept per lab consumer. */
export const CHANNELS_INFO_RECEIVED_MAX = 50
/** Lab clients, filters and remote clients listed at most. */
export const CHANNELS_INFO_CLIENTS_MAX = 128
export const CHANNELS_INFO_FILTERS_MAX = 128
export const CHANNELS_INFO_REMOTE_MAX = 64
/** Longest event preview (JSON text, cut with `…`). */
export const CHANNELS_INFO_PREVIEW_CHARS = 240
/** Hard bound of the serialised ChannelsInfo; details are dropped to stay below it. */
export const CHANNELS_INFO_MAX_BYTES = 256 * 1024

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
  /** Discards by the DiscardPolicy that chose them, or by reason (Destroyed, DeliveryFailed, FederationLoop…). */
  discardedBy: Record<string, number>
  /** Expired before delivery (Timeout, StopTime, lifetime filter). */
  expired: number
  /** Refused at the supplier with IMP_LIMIT (RejectNewEvents). */
  rejected: number
}

/** A short, bounded view of one event. */
export interface EventPreviewInfo {
  /** Channel receive sequence number (restored events after a restart are renumbered ≤ 0). */
  seq: number
  /** `domain/type` ('/%ANY' for any events). */
  eventType: string
  eventName: string
  /** JSON text, at most CHANNELS_INFO_PREVIEW_CHARS. */
  preview: string
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
    sessionsTotal: number
    sessions: RemoteClientInfo[]
    /** Malformed frames rejected, by reason. */
    rejected: { total: number; byReason: Record<string, number> }
  }
  persistence: ChannelsPersistenceInfo
  /** Sums over all channels. */
  totals: ChannelCountersInfo
  /** True when details were dropped to stay below CHANNELS_INFO_MAX_BYTES. */
  trimmed: boolean
}
