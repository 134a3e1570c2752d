import { CommandError, ErrorCode, type Problem } from '@shared/contract'
import {
  CHANNELS_DEFAULT_ENDPOINT,
  ChannelsCommandType,
  type ChannelsCommand,
  type ChannelsInfo,
  type ClientKind,
  type ClientRole
} from '@shared/contract/labs/channels'
import type { Lab, LabEmit } from '../lab'
import type { RedisHost } from '../redis/redis-host'
import {
  connectClient,
  destroyProxy,
  disconnectClient,
  killClient,
  offerChange,
  pullEvents,
  pushEvents,
  resumeProxy,
  reviveClient,
  subscriptionChange,
  suspendProxy
} from './lab/client-commands'
import { toCommandError } from './lab/command-error'
import { totalsOf } from './lab/counters'
import { evaluateConstraint } from './lab/evaluate-constraint'
import {
  addFilter,
  attachFilter,
  modifyFilter,
  removeFilter,
  setMappingFilter
} from './lab/filter-commands'
import { flood } from './lab/flood'
import { bootLab, teardownLab } from './lab/lab-boot'
import { buildInfo } from './lab/lab-info'
import { createLabState, markDirty, type LabChannelOptions, type LabState } from './lab/lab-state'
import { LabTrace } from './lab/lab-trace'
import { factoryOf } from './lab/lookups'
import {
  createChannel,
  destroyAdmin,
  destroyChannel,
  federate,
  newAdmin,
  setAdmin,
  setQoS
} from './lab/topology-commands'
import type { LabClient } from './lab-client'
import { PullProxySupplierBase, type EventChannelFactory } from './model'
import { channelsKeys, CHANNELS_KEY_PREFIX } from './persistence/keys'
import { refKey } from './proxy-ops'
import { RemoteServer, type RemoteHost, type RemoteLimits } from './remote/remote-server'
import { planCurve, type CurvePlan } from '../zmq/curve'

/** Traffic counters are summarised in the trace at most this often (never one event per message). */
const TRAFFIC_TRACE_INTERVAL_MS = 1_000
/** A remote session that sends nothing for this long is gone (clients ping more often). */
const REMOTE_SESSION_TIMEOUT_MS = 15_000

export type ChannelsEmit = LabEmit

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
  /**
   * Where remote clients go instead when `endpoint` cannot be bound (its port is taken): `start()`
   * then traces `endpoint-busy` (warn), binds this one and shows a `channels:endpoint-fallback`
   * problem. The engine passes `tcp://127.0.0.1:0` (any free port) when the user chose no
   * endpoint. Unset = a failed bind fails `start()`.
   */
  fallbackEndpoint?: string
  /**
   * ZeroMQ CURVE on the remote endpoint: absent = on for a non-loopback endpoint, off on
   * loopback; `false` with a non-loopback endpoint fails `start()` (docs/CHANNELS-PROTOCOL.md).
   */
  curve?: boolean
  /** Where the CURVE server key pair is kept (secret file mode 600); none = in memory. */
  dataDir?: string
  /** Redis key prefix (default `flowlab:channels`); tests use a unique one. */
  prefix?: string
  /** Channel model tunables (clock, poll interval, queue hard limit); stores are the lab's. */
  channelOptions?: LabChannelOptions
  /** Remote sessions silent this long are gone (default 15 s). */
  remoteSessionTimeoutMs?: number
  /** Per-peer bounds of the remote endpoint (defaults in remote/remote-limits.ts). */
  remoteLimits?: Partial<RemoteLimits>
}

/**
 * The Channels lab: an EventChannelFactory (the finished in-process model) plus everything between
 * it and the UI — the commands of the Channels panel, in-process lab clients of every role and
 * kind, filters by id, persistence in Redis (EventReliability=Persistent events in streams,
 * ConnectionReliability=Persistent topology in a hash, a count of best-effort events a crash
 * loses), remote clients over ZeroMQ, bounded trace summaries and the bounded `ChannelsInfo`.
 * The work lives in `./lab/`, in plain functions over one shared {@link LabState}; this class
 * owns the lifecycle and routes commands.
 *
 * Lifecycle: `start()` once (restores what Redis holds, binds the remote endpoint) →
 * `execute(command)` any number of times → `close()` (idempotent; persistent state stays in
 * Redis for the next start).
 */
export class ChannelsLab implements Lab<ChannelsInfo, ChannelsCommand> {
  readonly id = 'channels'
  readonly #redis: RedisHost
  readonly #emit: ChannelsEmit
  readonly #endpoint: string | null
  readonly #fallbackEndpoint: string | null
  readonly #curve: boolean | undefined
  readonly #curveDir: string | null
  readonly #sessionTimeoutMs: number
  readonly #remoteLimits: Partial<RemoteLimits>
  readonly #trace: LabTrace
  readonly #state: LabState
  #status: ChannelsInfo['status'] = 'stopped'
  /** Set when the remote endpoint is the fallback: the endpoint that was busy. */
  #busyEndpoint: string | null = null
  #trafficTimer: NodeJS.Timeout | null = null
  #started = false
  #closing: Promise<void> | null = null

