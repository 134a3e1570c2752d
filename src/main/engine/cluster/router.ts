import { Redis } from 'ioredis'
import type { ClusterNode } from './host/cluster-host'
import type { PartitionPlan } from './topic'
import { ownerOf } from './topic'

/** A producer's or consumer's connection to a node fails a command after this long. */
const COMMAND_TIMEOUT_MS = 2_000
/** Reconnect attempts to a node are this far apart (a dead node is retried until the run ends). */
const RECONNECT_MS = 200

/**
 * Where each partition lives now: its leader (the primary that owns its slot) and that leader's
 * in-sync replicas, from the last topology the lab read; plus one connection per (owner, node),
 * so that a producer's WAIT follows exactly its own writes.
 */
export class Router {
  readonly plans: readonly PartitionPlan[]
  readonly #auth: { password?: string; username?: string }
  #nodes: ClusterNode[] = []
  #leaders: Array<string | null>
  readonly #conns = new Map<string, Redis>()
  #closed = false

  constructor(plans: readonly PartitionPlan[], auth: { password?: string; username?: string }) {
    this.plans = plans
    this.#auth = auth
    this.#leaders = plans.map((p) => p.leader)
  }

  /** Takes a fresh topology. @returns the partitions whose leader changed. */
  update(nodes: readonly ClusterNode[]): number[] {
    this.#nodes = [...nodes]
    const primaries = nodes.filter((n) => n.role === 'primary' && n.state !== 'dead')
    const changed: number[] = []
    this.plans.forEach((plan, i) => {
      const leader = ownerOf(plan.slot, primaries)
      if (leader !== this.#leaders[i]) {
        this.#leaders[i] = leader
        changed.push(i)
      }
    })
    return changed
  }

  /** A MOVED reply named the node that owns a slot now. */
  moved(slot: number, port: number): void {
    const node = this.#nodes.find((n) => n.port === port)
    if (!node) return
    this.plans.forEach((plan, i) => {
      if (plan.slot === slot) this.#leaders[i] = node.id
    })
  }

  leaderOf(partition: number): string | null {
    return this.#leaders[partition] ?? null
  }

  /**
   * The in-sync replicas of a partition's leader — what acks=all waits for: every replica the
   * cluster has not failed. A replica that is merely slow (or paused for less than the node
   * timeout) stays in, so a write waits for it; once the cluster fails it, it drops out.
   */
  inSync(partition: number): ClusterNode[] {
    const leader = this.leaderOf(partition)
    if (!leader) return []
    return this.#nodes.filter(
      (n) =>
        n.role === 'replica' &&
        n.primaryId === leader &&
        n.state !== 'dead' &&
        !n.flags.some((f) => f === 'fail' || f === 'fail?')
    )
  }

  /** The replicas of a partition's leader, whatever their state. */
  replicasOf(partition: number): string[] {
    const leader = this.leaderOf(partition)
    return this.#nodes.filter((n) => n.primaryId === leader).map((n) => n.id)
  }

  node(id: string): ClusterNode | undefined {
    return this.#nodes.find((n) => n.id === id)
  }

  /** The connection `owner` (a producer, a consumer) uses to reach `nodeId`. */
  connection(owner: string, nodeId: string): Redis | null {
    if (this.#closed) return null
    const key = `${owner}\u0000${nodeId}`
    const cached = this.#conns.get(key)
    if (cached) return cached
    const node = this.node(nodeId)
    if (!node) return null
    const conn = new Redis({
      host: node.host,
      port: node.port,
      ...this.#auth,
      connectionName: `flowlab-cluster-${owner}`,
      maxRetriesPerRequest: 0,
      commandTimeout: COMMAND_TIMEOUT_MS,
      connectTimeout: COMMAND_TIMEOUT_MS,
      retryStrategy: () => (this.#closed ? null : RECONNECT_MS)
    })
    conn.on('error', () => undefined)
    this.#conns.set(key, conn)
    return conn
  }

  /** Drops `owner`'s connection to a node (a blocked read that timed out). */
  drop(owner: string, nodeId: string): void {
    const key = `${owner}\u0000${nodeId}`
    this.#conns.get(key)?.disconnect()
    this.#conns.delete(key)
  }

  close(): void {
    this.#closed = true
    for (const conn of this.#conns.values()) conn.disconnect()
    this.#conns.clear()
  }
}

/** The slot and port a `MOVED <slot> <host>:<port>` error names, or null. */
export function parseMoved(message: string): { slot: number; port: number } | null {
  const m = /MOVED (\d+) [^\s:]+:(\d+)/.exec(message)
  return m ? { slot: Number(m[1]), port: Number(m[2]) } : null
}
