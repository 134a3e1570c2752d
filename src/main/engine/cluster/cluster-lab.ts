import { join } from 'node:path'
import { CommandError, ErrorCode, type Problem, type TraceData } from '@shared/contract'
import {
  ClusterCommandType,
  type ClusterCommand,
  type ClusterFaultAction,
  type ClusterInfo,
  type ClusterReport,
  type ClusterSettings,
  type ClusterStatus
} from '@shared/contract/labs/cluster'
import type { Lab, LabEmit } from '../lab'
import type { ProcessRecorder } from '../process-registry'
import { ClusterBook } from './book'
import { brokersInfo, clusterProblems, shortId } from './cluster-info'
import { applyFault } from './cluster-faults'
import { ClusterRun } from './cluster-run'
import { ClusterHost, type ClusterNode } from './host/cluster-host'

/** The monitor reads the topology this often while a failover is pending or a run is live … */
const MONITOR_FAST_MS = 100
/** … and this often otherwise. */
const MONITOR_SLOW_MS = 1_000

export interface ClusterLabOptions {
  emit: LabEmit
  dataDir: string
  processes: ProcessRecorder
  /** An existing cluster to use by default (`--cluster-url`, REDIS_CLUSTER_URL). */
  clusterUrl?: string
  /** redis-server to start nodes with (default: REDIS_SERVER_BIN, then PATH). */
  bin?: string
  now?: () => number
}

/**
 * The Cluster lab (docs/labs/cluster.md): a real Redis Cluster — started here or an existing one —
 * read as Kafka's brokers, partitions, leaders and followers; produce/consume runs with acks=1 or
 * acks=all; node faults; a checker for lost acknowledged writes.
 */
export class ClusterLab implements Lab<ClusterInfo, ClusterCommand> {
  readonly id = 'cluster'
  readonly #o: ClusterLabOptions
  readonly #now: () => number
  #status: ClusterStatus = 'down'
  #host: ClusterHost | null = null
  #book = new ClusterBook(shortId)
  #run: ClusterRun | null = null
  #monitor: NodeJS.Timeout | null = null
  #refreshing: Promise<readonly ClusterNode[]> | null = null
  #lastError: string | null = null
  #closing: Promise<void> | null = null
  #startingRun = false

  constructor(opts: ClusterLabOptions) {
    this.#o = opts
    this.#now = opts.now ?? Date.now
  }

  get host(): ClusterHost | null {
    return this.#host
  }

  get status(): ClusterStatus {
    return this.#status
  }

  /** Nothing at engine start: a cluster is six processes, started when the user asks. */
  async start(): Promise<void> {}

  async execute(command: ClusterCommand): Promise<unknown> {
    switch (command.type) {
      case ClusterCommandType.Up:
        await this.up(command)
        return null
      case ClusterCommandType.Down:
        await this.down()
        return null
      case ClusterCommandType.Start:
        await this.startRun(command.settings)
        return null
      case ClusterCommandType.Stop:
        await this.#run?.stop().catch(() => undefined)
        return null
      case ClusterCommandType.Fault:
        await this.fault(command.fault)
        return null
    }
  }

