import { z } from 'zod'

/**
 * The Cluster lab's settings and commands (`cluster:<verb>`): Kafka's partitions, leaders and
 * replicas on a real Redis Cluster — brokers are redis-server nodes, a partition is a stream whose
 * hash slot a primary owns, followers are its replicas (docs/labs/cluster.md).
 */

export const ClusterCommandType = {
  Up: 'cluster:up',
  Down: 'cluster:down',
  Start: 'cluster:start',
  Stop: 'cluster:stop',
  Fault: 'cluster:fault'
} as const

/** Most primaries a managed cluster may have. */
export const CLUSTER_PRIMARIES_MAX = 8
/** Most replicas per primary in a managed cluster. */
export const CLUSTER_REPLICAS_MAX = 3
/** Most partitions a topic may have. */
export const CLUSTER_PARTITIONS_MAX = 64

/** A cluster node, named by its 40-hex cluster node id (or a unique prefix of at least 6). */
const nodeId = z
  .string()
  .min(6)
  .max(40)
  .regex(/^[0-9a-f]+$/, 'a node id is hexadecimal (the id CLUSTER NODES prints)')

/** `redis://[:password@]host:port` of any one node of an existing cluster. */
export const ClusterUrlSchema = z
  .string()
  .max(512)
  .regex(/^rediss?:\/\/[^\s/]+$/, 'a cluster URL looks like redis://:password@127.0.0.1:7000')

/** Start a managed cluster (P primaries, R replicas each) or connect to an existing one. */
export const ClusterUpSchema = z.strictObject({
  type: z.literal(ClusterCommandType.Up),
  primaries: z.number().int().min(1).max(CLUSTER_PRIMARIES_MAX).default(3),
  replicas: z.number().int().min(0).max(CLUSTER_REPLICAS_MAX).default(1),
  /** An existing cluster instead of a managed one (then node faults that need processes are off). */
  url: ClusterUrlSchema.optional()
})
/** Stop the managed cluster (every node, no orphan) or disconnect from the existing one. */
export const ClusterDownSchema = z.strictObject({ type: z.literal(ClusterCommandType.Down) })

const count = (max: number): z.ZodNumber => z.number().int().min(0).max(max)

/** Every setting of one produce/consume run. Defaults are merged here and nowhere else. */
export const ClusterSettingsSchema = z.strictObject({
  /** Partitions of the topic; each is one stream, leaders spread evenly over the primaries. */
  partitions: z.number().int().min(1).max(CLUSTER_PARTITIONS_MAX).default(6),
  /** Messages the producers send in the whole run. */
  messages: z.number().int().min(1).max(1_000_000).default(5_000),
  /** Concurrent producers, each with its own connections. */
  producers: z.number().int().min(1).max(32).default(4),
  /** Writes each producer keeps in flight at once. */
  inFlight: z.number().int().min(1).max(256).default(8),
  /**
   * `1`: acknowledged when the leader replied. `all`: the leader replied and every in-sync replica
   * has it (WAIT); a WAIT that times out is a failed write, not an acknowledged one.
   */
  acks: z.enum(['1', 'all']).default('all'),
  /** How long acks=all waits for the replicas, in ms. */
  waitTimeoutMs: z.number().int().min(1).max(60_000).default(1_000),
  /** How a producer picks the partition: by a hash of the message key, or in turn. */
  partitioner: z.enum(['hash', 'round-robin']).default('hash'),
  /** Distinct message keys (`key-0 … key-(K-1)`) the hash partitioner spreads. */
  keys: z.number().int().min(1).max(1_000_000).default(1_000),
  /** Messages per second across all producers; 0 = as fast as they go. */
  ratePerSec: z.number().min(0).max(1_000_000).default(0),
  /** Times a producer retries a failed write (a retry may duplicate a write that did land). */
  retries: z.number().int().min(0).max(20).default(5),
  /**
   * acks=all: fewest copies (the leader included) a write needs, as Kafka's min.insync.replicas;
   * with fewer in-sync replicas the write fails at once.
   */
  minInSync: z.number().int().min(1).max(4).default(1),
  /** A consumer group reads every partition while the producers write. */
  consume: z.boolean().default(true),
  /** Seed of the keys the producers pick. */
  seed: z.number().int().min(0).max(2_147_483_647).default(1),
  /** Kill the broker leading `killPartition` after this many acknowledged messages (0 = never). */
  killLeaderAt: count(1_000_000).default(0),
  killPartition: z
    .number()
    .int()
    .min(0)
    .max(CLUSTER_PARTITIONS_MAX - 1)
    .default(0),
  /**
   * Before that kill, pause the leader's replicas (SIGSTOP) for this many ms, so that they fall
   * behind as a slow follower would; they resume right after the kill (0 = kill at once).
   */
  followerLagMs: z.number().int().min(0).max(5_000).default(0),
  /** Pause (SIGSTOP) the broker leading partition 0 after this many acknowledged messages … */
  pauseBrokerAt: count(1_000_000).default(0),
  /** … for this many ms, then resume it (SIGCONT). */
  pauseMs: z.number().int().min(1).max(600_000).default(3_000)
})
export type ClusterSettingsInput = z.input<typeof ClusterSettingsSchema>
export type ClusterSettings = z.output<typeof ClusterSettingsSchema>

