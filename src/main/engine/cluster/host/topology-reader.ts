import type { Redis } from 'ioredis'
import { ClusterError, classifyRedisError } from './cluster-errors'
import {
  freshestView,
  parseClusterNodes,
  parseInfo,
  replicationOffset,
  type ClusterNode,
  type ClusterView
} from './topology'

/** What the reader needs to know of a node this host started. */
export interface ManagedState {
  index: number
  running: boolean
  paused: boolean
  pid: number | null
}

/**
 * Reads CLUSTER NODES and INFO replication from every target at once and builds the node list from
 * the freshest view (highest config epoch; the first target's on a tie), with replication offsets
 * from each node's own INFO.
 * @param managed - this host's nodes by cluster id (they decide alive / paused / dead by process)
 * @throws ClusterError when no target answered (its code says why: unreachable, auth …).
 */
export async function readTopology(
  targets: Array<{ host: string; port: number }>,
  admin: (host: string, port: number) => Redis,
  managed: Map<string, ManagedState>
): Promise<ClusterNode[]> {
  const answers = await Promise.all(
    targets.map(async (t) => {
      const client = admin(t.host, t.port)
      try {
        const [nodes, repl] = await Promise.all([
          client.call('CLUSTER', 'NODES') as Promise<string>,
          client.info('replication')
        ])
        return { view: parseClusterNodes(nodes), repl: parseInfo(repl) }
      } catch (err) {
        return { error: err as Error }
      }
    })
  )
  const views: ClusterView[] = []
  const offsets = new Map<string, number>()
  let firstError: Error | null = null
  for (const a of answers) {
    if ('error' in a) {
      firstError ??= a.error ?? null
      continue
    }
    if (!a.view.viewer) continue
    views.push(a.view)
    const offset = replicationOffset(a.repl)
    if (offset !== null) offsets.set(a.view.viewer, offset)
  }
  const view = freshestView(views)
  if (!view) {
    const where = targets.map((t) => `${t.host}:${t.port}`).join(', ') || 'no node'
    throw firstError
      ? classifyRedisError(firstError, where)
      : new ClusterError('unreachable', `no node of the cluster answered (${where})`)
  }
  const answered = new Set(views.map((v) => v.viewer))
  const nodes = view.lines.map((line): ClusterNode => {
    const own = managed.get(line.id)
    const failed = line.flags.includes('fail')
    let state: ClusterNode['state']
    if (own) state = !own.running ? 'dead' : own.paused ? 'paused' : failed ? 'dead' : 'alive'
    else
      state = failed || (!answered.has(line.id) && line.flags.includes('fail?')) ? 'dead' : 'alive'
    const role = line.flags.includes('master') ? 'primary' : 'replica'
    const node: ClusterNode = {
      id: line.id,
      host: line.host || '127.0.0.1',
      port: line.port,
      role,
      primaryId: role === 'replica' ? line.primaryId : null,
      slots: role === 'primary' ? line.slots.map(([a, b]): [number, number] => [a, b]) : [],
      state,
      flags: line.flags,
      replOffset: offsets.get(line.id) ?? 0,
      pid: own?.running ? own.pid : null,
      managed: own !== undefined
    }
    const mine = offsets.get(line.id)
    const primaryOffset = line.primaryId ? offsets.get(line.primaryId) : undefined
    if (role === 'replica' && mine !== undefined && primaryOffset !== undefined) {
      node.lagEntries = Math.max(0, primaryOffset - mine)
    }
    return node
  })
  // Managed nodes in the order they were made (node-1 …), others by port: a stable table.
  const rank = (n: ClusterNode): number => managed.get(n.id)?.index ?? 1_000_000 + n.port
  return nodes.sort((a, b) => rank(a) - rank(b))
}
