import type { ClusterSettings } from './commands'

/**
 * What the Cluster lab shows and reports: the bounded `ClusterInfo` in every snapshot
 * (`snapshot.labs.cluster`) and the complete `ClusterReport` of a run (`flowlab cluster --json`).
 */

/** Violations listed in ClusterInfo at most (all of them are in the report). */
export const CLUSTER_INFO_VIOLATIONS_MAX = 100
/** Timeline events kept (oldest dropped first). */
export const CLUSTER_TIMELINE_MAX = 60
/** Points per rate series (one a second). */
export const CLUSTER_SERIES_MAX = 120

export type BrokerState = 'alive' | 'paused' | 'dead'
export type BrokerRole = 'primary' | 'replica'

/** One redis-server of the cluster, as the lab shows it. */
export interface BrokerInfo {
  /** The 40-hex cluster node id. */
  id: string
  port: number
  role: BrokerRole
  /** A replica's primary (its leader). */
  primaryId: string | null
  /** Slot ranges a primary owns, e.g. "0-5460". */
  slots: string
  slotCount: number
  state: BrokerState
  /** master_repl_offset (primary) or slave_repl_offset (replica). */
  replOffset: number
  /** A replica's lag behind its primary in replication bytes (null when unknown). */
  lagBytes: number | null
  /** Partitions this broker leads now. */
  leads: number[]
  managed: boolean
}

export interface PartitionInfo {
  id: number
  /** The stream's key (its hash tag puts it in `slot`). */
  key: string
  slot: number
  /** The node leading it now (null: no live primary owns the slot). */
  leader: string | null
  /** Its followers: the leader's replicas. */
  replicas: string[]
  /** Entries in the stream (log end offset). */
  logEnd: number
  /** Acknowledged by producers so far. */
  acked: number
  /** Produced and not yet read by the consumer group. */
  consumerLag: number
  /** Fewer live in-sync replicas than configured. */
  underReplicated: boolean
  leaderless: boolean
}

export type ClusterEventKind =
  | 'killed'
  | 'paused'
  | 'resumed'
  | 'restarted'
  | 'failover-asked'
  | 'fail-detected'
  | 'elected'
  | 'rejoined'
  | 'added'
  | 'moved'

/** One entry of the election timeline. */
export interface ClusterEvent {
  at: number
  kind: ClusterEventKind
  node: string
  /** elected: the node that failed; moved: the partition's previous leader. */
  other?: string
  partitions?: number[]
  /** elected: ms since the failure was caused (kill, pause) or first seen. */
  ms?: number
  text: string
}

export interface Failover {
  failedNode: string
  promotedNode: string
  /** From the kill (or pause) to the new leader serving its slots. */
  ms: number
  partitions: number[]
}

export type ClusterViolationKind = 'lost' | 'duplicate' | 'gap' | 'out-of-order'

export interface ClusterViolation {
  partition: number
  /** The message id (1..messages). */
  id: number
  kind: ClusterViolationKind
  /** The cause in plain words (leader killed N ms after the ack, replica M entries behind, …). */
  cause: string
}

export interface ClusterCounts {
  /** Writes sent (attempts, retries included). */
  produced: number
  acked: number
  /** Messages whose every attempt failed: the producer was told, nothing is owed. */
  failed: number
  lostAcked: number
  duplicates: number
  consumed: number
  gaps: number
  outOfOrder: number
  /** Acknowledged messages the consumers read and that are gone from the log now. */
  consumedThenLost: number
}

export type ClusterVerdict = 'held' | 'violated'
export type ClusterRunStatus = 'idle' | 'running' | 'checking' | 'done' | 'stopped' | 'failed'

export interface ClusterSeriesPoint {
  /** Seconds since the run started. */
  t: number
  producePerSec: number
  consumePerSec: number
  /** A broker was dead or paused during this second. */
  fault: boolean
}

export interface ClusterRunInfo {
  status: ClusterRunStatus
  settings: ClusterSettings
  /** Redis key prefix of the run (`flowlab:<labId>:`). */
  labId: string
  progress: { acked: number; failed: number; total: number }
  counts: ClusterCounts
  rates: { producePerSec: number; consumePerSec: number }
  series: ClusterSeriesPoint[]
  /** null until the check ran. */
  verdict: ClusterVerdict | null
  /** What the acks setting promises, in one line. */
  promise: string
  violations: ClusterViolation[]
  violationsTotal: number
  failovers: Failover[]
  error: string | null
}

export type ClusterStatus = 'down' | 'starting' | 'up' | 'stopping' | 'failed'

/** The Cluster lab's bounded view (snapshot.labs.cluster). */
export interface ClusterInfo {
  status: ClusterStatus
  /** Managed (started by Flowlab) or an existing cluster; null while down. */
  managed: boolean | null
  /** Where the cluster is, without its password. */
  endpoint: string | null
  /** cluster_state as the nodes report it. */
  state: 'ok' | 'fail' | null
  /** Why node faults are off (an existing cluster), or null. */
  faultsOff: string | null
  brokers: BrokerInfo[]
  partitions: PartitionInfo[]
  timeline: ClusterEvent[]
  run: ClusterRunInfo | null
  lastError: string | null
}

/** The complete report of one run (`flowlab cluster --json`). */
export interface ClusterReport {
  verdict: ClusterVerdict
  promise: string
  settings: ClusterSettings
  counts: ClusterCounts
  nodes: Array<{ id: string; port: number; role: BrokerRole; alive: boolean }>
  partitions: Array<{
    id: number
    key: string
    slot: number
    leaderBefore: string | null
    leaderAfter: string | null
    replicas: string[]
    acked: number
    logEnd: number
  }>
  failovers: Failover[]
  violations: ClusterViolation[]
  timeline: ClusterEvent[]
  durationMs: number
  producePerSec: number
  /** Send of the acknowledged attempt → its ack, in ms (null when nothing was acknowledged). */
  ackLatency: { p50Ms: number | null; p99Ms: number | null }
}
