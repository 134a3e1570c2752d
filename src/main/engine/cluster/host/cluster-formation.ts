import type { Redis } from 'ioredis'
import { ClusterError } from './cluster-errors'
import { CLUSTER_SLOTS } from './key-slot'
import type { ManagedNode } from './managed-node'
import {
  coveredSlots,
  evenSlotRanges,
  parseClusterNodes,
  parseInfo,
  slotMapSignature
} from './topology'

/** Between two looks while waiting for the cluster to settle, in ms. */
export const POLL_INTERVAL_MS = 100

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Calls `check` every POLL_INTERVAL_MS until it returns null (done).
 * @returns when done; @throws ClusterError 'timeout' naming `what` and the last reason.
 */
export async function pollUntil(
  check: () => Promise<string | null>,
  timeoutMs: number,
  what: string
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let reason: string
  for (;;) {
    try {
      const why = await check()
      if (why === null) return
      reason = why
    } catch (err) {
      reason = (err as Error).message
    }
    if (Date.now() >= deadline) {
      throw new ClusterError(
        'timeout',
        `timed out after ${timeoutMs} ms waiting for ${what}: ${reason}`
      )
    }
    await delay(POLL_INTERVAL_MS)
  }
}

/** One node whose settling we wait for, and what it should be. */
export interface Member {
  id: string
  name: string
  client: Redis
  /** For a replica: the primary it must follow; null for a primary; undefined: either. */
  primaryId?: string | null
}

/**
 * Why the members have not settled yet, or null when they have: each says cluster_state:ok, knows
 * `total` nodes, sees the same owner for every one of the 16384 slots, and each replica follows
 * its primary with the replication link up; and none flags node `unflagged` as failing.
 */
export async function notConverged(
  members: Member[],
  total: number,
  unflagged?: string
): Promise<string | null> {
  const answers = await Promise.all(
    members.map(async (m) => {
      const [info, nodes, repl] = await Promise.all([
        m.client.call('CLUSTER', 'INFO') as Promise<string>,
        m.client.call('CLUSTER', 'NODES') as Promise<string>,
        m.client.info('replication')
      ])
      return { m, info: parseInfo(info), view: parseClusterNodes(nodes), repl: parseInfo(repl) }
    })
  )
  let signature: string | null = null
  for (const { m, info, view, repl } of answers) {
    if (info.get('cluster_state') !== 'ok')
      return `${m.name} says cluster_state:${info.get('cluster_state')}`
    if (view.lines.length !== total) return `${m.name} knows ${view.lines.length} of ${total} nodes`
    if (coveredSlots(view) !== CLUSTER_SLOTS)
      return `${m.name} sees ${coveredSlots(view)} slots covered`
    const sig = slotMapSignature(view)
    if (signature !== null && sig !== signature) return `${m.name} disagrees on the slot map`
    signature = sig
    const flagged = unflagged ? view.lines.find((l) => l.id === unflagged) : undefined
    if (flagged?.flags.some((f) => f === 'fail' || f === 'fail?')) {
      return `${m.name} still flags ${flagged.port} as ${flagged.flags.join(',')}`
    }
    const self = view.lines.find((l) => l.id === m.id)
    if (m.primaryId) {
      if (self?.primaryId !== m.primaryId) return `${m.name} does not replicate its primary yet`
      if (repl.get('master_link_status') !== 'up') return `${m.name} has no replication link yet`
    }
  }
  return null
}

/**
 * Forms a new cluster from freshly started, empty nodes, as `redis-cli --cluster create` does but
 * from code: a distinct config epoch per node, the slots split evenly over the first `primaries`
 * nodes (ADDSLOTSRANGE), every node met, then each replica attached to its primary; resolves
 * once every node agrees and every replica is in sync.
 * @param nodes - primaries first, then the replicas of primary 0, of primary 1 …
 */
export async function formCluster(
  nodes: ManagedNode[],
  primaries: number,
  replicasPerPrimary: number,
  admin: (node: ManagedNode) => Redis,
  timeoutMs: number
): Promise<void> {
  await Promise.all(
    nodes.map(async (node, i) => {
      const client = admin(node)
      node.id = (await client.call('CLUSTER', 'MYID')) as string
      // Distinct epochs up front: otherwise the nodes resolve their collisions one by one.
      await client.call('CLUSTER', 'SET-CONFIG-EPOCH', String(i + 1))
    })
  )
  const ranges = evenSlotRanges(primaries, CLUSTER_SLOTS)
  await Promise.all(
    ranges.map(([start, end], i) =>
      admin(nodes[i] as ManagedNode).call('CLUSTER', 'ADDSLOTSRANGE', String(start), String(end))
    )
  )
  const first = nodes[0] as ManagedNode
  for (const node of nodes.slice(1)) {
    await admin(first).call('CLUSTER', 'MEET', '127.0.0.1', String(node.port), String(node.busPort))
  }
  // A node can only replicate a primary it knows: wait until everyone knows everyone.
  await pollUntil(
    async () => {
      const views = await Promise.all(
        nodes.map(async (n) =>
          parseClusterNodes((await admin(n).call('CLUSTER', 'NODES')) as string)
        )
      )
      const short = views.findIndex((v) => v.lines.length < nodes.length)
      return short === -1
        ? null
        : `node-${nodes[short]?.index} knows ${views[short]?.lines.length} nodes`
    },
    timeoutMs,
    'every node to meet every other'
  )
  const members: Member[] = nodes.map((n) => ({
    id: n.id as string,
    name: `node-${n.index}`,
    client: admin(n),
    primaryId: null
  }))
  for (let p = 0; p < primaries; p++) {
    for (let r = 0; r < replicasPerPrimary; r++) {
      const i = primaries + p * replicasPerPrimary + r
      const primaryId = nodes[p]?.id as string
      await admin(nodes[i] as ManagedNode).call('CLUSTER', 'REPLICATE', primaryId)
      ;(members[i] as Member).primaryId = primaryId
    }
  }
  await pollUntil(() => notConverged(members, nodes.length), timeoutMs, 'the new cluster to settle')
}
