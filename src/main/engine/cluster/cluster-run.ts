import { randomBytes } from 'node:crypto'
import {
  CLUSTER_INFO_VIOLATIONS_MAX,
  CLUSTER_SERIES_MAX,
  type ClusterCounts,
  type ClusterReport,
  type ClusterRunInfo,
  type ClusterRunStatus,
  type ClusterSeriesPoint,
  type ClusterSettings,
  type ClusterViolation,
  type PartitionInfo
} from '@shared/contract/labs/cluster'
import type { LabEmit } from '../lab'
import type { ClusterBook } from './book'
import { checkRun } from './checker'
import { CONSUMER_GROUP, runConsumer } from './consumer'
import type { ClusterHost, ClusterNode } from './host/cluster-host'
import { readLog } from './log-reader'
import { runProducers } from './producer'
import { Router } from './router'
import { RunLog } from './run-log'
import { planPartitions } from './topic'

/** The check waits this long for every partition to have a live leader again. */
const SETTLE_TIMEOUT_MS = 20_000

export interface ClusterRunOptions {
  host: ClusterHost
  book: ClusterBook
  settings: ClusterSettings
  emit: LabEmit
  now(): number
  /** Re-reads the topology now (coalesced with the lab's monitor). */
  refresh(): Promise<readonly ClusterNode[]>
  /** The run's fault points: the lab applies them as its buttons would. */
  killLeader(partition: number, followerLagMs: number): Promise<void>
  pauseLeader(partition: number, ms: number): Promise<void>
}

/**
 * One produce/consume run on the cluster that is up: lays out the topic, runs the producers and
 * the consumer group, fires the run's fault points, then reads every partition's log from its
 * leader and checks it against the acknowledgements.
 */
export class ClusterRun {
  readonly labId: string
  readonly settings: ClusterSettings
  readonly router: Router
  readonly log: RunLog
  readonly settled: Promise<ClusterReport>
  readonly #o: ClusterRunOptions
  readonly #startedAt: number
  #status: ClusterRunStatus = 'running'
  #stopped = false
  #producersDoneAt: number | null = null
  #report: ClusterReport | null = null
  #error: string | null = null
  readonly #series: ClusterSeriesPoint[] = []
  #ticker: NodeJS.Timeout | null = null
  #lastTick = { acked: 0, consumed: 0 }
  #logEnds: number[]
  #firedKill = false
  #firedPause = false
  readonly #failoversBefore: number

