import type { Problem } from '@shared/contract'
import type { BrokerInfo, PartitionInfo } from '@shared/contract/labs/cluster'
import type { ClusterNode } from './host/cluster-host'

/** The first 8 characters of a node id: how the panel and the causes name a broker. */
export function shortId(id: string): string {
  return id.slice(0, 8)
}

/** Slot ranges as the panel prints them: "0-5460,10923". */
export function slotsText(slots: ReadonlyArray<readonly [number, number]>): string {
  return slots.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(',')
}

/** Brokers in a stable order: primaries by their first slot, each followed by its replicas. */
export function brokersInfo(
  nodes: readonly ClusterNode[],
  leads: (id: string) => number[]
): BrokerInfo[] {
  const view = (n: ClusterNode): BrokerInfo => ({
    id: n.id,
    port: n.port,
    role: n.role,
    primaryId: n.primaryId,
    slots: slotsText(n.slots),
    slotCount: n.slots.reduce((s, [a, b]) => s + b - a + 1, 0),
    state: n.state,
    replOffset: n.replOffset,
    lagBytes: n.role === 'replica' ? (n.lagEntries ?? null) : null,
    leads: leads(n.id),
    managed: n.managed
  })
  const primaries = nodes
    .filter((n) => n.role === 'primary')
    .sort((a, b) => (a.slots[0]?.[0] ?? 1e9) - (b.slots[0]?.[0] ?? 1e9) || a.port - b.port)
  const out: BrokerInfo[] = []
  const placed = new Set<string>()
  for (const p of primaries) {
    out.push(view(p))
    placed.add(p.id)
    for (const r of nodes.filter((n) => n.primaryId === p.id).sort((a, b) => a.port - b.port)) {
      out.push(view(r))
      placed.add(r.id)
    }
  }
  for (const n of [...nodes].sort((a, b) => a.port - b.port))
    if (!placed.has(n.id)) out.push(view(n))
  return out
}

/** Dead or paused brokers and leaderless partitions, for the problems bar. */
export function clusterProblems(
  nodes: readonly ClusterNode[],
  partitions: readonly PartitionInfo[]
): Problem[] {
  const problems: Problem[] = []
  for (const n of nodes) {
    if (n.state === 'alive') continue
    problems.push({
      id: `cluster:broker-${n.state}:${n.id}`,
      severity: 'warning',
      message: `Broker ${shortId(n.id)} (port ${n.port}) is ${n.state}.`,
      hint:
        n.state === 'paused'
          ? 'Resume it from the Cluster panel; if it stays out longer than the node timeout, a replica takes over its slots.'
          : 'Restart it from the Cluster panel: it rejoins as a replica of whoever leads its slots now.'
    })
  }
  const leaderless = partitions.filter((p) => p.leaderless).map((p) => p.id)
  if (leaderless.length) {
    problems.push({
      id: 'cluster:leaderless',
      severity: 'error',
      message: `Partition${leaderless.length > 1 ? 's' : ''} ${leaderless.join(', ')} ${leaderless.length > 1 ? 'have' : 'has'} no live leader: writes to ${leaderless.length > 1 ? 'them' : 'it'} fail.`,
      hint: 'Wait for the failover (about two node timeouts), or restart the dead broker.'
    })
  }
  return problems
}
