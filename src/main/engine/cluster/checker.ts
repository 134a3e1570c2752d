import type { ClusterCounts, ClusterViolation } from '@shared/contract/labs/cluster'

/**
 * The Cluster lab's checker, from ground truth: what the producers were told (acks) against what
 * each partition's log holds after the run, read from the node that leads it now, and what the
 * consumer group delivered. Pure: the run gathers the inputs.
 */

/** One acknowledged message: the attempt that was acknowledged. */
export interface AckRecord {
  id: number
  partition: number
  producer: number
  at: number
  /** The node that acknowledged it (the partition's leader then). */
  node: string
  attempt: number
}

/** One entry of a partition's log. */
export interface LogEntry {
  id: number
  producer: number
  streamId: string
}

/** A fault the run caused or saw, by node. */
export interface FaultRecord {
  node: string
  at: number
  kind: 'killed' | 'paused' | 'failover' | 'moved'
}

export interface CheckInput {
  acks: readonly AckRecord[]
  /** Attempts per message id (1 when it was never retried). */
  attempts: ReadonlyMap<number, number>
  /** Final log of each partition, in order. */
  logs: ReadonlyArray<readonly LogEntry[]>
  /** Stream ids the consumer group delivered, per partition, in delivery order. */
  consumed: ReadonlyArray<ReadonlyArray<{ id: number; streamId: string }>>
  faults: readonly FaultRecord[]
  /** Short name of a node for causes (defaults to its first 8 characters). */
  name?: (node: string) => string
}

export type CheckCounts = Pick<
  ClusterCounts,
  'lostAcked' | 'duplicates' | 'consumed' | 'gaps' | 'outOfOrder' | 'consumedThenLost'
>

export interface CheckResult {
  counts: CheckCounts
  violations: ClusterViolation[]
}

export function checkRun(input: CheckInput): CheckResult {
  const name = input.name ?? ((node: string): string => node.slice(0, 8))
  const violations: ClusterViolation[] = []
  const present = input.logs.map((log) => {
    const seen = new Map<number, number>()
    for (const e of log) seen.set(e.id, (seen.get(e.id) ?? 0) + 1)
    return seen
  })

  // Lost: acknowledged, absent from the partition's log now.
  const lostByFault = new Map<FaultRecord, AckRecord[]>()
  const lostUnexplained: AckRecord[] = []
  for (const ack of input.acks) {
    if (present[ack.partition]?.has(ack.id)) continue
    const fault = input.faults
      .filter((f) => f.node === ack.node && f.at >= ack.at)
      .sort((a, b) => a.at - b.at)[0]
    if (fault) {
      const list = lostByFault.get(fault) ?? []
      list.push(ack)
      lostByFault.set(fault, list)
    } else lostUnexplained.push(ack)
  }
  for (const [fault, acks] of lostByFault) {
    for (const ack of acks) {
      const behind = acks.filter((a) => a.partition === ack.partition).length
      violations.push({
        partition: ack.partition,
        id: ack.id,
        kind: 'lost',
        cause: `${lostVerb(fault.kind, name(fault.node))} ${fault.at - ack.at} ms after the ack; its replica was ${behind} ${behind === 1 ? 'entry' : 'entries'} of partition ${ack.partition} behind`
      })
    }
  }
  for (const ack of lostUnexplained) {
    violations.push({
      partition: ack.partition,
      id: ack.id,
      kind: 'lost',
      cause: 'acknowledged, and missing from the log; no recorded fault explains it'
    })
  }

  // Duplicates and order, per partition's log.
  let duplicates = 0
  let outOfOrder = 0
  input.logs.forEach((log, partition) => {
    const reported = new Set<number>()
    const newest = new Map<number, number>()
    for (const e of log) {
      if ((present[partition]?.get(e.id) ?? 0) > 1 && !reported.has(e.id)) {
        reported.add(e.id)
        duplicates++
        const attempts = input.attempts.get(e.id) ?? 1
        violations.push({
          partition,
          id: e.id,
          kind: 'duplicate',
          cause:
            attempts > 1
              ? `the producer retried (${attempts} attempts) after a write that failed for it had landed`
              : 'written twice without a retry; no recorded fault explains it'
        })
      }
      const last = newest.get(e.producer) ?? 0
      if (e.id < last && !reported.has(e.id)) {
        outOfOrder++
        violations.push({
          partition,
          id: e.id,
          kind: 'out-of-order',
          cause: `after message ${last} of the same producer: ${
            (input.attempts.get(e.id) ?? 1) > 1
              ? 'its retry landed after later writes'
              : 'no retry explains it'
          }`
        })
      }
      if (e.id > last) newest.set(e.producer, e.id)
    }
  })

  // The consumer group: what it delivered, what it skipped, what it saw that is gone now.
  let consumed = 0
  let gaps = 0
  let consumedThenLost = 0
  input.consumed.forEach((delivered, partition) => {
    const ids = new Set<number>()
    const streamIds = new Set<string>()
    for (const d of delivered) {
      ids.add(d.id)
      streamIds.add(d.streamId)
    }
    consumed += ids.size
    for (const id of ids) if (!present[partition]?.has(id)) consumedThenLost++
    const log = input.logs[partition] ?? []
    let lastRead = -1
    log.forEach((e, index) => {
      if (streamIds.has(e.streamId)) lastRead = index
    })
    for (let i = 0; i < lastRead; i++) {
      const e = log[i] as LogEntry
      if (streamIds.has(e.streamId)) continue
      gaps++
      violations.push({
        partition,
        id: e.id,
        kind: 'gap',
        cause: `the consumer group read past offset ${i} (entry ${e.streamId}) without delivering it`
      })
    }
  })

  // The findings that break a promise first: lost, then what the consumers missed, then retries' marks.
  const rank = { lost: 0, gap: 1, duplicate: 2, 'out-of-order': 3 } as const
  violations.sort((a, b) => rank[a.kind] - rank[b.kind])
  return {
    counts: {
      lostAcked: violations.filter((v) => v.kind === 'lost').length,
      duplicates,
      consumed,
      gaps,
      outOfOrder,
      consumedThenLost
    },
    violations
  }
}

function lostVerb(kind: FaultRecord['kind'], node: string): string {
  switch (kind) {
    case 'killed':
      return `leader ${node} was killed`
    case 'paused':
      return `leader ${node} was paused (a replica took over while it was out)`
    case 'failover':
      return `a manual failover replaced leader ${node}`
    case 'moved':
      return `the partition moved away from ${node}`
  }
}
