import { fork, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Dealer } from 'zeromq'
import { SEMANTICS, type Semantics, type WorkerMode } from '../src/shared/contract/labs/dispatch'
import { percentiles } from '../src/main/engine/dispatch/checker'
import { DispatchLab } from '../src/main/engine/dispatch/dispatch-lab'
import { encodeHeader, peekEpoch } from '../src/main/engine/dispatch/protocol'
import { freePort } from '../src/main/engine/redis/free-port'
import { RedisHost } from '../src/main/engine/redis/redis-host'
import { benchRawWindowed, reap } from './raw-windowed-bench'

/** One row of the bench: what `bench/results.json` holds per name. */
export interface BenchFigure {
  msgsPerSec: number
  p50Ms: number
  p99Ms: number
}

/** What every peer of the bench measures with: same messages, workers and concurrency. */
export interface BenchContext {
  messages: number
  workers: number
  /**
   * Concurrent requests per worker process: the raw peer's REP sockets per process, and the lab's
   * `workerConcurrency` (which only bounds bursts when there is work time; with zero work the lab's
   * worker batches up to its own burst limit, see worker-runtime.ts).
   */
  workerConcurrency: number
  /** Messages in flight at most. */
  window: number
  /** The bench's Redis, including the password (BullMQ connects here). */
  redisUrl: string
}

export interface DispatchBenchOptions {
  /** Epochs per measured run (default 20,000). */
  messages?: number
  /** Worker processes (default 4, as acceptance 6 asks). */
  workers?: number
  /** Raw peer: REP sockets per worker process (default 8); the lab gets it as workerConcurrency. */
  workerConcurrency?: number
  /** Most messages in flight (default 512). */
  window?: number
  /** Which semantics to measure (default all four). */
  semantics?: readonly Semantics[]
  /**
   * Measure raw ZeroMQ DEALER→REP lockstep round trips and raw windowed DEALER→ROUTER, both with
   * no Redis (default true).
   */
  raw?: boolean
  /** Measure exactly-once-atomic with pipelined workers too (default true). */
  pipelined?: boolean
  /** Most messages in flight of the pipelined run and of raw windowed (default 4,096). */
  pipelinedWindow?: number
  /** A started Redis to use; by default the bench starts a managed one in a temp folder. */
  redis?: RedisHost
  /**
   * More peers measured in the same run with the same context, by name (the lead adds
   * `bullmq` here). Each returns its own figure.
   */
  peers?: Record<string, (ctx: BenchContext) => Promise<BenchFigure>>
  /** Epochs of the warm-up run that primes the JIT before measuring (default 2,000; 0 = none). */
  warmup?: number
}

const RAW_WORKER = join(__dirname, 'raw-rep-worker.ts')
/** No re-sends during a bench: a timeout far above any latency the window can cause. */
const BENCH_TIMEOUT_MS = 60_000

function round(n: number): number {
  return Math.round(n * 100) / 100
}

/**
 * Measures, in one run: raw ZeroMQ DEALER→REP round trips with no Redis (the same worker count
 * and REP sockets per worker), each of the four semantics through the full lab path (dispatcher,
 * FaultLink with no rules, workers, Redis, telemetry) with zero work, and any `peers` given.
 * Prints nothing.
 * @returns figures by name: `raw-zeromq`, `at-most-once`, `at-least-once`, `exactly-once-naive`,
 * `exactly-once-atomic`, then the peers' names.
 */