/** Start a run on the cluster that is up. */
export const ClusterStartSchema = z.strictObject({
  type: z.literal(ClusterCommandType.Start),
  settings: ClusterSettingsSchema
})
/** Stop producing now; the consumers drain and the check still runs. */
export const ClusterStopSchema = z.strictObject({ type: z.literal(ClusterCommandType.Stop) })

const partition = z
  .number()
  .int()
  .min(0)
  .max(CLUSTER_PARTITIONS_MAX - 1)

/** The Cluster lab's faults (buttons, commands, CLI flags). */
export const ClusterFaultActionSchema = z.discriminatedUnion('kind', [
  /** SIGKILL a broker. */
  z.strictObject({ kind: z.literal('kill-broker'), node: nodeId }),
  /** SIGSTOP a broker, resumed after `ms` (0 = until resume-broker). */
  z.strictObject({
    kind: z.literal('pause-broker'),
    node: nodeId,
    ms: z.number().int().min(0).max(600_000).default(0)
  }),
  /** SIGCONT a paused broker. */
  z.strictObject({ kind: z.literal('resume-broker'), node: nodeId }),
  /** Start a dead broker again; it rejoins (as a replica of whoever leads its slots now). */
  z.strictObject({ kind: z.literal('restart-broker'), node: nodeId }),
  /**
   * SIGKILL the broker that leads this partition now; with `followerLagMs`, its replicas are
   * paused that long first (they miss the last writes) and resumed after the kill.
   */
  z.strictObject({
    kind: z.literal('kill-leader'),
    partition: partition.default(0),
    followerLagMs: z.number().int().min(0).max(5_000).default(0)
  }),
  /** CLUSTER FAILOVER on a replica: it takes over its primary's slots (works on any cluster). */
  z.strictObject({ kind: z.literal('failover'), node: nodeId }),
  /** Start one more broker, an empty primary. */
  z.strictObject({ kind: z.literal('add-broker') }),
  /** Move a partition's slot to another primary (slot migration, the stream moves with it). */
  z.strictObject({ kind: z.literal('move-partition'), partition, node: nodeId })
])
export type ClusterFaultAction = z.infer<typeof ClusterFaultActionSchema>
/** A fault as a sender writes it (defaults may be left out). */
export type ClusterFaultActionInput = z.input<typeof ClusterFaultActionSchema>
export const ClusterFaultSchema = z.strictObject({
  type: z.literal(ClusterCommandType.Fault),
  fault: ClusterFaultActionSchema
})

export const ClusterCommandSchema = z.discriminatedUnion('type', [
  ClusterUpSchema,
  ClusterDownSchema,
  ClusterStartSchema,
  ClusterStopSchema,
  ClusterFaultSchema
])
export type ClusterCommand = z.infer<typeof ClusterCommandSchema>
