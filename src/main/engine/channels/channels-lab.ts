import { randomBytes } from 'node:crypto'
import type { Redis } from 'ioredis'
import { CommandError, ErrorCode, type TraceData, type TraceLevel } from '@shared/contract'
import {
  CHANNELS_DEFAULT_ENDPOINT,
  CHANNELS_INFO_CHANNELS_MAX,
  CHANNELS_INFO_CLIENTS_MAX,
  CHANNELS_INFO_FILTERS_MAX,
  CHANNELS_INFO_MAX_BYTES,
  CHANNELS_INFO_PROXIES_MAX,
  CHANNELS_INFO_QUEUE_DETAIL_MAX,
  CHANNELS_INFO_QUEUE_ENTRIES_MAX,
  ChannelsCommandType,
  type ChannelCountersInfo,
  type ChannelInfoJson,
  type ChannelsCommand,
  type ChannelsCommandOf,
  type ChannelsConnectResult,
  type ChannelsEvaluateResult,
  type ChannelsInfo,
  type ClientKind,
  type ClientRole,
  type ConsumerProxyInfo,
  type DiscoveryEntryInfo,
  type EvaluationResultJson,
  type FilterInfoJson,
  type FilterTarget,
  type JsonValue,
  type PropertyJson,
  type ProxyClientInfo,
  type ProxyRefJson,
  type QoSTarget,
  type SupplierProxyInfo
} from '@shared/contract/channels'
import type { RedisHost } from '../redis/redis-host'
import { compileConstraint, ConstraintSyntaxError, ConstraintTypeError } from './etcl'
import type { ChannelEvent, EventType } from './event'
import { channelEventFromJson, previewEvent } from './event-json'
import {
  eventTypeOf,
  eventTypesMatch,
  FilterError,
  type Filter,
  type FilterLike,
  type MappingFilter
} from './filter'
import { LabClient } from './lab-client'
import {
  consumerKey,
  EventChannelFactory,
  InterFilterGroupOperator,
  NotifyError,
  NotifyErrorCode,
  ProxyConsumer,
  ProxySupplier,
  PullProxySupplierBase,
  type ConsumerAdmin,
  type EventChannel,
  type EventChannelOptions,
  type ProxyBase,
  type StoredEvent,
  type SupplierAdmin
} from './model'
import type { Envelope } from './model/envelope'
import { BestEffortLedger } from './persistence/best-effort-ledger'
import { channelsKeys, CHANNELS_KEY_PREFIX, type ChannelsKeys } from './persistence/keys'
import { RedisEventStore } from './persistence/redis-event-store'
import {
  TopologyStore,
  type AdminDoc,
  type AttachmentDoc,
  type ChannelDoc,
  type ClientDoc,
  type FilterDoc,
  type ProxyDoc
} from './persistence/topology-store'
import {
  connectProxy,
  disconnectProxy,
  eventsForKind,
  findProxy,
  hasPersistentConnection,
  isSuspendable,
  obtainProxy,
  pullFrom,
  pushInto,
  refKey,
  roleAndKind,
  tryPullFrom
} from './proxy-ops'
import { RemoteServer } from './remote/remote-server'

/** Traffic counters are summarised in the trace at most this often (never one event per message). */
const TRAFFIC_TRACE_INTERVAL_MS = 1_000
/** Lifecycle trace events (connect, destroy …) per second at most; the rest are counted. */
const NOTES_PER_SECOND_MAX = 20
/** Flood pushes this many events per turn of the event loop, so commands and timers interleave. */
const FLOOD_CHUNK_EVENTS = 500
/** Channel ids burnt at most while restoring ids after a restart (guards a corrupt counter). */
const RESTORE_ID_GAP_MAX = 10_000
/** A remote session that sends nothing for this long is gone (clients ping more often). */
const REMOTE_SESSION_TIMEOUT_MS = 15_000

export type ChannelsEmit = (
  type: string,
  level: TraceLevel,
  message: string,
  data?: TraceData
) => void

export interface ChannelsLabOptions {
  /** The engine's Redis (started first). Persistent channels need it up. */
  redis: RedisHost
  /** Trace sink: the engine's `#emit` with source `channels`. */
  emit: ChannelsEmit
  /**
   * ROUTER endpoint remote clients connect to (docs/CHANNELS-PROTOCOL.md); null = no remote
   * server. Default CHANNELS_DEFAULT_ENDPOINT. `tcp://127.0.0.1:0` binds a free port.
   */
  endpoint?: string | null
  /** Redis key prefix (default `flowlab:channels`); tests use a unique one. */
  prefix?: string
  /** Channel model tunables (clock, poll interval, queue hard limit); stores are the lab's. */
  channelOptions?: Omit<EventChannelOptions, 'bestEffortStore' | 'persistentStore'>
  /** Remote sessions silent this long are gone (default 15 s). */
  remoteSessionTimeoutMs?: number
}

interface LabFilter {
  filter: Filter | MappingFilter
  kind: 'filter' | 'priority' | 'lifetime'
}

interface ChannelMeta {
  label: string | null
  filters: Map<number, LabFilter>
}

interface FilterOwner {
  add_filter(filter: FilterLike): number
  remove_filter(id: number): void
  get_filter(id: number): FilterLike
  get_all_filters(): number[]
}

/** What the previous run left, read at boot. */
interface BootReport {
  channelsRestored: number
  proxiesRestored: number
  eventsRestored: number
  bestEffortLost: number
  unclean: boolean
}

/**
 * The Channels lab: an EventChannelFactory (the finished in-process model) plus everything between
 * it and the UI — the commands of the Channels panel, in-process lab clients of every role and
 * kind, filters by id, persistence in Redis (EventReliability=Persistent events in streams,
 * ConnectionReliability=Persistent topology in a hash, a count of best-effort events a crash
 * loses), remote clients over ZeroMQ, bounded trace summaries and the bounded `ChannelsInfo`.
 *
 * Lifecycle: `start()` once (restores what Redis holds, binds the remote endpoint) →
 * `execute(command)` any number of times → `close()` (idempotent; persistent state stays in
 * Redis for the next start).
 */
export class ChannelsLab {
  readonly #redis: RedisHost
  readonly #emit: ChannelsEmit
  readonly #keys: ChannelsKeys
  readonly #endpoint: string | null
  readonly #channelOptions: ChannelsLabOptions['channelOptions']
  readonly #sessionTimeoutMs: number
  #status: ChannelsInfo['status'] = 'stopped'
  #client: Redis | null = null
  #factory: EventChannelFactory | null = null
  #persistent: RedisEventStore | null = null
  #ledger: BestEffortLedger | null = null
  #topology: TopologyStore | null = null
  #remote: RemoteServer | null = null
  readonly #meta = new Map<number, ChannelMeta>()
  readonly #clients = new Map<string, LabClient>()
  /** Lab clients by proxy key. */
  readonly #byProxy = new Map<string, LabClient>()
  /** Push proxies suspended because their lab consumer was killed. */
  readonly #killSuspended = new Set<string>()
  #nextClient = 1
  #view: number | null = null
  #lastRestart: ChannelsInfo['persistence']['lastRestart'] = null
  #persistErrors = 0
  #persistLastError: string | null = null
  #retired: ChannelCountersInfo = zeroCounters()
  #traced: ChannelCountersInfo = zeroCounters()
  #trafficTimer: NodeJS.Timeout | null = null
  #notesWindowStart = 0
  #notesInWindow = 0
  #notesSuppressed = 0
  #runId = ''
  #started = false
  #closing: Promise<void> | null = null

