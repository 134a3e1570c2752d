import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { DispatchFaultAction, DispatchReport } from '../src/shared/contract/labs/dispatch'
import { DispatchLab } from '../src/main/engine/dispatch/dispatch-lab'
import { freePort } from '../src/main/engine/redis/free-port'
import { RedisHost } from '../src/main/engine/redis/redis-host'
import { RssSampler, RSS_SAMPLE_INTERVAL_MS, type RssPeaks } from './soak-rss'

/** Probability that the link drops / duplicates a message, each direction. */
const LINK_DROP_P = 0.01
const LINK_DUPLICATE_P = 0.01
/** Ack timeout of the soak run, in ms: re-sends come quickly after a drop. */
const SOAK_TIMEOUT_MS = 500
/** Each managed worker crashes after its work on every Nth message it handles, at least this N. */
const WORKER_CRASH_EVERY_MIN = 250
/** … and about this many worker crashes per run in all (N = epochs / this). */
const WORKER_CRASHES_TARGET = 40
/** Acked fractions of the run at which Redis is restarted (AOF on). */
const REDIS_RESTART_AT = [0.15, 0.45, 0.75]
/** Acked fractions at which the (durable) dispatcher is crashed, then restarted. */
const DISPATCHER_CRASH_AT = [0.3, 0.6, 0.9]
/** How long a crashed dispatcher stays down before its restart, in ms. */
const DISPATCHER_DOWN_MS = 200
const WORKERS = 4
const WORKER_CONCURRENCY = 4
const WINDOW = 256

export interface DispatchSoakResult {
  epochs: number
  verdict: DispatchReport['verdict']
  /** Epochs executed 0 times (the checker's count from the effects hash). */
  lost: number
  /** Epochs executed more than once. */
  repeated: number
  /** Faults applied over the run. */
  faults: {
    redisRestarts: number
    dispatcherCrashes: number
    workerCrashes: number
    linkDropped: number
    linkDuplicated: number
    resends: number
  }
  byCause: DispatchReport['byCause']
  rss: RssPeaks
  durationMs: number
  throughput: number
}

/**
 * `epochs` epochs of exactly-once-atomic with every fault mixed over the whole run: drops and
 * duplicates both ways, worker crashes after work, Redis restarts (AOF on, so the dedup table
 * survives) and crashes of the durable dispatcher, spaced through the run by acked count.
 */
export async function soakDispatch(
  epochs: number,
  log: (line: string) => void
): Promise<DispatchSoakResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'flowlab-soak-dispatch-'))
  const redis = new RedisHost({ dataDir })
  await redis.start()
  const lab = new DispatchLab({ redis, emit: () => undefined })
  const workerPids = new Set<number>()
  const rss = new RssSampler(() => workerPids)
  const started = Date.now()
  try {
    const rule = { dropP: LINK_DROP_P, duplicateP: LINK_DUPLICATE_P }
    await lab.start({
      semantics: 'exactly-once-atomic',
      messages: epochs,
      workers: WORKERS,
      workerConcurrency: WORKER_CONCURRENCY,
      window: WINDOW,
      timeoutMs: SOAK_TIMEOUT_MS,
      durableDispatcher: true,
      persistence: true,
      toWorker: rule,
      toDispatcher: rule,
      crashAt: 'after-work',
      crashEvery: Math.max(WORKER_CRASH_EVERY_MIN, Math.round(epochs / WORKER_CRASHES_TARGET)),
      endpoint: `tcp://127.0.0.1:${await freePort()}`
    })
    const schedule: { at: number; faults: DispatchFaultAction[] }[] = [
      ...REDIS_RESTART_AT.map((f) => ({
        at: Math.round(epochs * f),
        faults: [{ kind: 'redis-restart' } as const]
      })),
      ...DISPATCHER_CRASH_AT.map((f) => ({
        at: Math.round(epochs * f),
        faults: [{ kind: 'dispatcher-crash' } as const, { kind: 'dispatcher-restart' } as const]
      }))
    ].sort((a, b) => a.at - b.at)
    let settled = false
    const report = lab.waitForSettled().finally(() => (settled = true))
    let lastLog = 0
    while (!settled) {
      const info = lab.toInfo()
      for (const w of info.workers) if (w.pid !== null) workerPids.add(w.pid)
      const acked = info.progress.acked
      const next = schedule[0]
      if (next && acked >= next.at) {
        schedule.shift()
        for (const fault of next.faults) {
          log(`  dispatch: ${fault.kind} at ${acked} acked`)
          await lab.fault(fault)
          if (fault.kind === 'dispatcher-crash') {
            await new Promise((r) => setTimeout(r, DISPATCHER_DOWN_MS))
          }
        }
      }
      if (Date.now() - lastLog > 10_000) {
        lastLog = Date.now()
        log(`  dispatch: ${acked}/${epochs} acked, ${Math.round((Date.now() - started) / 1000)} s`)
      }
      await Promise.race([report, new Promise((r) => setTimeout(r, RSS_SAMPLE_INTERVAL_MS))])
    }
    const r = await report
    await lab.stop()
    const link = r.link
    return {
      epochs,
      verdict: r.verdict,
      lost: r.counts.zero,
      repeated: r.counts.many,
      faults: {
        redisRestarts: r.redis.restarts,
        dispatcherCrashes: r.dispatcher.crashes,
        workerCrashes: r.workers.reduce((n, w) => n + w.crashes, 0),
        linkDropped: link.toWorker.counters.dropped + link.toDispatcher.counters.dropped,
        linkDuplicated: link.toWorker.counters.duplicated + link.toDispatcher.counters.duplicated,
        resends: r.dispatcher.resends
      },
      byCause: r.byCause,
      rss: rss.stop(),
      durationMs: Date.now() - started,
      throughput: r.throughput
    }
  } finally {
    rss.stop()
    await lab.close()
    await redis.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
}
