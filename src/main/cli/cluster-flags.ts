import {
  CLUSTER_PARTITIONS_MAX,
  CLUSTER_PRIMARIES_MAX,
  CLUSTER_REPLICAS_MAX,
  ClusterSettingsSchema,
  ClusterUrlSchema,
  type ClusterSettings,
  type ClusterSettingsInput
} from '@shared/contract/labs/cluster'
import { FlagError, numberFlag as num, oneOfFlag, parseFlagValues } from './flags'

/** `flowlab cluster --help`, and what a bad flag is answered with. */
export const CLUSTER_USAGE = `usage: flowlab cluster [options]
  Runs the Cluster lab headless: starts a Redis Cluster (or uses an existing one), produces
  messages to a topic of N partitions with a consumer group reading them, applies the fault
  flags, then checks every partition's log on its leader. Exits 0 when no acknowledged message
  was lost, 1 when one was, 2 on bad flags or setup errors.
  --primaries P           primaries (brokers that lead partitions), 1..${CLUSTER_PRIMARIES_MAX} (default 3)
  --replicas R            replicas per primary, 0..${CLUSTER_REPLICAS_MAX} (default 1)
  --partitions N          partitions of the topic, 1..${CLUSTER_PARTITIONS_MAX} (default 6)
  --messages M            messages to produce (default 5000)
  --producers K           concurrent producers (default 4)
  --in-flight W           writes each producer keeps in flight (default 8)
  --acks 1|all            1: the leader's reply; all: the reply and WAIT for every in-sync
                          replica (default all)
  --wait-timeout-ms MS    acks=all: how long WAIT waits; a timeout is a failed write (default 1000)
  --partitioner P         hash (of the message key) | round-robin (default hash)
  --keys K                distinct message keys (default 1000)
  --rate PER_S            messages per second; 0 = as fast as they go (default 0)
  --retries N             retries of a failed write (default 5)
  --consume on|off        a consumer group reads every partition during the run (default on)
  --kill-leader-at MSG    SIGKILL the broker leading --kill-partition (default 0) after MSG
                          acknowledged messages
  --kill-partition I      the partition whose leader --kill-leader-at kills (default 0)
  --follower-lag-ms MS    before that kill, pause the leader's replicas for MS so they miss the
                          last writes, resume them after it (default 0)
  --min-in-sync N         acks=all: fewest copies a write needs, leader included, as Kafka's
                          min.insync.replicas (default 1)
  --pause-broker-at MSG   SIGSTOP the broker leading partition 0 after MSG acknowledged messages …
  --pause-ms D            … for D ms, then SIGCONT (default 3000)
  --cluster-url URL       use an existing cluster (default: REDIS_CLUSTER_URL, else start one)
  --seed S                seed of the message keys (default 1)
  --json                  print the report as one JSON object on stdout`

export interface ParsedClusterFlags {
  settings: ClusterSettings
  primaries: number
  replicas: number
  clusterUrl: string | undefined
  json: boolean
}

const STRING_FLAGS = [
  'primaries',
  'replicas',
  'partitions',
  'messages',
  'producers',
  'in-flight',
  'acks',
  'wait-timeout-ms',
  'partitioner',
  'keys',
  'rate',
  'retries',
  'consume',
  'kill-leader-at',
  'kill-partition',
  'follower-lag-ms',
  'min-in-sync',
  'pause-broker-at',
  'pause-ms',
  'cluster-url',
  'seed'
] as const

/**
 * Parses `flowlab cluster` flags; every range is the contract's.
 * @throws FlagError naming the flag and what it must be.
 */