  /**
   * Starts a managed cluster or connects to an existing one.
   * @throws CommandError `invalid_state` when one is up; `redis_missing` without redis-server;
   * `redis_unavailable` for a cluster that cannot be reached or is not healthy. Nothing is left
   * running after a failure.
   */
  async up(opts: { primaries: number; replicas: number; url?: string | undefined }): Promise<void> {
    if (this.#closing) throw new CommandError(ErrorCode.Closed, 'the Cluster lab is closed')
    if (this.#status !== 'down' && this.#status !== 'failed') {
      throw new CommandError(
        ErrorCode.InvalidState,
        `the cluster is ${this.#status}; stop it first`
      )
    }
    const url = opts.url ?? this.#o.clusterUrl
    this.#status = 'starting'
    this.#book = new ClusterBook(shortId)
    const host = new ClusterHost({
      dir: join(this.#o.dataDir, 'nodes'),
      primaries: opts.primaries,
      replicasPerPrimary: opts.replicas,
      ...(url ? { url } : {}),
      processes: this.#o.processes,
      ...(this.#o.bin ? { bin: this.#o.bin } : {}),
      onTrace: (type, level, message, data) => this.#o.emit(type, level, message, scalars(data))
    })
    this.#host = host
    try {
      await host.start()
      await host.refresh()
    } catch (err) {
      await host.close().catch(() => undefined)
      this.#host = null
      // Nothing was changed: the lab is down as before, with the reason to show.
      this.#status = 'down'
      this.#lastError = (err as Error).message
      throw hostError(err)
    }
    this.#status = 'up'
    this.#lastError = null
    this.#o.emit(
      'cluster-up',
      'info',
      host.managed
        ? `started a cluster of ${opts.primaries} primaries with ${opts.replicas} replica(s) each`
        : `connected to the cluster at ${redact(url ?? '')}`
    )
    this.#scheduleMonitor(0)
  }

  /** Stops the run and the cluster (every managed node, no orphan). Idempotent. */
  async down(): Promise<void> {
    const host = this.#host
    if (!host) return
    this.#status = 'stopping'
    await this.#run?.stop().catch(() => undefined)
    this.#run?.close()
    if (this.#monitor) clearTimeout(this.#monitor)
    this.#monitor = null
    await host.close().catch(() => undefined)
    this.#host = null
    this.#status = 'down'
    this.#o.emit('cluster-down', 'info', 'the cluster is stopped')
  }

  async startRun(settings: ClusterSettings): Promise<void> {
    const host = this.#requireUp()
    if (this.#startingRun || this.#run?.live) {
      throw new CommandError(ErrorCode.InvalidState, 'a cluster run is live; stop it first')
    }
    this.#startingRun = true
    try {
      this.#run?.close()
      this.#run = await ClusterRun.open({
        host,
        book: this.#book,
        settings,
        emit: this.#o.emit,
        now: this.#now,
        refresh: () => this.#refresh(),
        killLeader: (p, lag) =>
          this.fault({ kind: 'kill-leader', partition: p, followerLagMs: lag }),
        pauseLeader: (p, ms) => this.#pauseLeader(p, ms)
      })
      this.#lastError = null
    } catch (err) {
      this.#lastError = (err as Error).message
      throw err instanceof CommandError
        ? err
        : new CommandError(ErrorCode.InvalidState, `the run could not start: ${this.#lastError}`)
    } finally {
      this.#startingRun = false
    }
  }

  /** Resolves with the report once the live (or last) run is checked. */
  waitForSettled(): Promise<ClusterReport> {
    const run = this.#run
    if (!run) return Promise.reject(new CommandError(ErrorCode.InvalidState, 'no cluster run'))
    return run.settled
  }

  async fault(action: ClusterFaultAction): Promise<void> {
    const host = this.#requireUp()
    const now = this.#now
    const needsProcesses = !['failover', 'move-partition'].includes(action.kind)
    if (needsProcesses && !host.managed) {
      throw new CommandError(
        ErrorCode.RedisNotManaged,
        `${action.kind} needs the processes of a cluster Flowlab started; this one was not (a manual failover and moving a partition still work)`
      )
    }
    await applyFault(action, {
      host,
      book: this.#book,
      now,
      node: (prefix) => this.#node(prefix),
      leaderOf: (p) => this.#leaderOf(p),
      followersOf: (id) => this.#followersOf(id),
      leads: (id) => this.#leads(id),
      plan: (p) => this.#run?.router.plans[p],
      again: (next) => this.fault(next)
    })
    this.#scheduleMonitor(0)
  }

  async #pauseLeader(partition: number, ms: number): Promise<void> {
    await this.fault({ kind: 'pause-broker', node: this.#leaderOf(partition), ms })
  }

  toInfo(): ClusterInfo {
    const host = this.#host
    const nodes = host?.nodes() ?? []
    const run = this.#run
    return {
      status: this.#status,
      managed: host ? host.managed : null,
      endpoint: host ? endpointOf(nodes) : null,
      state: host
        ? nodes.some((n) => n.state === 'alive')
          ? this.#clusterOk(nodes)
            ? 'ok'
            : 'fail'
          : 'fail'
        : null,
      faultsOff:
        host && !host.managed
          ? 'an existing cluster: Flowlab cannot kill, pause or restart its processes'
          : null,
      brokers: brokersInfo(nodes, (id) => this.#leads(id)),
      partitions: run ? run.partitions() : [],
      timeline: [...this.#book.timeline],
      run: run ? run.toInfo() : null,
      lastError: this.#lastError
    }
  }

  problems(): Problem[] {
    return this.#host ? clusterProblems(this.#host.nodes(), this.#run?.partitions() ?? []) : []
  }

  close(): Promise<void> {
    this.#closing ??= this.down().catch(() => undefined)
    return this.#closing
  }

  #clusterOk(nodes: readonly ClusterNode[]): boolean {
    const covered = nodes
      .filter((n) => n.role === 'primary' && n.state === 'alive')
      .reduce((sum, n) => sum + n.slots.reduce((s, [a, b]) => s + b - a + 1, 0), 0)
    return covered === 16_384
  }

  #refresh(): Promise<readonly ClusterNode[]> {
    const host = this.#host
    if (!host) return Promise.resolve([])
    this.#refreshing ??= host
      .refresh()
      .then((nodes) => {
        this.#book.observe(nodes, this.#now(), (id) => this.#leads(id))
        this.#run?.update(nodes)
        return nodes
      })
      .finally(() => {
        this.#refreshing = null
      })
    return this.#refreshing
  }

  #scheduleMonitor(ms: number): void {
    if (this.#monitor) clearTimeout(this.#monitor)
    this.#monitor = setTimeout(() => {
      this.#monitor = null
      if (!this.#host || this.#status !== 'up') return
      void this.#refresh()
        .catch(() => undefined)
        .finally(() => {
          if (this.#host && this.#status === 'up' && !this.#monitor) {
            this.#scheduleMonitor(
              this.#book.waiting || this.#run?.live ? MONITOR_FAST_MS : MONITOR_SLOW_MS
            )
          }
        })
    }, ms)
  }

