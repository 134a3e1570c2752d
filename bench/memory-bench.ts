/**
 * `npm run bench:memory` (or `npm run bench -- --memory`): one exactly-once-atomic run of
 * 1,000,000 epochs (BENCH_MEMORY_EPOCHS) with pipelined workers, no faults. Prints and returns
 * the verdict, throughput, and the engine's peak RSS (VmHWM) and peak heap, sampled every 100 ms;
 * run in a process of its own so earlier benchmarks do not count in its peaks.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DispatchLab } from '../src/main/engine/dispatch/dispatch-lab'
import { freePort } from '../src/main/engine/redis/free-port'
import { RedisHost } from '../src/main/engine/redis/redis-host'

export interface MemoryFigure {
  epochs: number
  verdict: string
  counts: { zero: number; once: number; many: number }
  msgsPerSec: number
  p99Ms: number
  seconds: number
  peakRssMb: number
  peakHeapMb: number
  rssLimitMb: number
}

const RSS_LIMIT_MB = 400

function vmHwmMb(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))
  return m
    ? Math.round(Number(m[1]) / 102.4) / 10
    : Math.round(process.memoryUsage().rss / 1e5) / 10
}

export async function benchMemory(epochs: number): Promise<MemoryFigure> {
  const dataDir = mkdtempSync(join(tmpdir(), 'flowlab-bench-memory-'))
  const redis = new RedisHost({ dataDir })
  await redis.start()
  const lab = new DispatchLab({ redis, emit: () => undefined })
  let peakHeap = process.memoryUsage().heapUsed
  const sampler = setInterval(() => {
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)
  }, 100)
  const started = performance.now()
  try {
    await lab.start({
      semantics: 'exactly-once-atomic',
      workerMode: 'pipelined',
      messages: epochs,
      workers: 4,
      window: 4_096,
      workMs: 0,
      timeoutMs: 60_000,
      endpoint: `tcp://127.0.0.1:${await freePort()}`
    })
    const report = await lab.waitForSettled()
    await lab.stop()
    return {
      epochs,
      verdict: report.verdict,
      counts: report.counts,
      msgsPerSec: report.throughput,
      p99Ms: report.latency.p99,
      seconds: Math.round((performance.now() - started) / 100) / 10,
      peakRssMb: vmHwmMb(),
      peakHeapMb: Math.round(peakHeap / 1e5) / 10,
      rssLimitMb: RSS_LIMIT_MB
    }
  } finally {
    clearInterval(sampler)
    await lab.close()
    await redis.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

if (require.main === module) {
  benchMemory(Number(process.env.BENCH_MEMORY_EPOCHS ?? 1_000_000)).then(
    (figure) => {
      process.stdout.write(`${JSON.stringify(figure)}\n`)
      process.exit(figure.verdict === 'held' && figure.peakRssMb < RSS_LIMIT_MB ? 0 : 1)
    },
    (err: unknown) => {
      process.stderr.write(`memory bench failed: ${(err as Error).stack ?? String(err)}\n`)
      process.exit(1)
    }
  )
}