export function parseClusterFlags(
  argv: string[],
  env: NodeJS.ProcessEnv
): ParsedClusterFlags | 'help' {
  const values = parseFlagValues(argv, STRING_FLAGS)
  if (values.help) return 'help'
  const clusterUrl = values['cluster-url'] ?? (env.REDIS_CLUSTER_URL || undefined)
  if (clusterUrl !== undefined && !ClusterUrlSchema.safeParse(clusterUrl).success) {
    throw new FlagError(
      `--cluster-url must look like redis://:password@127.0.0.1:7000 (got ${clusterUrl})`
    )
  }
  const consume = oneOfFlag('consume', values.consume, ['on', 'off'] as const)
  const input: ClusterSettingsInput = {
    partitions: num('partitions', values.partitions, { min: 1, max: CLUSTER_PARTITIONS_MAX }),
    messages: num('messages', values.messages, { min: 1, max: 1_000_000 }),
    producers: num('producers', values.producers, { min: 1, max: 32 }),
    inFlight: num('in-flight', values['in-flight'], { min: 1, max: 256 }),
    acks: oneOfFlag('acks', values.acks, ['1', 'all'] as const),
    waitTimeoutMs: num('wait-timeout-ms', values['wait-timeout-ms'], { min: 1, max: 60_000 }),
    partitioner: oneOfFlag('partitioner', values.partitioner, ['hash', 'round-robin'] as const),
    keys: num('keys', values.keys, { min: 1, max: 1_000_000 }),
    ratePerSec: num('rate', values.rate, { int: false, max: 1_000_000 }),
    retries: num('retries', values.retries, { max: 20 }),
    consume: consume === undefined ? undefined : consume === 'on',
    seed: num('seed', values.seed, { max: 2_147_483_647 }),
    killLeaderAt: num('kill-leader-at', values['kill-leader-at'], { min: 1, max: 1_000_000 }),
    followerLagMs: num('follower-lag-ms', values['follower-lag-ms'], { max: 5_000 }),
    minInSync: num('min-in-sync', values['min-in-sync'], { min: 1, max: 4 }),
    killPartition: num('kill-partition', values['kill-partition'], {
      max: CLUSTER_PARTITIONS_MAX - 1
    }),
    pauseBrokerAt: num('pause-broker-at', values['pause-broker-at'], { min: 1, max: 1_000_000 }),
    pauseMs: num('pause-ms', values['pause-ms'], { min: 1, max: 600_000 })
  }
  for (const key of Object.keys(input) as (keyof ClusterSettingsInput)[]) {
    if (input[key] === undefined) delete input[key]
  }
  const parsed = ClusterSettingsSchema.safeParse(input)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new FlagError(`${issue?.path.join('.') ?? 'settings'}: ${issue?.message ?? 'invalid'}`)
  }
  const settings = parsed.data
  for (const [flag, at] of [
    ['kill-leader-at', settings.killLeaderAt],
    ['pause-broker-at', settings.pauseBrokerAt]
  ] as const) {
    if (at > settings.messages) {
      throw new FlagError(
        `--${flag} ${at} is past the end of the run (--messages ${settings.messages})`
      )
    }
    if (at > 0 && clusterUrl !== undefined) {
      throw new FlagError(
        `--${flag} needs a cluster Flowlab starts (it cannot kill or pause the processes of --cluster-url)`
      )
    }
  }
  if (settings.killPartition >= settings.partitions) {
    throw new FlagError(
      `--kill-partition ${settings.killPartition} is not a partition (--partitions ${settings.partitions}: 0..${settings.partitions - 1})`
    )
  }
  if (values['follower-lag-ms'] !== undefined && values['kill-leader-at'] === undefined) {
    throw new FlagError('--follower-lag-ms needs --kill-leader-at')
  }
  if (values['pause-ms'] !== undefined && values['pause-broker-at'] === undefined) {
    throw new FlagError('--pause-ms needs --pause-broker-at')
  }
  return {
    settings,
    primaries: num('primaries', values.primaries, { min: 1, max: CLUSTER_PRIMARIES_MAX }) ?? 3,
    replicas: num('replicas', values.replicas, { max: CLUSTER_REPLICAS_MAX }) ?? 1,
    clusterUrl,
    json: values.json ?? false
  }
}
