import { Queue, Worker } from 'bullmq'
import type { BenchFigure } from './dispatch-bench'

/** Adds jobs in batches of this many (addBulk), as a producer that cares about speed would. */
const ADD_BATCH = 1_000

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0
}

/**
 * BullMQ processing `jobs` no-op jobs with `concurrency`, producer and worker in this process, on
 * the same Redis as the lab. Throughput is jobs completed per second from the first add to the
 * last completion; latency is each job's creation → finish.
 */
export async function benchBullmq(
  redisUrl: string,
  jobs: number,
  concurrency: number
): Promise<BenchFigure> {
  const url = new URL(redisUrl)
  const connection = {
    host: url.hostname,
    port: Number(url.port),
    password: decodeURIComponent(url.password) || undefined,
    maxRetriesPerRequest: null
  }
  const name = `flowlab-bench-${process.pid}-${Date.now()}`
  const queue = new Queue(name, { connection })
  const latencies: number[] = []
  let done: () => void = () => undefined
  const finished = new Promise<void>((resolve) => (done = resolve))
  const worker = new Worker(name, async () => null, { connection, concurrency, autorun: false })
  worker.on('completed', (job) => {
    latencies.push((job.finishedOn ?? Date.now()) - job.timestamp)
    if (latencies.length === jobs) done()
  })
  worker.on('error', () => undefined)
  await worker.waitUntilReady()
  void worker.run()
  const started = performance.now()
  for (let i = 0; i < jobs; i += ADD_BATCH) {
    const batch = Array.from({ length: Math.min(ADD_BATCH, jobs - i) }, (_, k) => ({
      name: 'noop',
      data: { n: i + k },
      opts: { removeOnComplete: true, removeOnFail: true }
    }))
    await queue.addBulk(batch)
  }
  await finished
  const seconds = (performance.now() - started) / 1000
  await worker.close()
  await queue.obliterate({ force: true })
  await queue.close()
  latencies.sort((a, b) => a - b)
  return {
    msgsPerSec: Math.round(jobs / seconds),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99)
  }
}
