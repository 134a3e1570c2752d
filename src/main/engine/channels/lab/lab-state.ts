import type { Redis } from 'ioredis'
import type { TraceData, TraceLevel } from '@shared/contract'
import type { ChannelCountersInfo, ChannelsInfo } from '@shared/contract/labs/channels'
import type { Filter, MappingFilter } from '../filter'
import type { LabClient } from '../lab-client'
import type { EventChannelFactory, EventChannelOptions } from '../model'
import type { BestEffortLedger } from '../persistence/best-effort-ledger'
import type { ChannelsKeys } from '../persistence/keys'
import type { RedisEventStore } from '../persistence/redis-event-store'
import type { TopologyStore } from '../persistence/topology-store'
import type { RemoteServer } from '../remote/remote-server'
import { zeroCounters } from './counters'
import { EventFlowLog } from './event-flow'

/** A lifecycle trace event (rate-limited by the lab's trace). */
export type Note = (type: string, level: TraceLevel, message: string, data?: TraceData) => void

/** Channel model tunables the lab passes on; the stores are always the lab's own. */
export type LabChannelOptions = Omit<EventChannelOptions, 'bestEffortStore' | 'persistentStore'>

/** A filter the lab created, by its FilterID, with what it is used as. */
export interface LabFilter {
  filter: Filter | MappingFilter
  kind: 'filter' | 'priority' | 'lifetime'
}

/** What the lab knows about a channel beyond the model: its label and the filters made on it. */
export interface ChannelMeta {
  label: string | null
  filters: Map<number, LabFilter>
}

/**
 * Everything the command handlers, restore and the info projection share: one per lab. They get
 * this instead of the lab itself, so each of them sees only state, never the lifecycle. The store
 * and factory handles are null while the lab is stopped (or restarting, or Redis is unavailable).
 */
export interface LabState {
  /** Redis key names under the lab's prefix. */
  readonly keys: ChannelsKeys
  /** Rate-limited lifecycle trace. */
  readonly note: Note
  readonly channelOptions: LabChannelOptions | undefined
  /** The lab's Redis connection (auto-pipelined); null when Redis was not up at start. */
  client: Redis | null
  factory: EventChannelFactory | null
  /** EventReliability=Persistent events; null without Redis. */
  persistent: RedisEventStore | null
  /** Count of best-effort events a crash would lose. */
  ledger: BestEffortLedger | null
  /** ConnectionReliability=Persistent topology; null without Redis. */
  topology: TopologyStore | null
  remote: RemoteServer | null
  /** Lab metadata by channel id. */
  readonly meta: Map<number, ChannelMeta>
  /** Lab clients by client id. */
  readonly clients: Map<string, LabClient>
  /** Lab clients by proxy key. */
  readonly byProxy: Map<string, LabClient>
  /** Push proxies suspended because their lab consumer was killed. */
  readonly killSuspended: Set<string>
  /** Number of the next lab client id (`c<n>`); never reused, even across restores. */
  nextClient: number
  /** The channel the panel shows in detail, if any. */
  view: number | null
  lastRestart: ChannelsInfo['persistence']['lastRestart']
  /** Persistence failures since the lab was made. */
  persistErrors: number
  persistLastError: string | null
  /** True from a persistence failure until a later boot reads Redis without one. */
  persistFailing: boolean
  /** Counters of channels already destroyed, so the totals never go down. */
  readonly retired: ChannelCountersInfo
  /** Recent events' stories for the event-flow view. */
  readonly flow: EventFlowLog
}

/** A fresh, stopped lab state. */
export function createLabState(
  keys: ChannelsKeys,
  note: Note,
  channelOptions: LabChannelOptions | undefined
): LabState {
  return {
    keys,
    note,
    channelOptions,
    client: null,
    factory: null,
    persistent: null,
    ledger: null,
    topology: null,
    remote: null,
    meta: new Map(),
    clients: new Map(),
    byProxy: new Map(),
    killSuspended: new Set(),
    nextClient: 1,
    view: null,
    lastRestart: null,
    persistErrors: 0,
    persistLastError: null,
    persistFailing: false,
    retired: zeroCounters(),
    flow: new EventFlowLog()
  }
}

/** Records a persistence failure (delivery never waits for Redis, so this is all that happens). */
export function persistFailed(state: LabState, err: Error): void {
  state.persistErrors++
  state.persistLastError = err.message
  state.persistFailing = true
  state.note('persistence-error', 'warn', `persistence: ${err.message}`)
}

/** The topology of a channel changed: the store rewrites its document (if it is persistent). */
export function markDirty(state: LabState, channelId: number): void {
  state.topology?.markDirty(channelId)
}
