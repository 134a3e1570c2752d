import {
  CLUSTER_TIMELINE_MAX,
  type ClusterEvent,
  type ClusterEventKind,
  type Failover
} from '@shared/contract/labs/cluster'
import type { FaultRecord } from './checker'
import type { ClusterNode } from './host/cluster-host'

/** Failovers and fault records kept (oldest dropped first). */
const FAILOVERS_MAX = 100
const FAULTS_MAX = 1_000

/**
 * The lab's record of what happened to the brokers: the faults it caused (for the checker's
 * causes), the election timeline, and each failover's time from the fault to the new leader.
 * It reads elections off successive topologies, so failovers it did not cause show too.
 */
export class ClusterBook {
  readonly timeline: ClusterEvent[] = []
  readonly failovers: Failover[] = []
  readonly faults: FaultRecord[] = []
  /** Nodes whose failure was caused (or first seen) and not yet replaced, with when. */
  readonly #pending = new Map<string, number>()
  #prev = new Map<string, ClusterNode>()
  readonly #name: (id: string) => string

  constructor(name: (id: string) => string) {
    this.#name = name
  }

  /** A failure is waiting for an election (the monitor then polls faster). */
  get waiting(): boolean {
    return this.#pending.size > 0
  }

  /** Records a fault the lab caused. */
  fault(
    kind: FaultRecord['kind'],
    node: string,
    at: number,
    text: string,
    partitions?: number[]
  ): void {
    push(this.faults, { node, at, kind }, FAULTS_MAX)
    if (kind === 'killed' || kind === 'paused' || kind === 'failover') {
      if (!this.#pending.has(node)) this.#pending.set(node, at)
    }
    const event: ClusterEventKind =
      kind === 'failover' ? 'failover-asked' : kind === 'moved' ? 'moved' : kind
    this.event(event, node, at, text, partitions ? { partitions } : {})
  }

  event(
    kind: ClusterEventKind,
    node: string,
    at: number,
    text: string,
    extra: Partial<ClusterEvent> = {}
  ): void {
    push(this.timeline, { at, kind, node, text, ...extra }, CLUSTER_TIMELINE_MAX)
  }

  /**
   * Compares a fresh topology with the last one: a replica that became primary was elected (its
   * old primary failed), a failed flag seen for the first time, a dead node back as a replica.
   * @param leads the partitions each node leads now
   */
  observe(nodes: readonly ClusterNode[], at: number, leads: (id: string) => number[]): void {
    const next = new Map(nodes.map((n) => [n.id, n]))
    for (const node of nodes) {
      const before = this.#prev.get(node.id)
      if (!before) continue
      if (before.role === 'replica' && node.role === 'primary') {
        const failed = before.primaryId ?? ''
        const since = this.#pending.get(failed) ?? at
        this.#pending.delete(failed)
        const partitions = leads(node.id)
        const ms = at - since
        push(
          this.failovers,
          { failedNode: failed, promotedNode: node.id, ms, partitions },
          FAILOVERS_MAX
        )
        this.event(
          'elected',
          node.id,
          at,
          `${this.#name(node.id)} elected leader in place of ${this.#name(failed)} after ${ms} ms${
            partitions.length ? ` (partitions ${partitions.join(', ')})` : ''
          }`,
          { other: failed, ms, partitions }
        )
      }
      const failedNow = node.flags.includes('fail')
      if (failedNow && !before.flags.includes('fail')) {
        if (!this.#pending.has(node.id)) this.#pending.set(node.id, at)
        this.event(
          'fail-detected',
          node.id,
          at,
          `the cluster marked ${this.#name(node.id)} as failed`
        )
      }
      if (before.state === 'dead' && node.state === 'alive') {
        this.event(
          'rejoined',
          node.id,
          at,
          `${this.#name(node.id)} rejoined as ${node.role === 'replica' ? `a replica of ${this.#name(node.primaryId ?? '')}` : 'a primary'}`
        )
      }
    }
    // A node that came back as the primary it was (a pause shorter than the node timeout).
    for (const [id] of this.#pending) {
      const node = next.get(id)
      if (
        node &&
        node.state === 'alive' &&
        node.role === 'primary' &&
        !node.flags.includes('fail')
      ) {
        this.#pending.delete(id)
      }
    }
    this.#prev = next
  }
}

function push<T>(list: T[], item: T, max: number): void {
  list.push(item)
  if (list.length > max) list.splice(0, list.length - max)
}
