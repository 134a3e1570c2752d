/** One node of the cluster as the ClusterHost last saw it (plain JSON, for snapshots). */
export interface ClusterNode {
  /** The 40-hex cluster node id (stable for the node's life: it is kept in nodes.conf). */
  id: string
  host: string
  port: number
  /** 'primary' owns slots (or may); 'replica' copies one primary asynchronously. */
  role: 'primary' | 'replica'
  /** For a replica: the id of the primary it replicates; null for a primary. */
  primaryId: string | null
  /** Inclusive slot ranges this primary owns, ascending; empty for a replica. */
  slots: Array<[number, number]>
  /** paused = SIGSTOPped by this host; dead = killed/exited, or flagged 'fail' by the cluster. */
  state: 'alive' | 'paused' | 'dead'
  /** The flags of CLUSTER NODES, as the node whose view was read gives them. */
  flags: string[]
  /** Replication offset in bytes (master_repl_offset / slave_repl_offset); 0 when unknown. */
  replOffset: number
  /** For a replica: its primary's offset minus its own, in bytes, when both are known. */
  lagEntries?: number
  /** Pid of the redis-server, for managed nodes only (null when dead or external). */
  pid: number | null
  /** True when this host started the node's process (it can kill, pause and restart it). */
  managed: boolean
}

/** One line of CLUSTER NODES. */
export interface NodeLine {
  id: string
  host: string
  port: number
  busPort: number
  flags: string[]
  /** The primary's id, for a replica. */
  primaryId: string | null
  configEpoch: number
  linkState: string
  slots: Array<[number, number]>
}

/** The cluster as one node sees it. */
export interface ClusterView {
  /** The id of the node that answered (flag 'myself'). */
  viewer: string
  lines: NodeLine[]
}

/** Parses the reply of CLUSTER NODES; skips nodes still in handshake (their ids are temporary). */
export function parseClusterNodes(text: string): ClusterView {
  const lines: NodeLine[] = []
  let viewer = ''
  for (const raw of text.split('\n')) {
    const fields = raw.trim().split(' ')
    if (fields.length < 8) continue
    const [id, address, flagText, primary, , , epoch, linkState] = fields as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string
    ]
    const flags = flagText.split(',').filter((f) => f !== '' && f !== 'noflags')
    if (flags.includes('handshake')) continue
    if (flags.includes('myself')) viewer = id
    const hostPort = address.split(',')[0]?.split('@') ?? []
    const ipPort = hostPort[0] ?? ''
    const colon = ipPort.lastIndexOf(':')
    const slots: Array<[number, number]> = []
    for (const token of fields.slice(8)) {
      // "[slot->-id]" and "[slot-<-id]" are migrations in progress, not ownership.
      if (token.startsWith('[')) continue
      const [a, b] = token.split('-')
      const start = Number(a)
      const end = b === undefined ? start : Number(b)
      if (Number.isInteger(start) && Number.isInteger(end)) slots.push([start, end])
    }
    slots.sort((x, y) => x[0] - y[0])
    lines.push({
      id,
      host: colon > 0 ? ipPort.slice(0, colon) : '',
      port: Number(ipPort.slice(colon + 1)) || 0,
      busPort: Number(hostPort[1]) || 0,
      flags,
      primaryId: primary === '-' ? null : primary,
      configEpoch: Number(epoch) || 0,
      linkState,
      slots: mergeRanges(slots)
    })
  }
  return { viewer, lines }
}

/** Joins adjacent or overlapping inclusive ranges (input sorted by start). */
export function mergeRanges(ranges: Array<[number, number]>): Array<[number, number]> {
  const out: Array<[number, number]> = []
  for (const [start, end] of ranges) {
    const last = out[out.length - 1]
    if (last && start <= last[1] + 1) last[1] = Math.max(last[1], end)
    else out.push([start, end])
  }
  return out
}

/** "key:value" lines of an INFO reply. */
export function parseInfo(text: string): Map<string, string> {
  const map = new Map<string, string>()
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':')
    if (colon > 0 && !line.startsWith('#'))
      map.set(line.slice(0, colon), line.slice(colon + 1).trim())
  }
  return map
}

/** The replication offset a node reports: its own as a primary, what it applied as a replica. */
export function replicationOffset(info: Map<string, string>): number | null {
  const key = info.get('role') === 'slave' ? 'slave_repl_offset' : 'master_repl_offset'
  const value = Number(info.get(key))
  return Number.isFinite(value) && info.has(key) ? value : null
}

/** True for a line that is (or was) a primary, in the cluster's words. */
export function isPrimaryLine(line: NodeLine): boolean {
  return line.flags.includes('master')
}

/** A text that is equal for two views exactly when they agree on who owns which slot. */
export function slotMapSignature(view: ClusterView): string {
  return view.lines
    .filter((l) => isPrimaryLine(l) && l.slots.length > 0)
    .map((l) => `${l.id}:${l.slots.map(([a, b]) => `${a}-${b}`).join(',')}`)
    .sort()
    .join(' ')
}

/** Slots covered by the view's primaries. */
export function coveredSlots(view: ClusterView): number {
  let n = 0
  for (const line of view.lines) {
    if (!isPrimaryLine(line)) continue
    for (const [a, b] of line.slots) n += b - a + 1
  }
  return n
}

/**
 * The most recent of several views: the one that has seen the highest config epoch (a failover
 * or a slot move bumps it), the first given on a tie (the caller orders them by preference).
 */
export function freshestView(views: ClusterView[]): ClusterView | null {
  let best: ClusterView | null = null
  let bestEpoch = -1
  for (const view of views) {
    const epoch = Math.max(-1, ...view.lines.map((l) => l.configEpoch))
    if (epoch > bestEpoch) {
      best = view
      bestEpoch = epoch
    }
  }
  return best
}

/** The owner of `slot` in `nodes` (a primary whose ranges hold it), or undefined. */
export function slotOwner(nodes: ClusterNode[], slot: number): ClusterNode | undefined {
  return nodes.find((n) => n.role === 'primary' && n.slots.some(([a, b]) => slot >= a && slot <= b))
}

/** Splits 0..16383 evenly over `count` primaries: inclusive ranges, one per primary. */
export function evenSlotRanges(count: number, total: number): Array<[number, number]> {
  const ranges: Array<[number, number]> = []
  for (let i = 0; i < count; i++) {
    ranges.push([Math.floor((i * total) / count), Math.floor(((i + 1) * total) / count) - 1])
  }
  return ranges
}

/** One line per node, for error messages: "port role slots state". */
export function describeNodes(nodes: ClusterNode[]): string {
  return nodes
    .map((n) => {
      const slots = n.slots.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(',')
      return `${n.port} ${n.role}${slots ? ` [${slots}]` : ''} ${n.state} (${n.flags.join(',')})`
    })
    .join('; ')
}
