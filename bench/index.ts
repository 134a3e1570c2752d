import { fork } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { benchBullmq } from './bullmq-bench'
import { benchCache } from './cache-bench'
import { benchChannels } from './channels-bench'
import { benchCluster } from './cluster-bench'
import { benchFanout, type FanoutFigure } from './channels-remote-bench'
import { benchDispatch, type BenchFigure } from './dispatch-bench'
import type { MemoryFigure } from './memory-bench'
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

export interface Ratio {
  name: string
  of: string
  ratio: number
  goal: number | null
}

/** Each lab figure against its peers, with the acceptance goal where issue 11 sets one. */
function ratios(d: Record<string, BenchFigure>): Ratio[] {
  const pairs: [string, string, number | null][] = [
    ['at-most-once', 'raw-zeromq', null],
    ['at-least-once', 'raw-zeromq', 0.6],
    ['exactly-once-naive', 'raw-zeromq', null],
    ['exactly-once-atomic', 'raw-zeromq', 0.5],
    ['exactly-once-atomic', 'bullmq', null],
    ['exactly-once-atomic-pipelined', 'raw-zeromq-windowed', 0.6],
    ['exactly-once-atomic-pipelined', 'bullmq-best', 4],
    ['raw-zeromq', 'raw-zeromq-windowed', null]
  ]
  const out: Ratio[] = []
  for (const [name, of, goal] of pairs) {
    const a = d[name]?.msgsPerSec
    const b = d[of]?.msgsPerSec
    if (a && b) out.push({ name, of, ratio: Math.round((a / b) * 100) / 100, goal })
  }
  return out
}

/** Remote channel fan-out against raw PUB/SUB and Redis pub/sub at the same consumer count. */
function fanoutRatiosOf(f: Record<string, FanoutFigure>): Ratio[] {
  const out: Ratio[] = []
  for (const n of [1, 10, 100]) {
    for (const qos of ['besteffort', 'persistent']) {
      for (const [peer, goal] of [
        ['zmq-pubsub', 0.5],
        ['redis-pubsub', 1]
      ] as const) {
        const a = f[`${n}-remote-${qos}`]?.deliveriesPerSec
        const b = f[`${n}-${peer}`]?.deliveriesPerSec
        const name = `${n}-remote-${qos}`
        const of = `${n}-${peer}`
        const g = n === 100 && qos === 'besteffort' ? goal : null
        if (a && b) out.push({ name, of, ratio: Math.round((a / b) * 100) / 100, goal: g })
      }
    }
  }
  return out
}

function table(title: string, rows: Record<string, BenchFigure>): void {
  process.stdout.write(`\n${title}\n`)
  process.stdout.write(
    `${'name'.padEnd(32)}${'msgs/s'.padStart(10)}${'p50 ms'.padStart(10)}${'p99 ms'.padStart(10)}\n`
  )
  for (const [name, f] of Object.entries(rows)) {
    process.stdout.write(
      `${name.padEnd(32)}${String(f.msgsPerSec).padStart(10)}${f.p50Ms.toFixed(2).padStart(10)}${f.p99Ms.toFixed(2).padStart(10)}\n`
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
      // BullMQ at its best: addBulk, concurrency 100, a no-op processor.
      'bullmq-best': (ctx) => benchBullmq(ctx.redisUrl, ctx.messages, 100)
    }
  })
  table('dispatch (round trip: send → work → ack)', dispatch)
  const dispatchRatios = ratios(dispatch)
  for (const r of dispatchRatios) {
    process.stdout.write(
      `${r.name.padEnd(34)} ${r.of.padEnd(24)} ${r.ratio.toFixed(2).padStart(6)}×` +
        `${r.goal === null ? '' : `  (goal ≥ ${r.goal}×: ${r.ratio >= r.goal ? 'met' : 'NOT met'})`}\n`
    )
  }
  // Channels: events/s through one channel to 1, 10 and 100 consumers.
  const dataDir = mkdtempSync(join(tmpdir(), 'flowlab-bench-channels-'))
  const redis = new RedisHost({ dataDir })
  await redis.start()
  let channels: Record<string, { eventsPerSec: number; p50Ms: number; p99Ms: number }>
  let fanout: Record<string, FanoutFigure>
  try {
    channels = await benchChannels(redis)
    fanout = await benchFanout(redis)
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
  process.stdout.write(
    '\nchannels fan-out to remote consumers (deliveries/s = events × consumers / s)\n'
  )
  for (const [name, f] of Object.entries(fanout)) {
    const partial = f.delivered < f.expected ? `  (${f.delivered} of ${f.expected} in time)` : ''
    process.stdout.write(
      `${name.padEnd(36)}${String(f.deliveriesPerSec).padStart(10)}${f.p50Ms.toFixed(2).padStart(10)}${f.p99Ms.toFixed(2).padStart(10)}${partial}\n`
    )
  }
  const fanoutRatios = fanoutRatiosOf(fanout)
  for (const r of fanoutRatios) {
    process.stdout.write(
      `${r.name.padEnd(34)} ${r.of.padEnd(24)} ${r.ratio.toFixed(2).padStart(6)}×` +
        `${r.goal === null ? '' : `  (goal ≥ ${r.goal}×: ${r.ratio >= r.goal ? 'met' : 'NOT met'})`}\n`
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
  const memory = process.argv.includes('--memory') ? await memoryInChild() : undefined
  if (memory) {
    process.stdout.write(
      `\nmemory: ${memory.epochs} epochs exactly-once-atomic pipelined: ${memory.verdict}, ` +
        `${memory.msgsPerSec} msgs/s, p99 ${memory.p99Ms} ms, ${memory.seconds} s, engine peak RSS ` +
        `${memory.peakRssMb} MB (limit ${memory.rssLimitMb}), peak heap ${memory.peakHeapMb} MB\n`
    )
  }
  const results = {
    ...previous,
    dispatch,
    dispatchRatios,
    channels,
    channelsFanout: fanout,
    channelsFanoutRatios: fanoutRatios,
    cache,
    cluster,
    ...(memory ? { memory } : {}),
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

/** The 1M-epoch memory run in a process of its own, so its peak RSS is its own. */
function memoryInChild(): Promise<MemoryFigure> {
  return new Promise((resolve, reject) => {
    const child = fork(join(__dirname, 'memory-bench.ts'), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'pipe', 'inherit', 'ipc']
    })
    let out = ''
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')))
    child.once('exit', () => {
      try {
        resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '') as MemoryFigure)
      } catch {
        reject(new Error(`the memory bench printed no figure: ${out.slice(0, 200)}`))
      }
    })
  })
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