  private constructor(o: ClusterRunOptions, router: Router, labId: string) {
    this.#o = o
    this.labId = labId
    this.settings = o.settings
    this.router = router
    this.#startedAt = o.now()
    this.#failoversBefore = o.book.failovers.length
    this.#logEnds = new Array<number>(o.settings.partitions).fill(0)
    this.log = new RunLog(o.settings.partitions, o.settings.messages, (acked) => this.#onAck(acked))
    this.settled = this.#drive()
    this.settled.catch(() => undefined)
  }

  /** Lays out the topic on the live cluster (fresh streams, one consumer group) and starts. */
  static async open(o: ClusterRunOptions): Promise<ClusterRun> {
    const nodes = await o.refresh()
    const labId = randomBytes(4).toString('hex')
    const primaries = nodes.filter((n) => n.role === 'primary' && n.state === 'alive')
    const plans = planPartitions(labId, o.settings.partitions, primaries)
    const router = new Router(plans, o.host.redisOptions())
    router.update(nodes)
    try {
      for (const plan of plans) {
        const leader = router.leaderOf(plan.id)
        const conn = leader ? router.connection('setup', leader) : null
        if (!conn) throw new Error(`partition ${plan.id} has no leader`)
        await conn.call('XGROUP', 'CREATE', plan.key, CONSUMER_GROUP, '$', 'MKSTREAM')
      }
    } catch (err) {
      router.close()
      throw err
    }
    return new ClusterRun(o, router, labId)
  }

  get status(): ClusterRunStatus {
    return this.#status
  }

  get live(): boolean {
    return this.#status === 'running' || this.#status === 'checking'
  }

  get report(): ClusterReport | null {
    return this.#report
  }

  /** Stops producing now; consumers drain and the check runs. */
  stop(): Promise<ClusterReport> {
    this.#stopped = true
    this.log.drain()
    return this.settled
  }

  /** A fresh topology from the lab's monitor. */
  update(nodes: readonly ClusterNode[]): void {
    this.router.update(nodes)
  }

  async #drive(): Promise<ClusterReport> {
    const { settings } = this
    this.#ticker = setInterval(() => void this.#tick(), 1_000)
    this.#o.emit(
      'run-started',
      'info',
      `cluster run ${this.labId}: ${settings.messages} messages over ${settings.partitions} partitions, acks=${settings.acks}`
    )
    const refresh = async (): Promise<void> => {
      await this.#o.refresh()
    }
    try {
      const consumers = settings.consume
        ? this.router.plans.map((plan) =>
            runConsumer({
              router: this.router,
              partition: plan.id,
              log: this.log,
              now: this.#o.now,
              refresh,
              producersDone: () => this.#producersDoneAt,
              stopped: () => this.#stopped
            })
          )
        : []
      await runProducers({
        router: this.router,
        settings,
        log: this.log,
        now: this.#o.now,
        refresh,
        stopped: () => this.#stopped
      })
      this.#producersDoneAt = this.#o.now()
      await Promise.all(consumers)
      this.#status = 'checking'
      const report = await this.#check()
      this.#report = report
      this.#status = this.#stopped ? 'stopped' : 'done'
      this.#o.emit(
        'run-checked',
        report.verdict === 'held' ? 'info' : 'warn',
        `cluster run ${this.labId}: ${report.counts.acked} acknowledged, ${report.counts.lostAcked} lost — ${report.verdict}`
      )
      return report
    } catch (err) {
      this.#status = 'failed'
      this.#error = (err as Error).message
      this.#o.emit('run-failed', 'error', `cluster run ${this.labId} failed: ${this.#error}`)
      throw err
    } finally {
      if (this.#ticker) clearInterval(this.#ticker)
      this.#ticker = null
    }
  }

  #onAck(acked: number): void {
    const s = this.settings
    if (s.killLeaderAt > 0 && !this.#firedKill && acked >= s.killLeaderAt) {
      this.#firedKill = true
      void this.#o.killLeader(s.killPartition, s.followerLagMs).catch((err: Error) => {
        this.#o.emit('fault-failed', 'error', `kill-leader-at failed: ${err.message}`)
      })
    }
    if (s.pauseBrokerAt > 0 && !this.#firedPause && acked >= s.pauseBrokerAt) {
      this.#firedPause = true
      void this.#o.pauseLeader(0, s.pauseMs).catch((err: Error) => {
        this.#o.emit('fault-failed', 'error', `pause-broker-at failed: ${err.message}`)
      })
    }
  }

  async #tick(): Promise<void> {
    const acked = this.log.acks.length
    const consumed = this.log.consumedPer.reduce((a, b) => a + b, 0)
    const nodes = this.#o.host.nodes()
    this.#series.push({
      t: Math.round((this.#o.now() - this.#startedAt) / 1000),
      producePerSec: acked - this.#lastTick.acked,
      consumePerSec: consumed - this.#lastTick.consumed,
      fault: nodes.some((n) => n.state !== 'alive')
    })
    if (this.#series.length > CLUSTER_SERIES_MAX) this.#series.shift()
    this.#lastTick = { acked, consumed }
    await Promise.all(
      this.router.plans.map(async (plan) => {
        const leader = this.router.leaderOf(plan.id)
        const conn = leader ? this.router.connection('monitor', leader) : null
        const len = await conn?.xlen(plan.key).catch(() => null)
        if (typeof len === 'number') this.#logEnds[plan.id] = len
      })
    )
  }

  async #check(): Promise<ClusterReport> {
    const host = this.#o.host
    const wanted = this.router.plans.map((p) => p.slot)
    await host
      .waitFor(
        (nodes) =>
          wanted.every((slot) =>
            nodes.some(
              (n) =>
                n.role === 'primary' &&
                n.state === 'alive' &&
                n.slots.some(([a, b]) => slot >= a && slot <= b)
            )
          ),
        SETTLE_TIMEOUT_MS,
        'every partition to have a live leader'
      )
      .catch(() => undefined)
    this.router.update(await this.#o.refresh())
    const logs = await Promise.all(
      this.router.plans.map((plan) => readLog(this.router, plan.id, plan.key))
    )
    const leaderless = logs.flatMap((l, i) => (l === null ? [i] : []))
    const result = checkRun({
      acks: this.log.acks,
      attempts: this.log.attempts,
      logs: logs.map((l) => l ?? []),
      consumed: this.log.consumed,
      faults: this.#o.book.faults.filter((f) => f.at >= this.#startedAt)
    })
    const violations: ClusterViolation[] = result.violations.map((v) =>
      leaderless.includes(v.partition) && v.kind === 'lost'
        ? {
            ...v,
            cause: `partition ${v.partition} had no live leader at the end: its log could not be read`
          }
        : v
    )
    logs.forEach((l, i) => {
      if (l) this.#logEnds[i] = l.length
    })
    const counts: ClusterCounts = {
      produced: this.log.produced,
      acked: this.log.acks.length,
      failed: this.log.failed,
      ...result.counts
    }
    const nodes = host.nodes()
    const durationMs = this.#o.now() - this.#startedAt
    return {
      verdict: counts.lostAcked === 0 ? 'held' : 'violated',
      promise: promiseOf(this.settings),
      settings: this.settings,
      counts,
      nodes: nodes.map((n) => ({
        id: n.id,
        port: n.port,
        role: n.role,
        alive: n.state !== 'dead'
      })),
      partitions: this.router.plans.map((plan) => ({
        id: plan.id,
        key: plan.key,
        slot: plan.slot,
        leaderBefore: plan.leader,
        leaderAfter: this.router.leaderOf(plan.id),
        replicas: this.router.replicasOf(plan.id),
        acked: this.log.ackedPer[plan.id] ?? 0,
        logEnd: this.#logEnds[plan.id] ?? 0
      })),
      failovers: this.#o.book.failovers.slice(this.#failoversBefore),
      violations,
      timeline: this.#o.book.timeline.filter((e) => e.at >= this.#startedAt),
      durationMs,
      producePerSec: durationMs > 0 ? Math.round((counts.acked * 1000) / durationMs) : 0,
      ackLatency: this.log.percentiles()
    }
  }

  partitions(): PartitionInfo[] {
    return this.router.plans.map((plan) => {
      const leader = this.router.leaderOf(plan.id)
      const replicas = this.router.replicasOf(plan.id)
      const logEnd = this.#logEnds[plan.id] ?? 0
      return {
        id: plan.id,
        key: plan.key,
        slot: plan.slot,
        leader,
        replicas,
        logEnd,
        acked: this.log.ackedPer[plan.id] ?? 0,
        consumerLag: Math.max(0, logEnd - (this.log.consumedPer[plan.id] ?? 0)),
        underReplicated: leader !== null && this.router.inSync(plan.id).length < replicas.length,
        leaderless: leader === null
      }
    })
  }

  toInfo(): ClusterRunInfo {
    const report = this.#report
    const last = this.#series[this.#series.length - 1]
    const counts: ClusterCounts = report?.counts ?? {
      produced: this.log.produced,
      acked: this.log.acks.length,
      failed: this.log.failed,
      lostAcked: 0,
      duplicates: 0,
      consumed: this.log.consumedPer.reduce((a, b) => a + b, 0),
      gaps: 0,
      outOfOrder: 0,
      consumedThenLost: 0
    }
    return {
      status: this.#status,
      settings: this.settings,
      labId: this.labId,
      progress: {
        acked: this.log.acks.length,
        failed: this.log.failed,
        total: this.settings.messages
      },
      counts,
      rates: { producePerSec: last?.producePerSec ?? 0, consumePerSec: last?.consumePerSec ?? 0 },
      series: [...this.#series],
      verdict: report?.verdict ?? null,
      promise: promiseOf(this.settings),
      violations: (report?.violations ?? []).slice(0, CLUSTER_INFO_VIOLATIONS_MAX),
      violationsTotal: report?.violations.length ?? 0,
      failovers: this.#o.book.failovers.slice(this.#failoversBefore),
      error: this.#error ?? (this.#status === 'running' ? this.log.lastError : null)
    }
  }

  close(): void {
    this.#stopped = true
    this.log.drain()
    if (this.#ticker) clearInterval(this.#ticker)
    this.router.close()
  }
}

/** What the acks setting promises, in one line. */
export function promiseOf(settings: ClusterSettings): string {
  return settings.acks === 'all'
    ? 'acks=all: an acknowledged message is on every in-sync replica, so a leader’s death loses none of them'
    : 'acks=1: an acknowledged message is on the leader only; if it dies before its replica copies it, the message is lost'
}
