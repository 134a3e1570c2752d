/**
 * `npm run bench:profile`: one lab-tier run (exactly-once-atomic, lockstep workers by default, the
 * bench's settings) with the CPU time each process spent on it, then the V8 CPU profiles of the
 * engine and of the workers summarised (bench/profile-summary.ts). Environment: SEMANTICS,
 * WORKER_MODE (lockstep | pipelined), MESSAGES (default 60,000), WINDOW (default 512).
 * Run it with the profilers on, as package.json does:
 *   FLOWLAB_WORKER_CPU_PROF=DIR node --cpu-prof --cpu-prof-dir=DIR --import tsx bench/profile-run.ts
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Semantics, WorkerMode } from '../src/shared/contract/labs/dispatch'
import { DispatchLab } from '../src/main/engine/dispatch/dispatch-lab'
import { freePort } from '../src/main/engine/redis/free-port'
import { RedisHost } from '../src/main/engine/redis/redis-host'

type Cpu = Map<number, { kind: 'engine' | 'redis' | 'workers'; ms: number }>

/** CPU ms (user + system) of this process and every descendant, from /proc. */
function cpuTree(): Cpu {
  const all = new Map<number, { ppid: number; comm: string; ms: number }>()
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8')
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
      all.set(Number(d), {
        ppid: Number(rest[1]),
        comm,
        ms: (Number(rest[11]) + Number(rest[12])) * 10
      })
    } catch {
      // gone meanwhile
    }
  }
  const mine = new Set([process.pid])
  for (let grew = true; grew;) {
    grew = false
    for (const [pid, p] of all) {
      if (!mine.has(pid) && mine.has(p.ppid)) {
        mine.add(pid)
        grew = true
      }
    }
  }
  const out: Cpu = new Map()
  for (const pid of mine) {
    const p = all.get(pid)
    if (!p) continue
    const kind = pid === process.pid ? 'engine' : p.comm.startsWith('redis') ? 'redis' : 'workers'
    out.set(pid, { kind, ms: p.ms })
  }
  return out
}

async function main(): Promise<void> {
  const messages = Number(process.env.MESSAGES ?? 60_000)
  const semantics = (process.env.SEMANTICS ?? 'exactly-once-atomic') as Semantics
  const workerMode = (process.env.WORKER_MODE ?? 'lockstep') as WorkerMode
  const window = Number(process.env.WINDOW ?? (workerMode === 'pipelined' ? 4_096 : 512))
  const dataDir = mkdtempSync(join(tmpdir(), 'flowlab-profile-'))
  const redis = new RedisHost({ dataDir })
  await redis.start()
  const lab = new DispatchLab({ redis, emit: () => undefined })
  try {
    for (const [n, measured] of [
      [2_000, false],
      [messages, true]
    ] as const) {
      await lab.start({
        semantics,
        workerMode,
        messages: n,
        workers: 4,
        workerConcurrency: 8,
        window,
        workMs: 0,
        timeoutMs: 60_000,
        endpoint: `tcp://127.0.0.1:${await freePort()}`
      })
      const before = cpuTree()
      const report = await lab.waitForSettled()
      const after = cpuTree()
      await lab.stop()
      if (!measured) continue
      const by: Record<string, number> = { engine: 0, workers: 0, redis: 0 }
      for (const [pid, p] of after)
        by[p.kind] = (by[p.kind] ?? 0) + p.ms - (before.get(pid)?.ms ?? 0)
      const total = (by.engine ?? 0) + (by.workers ?? 0) + (by.redis ?? 0)
      const perMsg = (ms: number): string => ((ms * 1_000) / n).toFixed(1)
      process.stdout.write(
        `${semantics} ${workerMode}, ${n} epochs, window ${window}: ${report.throughput} msgs/s, ` +
          `p99 ${report.latency.p99} ms, verdict ${report.verdict}\n` +
          `CPU µs per epoch: engine ${perMsg(by.engine ?? 0)}, workers ${perMsg(by.workers ?? 0)}, ` +
          `redis ${perMsg(by.redis ?? 0)}, total ${perMsg(total)}\n`
      )
    }
  } finally {
    await lab.close()
    await redis.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`profile run failed: ${(err as Error).stack ?? String(err)}\n`)
    process.exit(1)
  }
)
