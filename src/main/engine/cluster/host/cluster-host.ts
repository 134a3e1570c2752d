import { randomBytes } from 'node:crypto'
import type { Redis } from 'ioredis'
import { ClusterError, classifyRedisError } from './cluster-errors'
import {
  formCluster,
  notConverged,
  pollUntil,
  POLL_INTERVAL_MS,
  type Member
} from './cluster-formation'
import {
  resolveClusterOptions,
  type ClusterHostOptions,
  type ResolvedClusterOptions
} from './cluster-options'
import { ManagedNode, resolveRedisBin } from './managed-node'
import { NodeConnections, type ClusterAuth } from './node-connections'
import { checkSlotRange, moveSlotRange } from './slot-migration'
import { parseClusterUrl, probeExternalCluster } from './external-cluster'
import { describeNodes, type ClusterNode } from './topology'
import { readTopology, type ManagedState } from './topology-reader'

export type { ClusterHostOptions } from './cluster-options'
export type { ClusterNode } from './topology'

/** How long a new cluster may take to form and settle, in ms (2–4 s here). */
const CLUSTER_FORM_TIMEOUT_MS = 30_000
/** How long a restarted or added node may take to be back in the cluster, in ms. */
const NODE_JOIN_TIMEOUT_MS = 30_000
/** How long a manual failover may take to promote the replica, in ms. */
const FAILOVER_TIMEOUT_MS = 15_000

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * A real Redis Cluster for the Cluster lab: either managed (P primaries with R replicas each, one
 * redis-server per node on free loopback ports, one random password, formed from code) or an
 * existing cluster named by a URL (then no processes: kill, pause, restart and addNode refuse).
 *
 * Lifecycle: `start()` once; faults and `refresh()` any number of times; `close()` stops every
 * node it started and closes every connection (idempotent, never rejects).
 */
export class ClusterHost {
  readonly managed: boolean
  readonly #o: ResolvedClusterOptions
  readonly #nodes: ManagedNode[] = []
  #auth: ClusterAuth = {}
  #conns: NodeConnections | null = null
  /** Addresses of every node seen in a view, by id. */
  readonly #addresses = new Map<string, { host: string; port: number }>()
  #seed: { host: string; port: number } | null = null
  /** The redis-server binary of a managed cluster. */
  #bin = ''
  #last: ClusterNode[] = []
  #refreshing: Promise<ClusterNode[]> | null = null
  #started = false
  #closing: Promise<void> | null = null

  /** @throws ClusterError 'bad-options' (naming the field) before anything starts. */
  constructor(opts: ClusterHostOptions) {
    this.#o = resolveClusterOptions(opts)
    this.managed = this.#o.url === null
  }

  /** The password every node requires (null when the cluster has none). */
  get password(): string | null {
    return this.#auth.password ?? null
  }

  /**
   * Managed: starts and forms the cluster, resolving once every node says cluster_state:ok, agrees
   * on the slot map and every replica is in sync. External: connects to the URL's node and checks
   * it is a cluster in state ok.
   * @throws ClusterError 'redis-missing', 'start-failed', 'timeout' (managed) or 'unreachable',
   *   'auth', 'not-cluster', 'cluster-down' (external); the host is closed then.
   */
  async start(): Promise<void> {
    if (this.#started) throw new ClusterError('invalid-state', 'ClusterHost already started')
    this.#started = true
    try {
      if (this.managed) await this.#startManaged()
      else await this.#startExternal()
    } catch (err) {
      await this.close()
      throw err
    }
  }

  /** Stops every managed node (paused ones are woken first) and closes every connection. */
  close(): Promise<void> {
    this.#closing ??= (async (): Promise<void> => {
      try {
        this.#conns?.closeAll()
      } catch {
        // Closing a connection cannot stop the nodes from being stopped.
      }
      await Promise.all(this.#nodes.map((n) => n.stop().catch(() => undefined)))
      try {
        const text = `cluster host closed (${this.#nodes.length} managed nodes)`
        this.#o.onTrace('stopped', 'info', text)
      } catch {
        // A failing trace listener must not make close() reject.
      }
    })()
    return this.#closing
  }

  /** The nodes as of the last refresh (cheap: for snapshots). */
  nodes(): ClusterNode[] {
    return this.#last
  }