  /** @param opts - Redis host, trace sink, remote endpoint (and fallback), key prefix, tunables */
  constructor(opts: ChannelsLabOptions) {
    this.#redis = opts.redis
    this.#emit = opts.emit
    this.#endpoint = opts.endpoint === undefined ? CHANNELS_DEFAULT_ENDPOINT : opts.endpoint
    this.#fallbackEndpoint = opts.fallbackEndpoint ?? null
    this.#curve = opts.curve
    this.#curveDir = opts.dataDir ?? null
    this.#sessionTimeoutMs = opts.remoteSessionTimeoutMs ?? REMOTE_SESSION_TIMEOUT_MS
    this.#remoteLimits = opts.remoteLimits ?? {}
    const trace = new LabTrace(opts.emit)
    this.#trace = trace
    this.#state = createLabState(
      channelsKeys(opts.prefix ?? CHANNELS_KEY_PREFIX),
      (type, level, message, data) => trace.note(type, level, message, data),
      opts.channelOptions
    )
  }

  /** The model's factory (tests and the bench reach channels through it). */
  get factory(): EventChannelFactory {
    return factoryOf(this.#state)
  }

  /** The bound remote endpoint (with the real port), or null. */
  get endpoint(): string | null {
    return this.#state.remote?.endpoint ?? null
  }

  /**
   * Resolves when Redis has acknowledged every persistence write sent so far (events, topology,
   * best-effort count). Delivery never waits for it; tests and the bench do.
   */
  async flushed(): Promise<void> {
    await this.#state.persistent?.flushed()
    await this.#state.topology?.flushed()
    await this.#state.ledger?.flushed()
  }

  /** A lab client by id (tests, the bench). */
  labClient(id: string): LabClient | undefined {
    return this.#state.clients.get(id)
  }

  /**
   * Starts the lab: restores persistent channels, proxies and stored events from Redis (when it is
   * up), then binds the remote endpoint (or the fallback, when it is busy and one is set). Throws
   * if called twice or if no endpoint can be bound.
   */
  async start(): Promise<void> {
    if (this.#started) throw new Error('ChannelsLab already started')
    this.#started = true
    this.#status = 'starting'
    if (this.#redis.status === 'up') {
      this.#state.client = this.#redis.createClient('channels', { enableAutoPipelining: true })
    }
    await bootLab(this.#state, null)
    if (this.#endpoint !== null) await this.#listen(this.#endpoint)
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
      const state = this.#state
      const steps: (() => Promise<void>)[] = [
        async () => this.#traceTraffic(),
        async () => state.remote?.close(),
        async () => teardownLab(state, true),
        async () => {
          if (state.client !== null) await state.client.del(state.keys.running)
        },
        async () => {
          state.client?.disconnect()
          state.client = null
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
   * @throws CommandError with a user-facing message naming the CORBA exception and its reason,
   *   and the exception's code as `details.notifyCode`
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
    return buildInfo(this.#state, this.#status, this.#redis.status === 'up')
  }

  /** Ongoing conditions: persistence to Redis failing, remote clients on the fallback endpoint. */
  problems(): Problem[] {
    if (this.#status === 'stopped' || this.#status === 'closed') return []
    const state = this.#state
    const problems: Problem[] = []
    if (state.persistFailing || (state.persistent !== null && this.#redis.status !== 'up')) {
      problems.push({
        id: 'channels:persistence',
        severity: 'warning',
        message: state.persistFailing
          ? `Saving persistent channels to Redis failed (${state.persistErrors} errors; last: ${state.persistLastError ?? 'unknown'}).`
          : 'Redis is not reachable, so persistent channels and events are not being saved.',
        hint: 'Persistent channels may not survive a restart. Get Redis back, then restart the Channels lab to re-read what it holds.'
      })
    }
    if (this.#busyEndpoint !== null && state.remote !== null) {
      problems.push({
        id: 'channels:endpoint-fallback',
        severity: 'info',
        message: `${this.#busyEndpoint} was not available; remote channel clients connect to ${state.remote.endpoint} instead.`,
        hint: 'Point remote clients at this endpoint, or free the port and restart Flowlab.'
      })
    }
    return problems
  }

  // ───────────────────────────── commands ─────────────────────────────

  async #run(command: ChannelsCommand): Promise<unknown> {
    const state = this.#state
    switch (command.type) {
      case ChannelsCommandType.Create:
        return createChannel(state, command)
      case ChannelsCommandType.Destroy:
        return destroyChannel(state, command.channelId)
      case ChannelsCommandType.SetAdmin:
        return setAdmin(state, command)
      case ChannelsCommandType.NewAdmin:
        return newAdmin(state, command)
      case ChannelsCommandType.DestroyAdmin:
        return destroyAdmin(state, command)
      case ChannelsCommandType.Connect:
        return connectClient(state, command)
      case ChannelsCommandType.Disconnect:
        return disconnectClient(state, command.clientId)
      case ChannelsCommandType.DestroyProxy:
        return destroyProxy(state, command.proxy)
      case ChannelsCommandType.Kill:
        return killClient(state, command.clientId)
      case ChannelsCommandType.Revive:
        return reviveClient(state, command.clientId)
      case ChannelsCommandType.Suspend:
        return suspendProxy(state, command.proxy)
      case ChannelsCommandType.Resume:
        return resumeProxy(state, command.proxy)
      case ChannelsCommandType.Push:
        return pushEvents(state, command)
      case ChannelsCommandType.Pull:
        return pullEvents(state, command)
      case ChannelsCommandType.AddFilter:
        return addFilter(state, command)
      case ChannelsCommandType.AttachFilter:
        return attachFilter(state, command)
      case ChannelsCommandType.ModifyFilter:
        return modifyFilter(state, command)
      case ChannelsCommandType.RemoveFilter:
        return removeFilter(state, command)
      case ChannelsCommandType.SetMappingFilter:
        return setMappingFilter(state, command)
      case ChannelsCommandType.SetQoS:
        return setQoS(state, command.target, command.qos)
      case ChannelsCommandType.Federate:
        return federate(state, command)
      case ChannelsCommandType.OfferChange:
        return offerChange(state, command)
      case ChannelsCommandType.SubscriptionChange:
        return subscriptionChange(state, command)
      case ChannelsCommandType.Flood:
        return flood(state, command)
      case ChannelsCommandType.Evaluate:
        return evaluateConstraint(command)
      case ChannelsCommandType.View:
        state.view = command.channelId
        return null
      case ChannelsCommandType.Restart:
        return this.#restart()
    }
  }

  async #restart(): Promise<unknown> {
    const state = this.#state
    this.#status = 'restarting'
    state.note('restarting', 'warn', 'channels restarting: everything in memory is lost')
    const lost = state.ledger?.total ?? 0
    // What was written before the button was pressed is in Redis (as after a crash, the writes
    // Redis acknowledged survive); only what lives in memory is lost.
    await this.flushed()
    state.remote?.dropSessions()
    await teardownLab(state, false)
    await bootLab(state, { lost })
    state.remote?.adoptRestored()
    this.#status = 'ready'
    return state.lastRestart
  }

  // ───────────────────────────── remote endpoint ─────────────────────────────

  /** Binds the remote server; on a busy endpoint, the fallback (said once, kept as a problem). */
  async #listen(endpoint: string): Promise<void> {
    // A network address without CURVE, or unusable key files: refused before anything is bound.
    const curve = planCurve('channels endpoint', endpoint, this.#curve, this.#curveDir)
    try {
      await this.#bind(endpoint, curve)
    } catch (err) {
      if (this.#fallbackEndpoint === null) throw err
      this.#emit(
        'endpoint-busy',
        'warn',
        `${endpoint} is not available (${(err as Error).message}); remote clients use a free port instead`
      )
      this.#busyEndpoint = endpoint
      const fallback = this.#fallbackEndpoint
      await this.#bind(
        fallback,
        planCurve('channels endpoint', fallback, this.#curve, this.#curveDir)
      )
    }
    const bound = this.endpoint
    this.#state.note('listening', 'info', `remote clients: ${bound}`, { endpoint: bound })
    // Restored remote proxies wait (suspended) for their client; the server must know them.
    this.#state.remote?.adoptRestored()
  }

  async #bind(endpoint: string, curve: CurvePlan): Promise<void> {
    const remote = new RemoteServer({
      endpoint,
      curve,
      host: this.#remoteHost(),
      sessionTimeoutMs: this.#sessionTimeoutMs,
      limits: this.#remoteLimits,
      note: this.#state.note
    })
    await remote.start()
    this.#state.remote = remote
  }

  #remoteHost(): RemoteHost {
    const state = this.#state
    return {
      factory: () => factoryOf(state),
      createChannel: (qos, admin) =>
        createChannel(state, { type: ChannelsCommandType.Create, qos, admin, label: undefined })
          .channelId,
      changed: (channelId) => markDirty(state, channelId),
      labClientOf: (ref) => state.byProxy.has(refKey(ref))
    }
  }

  // ───────────────────────────── trace ─────────────────────────────

  /** One summary per interval of what moved through all channels (deltas of the counters). */
  #traceTraffic(): void {
    this.#trace.summarise(totalsOf(this.#state))
  }
}

export { evaluateConstraint } from './lab/evaluate-constraint'
export { toCommandError } from './lab/command-error'
export type { ClientKind, ClientRole }
export { PullProxySupplierBase }
