import { z } from 'zod'
import {
  ConstraintExpSchema,
  EventJsonSchema,
  EventTypeSchema,
  JsonValueSchema,
  PropertyListSchema
} from './events'

/**
 * The Channels lab's commands (issue 4): channels, admins, proxies, lab clients, filters, QoS,
 * federation, faults, and the live filter editor's evaluation. Names are `channels:<verb>`.
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

const properties = PropertyListSchema

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