  #requireUp(): ClusterHost {
    if (this.#status !== 'up' || !this.#host) {
      throw new CommandError(
        ErrorCode.InvalidState,
        'no cluster is up; start one (or connect to one) first'
      )
    }
    return this.#host
  }

  #node(prefix: string): ClusterNode {
    const matches = (this.#host?.nodes() ?? []).filter((n) => n.id.startsWith(prefix))
    if (matches.length !== 1) {
      throw new CommandError(
        ErrorCode.InvalidCommand,
        matches.length ? `node id ${prefix} is ambiguous` : `no node ${prefix} in the cluster`,
        { field: 'fault.node' }
      )
    }
    return matches[0] as ClusterNode
  }

  #leaderOf(partition: number): string {
    const run = this.#run
    if (!run || partition >= run.settings.partitions) {
      throw new CommandError(
        ErrorCode.InvalidCommand,
        `there is no partition ${partition} (start a run first)`,
        { field: 'fault.partition' }
      )
    }
    const leader = run.router.leaderOf(partition)
    if (!leader)
      throw new CommandError(
        ErrorCode.InvalidState,
        `partition ${partition} has no leader right now`
      )
    return leader
  }

  #followersOf(leader: string): string[] {
    return (this.#host?.nodes() ?? [])
      .filter((n) => n.primaryId === leader && n.state === 'alive')
      .map((n) => n.id)
  }

  #leads(id: string): number[] {
    const run = this.#run
    if (!run) return []
    return run.router.plans.filter((p) => run.router.leaderOf(p.id) === id).map((p) => p.id)
  }
}

function endpointOf(nodes: readonly ClusterNode[]): string | null {
  const first = nodes[0]
  return first ? `redis://${first.host}:${first.port} (${nodes.length} nodes)` : null
}

function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//')
}

/** The host's failures as the contract's errors. */
function hostError(err: unknown): CommandError {
  const e = err as Error & { code?: string }
  switch (e.code) {
    case 'redis-missing':
      return new CommandError(ErrorCode.RedisMissing, e.message)
    case 'bad-options':
      return new CommandError(ErrorCode.InvalidCommand, e.message)
    default:
      return new CommandError(ErrorCode.RedisUnavailable, `the cluster is not usable: ${e.message}`)
  }
}

/** Trace data keeps only JSON scalars. */
function scalars(data: Record<string, unknown> | undefined): TraceData | undefined {
  if (!data) return undefined
  const out: TraceData = {}
  for (const [k, v] of Object.entries(data)) {
    if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) out[k] = v as string
  }
  return out
}