  /** @param opts - Redis host, trace sink, remote endpoint, key prefix, model tunables */
  constructor(opts: ChannelsLabOptions) {
    this.#redis = opts.redis
    this.#emit = opts.emit
    this.#keys = channelsKeys(opts.prefix ?? CHANNELS_KEY_PREFIX)
    this.#endpoint = opts.endpoint === undefined ? CHANNELS_DEFAULT_ENDPOINT : opts.endpoint
    this.#channelOptions = opts.channelOptions
    this.#sessionTimeoutMs = opts.remoteSessionTimeoutMs ?? REMOTE_SESSION_TIMEOUT_MS
  }

  /** The model's factory (tests and the bench reach channels through it). */
  get factory(): EventChannelFactory {
    if (this.#factory === null) throw new Error('ChannelsLab not started')
    return this.#factory
  }

  /** The bound remote endpoint (with the real port), or null. */
  get endpoint(): string | null {
    return this.#remote?.endpoint ?? null
  }

  /**
   * Resolves when Redis has acknowledged every persistence write sent so far (events, topology,
   * best-effort count). Delivery never waits for it; tests and the bench do.
   */
  async flushed(): Promise<void> {
    await this.#persistent?.flushed()
    await this.#topology?.flushed()
    await this.#ledger?.flushed()
  }

  /** A lab client by id (tests, the bench). */
  labClient(id: string): LabClient | undefined {
    return this.#clients.get(id)
  }

  /**
   * Starts the lab: restores persistent channels, proxies and stored events from Redis (when it is
   * up), then binds the remote endpoint. Throws if called twice or if the endpoint cannot be bound.
   */
  async start(): Promise<void> {
    if (this.#started) throw new Error('ChannelsLab already started')
    this.#started = true
    this.#status = 'starting'
    if (this.#redis.status === 'up') {
      this.#client = this.#redis.createClient('channels', { enableAutoPipelining: true })
    }
    await this.#boot(null)
    if (this.#endpoint !== null) {
      this.#remote = new RemoteServer({
        endpoint: this.#endpoint,
        host: this.#remoteHost(),
        sessionTimeoutMs: this.#sessionTimeoutMs,
        note: (type, level, message, data) => this.#note(type, level, message, data)
      })
      await this.#remote.start()
      this.#note('listening', 'info', `remote clients: ${this.#remote.endpoint}`, {
        endpoint: this.#remote.endpoint
      })
      this.#rebindRemote()
    }
    this.#trafficTimer = setInterval(() => this.#traceTraffic(), TRAFFIC_TRACE_INTERVAL_MS)
    this.#trafficTimer.unref()
    this.#status = 'ready'
  }

  /**
   * Stops the lab: flushes persistence, closes the remote endpoint, tears down the in-memory
   * channels (clients are told). Persistent topology and events stay in Redis. Idempotent; every
   * cleanup runs even if one fails.
   */
  close(): Promise<void> {
    this.#closing ??= (async (): Promise<void> => {
      if (this.#trafficTimer !== null) clearInterval(this.#trafficTimer)
      this.#trafficTimer = null
      const steps: (() => Promise<void>)[] = [
        async () => this.#traceTraffic(),
        async () => this.#remote?.close(),
        async () => this.#teardown(true),
        async () => {
          if (this.#client !== null) await this.#client.del(this.#keys.running)
        },
        async () => {
          this.#client?.disconnect()
          this.#client = null
        }
      ]
      for (const step of steps) {
        try {
          await step()
        } catch {
          // every cleanup runs; a failed one must not keep the others from running
        }
      }
      this.#status = 'closed'
    })()
    return this.#closing
  }

  /**
   * Runs one validated command.
   * @returns the command's result (plain JSON)
   * @throws CommandError with a user-facing message naming the CORBA exception and its reason
   */
  async execute(command: ChannelsCommand): Promise<unknown> {
    if (this.#status !== 'ready') {
      throw new CommandError(ErrorCode.InvalidState, `the Channels lab is ${this.#status}`)
    }
    try {
      return await this.#run(command)
    } catch (err) {
      throw toCommandError(err)
    }
  }

  /** The bounded plain-JSON view for the snapshot (≤ CHANNELS_INFO_MAX_BYTES serialised). */
  toInfo(): ChannelsInfo {
    return this.#buildInfo()
  }

  // ───────────────────────────── commands ─────────────────────────────

  async #run(command: ChannelsCommand): Promise<unknown> {
    switch (command.type) {
      case ChannelsCommandType.Create:
        return this.#create(command)
      case ChannelsCommandType.Destroy: {
        const channel = this.#channel(command.channelId)
        channel.destroy()
        this.#note('channel-destroyed', 'info', `channel ${command.channelId} destroyed`, {
          channelId: command.channelId
        })
        return null
      }
      case ChannelsCommandType.SetAdmin:
        this.#channel(command.channelId).set_admin(command.admin)
        this.#dirty(command.channelId)
        return null
      case ChannelsCommandType.NewAdmin: {
        const channel = this.#channel(command.channelId)
        const op =
          command.operator === 'AND_OP'
            ? InterFilterGroupOperator.AND_OP
            : InterFilterGroupOperator.OR_OP
        const admin =
          command.side === 'consumer'
            ? channel.new_for_consumers(op)
            : channel.new_for_suppliers(op)
        if (command.qos.length > 0) {
          try {
            admin.set_qos(command.qos)
          } catch (err) {
            admin.destroy()
            throw err
          }
        }
        this.#dirty(command.channelId)
        return { adminId: admin.MyID }
      }
      case ChannelsCommandType.DestroyAdmin:
        this.#admin(command.channelId, command.side, command.adminId).destroy()
        this.#dirty(command.channelId)
        return null
      case ChannelsCommandType.Connect:
        return this.#connect(command)
      case ChannelsCommandType.Disconnect: {
        const client = this.#labClient(command.clientId)
        disconnectProxy(this.#proxy(client.proxy))
        client.state = 'disconnected'
        return null
      }
      case ChannelsCommandType.DestroyProxy:
        this.#proxy(command.proxy).destroyProxy('channel', 'destroyed from the console', true)
        return null
      case ChannelsCommandType.Kill:
        return this.#kill(command.clientId)
      case ChannelsCommandType.Revive:
        return this.#revive(command.clientId)
      case ChannelsCommandType.Suspend: {
        const proxy = this.#proxy(command.proxy)
        if (!isSuspendable(proxy)) {
          throw new NotifyError(
            NotifyErrorCode.NO_IMPLEMENT,
            'only push proxy suppliers and pull proxy consumers can be suspended'
          )
        }
        proxy.suspend_connection()
        this.#dirty(command.proxy.channelId)
        return null
      }
      case ChannelsCommandType.Resume: {
        const proxy = this.#proxy(command.proxy)
        if (!isSuspendable(proxy)) {
          throw new NotifyError(
            NotifyErrorCode.NO_IMPLEMENT,
            'only push proxy suppliers and pull proxy consumers can be resumed'
          )
        }
        proxy.resume_connection()
        this.#killSuspended.delete(refKey(command.proxy))
        this.#dirty(command.proxy.channelId)
        return null
      }
      case ChannelsCommandType.Push:
        return this.#push(command)
      case ChannelsCommandType.Pull:
        return this.#pull(command)
      case ChannelsCommandType.AddFilter:
        return this.#addFilter(command)
      case ChannelsCommandType.AttachFilter: {
        const lab = this.#labFilter(command.target.channelId, command.filterId)
        if (lab.kind !== 'filter') {
          throw new CommandError(ErrorCode.InvalidCommand, 'mapping filters are set, not attached')
        }
        const attachmentId = this.#owner(command.target).add_filter(lab.filter as Filter)
        this.#dirty(command.target.channelId)
        return { attachmentId }
      }
      case ChannelsCommandType.ModifyFilter:
        return this.#modifyFilter(command)
      case ChannelsCommandType.RemoveFilter: {
        const owner = this.#owner(command.target)
        const filter = owner.get_filter(command.attachmentId)
        owner.remove_filter(command.attachmentId)
        this.#forgetIfUnused(command.target.channelId, filter.id)
        this.#dirty(command.target.channelId)
        return null
      }
      case ChannelsCommandType.SetMappingFilter:
        return this.#setMappingFilter(command)
      case ChannelsCommandType.SetQoS:
        this.#setQoS(command.target, command.qos)
        return null
      case ChannelsCommandType.Federate:
        return this.#federate(command)
      case ChannelsCommandType.OfferChange: {
        const client = this.#labClient(command.clientId)
        const proxy = this.#proxy(client.proxy)
        if (!(proxy instanceof ProxyConsumer)) {
          throw new CommandError(ErrorCode.InvalidCommand, 'offer_change is for suppliers')
        }
        proxy.offer_change(command.added, command.removed)
        return null
      }
      case ChannelsCommandType.SubscriptionChange: {
        const client = this.#labClient(command.clientId)
        const proxy = this.#proxy(client.proxy)
        if (!(proxy instanceof ProxySupplier)) {
          throw new CommandError(ErrorCode.InvalidCommand, 'subscription_change is for consumers')
        }
        proxy.subscription_change(command.added, command.removed)
        return null
      }
      case ChannelsCommandType.Flood:
        return this.#flood(command)
      case ChannelsCommandType.Evaluate:
        return evaluateConstraint(command)
      case ChannelsCommandType.View:
        this.#view = command.channelId
        return null
      case ChannelsCommandType.Restart:
        return this.#restart()
    }
  }

  #create(command: ChannelsCommandOf<'channels:create'>): { channelId: number } {
    const wantsPersistence = command.qos.some(
      (p) => (p.name === 'EventReliability' || p.name === 'ConnectionReliability') && p.value === 1
    )
    if (wantsPersistence && this.#persistent === null) {
      throw new CommandError(
        ErrorCode.RedisUnavailable,
        'Persistent reliability keeps channels and events in Redis, and Redis is not available'
      )
    }
    const channel = this.factory.create_channel(command.qos, command.admin)
    this.#adopt(channel, command.label ?? null)
    void this.#client?.hset(this.#keys.meta, 'nextChannel', channel.id + 1).catch(() => undefined)
    this.#note('channel-created', 'info', `channel ${channel.id} created`, {
      channelId: channel.id
    })
    return { channelId: channel.id }
  }

  #connect(command: ChannelsCommandOf<'channels:connect'>): ChannelsConnectResult {
    const channel = this.#channel(command.channelId)
    const proxy = obtainProxy(
      channel,
      command.adminId,
      command.role,
      command.kind,
      command.cosEvent
    )
    const id = `c${this.#nextClient++}`
    const client = new LabClient(id, command.role, command.kind, proxy.ref, command.label ?? null)
    this.#register(client)
    try {
      if (command.qos.length > 0) proxy.set_qos(command.qos)
      connectProxy(proxy, client)
    } catch (err) {
      this.#clients.delete(id)
      proxy.destroyProxy('channel', 'connect failed', false)
      throw err
    }
    this.#dirty(command.channelId)
    return { clientId: id, proxy: proxy.ref }
  }

  #register(client: LabClient): void {
    this.#clients.set(client.id, client)
    this.#byProxy.set(refKey(client.proxy), client)
  }

  #kill(clientId: string): null {
    const client = this.#labClient(clientId)
    if (client.state !== 'connected') {
      throw new CommandError(ErrorCode.InvalidState, `${clientId} is ${client.state}`)
    }
    client.state = 'killed'
    const proxy = this.#proxyOrNull(client.proxy)
    if (
      proxy !== null &&
      client.role === 'push-consumer' &&
      hasPersistentConnection(proxy) &&
      isSuspendable(proxy) &&
      !proxy.isSuspended
    ) {
      // ConnectionReliability=Persistent: the channel keeps the consumer's place and its queue
      // until it comes back, instead of failing deliveries and destroying the proxy.
      proxy.suspend_connection()
      this.#killSuspended.add(refKey(client.proxy))
    }
    this.#dirty(client.proxy.channelId)
    this.#note('client-killed', 'warn', `lab client ${clientId} killed`, { clientId })
    return null
  }

  #revive(clientId: string): null {
    const client = this.#labClient(clientId)
    if (client.state !== 'killed') {
      throw new CommandError(ErrorCode.InvalidState, `${clientId} is ${client.state}, not killed`)
    }
    const proxy = this.#proxyOrNull(client.proxy)
    if (proxy === null) {
      client.state = 'disconnected'
      throw new CommandError(
        ErrorCode.InvalidState,
        `the channel already destroyed ${clientId}'s proxy (ConnectionReliability is BestEffort)`
      )
    }
    client.state = 'connected'
    const key = refKey(client.proxy)
    if (this.#killSuspended.delete(key) && isSuspendable(proxy) && proxy.isSuspended) {
      proxy.resume_connection()
    }
    this.#dirty(client.proxy.channelId)
    return null
  }

  #push(command: ChannelsCommandOf<'channels:push'>): { accepted: number; rejected: number } {
    const client = this.#labClient(command.clientId)
    if (client.role !== 'push-supplier' && client.role !== 'pull-supplier') {
      throw new CommandError(ErrorCode.InvalidCommand, `${client.id} is a consumer; it cannot push`)
    }
    if (client.state !== 'connected') {
      throw new CommandError(ErrorCode.InvalidState, `${client.id} is ${client.state}`)
    }
    const events = eventsForKind(client.kind, command.events as JsonValue[])
    if (client.role === 'pull-supplier') {
      client.buffer(events)
      return { accepted: events.length, rejected: 0 }
    }
    const proxy = this.#proxy(client.proxy)
    try {
      const accepted = pushInto(proxy, client.kind, events)
      client.supplied += accepted
      client.lastError = null
      return { accepted, rejected: 0 }
    } catch (err) {
      client.lastError = err instanceof Error ? err.message : String(err)
      if (err instanceof NotifyError && err.code === NotifyErrorCode.IMP_LIMIT) {
        throw new CommandError(
          ErrorCode.InvalidState,
          'IMP_LIMIT: the channel holds MaxQueueLength events and RejectNewEvents is TRUE; the push was refused'
        )
      }
      throw err
    }
  }

  async #pull(command: ChannelsCommandOf<'channels:pull'>): Promise<unknown> {
    const client = this.#labClient(command.clientId)
    if (client.role !== 'pull-consumer') {
      throw new CommandError(ErrorCode.InvalidCommand, `${client.id} is not a pull consumer`)
    }
    const proxy = this.#proxy(client.proxy)
    const now = tryPullFrom(proxy, client.kind, command.max)
    if (now.length > 0 || command.mode === 'try_pull') {
      client.record(now)
      return { hasEvent: now.length > 0, events: now.map(eventJson), pending: false }
    }
    client.pendingPulls++
    void pullFrom(proxy, client.kind, command.max).then(
      (events) => {
        client.pendingPulls--
        client.record(events)
      },
      (err: unknown) => {
        client.pendingPulls--
        client.lastError = err instanceof Error ? err.message : String(err)
      }
    )
    return { hasEvent: false, events: [], pending: true }
  }

  #addFilter(command: ChannelsCommandOf<'channels:addFilter'>): {
    filterId: number
    attachmentId: number
  } {
    const owner = this.#owner(command.target)
    const channel = this.#channel(command.target.channelId)
    const filter = channel.default_filter_factory.createFilter(command.grammar)
    try {
      filter.addConstraints(command.constraints)
    } catch (err) {
      filter.destroy()
      throw err
    }
    this.#metaOf(channel.id).filters.set(filter.id, { filter, kind: 'filter' })
    const attachmentId = owner.add_filter(filter)
    this.#dirty(channel.id)
    return { filterId: filter.id, attachmentId }
  }

  #modifyFilter(command: ChannelsCommandOf<'channels:modifyFilter'>): unknown {
    const lab = this.#labFilter(command.channelId, command.filterId)
    if (lab.kind !== 'filter') {
      throw new CommandError(
        ErrorCode.InvalidCommand,
        'use channels:setMappingFilter for mapping filters'
      )
    }
    const filter = lab.filter as Filter
    if (command.removeAll) filter.removeAllConstraints()
    if (command.remove.length > 0 || command.modify.length > 0) {
      filter.modifyConstraints(command.remove, command.modify)
    }
    const added = command.add.length > 0 ? filter.addConstraints(command.add) : []
    this.#dirty(command.channelId)
    return { added, constraints: filter.getAllConstraints() }
  }

  #setMappingFilter(command: ChannelsCommandOf<'channels:setMappingFilter'>): {
    filterId: number | null
  } {
    const target = command.target
    if (target.side !== 'consumer') {
      throw new CommandError(
        ErrorCode.InvalidCommand,
        'mapping filters belong to consumer admins and proxy suppliers'
      )
    }
    const channel = this.#channel(target.channelId)
    const holder: { priority_filter: unknown; lifetime_filter: unknown } =
      target.proxyId === undefined
        ? channel.get_consumeradmin(target.adminId)
        : (channel.get_consumeradmin(target.adminId).get_proxy_supplier(target.proxyId) as never)
    const attr = command.kind === 'priority' ? 'priority_filter' : 'lifetime_filter'
    const previous = holder[attr] as { id: number } | null
    let filterId: number | null = null
    if (command.constraints === null) {
      holder[attr] = null
    } else {
      const mapping = channel.default_filter_factory.createMappingFilter(
        'EXTENDED_TCL',
        command.defaultValue as JsonValue
      )
      try {
        mapping.addMappingConstraints(
          command.constraints.map((c) => ({
            constraint_expression: c.constraint,
            result_to_set: c.value as JsonValue
          }))
        )
      } catch (err) {
        mapping.destroy()
        throw err
      }
      this.#metaOf(channel.id).filters.set(mapping.id, { filter: mapping, kind: command.kind })
      holder[attr] = mapping
      filterId = mapping.id
    }
    if (previous !== null) this.#forgetIfUnused(channel.id, previous.id)
    this.#dirty(channel.id)
    return { filterId }
  }

  #setQoS(target: QoSTarget, qos: PropertyJson[]): void {
    const channel = this.#channel(target.channelId)
    if (target.side === undefined) {
      channel.set_qos(qos)
    } else if (target.proxyId === undefined) {
      this.#admin(target.channelId, target.side, target.adminId ?? 0).set_qos(qos)
    } else {
      this.#proxy({
        channelId: target.channelId,
        side: target.side,
        adminId: target.adminId ?? 0,
        proxyId: target.proxyId
      }).set_qos(qos)
    }
    this.#dirty(target.channelId)
  }

  #federate(command: ChannelsCommandOf<'channels:federate'>): {
    upstream: ProxyRefJson
    downstream: ProxyRefJson
  } {
    const from = this.#channel(command.from)
    const to = this.#channel(command.to)
    const push = command.mode === 'push'
    const up = obtainProxy(from, 0, push ? 'push-consumer' : 'pull-consumer', command.kind, false)
    let down: ProxyBase | null = null
    try {
      down = obtainProxy(to, 0, push ? 'push-supplier' : 'pull-supplier', command.kind, false)
      if (push) {
        connectProxy(down, up)
        connectProxy(up, down)
      } else {
        connectProxy(up, down)
        connectProxy(down, up)
      }
    } catch (err) {
      up.destroyProxy('channel', 'federation refused', false)
      down?.destroyProxy('channel', 'federation refused', false)
      throw err
    }
    this.#dirty(from.id)
    this.#dirty(to.id)
    this.#note('federated', 'info', `channel ${from.id} → channel ${to.id} (${command.mode})`, {
      from: from.id,
      to: to.id
    })
    return { upstream: up.ref, downstream: down.ref }
  }

  async #flood(command: ChannelsCommandOf<'channels:flood'>): Promise<{
    accepted: number
    rejected: number
  }> {
    const channel = this.#channel(command.channelId)
    const id = `flood-${channel.id}`
    let client = this.#clients.get(id)
    if (client === undefined || this.#proxyOrNull(client.proxy) === null) {
      const proxy = obtainProxy(channel, 0, 'push-supplier', 'structured', false)
      client = new LabClient(id, 'push-supplier', 'structured', proxy.ref, 'flood')
      connectProxy(proxy, client)
      this.#register(client)
    }
    const proxy = this.#proxy(client.proxy)
    const template =
      command.event === undefined ? null : channelEventFromJson(command.event as JsonValue)
    let accepted = 0
    let rejected = 0
    for (let i = 0; i < command.count; i++) {
      const event = floodEvent(template, i, command.priorities)
      try {
        pushInto(proxy, 'structured', [event])
        accepted++
      } catch (err) {
        if (err instanceof NotifyError && err.code === NotifyErrorCode.IMP_LIMIT) rejected++
        else throw err
      }
      if ((i + 1) % FLOOD_CHUNK_EVENTS === 0) await new Promise((r) => setImmediate(r))
    }
    client.supplied += accepted
    this.#note(
      'flooded',
      'info',
      `channel ${channel.id} flooded: ${accepted} accepted, ${rejected} rejected`,
      {
        channelId: channel.id,
        accepted,
        rejected
      }
    )
    return { accepted, rejected }
  }

  async #restart(): Promise<unknown> {
    this.#status = 'restarting'
    this.#note('restarting', 'warn', 'channels restarting: everything in memory is lost')
    const lost = this.#ledger?.total ?? 0
    // What was written before the button was pressed is in Redis (as after a crash, the writes
    // Redis acknowledged survive); only what lives in memory is lost.
    await this.flushed()
    this.#remote?.dropSessions()
    await this.#teardown(false)
    await this.#boot({ lost })
    this.#rebindRemote()
    this.#status = 'ready'
    return this.#lastRestart
  }

  // ───────────────────────────── boot and persistence ─────────────────────────────

  /**
   * Builds a fresh factory with the stores and re-creates what Redis holds.
   * @param crash - set when the previous run is this process's own (restart command): the
   *   best-effort count it had in memory
   */
  async #boot(crash: { lost: number } | null): Promise<void> {
    const client = this.#client
    const onError = (err: Error): void => this.#persistFailed(err)
    const report: BootReport = {
      channelsRestored: 0,
      proxiesRestored: 0,
      eventsRestored: 0,
      bestEffortLost: crash?.lost ?? 0,
      unclean: crash !== null
    }
    let docs: ChannelDoc[] = []
    let nextChannel = 0
    const stored = new Map<string, StoredEvent[]>()
    if (client !== null) {
      try {
        const generation = await client.hincrby(this.#keys.meta, 'generation', 1)
        this.#persistent = new RedisEventStore(client, this.#keys, generation, onError)
        this.#ledger = new BestEffortLedger(client, this.#keys, onError)
        this.#topology = new TopologyStore(client, this.#keys, (id) => this.#buildDoc(id), onError)
        if (crash === null) {
          const wasRunning = await client.exists(this.#keys.running)
          report.unclean = wasRunning === 1
          const counts = await client.hvals(this.#keys.bestEffort)
          report.bestEffortLost = counts.reduce((n, c) => n + (Number(c) || 0), 0)
        }
        await client.del(this.#keys.bestEffort)
        this.#runId = randomBytes(8).toString('hex')
        await client.set(this.#keys.running, this.#runId)
        docs = await this.#topology.load()
        nextChannel = Number(await client.hget(this.#keys.meta, 'nextChannel')) || 0
        const wanted = new Set<string>()
        for (const doc of docs) {
          for (const p of doc.proxies) {
            if (p.ref.side === 'consumer')
              wanted.add(consumerKey(doc.id, p.ref.adminId, p.ref.proxyId))
          }
        }
        for (const key of await this.#persistent.consumers()) {
          if (wanted.has(key)) stored.set(key, await this.#persistent.load(key))
          else await this.#persistent.purge(key)
        }
      } catch (err) {
        onError(err instanceof Error ? err : new Error(String(err)))
      }
    }
    const ledger = this.#ledger ?? new BestEffortLedger(null, this.#keys, onError)
    this.#ledger = ledger
    const options: EventChannelOptions = { ...this.#channelOptions, bestEffortStore: ledger }
    if (this.#persistent !== null) options.persistentStore = this.#persistent
    this.#factory = new EventChannelFactory(options)
    for (const doc of docs) {
      try {
        this.#restoreChannel(doc, stored, report)
      } catch (err) {
        onError(new Error(`channel ${doc.id} could not be restored: ${(err as Error).message}`))
      }
    }
    for (const key of stored.keys()) this.#persistent?.dropLoaded(key)
    this.#burnChannelIds(nextChannel)
    for (const doc of docs) this.#restoreFederation(doc)
    for (const doc of docs) this.#dirty(doc.id)
    this.#lastRestart = { at: Date.now(), ...report }
    if (report.bestEffortLost > 0 || report.channelsRestored > 0) {
      this.#note(
        'restored',
        report.bestEffortLost > 0 ? 'warn' : 'info',
        `restored ${report.channelsRestored} channels, ${report.proxiesRestored} proxies, ` +
          `${report.eventsRestored} persistent events; ${report.bestEffortLost} best-effort events lost`,
        { ...report }
      )
    }
  }

  /** Tears the in-memory lab down; `clean` also flushes what persistence still has to write. */
  async #teardown(clean: boolean): Promise<void> {
    if (clean) {
      await this.#topology?.flushed()
      await this.#ledger?.flushed()
      await this.#persistent?.flushed()
    }
    this.#topology?.detach()
    this.#ledger?.detach()
    this.#persistent?.detach()
    for (const channel of this.#factory ? this.#factory.get_all_channels() : []) {
      this.#retire(channel)
    }
    await this.#factory?.close().catch(() => undefined)
    this.#factory = null
    this.#meta.clear()
    this.#clients.clear()
    this.#byProxy.clear()
    this.#killSuspended.clear()
    this.#topology = null
    this.#persistent = null
    this.#ledger = null
  }

  #retire(channelId: number): void {
    const channel = this.#factory?.get_event_channel(channelId)
    if (channel !== undefined) addCounters(this.#retired, channel.toInfo().counters)
  }

  /** Listens to a channel and records its lab metadata. */
  #adopt(channel: EventChannel, label: string | null): void {
    this.#meta.set(channel.id, { label, filters: new Map() })
    const id = channel.id
    channel.on('proxyConnected', () => this.#dirty(id))
    channel.on('proxyDisconnected', (notice) => {
      const client = this.#byProxy.get(refKey(notice.proxy))
      if (client !== undefined && client.state === 'connected') client.state = 'disconnected'
      if (notice.initiator === 'channel') {
        this.#note(
          'proxy-disconnected',
          'info',
          `channel ${id} ended ${notice.proxy.side} proxy ${notice.proxy.adminId}/${notice.proxy.proxyId}: ${notice.reason}`,
          { channelId: id, adminId: notice.proxy.adminId, proxyId: notice.proxy.proxyId }
        )
      }
      this.#dirty(id)
    })
    channel.on('proxyDestroyed', (ref) => {
      this.#byProxy.delete(refKey(ref))
      this.#killSuspended.delete(refKey(ref))
      this.#dirty(id)
    })
    channel.on('channelDestroyed', () => {
      addCounters(this.#retired, channel.counters.toInfo())
      for (const client of this.#clients.values()) {
        if (client.proxy.channelId === id) this.#clients.delete(client.id)
      }
      this.#meta.delete(id)
      this.#dirty(id)
    })
    channel.on('error', (err) =>
      this.#note('channel-error', 'warn', `channel ${id}: ${err.message}`, { channelId: id })
    )
  }

  #dirty(channelId: number): void {
    this.#topology?.markDirty(channelId)
  }

  #persistFailed(err: Error): void {
    this.#persistErrors++
    this.#persistLastError = err.message
    this.#note('persistence-error', 'warn', `persistence: ${err.message}`)
  }

  /** The topology document of a live ConnectionReliability=Persistent channel, else null. */
  #buildDoc(id: number): ChannelDoc | null {
    const factory = this.#factory
    if (factory === null || !factory.get_all_channels().includes(id)) return null
    const channel = factory.get_event_channel(id)
    if (channel.destroyed || channel.qos.get('ConnectionReliability') !== 1) return null
    const meta = this.#metaOf(id)
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
        const doc = this.#proxyDoc(proxy)
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

  #proxyDoc(proxy: ProxyBase): ProxyDoc | null {
    const { role, kind } = roleAndKind(proxy)
    const info = proxy instanceof ProxySupplier ? proxy.toInfo() : (proxy as ProxyConsumer).toInfo()
    const key = refKey(proxy.ref)
    const lab = this.#byProxy.get(key)
    let client: ClientDoc
    if (lab !== undefined) {
      if (lab.id.startsWith('flood-')) return null
      client = { kind: 'lab', id: lab.id, label: lab.label, killed: lab.state === 'killed' }
    } else if (proxy.peer !== null) {
      client = { kind: 'federation', peer: proxy.peer.ref }
    } else {
      const remote = this.#remote?.describe(proxy) ?? null
      client = remote === null ? { kind: 'none' } : { kind: 'remote', name: remote.name }
    }
    const suspended =
      info.suspended && !this.#killSuspended.has(key) && !(this.#remote?.isAway(proxy) ?? false)
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

  #restoreChannel(doc: ChannelDoc, stored: Map<string, StoredEvent[]>, report: BootReport): void {
    const factory = this.factory
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
    this.#adopt(channel, doc.label)
    report.channelsRestored++
    const meta = this.#metaOf(channel.id)
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
    const filterOf = (id: number | null): MappingFilter | null =>
      id === null ? null : ((meta.filters.get(id)?.filter as MappingFilter | undefined) ?? null)
    const restoreAdmin = (side: 'consumer' | 'supplier', a: AdminDoc): void => {
      let admin: ConsumerAdmin | SupplierAdmin | null = null
      if (a.id === 0) {
        admin =
          side === 'consumer' ? channel.default_consumer_admin : channel.default_supplier_admin
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
        ca.priority_filter = filterOf(a.priorityFilterId)
        ca.lifetime_filter = filterOf(a.lifetimeFilterId)
      }
    }
    for (const a of [...doc.consumerAdmins].sort((x, y) => x.id - y.id)) restoreAdmin('consumer', a)
    for (const a of [...doc.supplierAdmins].sort((x, y) => x.id - y.id)) restoreAdmin('supplier', a)
    const proxies = [...doc.proxies].sort(
      (x, y) =>
        x.ref.side.localeCompare(y.ref.side) ||
        x.ref.adminId - y.ref.adminId ||
        x.ref.proxyId - y.ref.proxyId
    )
    for (const p of proxies) {
      try {
        const restored = this.#restoreProxy(channel, p, meta, stored)
        if (restored !== null) {
          report.proxiesRestored++
          report.eventsRestored += restored
        }
      } catch (err) {
        this.#persistFailed(
          new Error(`proxy ${refKey(p.ref)} could not be restored: ${(err as Error).message}`)
        )
      }
    }
  }

  /** @returns the number of stored events put back, or null when the proxy was not restored */
  #restoreProxy(
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
      const mapping = (id: number | null): MappingFilter | null =>
        id === null ? null : ((meta.filters.get(id)?.filter as MappingFilter | undefined) ?? null)
      proxy.priority_filter = mapping(p.priorityFilterId)
      proxy.lifetime_filter = mapping(p.lifetimeFilterId)
    }
    let away = false
    switch (p.client.kind) {
      case 'lab': {
        const client = new LabClient(p.client.id, p.role, p.kind, proxy.ref, p.client.label)
        const n = Number(/^c(\d+)$/.exec(p.client.id)?.[1] ?? 0)
        if (n >= this.#nextClient) this.#nextClient = n + 1
        this.#register(client)
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
        // connected once every channel is back (#restoreFederation)
        break
      case 'none':
        connectProxy(proxy, null)
        break
    }
    if (isSuspendable(proxy) && proxy.isConnected && (p.suspended || away)) {
      proxy.suspend_connection()
      if (p.client.kind === 'lab' && away) this.#killSuspended.add(refKey(proxy.ref))
    }
    let restored = 0
    const events = stored.get(consumerKey(channel.id, p.ref.adminId, p.ref.proxyId)) ?? []
    if (proxy instanceof ProxySupplier && events.length > 0) {
      // The channel's sequence numbers start again at 1 in this run; restored events get the
      // numbers below, in their original order, so they stay older than anything new.
      events.forEach((e, i) => {
        const envelope: Envelope = {
          seq: i - events.length,
          event: e.event,
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
  #restoreFederation(doc: ChannelDoc): void {
    for (const p of doc.proxies) {
      if (p.client.kind !== 'federation' || p.ref.side !== 'consumer') continue
      try {
        const up = findProxy(this.#channel(p.ref.channelId), p.ref)
        const peerRef = p.client.peer
        const down = findProxy(this.#channel(peerRef.channelId), peerRef)
        if (up.state !== 'created' || down.state !== 'created') continue
        connectProxy(down, up)
        connectProxy(up, down)
      } catch (err) {
        this.#persistFailed(
          new Error(`federation of ${refKey(p.ref)} not restored: ${(err as Error).message}`)
        )
      }
    }
  }

  #burnChannelIds(next: number): void {
    const factory = this.factory
    const live = factory.get_all_channels()
    let top = live.length > 0 ? Math.max(...live) + 1 : 0
    // Ids are never reused: burn up to the counter the previous run left.
    for (let burnt = 0; top < next && burnt < RESTORE_ID_GAP_MAX; burnt++) {
      const c = factory.create_channel()
      top = c.id + 1
      c.destroyInternal()
    }
  }

  /** Restored remote proxies wait (suspended) for their client; the server must know them. */
  #rebindRemote(): void {
    this.#remote?.adoptRestored()
  }

  // ───────────────────────────── lookups ─────────────────────────────

  #channel(id: number): EventChannel {
    return this.factory.get_event_channel(id)
  }

  #metaOf(id: number): ChannelMeta {
    let meta = this.#meta.get(id)
    if (meta === undefined) {
      meta = { label: null, filters: new Map() }
      this.#meta.set(id, meta)
    }
    return meta
  }

  #admin(
    channelId: number,
    side: 'consumer' | 'supplier',
    adminId: number
  ): ConsumerAdmin | SupplierAdmin {
    const channel = this.#channel(channelId)
    return side === 'consumer'
      ? channel.get_consumeradmin(adminId)
      : channel.get_supplieradmin(adminId)
  }

  #proxy(ref: ProxyRefJson): ProxyBase {
    return findProxy(this.#channel(ref.channelId), ref)
  }

  #proxyOrNull(ref: ProxyRefJson): ProxyBase | null {
    try {
      return this.#proxy(ref)
    } catch {
      return null
    }
  }

  #labClient(id: string): LabClient {
    const client = this.#clients.get(id)
    if (client === undefined) {
      throw new CommandError(
        ErrorCode.InvalidState,
        `no lab client ${id} (it may have been destroyed)`
      )
    }
    return client
  }

  #owner(target: FilterTarget): FilterOwner {
    if (target.proxyId === undefined)
      return this.#admin(target.channelId, target.side, target.adminId)
    return this.#proxy({ ...target, proxyId: target.proxyId })
  }

  #labFilter(channelId: number, filterId: number): LabFilter {
    const lab = this.#meta.get(channelId)?.filters.get(filterId)
    if (lab === undefined || lab.filter.destroyed) {
      throw new NotifyError(
        NotifyErrorCode.FILTER_NOT_FOUND,
        `no filter ${filterId} on channel ${channelId}`
      )
    }
    return lab
  }

  /** Destroys a lab filter attached nowhere any more (filters are otherwise independent objects). */
  #forgetIfUnused(channelId: number, filterId: number): void {
    const meta = this.#meta.get(channelId)
    const lab = meta?.filters.get(filterId)
    if (meta === undefined || lab === undefined) return
    if (this.#attachmentsOf(channelId, filterId).length > 0) return
    lab.filter.destroy()
    meta.filters.delete(filterId)
  }

  #attachmentsOf(channelId: number, filterId: number): FilterInfoJson['attachedTo'] {
    const found: FilterInfoJson['attachedTo'] = []
    const channel = this.#factory?.get_all_channels().includes(channelId)
      ? this.factory.get_event_channel(channelId)
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
        const admin = this.#admin(channelId, side, adminId)
        scan(admin as never, { channelId, side, adminId })
        for (const proxy of admin.proxyList() as ProxyBase[]) {
          if (proxy.isCosEvent) continue
          scan(proxy as never, { channelId, side, adminId, proxyId: proxy.id })
        }
      }
    }
    return found
  }

  #remoteHost(): import('./remote/remote-server').RemoteHost {
    return {
      factory: () => this.factory,
      createChannel: (qos, admin) =>
        this.#create({ type: ChannelsCommandType.Create, qos, admin, label: undefined }).channelId,
      changed: (channelId) => this.#dirty(channelId),
      labClientOf: (ref) => this.#byProxy.has(refKey(ref))
    }
  }

  // ───────────────────────────── trace ─────────────────────────────

  /** A lifecycle trace event, at most NOTES_PER_SECOND_MAX per second (the rest are counted). */
  #note(type: string, level: TraceLevel, message: string, data?: TraceData): void {
    const now = Date.now()
    if (now - this.#notesWindowStart >= 1_000) {
      this.#notesWindowStart = now
      this.#notesInWindow = 0
    }
    if (this.#notesInWindow >= NOTES_PER_SECOND_MAX) {
      this.#notesSuppressed++
      return
    }
    this.#notesInWindow++
    this.#emit(type, level, message, data)
  }

  /** One summary per interval of what moved through all channels (deltas of the counters). */
  #traceTraffic(): void {
    const totals = this.#totals()
    const delta = diffCounters(totals, this.#traced)
    this.#traced = totals
    if (this.#notesSuppressed > 0) {
      this.#emit('suppressed', 'info', `${this.#notesSuppressed} more channel events not traced`, {
        count: this.#notesSuppressed
      })
      this.#notesSuppressed = 0
    }
    const moved =
      delta.received +
      delta.delivered +
      delta.filteredOut +
      delta.discarded +
      delta.expired +
      delta.rejected
    if (moved === 0) return
    this.#emit(
      'traffic',
      delta.discarded + delta.expired + delta.rejected > 0 ? 'warn' : 'info',
      `${delta.received} received, ${delta.delivered} delivered, ${delta.filteredOut} filtered out, ` +
        `${delta.discarded} discarded, ${delta.expired} expired, ${delta.rejected} rejected`,
      {
        received: delta.received,
        delivered: delta.delivered,
        filteredOut: delta.filteredOut,
        discarded: delta.discarded,
        expired: delta.expired,
        rejected: delta.rejected
      }
    )
  }

  #totals(): ChannelCountersInfo {
    const totals = { ...this.#retired, discardedBy: { ...this.#retired.discardedBy } }
    const factory = this.#factory
    if (factory === null) return totals
    for (const id of factory.get_all_channels()) {
      addCounters(totals, factory.get_event_channel(id).counters.toInfo())
    }
    return totals
  }

  // ───────────────────────────── info ─────────────────────────────

  #buildInfo(): ChannelsInfo {
    const factory = this.#factory
    const ids = factory?.get_all_channels() ?? []
    let shownIds = ids.slice(0, CHANNELS_INFO_CHANNELS_MAX)
    if (this.#view !== null && ids.includes(this.#view) && !shownIds.includes(this.#view)) {
      shownIds = [this.#view, ...shownIds.slice(0, CHANNELS_INFO_CHANNELS_MAX - 1)]
    }
    const detailBudget = { left: CHANNELS_INFO_QUEUE_DETAIL_MAX }
    const ordered =
      this.#view !== null && shownIds.includes(this.#view)
        ? [this.#view, ...shownIds.filter((id) => id !== this.#view)]
        : shownIds
    const built = new Map<number, ChannelInfoJson>()
    for (const id of ordered) {
      if (factory === null) break
      built.set(id, this.#channelInfo(factory.get_event_channel(id), detailBudget))
    }
    const channels = shownIds
      .map((id) => built.get(id))
      .filter((c): c is ChannelInfoJson => c !== undefined)
    const clients = [...this.#clients.values()]
    const filters: FilterInfoJson[] = []
    for (const [channelId, meta] of this.#meta) {
      for (const [filterId, lab] of meta.filters) {
        if (filters.length >= CHANNELS_INFO_FILTERS_MAX) break
        filters.push(this.#filterInfo(channelId, filterId, lab))
      }
    }
    const filtersTotal = [...this.#meta.values()].reduce((n, m) => n + m.filters.size, 0)
    const info: ChannelsInfo = {
      status: this.#status,
      view: this.#view,
      channelsTotal: ids.length,
      channels,
      clientsTotal: clients.length,
      clients: clients.slice(0, CHANNELS_INFO_CLIENTS_MAX).map((c) => c.toInfo()),
      filtersTotal,
      filters,
      remote: this.#remote?.toInfo() ?? {
        endpoint: null,
        sessionsTotal: 0,
        sessions: [],
        rejected: { total: 0, byReason: {} }
      },
      persistence: {
        available: this.#persistent !== null && this.#redis.status === 'up',
        prefix: this.#keys.prefix,
        storedEvents: this.#persistent?.storedEvents ?? 0,
        pendingWrites: this.#persistent?.pendingWrites ?? 0,
        errors: this.#persistErrors,
        lastError: this.#persistLastError,
        lastRestart: this.#lastRestart
      },
      totals: this.#totals(),
      trimmed: false
    }
    return boundInfo(info)
  }

  #channelInfo(channel: EventChannel, detail: { left: number }): ChannelInfoJson {
    const info = channel.toInfo()
    const meta = this.#metaOf(channel.id)
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
        const client = this.#clientInfo(proxy)
        const name = `${a.id}/${proxy.id}${client.label ? ` (${client.label})` : ''}`
        for (const t of p.subscribedTypes)
          if (entry(t).consumers.length < 16) entry(t).consumers.push(name)
        const detailed = detail.left > 0 && p.queueLength > 0
        if (detailed) detail.left--
        proxies.push({
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
          counters: p.counters,
          queue: {
            length: p.queueLength,
            capacity: p.queueCapacity,
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
                    persistent: item.store === this.#persistent
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
        const client = this.#clientInfo(proxy)
        const name = `${a.id}/${proxy.id}${client.label ? ` (${client.label})` : ''}`
        for (const t of p.offeredTypes)
          if (entry(t).suppliers.length < 16) entry(t).suppliers.push(name)
        proxies.push({
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
          counters: p.counters,
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
      discovery: [...discovery.values()].slice(0, 64),
      consumerAdmins,
      supplierAdmins,
      federation: info.federation
    }
  }

  #clientInfo(proxy: ProxyBase): ProxyClientInfo {
    const lab = this.#byProxy.get(refKey(proxy.ref))
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
    const remote = this.#remote?.describe(proxy) ?? null
    if (remote !== null) {
      return { kind: 'remote', id: remote.session, label: remote.name, away: remote.away }
    }
    return { kind: 'none', id: null, label: null, away: false }
  }

  #filterInfo(channelId: number, filterId: number, lab: LabFilter): FilterInfoJson {
    const base = {
      channelId,
      id: filterId,
      kind: lab.kind,
      grammar: lab.filter.constraintGrammar,
      attachedTo: this.#attachmentsOf(channelId, filterId).slice(0, 32)
    }
    if (lab.filter.destroyed) return { ...base, constraints: [] }
    if (lab.kind === 'filter') {
      return {
        ...base,
        constraints: (lab.filter as Filter).getAllConstraints().slice(0, 32)
      }
    }
    const mapping = lab.filter as MappingFilter
    return {
      ...base,
      defaultValue: mapping.defaultValue,
      constraints: mapping.getAllMappingConstraints().slice(0, 32)
    }
  }
}

// ───────────────────────────── helpers ─────────────────────────────

function zeroCounters(): ChannelCountersInfo {
  return {
    received: 0,
    delivered: 0,
    filteredOut: 0,
    discarded: 0,
    discardedBy: {},
    expired: 0,
    rejected: 0
  }
}

function addCounters(into: ChannelCountersInfo, add: ChannelCountersInfo): void {
  into.received += add.received
  into.delivered += add.delivered
  into.filteredOut += add.filteredOut
  into.discarded += add.discarded
  into.expired += add.expired
  into.rejected += add.rejected
  for (const [k, v] of Object.entries(add.discardedBy))
    into.discardedBy[k] = (into.discardedBy[k] ?? 0) + v
}

function diffCounters(now: ChannelCountersInfo, before: ChannelCountersInfo): ChannelCountersInfo {
  return {
    received: Math.max(0, now.received - before.received),
    delivered: Math.max(0, now.delivered - before.delivered),
    filteredOut: Math.max(0, now.filteredOut - before.filteredOut),
    discarded: Math.max(0, now.discarded - before.discarded),
    discardedBy: {},
    expired: Math.max(0, now.expired - before.expired),
    rejected: Math.max(0, now.rejected - before.rejected)
  }
}

function attachments(owner: FilterOwner): AttachmentDoc[] {
  return owner.get_all_filters().map((attachmentId) => ({
    attachmentId,
    filterId: owner.get_filter(attachmentId).id
  }))
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

function eventJson(event: ChannelEvent): JsonValue {
  return event.kind === 'any' ? event.data : (event.event as unknown as JsonValue)
}

function floodEvent(
  template: ChannelEvent | null,
  i: number,
  priorities: 'none' | 'cycle' | 'random'
): ChannelEvent {
  const priority =
    priorities === 'cycle'
      ? (i % 5) + 1
      : priorities === 'random'
        ? Math.floor(Math.random() * 21) - 10
        : null
  const base =
    template?.kind === 'structured'
      ? structuredClone(template.event)
      : {
          header: {
            fixed_header: {
              event_type: { domain_name: 'Flowlab', type_name: 'Flood' },
              event_name: `flood-${i + 1}`
            },
            variable_header: []
          },
          filterable_data: [{ name: 'n', value: i + 1 }],
          remainder_of_body: template?.kind === 'any' ? template.data : null
        }
  if (priority !== null) {
    base.header.variable_header = [
      { name: 'Priority', value: priority },
      ...base.header.variable_header.filter((p) => p.name !== 'Priority')
    ]
  }
  return { kind: 'structured', event: base }
}

/** The live filter editor: syntax/type errors with their column, else a verdict per sample. */
export function evaluateConstraint(
  command: ChannelsCommandOf<'channels:evaluate'>
): ChannelsEvaluateResult {
  let compiled
  try {
    compiled = compileConstraint(command.constraint)
  } catch (err) {
    if (err instanceof ConstraintSyntaxError) {
      return {
        ok: false,
        error: {
          kind: 'syntax',
          column: err.column,
          expected: err.expected,
          found: err.found,
          message: err.message
        }
      }
    }
    if (err instanceof ConstraintTypeError) {
      return {
        ok: false,
        error: {
          kind: 'type',
          column: err.column,
          expected: null,
          found: null,
          message: err.message
        }
      }
    }
    throw err
  }
  const results: EvaluationResultJson[] = command.events.map((json) => {
    let event: ChannelEvent
    try {
      event = channelEventFromJson(json as JsonValue)
    } catch (err) {
      return { invalid: (err as Error).message, typeMatched: false, matched: false }
    }
    if (!eventTypesMatch(command.eventTypes, eventTypeOf(event))) {
      return { typeMatched: false, matched: false }
    }
    const outcome = compiled.evaluate(event)
    return outcome.failure
      ? { typeMatched: true, matched: outcome.matched, failure: outcome.failure }
      : { typeMatched: true, matched: outcome.matched }
  })
  return { ok: true, canonical: compiled.canonical, results }
}

/** Drops details (queue entries, then received lists, then proxy lists) until the info fits. */
function boundInfo(info: ChannelsInfo): ChannelsInfo {
  const size = (): number => JSON.stringify(info).length
  if (size() <= CHANNELS_INFO_MAX_BYTES) return info
  info.trimmed = true
  for (const c of info.channels) {
    for (const a of c.consumerAdmins) {
      for (const p of a.proxies) {
        p.queue.entries = []
        p.queue.detailed = p.queue.length === 0
      }
    }
  }
  if (size() <= CHANNELS_INFO_MAX_BYTES) return info
  for (const client of info.clients) client.lastReceived = client.lastReceived.slice(-5)
  if (size() <= CHANNELS_INFO_MAX_BYTES) return info
  for (const c of info.channels) {
    for (const a of c.consumerAdmins) a.proxies = a.proxies.slice(0, 8)
    for (const a of c.supplierAdmins) a.proxies = a.proxies.slice(0, 8)
    c.discovery = c.discovery.slice(0, 8)
  }
  info.filters = info.filters.slice(0, 16)
  info.clients = info.clients.slice(0, 16)
  if (size() <= CHANNELS_INFO_MAX_BYTES) return info
  info.channels = info.channels.slice(0, 4)
  return info
}

const INVALID_COMMAND_CODES = new Set<string>([
  NotifyErrorCode.UNSUPPORTED_QOS,
  NotifyErrorCode.UNSUPPORTED_ADMIN,
  NotifyErrorCode.BAD_PARAM,
  NotifyErrorCode.INVALID_EVENT_TYPE,
  NotifyErrorCode.TYPE_ERROR
])

/** What a CORBA exception means for the person who caused it, by code. */
const NOTIFY_ERROR_TEXT: Partial<Record<string, string>> = {
  [NotifyErrorCode.CHANNEL_NOT_FOUND]: 'no such channel (it may have been destroyed)',
  [NotifyErrorCode.ADMIN_NOT_FOUND]: 'no such admin',
  [NotifyErrorCode.PROXY_NOT_FOUND]: 'no such proxy (it may have been disconnected)',
  [NotifyErrorCode.ALREADY_CONNECTED]: 'the proxy already has a client; obtain a new proxy',
  [NotifyErrorCode.DISCONNECTED]: 'the proxy is not connected',
  [NotifyErrorCode.NOT_CONNECTED]: 'no client is connected to this proxy',
  [NotifyErrorCode.CONNECTION_ALREADY_ACTIVE]: 'the connection is not suspended',
  [NotifyErrorCode.CONNECTION_ALREADY_INACTIVE]: 'the connection is already suspended',
  [NotifyErrorCode.OBJECT_NOT_EXIST]: 'the object was destroyed',
  [NotifyErrorCode.IMP_LIMIT]: 'the channel is full and RejectNewEvents is TRUE',
  [NotifyErrorCode.FILTER_NOT_FOUND]: 'no such filter'
}

/** Maps model and filter exceptions to CommandError (user errors); anything else passes as is. */
export function toCommandError(err: unknown): unknown {
  if (err instanceof CommandError) return err
  if (err instanceof NotifyError) {
    const code = INVALID_COMMAND_CODES.has(err.code)
      ? ErrorCode.InvalidCommand
      : ErrorCode.InvalidState
    let reason = err.message === err.code ? (NOTIFY_ERROR_TEXT[err.code] ?? err.code) : err.message
    if (err.code === NotifyErrorCode.ADMIN_LIMIT_EXCEEDED && err.details.adminLimit) {
      reason = `${err.details.adminLimit.name} is ${String(err.details.adminLimit.value)}; no more proxies on this side`
    }
    return new CommandError(code, `${err.code}: ${reason}`)
  }
  if (err instanceof FilterError) {
    const cause = err.details.cause
    const column =
      cause instanceof ConstraintSyntaxError || cause instanceof ConstraintTypeError
        ? ` (column ${cause.column})`
        : ''
    return new CommandError(ErrorCode.InvalidCommand, `${err.code}: ${err.message}${column}`)
  }
  return err
}

export type { ClientKind, ClientRole }
export { PullProxySupplierBase }