  /**
   * Reads CLUSTER NODES from every reachable node (the freshest view wins: highest config epoch)
   * and INFO replication per node, and caches the result. Concurrent calls share one read.
   * @throws ClusterError 'unreachable' when no node answers.
   */
  refresh(): Promise<ClusterNode[]> {
    this.#refreshing ??= this.#read().finally(() => {
      this.#refreshing = null
    })
    return this.#refreshing
  }

  /** Addresses for an ioredis Cluster client (alive nodes first). */
  startupNodes(): Array<{ host: string; port: number }> {
    if (this.#last.length === 0) return this.#seed ? [this.#seed] : []
    const sorted = [...this.#last].sort(
      (a, b) => Number(a.state !== 'alive') - Number(b.state !== 'alive')
    )
    return sorted.map((n) => ({ host: n.host, port: n.port }))
  }

  /** Options for an ioredis Cluster's `redisOptions` or a node client: the password. */
  redisOptions(): { password?: string; username?: string } {
    return this.#conns?.redisOptions() ?? {}
  }

  /**
   * A standalone connection to one node (cached, so shared by every caller; closed on close()).
   * It reconnects by itself. Blocking reads (XREADGROUP BLOCK, WAIT with a long timeout) would
   * hold up the other callers: make an own `new Redis({ host, port, ...redisOptions() })` for them.
   * @throws ClusterError 'unknown-node'.
   */
  nodeClient(id: string): Redis {
    const address = this.#address(id)
    return this.#connections().client(address.host, address.port)
  }

  /** SIGKILLs a managed node, as a crash would; resolves once it has exited. */
  async kill(id: string): Promise<void> {
    const node = this.#managedNode(id, 'kill')
    if (!node.running) throw new ClusterError('invalid-state', `node-${node.index} is not running`)
    await node.kill()
    await this.#faulted(node, 'killed', 'killed with SIGKILL')
  }

  /** Freezes a managed node with SIGSTOP (the cluster fails it after the node timeout). */
  async pause(id: string): Promise<void> {
    const node = this.#managedNode(id, 'pause')
    if (!node.running || node.paused) {
      throw new ClusterError(
        'invalid-state',
        `node-${node.index} is ${node.paused ? 'already paused' : 'not running'}`
      )
    }
    node.pause()
    await this.#faulted(node, 'paused', 'paused with SIGSTOP')
  }

  /** Lets a paused managed node run again (SIGCONT). */
  async resume(id: string): Promise<void> {
    const node = this.#managedNode(id, 'resume')
    if (!node.paused) throw new ClusterError('invalid-state', `node-${node.index} is not paused`)
    node.resume()
    await this.#faulted(node, 'resumed', 'resumed with SIGCONT')
  }

  /**
   * Starts a dead managed node again on its port and folder. It keeps its nodes.conf, so it rejoins
   * (as a replica of the new primary when its slots failed over meanwhile). Resolves when it is
   * back: it says cluster_state:ok, agrees on the slot map, and a replica has its link up.
   */
  async restart(id: string): Promise<void> {
    const node = this.#managedNode(id, 'restart')
    if (node.running) throw new ClusterError('invalid-state', `node-${node.index} is still running`)
    try {
      await node.restart()
    } catch (err) {
      throw new ClusterError('start-failed', (err as Error).message)
    }
    const member: Member = { id, name: `node-${node.index}`, client: this.#admin(node) }
    await pollUntil(
      async () => {
        const nodes = await this.refresh()
        const self = nodes.find((n) => n.id === id)
        if (!self || self.state !== 'alive')
          return `node-${node.index} is ${self?.state ?? 'unknown'} to the cluster`
        member.primaryId = self.role === 'replica' ? self.primaryId : null
        const others = this.#aliveMembers().filter((m) => m.id !== id)
        return notConverged([member, ...others], nodes.length, id)
      },
      NODE_JOIN_TIMEOUT_MS,
      `node-${node.index} to rejoin the cluster`
    )
    await this.#faulted(node, 'restarted', 'is back in the cluster')
  }

  /**
   * CLUSTER FAILOVER on a replica (FORCE when its primary is not alive; TAKEOVER when asked).
   * Works on an existing cluster too. Resolves when the replica is a primary.
   */
  async failover(replicaId: string, mode?: 'force' | 'takeover'): Promise<void> {
    const nodes = await this.refresh()
    const replica = nodes.find((n) => n.id === replicaId)
    if (!replica) throw new ClusterError('unknown-node', `no node ${replicaId} in the cluster`)
    if (replica.role !== 'replica')
      throw new ClusterError('invalid-state', `node ${replica.port} is a primary already`)
    if (replica.state !== 'alive')
      throw new ClusterError('invalid-state', `node ${replica.port} is ${replica.state}`)
    const primary = nodes.find((n) => n.id === replica.primaryId)
    const how = mode ?? (primary?.state === 'alive' ? undefined : 'force')
    const args = ['CLUSTER', 'FAILOVER', ...(how ? [how.toUpperCase()] : [])]
    try {
      await this.#connections()
        .admin(replica.host, replica.port)
        .call(args[0] as string, ...args.slice(1))
    } catch (err) {
      throw classifyRedisError(err, `${replica.host}:${replica.port}`)
    }
    const text = `${args.join(' ')} sent to ${replica.port}`
    this.#o.onTrace('failover', 'info', text, { id: replicaId, mode: how ?? 'default' })
    await this.waitFor(
      (now) => {
        const promoted = now.find((n) => n.id === replicaId)
        const old = now.find((n) => n.id === primary?.id)
        // A live old primary must have stepped down too, or two nodes would look like leaders.
        const stepped = !old || old.state !== 'alive' || old.primaryId === replicaId
        return promoted?.role === 'primary' && promoted.slots.length > 0 && stepped
      },
      FAILOVER_TIMEOUT_MS,
      `${replica.port} to become primary`
    )
  }

  /** Starts one more empty primary, MEETs it and resolves once every alive node knows it. */
  async addNode(): Promise<ClusterNode> {
    if (!this.managed)
      throw new ClusterError('not-managed', 'cannot add a node to a cluster Flowlab did not start')
    this.#requireOpen()
    const node = this.#newNode(this.#nodes.length + 1)
    this.#nodes.push(node)
    try {
      await node.startFresh()
    } catch (err) {
      throw new ClusterError('start-failed', (err as Error).message)
    }
    const client = this.#admin(node)
    node.id = (await client.call('CLUSTER', 'MYID')) as string
    const peer = this.#nodes.find((n) => n !== node && n.running && !n.paused)
    if (!peer) throw new ClusterError('cluster-down', 'no running node to introduce the new one to')
    await this.#admin(peer).call(
      'CLUSTER',
      'MEET',
      '127.0.0.1',
      String(node.port),
      String(node.busPort)
    )
    const id = node.id
    await pollUntil(
      // Known by name is not enough: a node that has not yet learnt who owns the slots answers
      // CLUSTERDOWN to the MIGRATE of a slot move.
      () => notConverged(this.#aliveMembers(), this.#nodes.length),
      NODE_JOIN_TIMEOUT_MS,
      `node-${node.index} to join`
    )
    await this.#faulted(node, 'node-added', 'joined as an empty primary')
    return this.#last.find((n) => n.id === id) as ClusterNode
  }

  /**
   * Migrates the slots from..to (inclusive) to the primary `targetId`, keys included (streams too):
   * SETSLOT IMPORTING/MIGRATING, GETKEYSINSLOT + MIGRATE, SETSLOT NODE on every primary. Resolves
   * once the topology shows the target owning them.
   */
  async moveSlots(from: number, to: number, targetId: string): Promise<void> {
    this.#requireOpen()
    checkSlotRange(from, to)
    const nodes = await this.refresh()
    const conns = this.#connections()
    const admin = (n: ClusterNode): Redis => conns.bulk(n.host, n.port)
    const { target, moved } = await moveSlotRange(nodes, from, to, targetId, admin, this.#auth)
    await this.waitFor(
      (now) => {
        const t = now.find((n) => n.id === targetId)
        return t !== undefined && t.slots.some(([a, b]) => a <= from && b >= to)
      },
      NODE_JOIN_TIMEOUT_MS,
      `slots ${from}-${to} to belong to ${target.port}`
    )
    const text = `slots ${from}-${to} moved to ${target.port} (${moved} keys)`
    this.#o.onTrace('slots-moved', 'info', text, { from, to, target: targetId, keys: moved })
  }

  /**
   * Polls refresh() about every 100 ms until `pred` holds.
   * @returns the nodes that satisfied it; @throws ClusterError 'timeout' naming `what`.
   */
  async waitFor(
    pred: (nodes: ClusterNode[]) => boolean,
    timeoutMs: number,
    what: string
  ): Promise<ClusterNode[]> {
    const deadline = Date.now() + timeoutMs
    let lastError: string
    for (;;) {
      this.#requireOpen()
      try {
        const nodes = await this.refresh()
        if (pred(nodes)) return nodes
        lastError = ''
      } catch (err) {
        lastError = ` (last refresh: ${(err as Error).message})`
      }
      if (Date.now() >= deadline) {
        throw new ClusterError(
          'timeout',
          `timed out after ${timeoutMs} ms waiting for ${what}; nodes: ${describeNodes(this.#last)}${lastError}`
        )
      }
      await delay(POLL_INTERVAL_MS)
    }
  }

  async #startManaged(): Promise<void> {
    this.#bin = resolveRedisBin(this.#o.bin)
    this.#auth = { password: randomBytes(24).toString('hex') }
    this.#conns = new NodeConnections(this.#auth)
    const { primaries, replicasPerPrimary } = this.#o
    const count = primaries * (1 + replicasPerPrimary)
    for (let i = 1; i <= count; i++) this.#nodes.push(this.#newNode(i))
    const began = Date.now()
    try {
      await Promise.all(this.#nodes.map((n) => n.startFresh()))
    } catch (err) {
      throw new ClusterError(
        'start-failed',
        `redis-server did not start: ${(err as Error).message}`
      )
    }
    await formCluster(
      this.#nodes,
      primaries,
      replicasPerPrimary,
      (n) => this.#admin(n),
      CLUSTER_FORM_TIMEOUT_MS
    )
    await this.refresh()
    this.#o.onTrace(
      'started',
      'info',
      `cluster of ${primaries} primaries × ${replicasPerPrimary} replicas formed`,
      {
        primaries,
        replicasPerPrimary,
        ports: this.#nodes.map((n) => n.port),
        ms: Date.now() - began
      }
    )
  }

  async #startExternal(): Promise<void> {
    const { seed, auth } = parseClusterUrl(this.#o.url as string)
    this.#auth = auth
    this.#conns = new NodeConnections(auth)
    this.#seed = seed
    await probeExternalCluster(seed, auth)
    const nodes = await this.refresh()
    const where = `${seed.host}:${seed.port}`
    this.#o.onTrace('external', 'info', `using the cluster at ${where} (${nodes.length} nodes)`, {
      nodes: nodes.length
    })
  }

  async #read(): Promise<ClusterNode[]> {
    this.#requireOpen()
    const conns = this.#connections()
    const managed = new Map<string, ManagedState>()
    for (const n of this.#nodes) if (n.id) managed.set(n.id, n)
    const nodes = await readTopology(this.#readTargets(), (h, p) => conns.admin(h, p), managed)
    for (const n of nodes) this.#addresses.set(n.id, { host: n.host, port: n.port })
    this.#last = nodes
    return nodes
  }

  /** The nodes worth asking: managed ones that run and are not paused; else every known address. */
  #readTargets(): Array<{ host: string; port: number }> {
    if (this.managed) {
      return this.#nodes
        .filter((n) => n.running && !n.paused)
        .map((n) => ({ host: '127.0.0.1', port: n.port }))
    }
    const dead = new Set(
      this.#last.filter((n) => n.state === 'dead').map((n) => `${n.host}:${n.port}`)
    )
    const all = [...this.#addresses.values()].filter((a) => !dead.has(`${a.host}:${a.port}`))
    return all.length > 0 ? all : this.#seed ? [this.#seed] : []
  }

  /** Traces what was done to a node and refreshes the topology (a failed refresh is no error). */
  async #faulted(node: ManagedNode, type: string, what: string): Promise<void> {
    const level = type === 'killed' || type === 'paused' ? 'warn' : 'info'
    const text = `node-${node.index} (port ${node.port}) ${what}`
    this.#o.onTrace(type, level, text, { id: node.id, port: node.port })
    await this.refresh().catch(() => undefined)
  }

  #aliveMembers(): Member[] {
    return this.#nodes
      .filter((n) => n.running && !n.paused && n.id !== null)
      .map((n) => ({ id: n.id as string, name: `node-${n.index}`, client: this.#admin(n) }))
  }

  #newNode(index: number): ManagedNode {
    return new ManagedNode({
      bin: this.#bin,
      dir: this.#o.dir,
      index,
      password: this.#auth.password ?? '',
      nodeTimeoutMs: this.#o.nodeTimeoutMs,
      requireFullCoverage: this.#o.requireFullCoverage,
      processes: this.#o.processes,
      onTrace: this.#o.onTrace
    })
  }

  #admin(node: ManagedNode): Redis {
    return this.#connections().admin('127.0.0.1', node.port)
  }

  #connections(): NodeConnections {
    if (!this.#conns) throw new ClusterError('invalid-state', 'the cluster host is not started')
    return this.#conns
  }

  #address(id: string): { host: string; port: number } {
    const address = this.#addresses.get(id)
    if (!address) throw new ClusterError('unknown-node', `no node ${id} in the cluster`)
    return address
  }

  #managedNode(id: string, what: string): ManagedNode {
    if (!this.managed) {
      throw new ClusterError(
        'not-managed',
        `cannot ${what} a node of a cluster Flowlab did not start; only CLUSTER FAILOVER is possible there`
      )
    }
    this.#requireOpen()
    const node = this.#nodes.find((n) => n.id === id)
    if (!node) throw new ClusterError('unknown-node', `no managed node ${id}`)
    return node
  }

  #requireOpen(): void {
    if (this.#closing) throw new ClusterError('invalid-state', 'the cluster host is closed')
    if (!this.#started) throw new ClusterError('invalid-state', 'the cluster host is not started')
  }
}