export async function benchDispatch(
  opts: DispatchBenchOptions = {}
): Promise<Record<string, BenchFigure>> {
  const ctxBase = {
    messages: opts.messages ?? 20_000,
    workers: opts.workers ?? 4,
    workerConcurrency: opts.workerConcurrency ?? 8,
    window: opts.window ?? 512
  }
  let dataDir: string | null = null
  let redis = opts.redis
  if (!redis) {
    dataDir = mkdtempSync(join(tmpdir(), 'flowlab-bench-'))
    redis = new RedisHost({ dataDir })
    await redis.start()
  }
  const results: Record<string, BenchFigure> = {}
  try {
    if (redis.status !== 'up' || !redis.secretUrl) throw new Error(`Redis is ${redis.status}`)
    const ctx: BenchContext = { ...ctxBase, redisUrl: redis.secretUrl }
    const pipelinedCtx = { ...ctx, window: opts.pipelinedWindow ?? 4_096 }
    if (opts.raw ?? true) {
      results['raw-zeromq'] = await benchRaw(ctx)
      results['raw-zeromq-windowed'] = await benchRawWindowed(pipelinedCtx)
    }
    const lab = new DispatchLab({ redis, emit: () => undefined })
    try {
      const warmup = opts.warmup ?? 2_000
      if (warmup > 0) await benchSemantics(lab, 'at-least-once', { ...ctx, messages: warmup })
      for (const semantics of opts.semantics ?? SEMANTICS) {
        results[semantics] = await benchSemantics(lab, semantics, ctx)
      }
      if (opts.pipelined ?? true) {
        results['exactly-once-atomic-pipelined'] = await benchSemantics(
          lab,
          'exactly-once-atomic',
          pipelinedCtx,
          'pipelined'
        )
      }
    } finally {
      await lab.close()
    }
    for (const [name, peer] of Object.entries(opts.peers ?? {})) results[name] = await peer(ctx)
  } finally {
    if (dataDir) {
      await redis.close()
      rmSync(dataDir, { recursive: true, force: true })
    }
  }
  return results
}

/** One lab run: 4 workers, zero work, no faults, no re-sends. */
export async function benchSemantics(
  lab: DispatchLab,
  semantics: Semantics,
  ctx: BenchContext,
  workerMode: WorkerMode = 'lockstep'
): Promise<BenchFigure> {
  await lab.start({
    semantics,
    workerMode,
    messages: ctx.messages,
    workers: ctx.workers,
    workerConcurrency: ctx.workerConcurrency,
    window: ctx.window,
    workMs: 0,
    timeoutMs: BENCH_TIMEOUT_MS,
    endpoint: `tcp://127.0.0.1:${await freePort()}`
  })
  const report = await lab.waitForSettled()
  await lab.stop()
  if (report.counts.once !== ctx.messages) {
    throw new Error(`${semantics} bench run was not clean: ${JSON.stringify(report.counts)}`)
  }
  return { msgsPerSec: report.throughput, p50Ms: report.latency.p50, p99Ms: report.latency.p99 }
}

/**
 * Raw ZeroMQ: one DEALER bound on a free port, `workers` processes with `workerConcurrency` REP
 * sockets each that answer at once. Same window and message count as the lab runs.
 */
export async function benchRaw(ctx: BenchContext): Promise<BenchFigure> {
  const endpoint = `tcp://127.0.0.1:${await freePort()}`
  const dealer = new Dealer({
    linger: 0,
    sendHighWaterMark: 100_000,
    receiveHighWaterMark: 100_000
  })
  await dealer.bind(endpoint)
  const children: ChildProcess[] = []
  try {
    for (let i = 0; i < ctx.workers; i++) {
      children.push(
        fork(RAW_WORKER, [endpoint, String(ctx.workerConcurrency)], {
          execArgv: __filename.endsWith('.ts') ? ['--import', 'tsx'] : [],
          stdio: ['ignore', 'ignore', 'inherit', 'ipc']
        })
      )
    }
    await Promise.all(children.map((c) => new Promise((resolve) => c.once('message', resolve))))
    const n = ctx.messages
    const sentAt = new Float64Array(n + 1)
    const latency = new Float32Array(n + 1).fill(Number.NaN)
    const empty = Buffer.alloc(0)
    const payload = Buffer.from('{"op":"work","ms":0,"ttlMs":60000}')
    let sent = 0
    let received = 0
    const send = async (): Promise<void> => {
      sent++
      const now = performance.now()
      sentAt[sent] = now
      await dealer.send([empty, encodeHeader('raw', sent, 1, 'at-most-once', Date.now()), payload])
    }
    const started = performance.now()
    while (sent < Math.min(ctx.window, n)) await send()
    let last = started
    for await (const frames of dealer) {
      const epoch = peekEpoch(frames[1])
      last = performance.now()
      if (epoch > 0 && epoch <= n) latency[epoch] = last - (sentAt[epoch] as number)
      received++
      if (received >= n) break
      if (sent < n) await send()
    }
    const [p50, p99] = percentiles(latency, [50, 99])
    return { msgsPerSec: round((n * 1_000) / (last - started)), p50Ms: p50 ?? 0, p99Ms: p99 ?? 0 }
  } finally {
    dealer.close()
    await reap(children)
  }
}
