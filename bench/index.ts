import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { benchBullmq } from './bullmq-bench'
import { benchCache } from './cache-bench'
import { benchChannels } from './channels-bench'
import { benchCluster } from './cluster-bench'
import { benchDispatch, type BenchFigure } from './dispatch-bench'
import { RedisHost } from '../src/main/engine/redis/redis-host'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'

/**
 * `npm run bench`: every benchmark in one run; prints a table and writes bench/results.json
 * (`{"dispatch": {...}, ...}`, other labs' keys kept). Figures vary by machine: compare ratios.
 */
const RESULTS = join(__dirname, 'results.json')
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 20_000)
const WORKERS = 4
const WORKER_CONCURRENCY = 8
const CACHE_OPS = Number(process.env.BENCH_CACHE_OPS ?? 4_000)
const CLUSTER_MESSAGES = Number(process.env.BENCH_CLUSTER_MESSAGES ?? 20_000)

function table(title: string, rows: Record<string, BenchFigure>): void {
  process.stdout.write(`\n${title}\n`)
  process.stdout.write(
    `${'name'.padEnd(24)}${'msgs/s'.padStart(10)}${'p50 ms'.padStart(10)}${'p99 ms'.padStart(10)}\n`
  )
  for (const [name, f] of Object.entries(rows)) {
    process.stdout.write(
      `${name.padEnd(24)}${String(f.msgsPerSec).padStart(10)}${f.p50Ms.toFixed(2).padStart(10)}${f.p99Ms.toFixed(2).padStart(10)}\n`
    )
  }
}

async function main(): Promise<void> {
  process.stdout.write(
    `Flowlab bench on ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}\n` +
      `dispatch: ${MESSAGES} messages, ${WORKERS} worker processes × ${WORKER_CONCURRENCY} concurrency (bursts), ` +
      `zero work; Redis and workers share this machine's cores.\n`
  )
  const dispatch = await benchDispatch({
    messages: MESSAGES,
    workers: WORKERS,
    workerConcurrency: WORKER_CONCURRENCY,
    peers: {
      // Same number of jobs at the lab's total concurrency, then BullMQ's best case.
      bullmq: (ctx) => benchBullmq(ctx.redisUrl, ctx.messages, ctx.workers * ctx.workerConcurrency),
      'bullmq-c100': (ctx) => benchBullmq(ctx.redisUrl, ctx.messages, 100)
    }
  })
  table('dispatch (round trip: send → work → ack)', dispatch)
  const raw = dispatch['raw-zeromq']?.msgsPerSec ?? 0
  const atomic = dispatch['exactly-once-atomic']?.msgsPerSec ?? 0
  const bull = dispatch.bullmq?.msgsPerSec ?? 0
  if (raw && atomic && bull) {
    process.stdout.write(
      `\nexactly-once-atomic = ${((atomic / raw) * 100).toFixed(0)}% of raw ZeroMQ (goal ≥ 50%), ` +
        `${(atomic / bull).toFixed(2)}× BullMQ at the same concurrency (goal ≥ 2×)\n`
    )
  }
  // Channels: events/s through one channel to 1, 10 and 100 consumers.
  const dataDir = mkdtempSync(join(tmpdir(), 'flowlab-bench-channels-'))
  const redis = new RedisHost({ dataDir })
  await redis.start()
  let channels: Record<string, { eventsPerSec: number; p50Ms: number; p99Ms: number }>
  try {
    channels = await benchChannels(redis)
  } finally {
    await redis.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
  process.stdout.write('\nchannels (events/s through one channel)\n')
  for (const [name, f] of Object.entries(channels)) {
    process.stdout.write(
      `${name.padEnd(36)}${String(f.eventsPerSec).padStart(10)}${f.p50Ms.toFixed(2).padStart(10)}${f.p99Ms.toFixed(2).padStart(10)}\n`
    )
  }
  // Cache: reads/s none vs cache-aside at a 90% hit ratio, writes/s per strategy.
  const cache = await benchCache({ ops: CACHE_OPS })
  process.stdout.write(
    `\ncache (${cache.settings.ops} ops, ${cache.settings.keys} keys, ${cache.settings.clients} clients, ` +
      `${cache.settings.dbLatencyMs} ms per database statement)\n`
  )
  for (const [name, f] of Object.entries(cache.reads)) {
    const hits = f.hitRatio === null ? '' : ` (hit ratio ${Math.round(f.hitRatio * 100)}%)`
    process.stdout.write(
      `${`reads ${name}`.padEnd(24)}${String(f.readsPerSec).padStart(10)}${f.readP50Ms.toFixed(2).padStart(10)}${f.readP99Ms.toFixed(2).padStart(10)}${hits}\n`
    )
  }
  for (const [name, f] of Object.entries(cache.writes)) {
    process.stdout.write(
      `${`writes ${name}`.padEnd(24)}${String(f.writesPerSec).padStart(10)}${f.writeP50Ms.toFixed(2).padStart(10)}${f.writeP99Ms.toFixed(2).padStart(10)}\n`
    )
  }
  if (cache.readSpeedup !== null) {
    process.stdout.write(`cache-aside reads = ${cache.readSpeedup}× none\n`)
  }
  // Cluster: produce rate with acks=1 and acks=all, then the failover time, on one 3 + 3 cluster.
  const cluster = await benchCluster({ messages: CLUSTER_MESSAGES })
  process.stdout.write(
    `\ncluster (${cluster.settings.messages} messages, ${cluster.settings.partitions} partitions, ` +
      `${cluster.settings.producers} producers × ${cluster.settings.inFlight} in flight, ` +
      `${cluster.settings.primaries} primaries × ${cluster.settings.replicas} replica)\n`
  )
  for (const name of ['acks-1', 'acks-all'] as const) {
    const f = cluster[name]
    process.stdout.write(
      `${`produce ${name}`.padEnd(24)}${String(f.msgsPerSec).padStart(10)}${(f.p50Ms ?? 0).toFixed(2).padStart(10)}${(f.p99Ms ?? 0).toFixed(2).padStart(10)}\n`
    )
  }
  process.stdout.write(
    `acks=all = ${cluster.acksAllRatio ?? '–'}× acks=1; failover (kill → new leader serving) ${cluster.failoverMs ?? '–'} ms\n`
  )
  const previous: Record<string, unknown> = existsSync(RESULTS)
    ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as Record<string, unknown>)
    : {}
  const results = {
    ...previous,
    dispatch,
    channels,
    cache,
    cluster,
    meta: {
      at: new Date().toISOString(),
      cores: cpus().length,
      node: process.version,
      messages: MESSAGES,
      workers: WORKERS,
      workerConcurrency: WORKER_CONCURRENCY
    }
  }
  writeFileSync(RESULTS, JSON.stringify(results, null, 2) + '\n')
  process.stdout.write(`\nwrote ${RESULTS}\n`)
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(
      `bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`
    )
    process.exit(1)
  }
)
