import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ClusterReport, ClusterSettingsInput } from '../src/shared/contract/labs/cluster'
import { clusterLab, clusterLabOf } from '../src/main/engine/cluster'
import { createEngine } from '../src/main/engine/engine'

/** One produce run: what `bench/results.json` holds under `cluster.<name>`. */
export interface ClusterProduceFigure {
  msgsPerSec: number
  p50Ms: number | null
  p99Ms: number | null
  acked: number
  failed: number
}

export interface ClusterBenchResults {
  'acks-1': ClusterProduceFigure
  'acks-all': ClusterProduceFigure
  /** acks=all produce rate over acks=1. */
  acksAllRatio: number | null
  /** Kill of partition 0's leader → its former replica serving its slots, in ms. */
  failoverMs: number | null
  settings: {
    messages: number
    primaries: number
    replicas: number
    partitions: number
    producers: number
    inFlight: number
  }
}

/**
 * `npm run bench`, Cluster part: on one managed 3 + 3 cluster, the produce rate (and ack latency)
 * with acks=1 and with acks=all, no fault; then a run that kills partition 0's leader, for the
 * failover time. The cluster runs on this machine's cores beside the producers.
 */
export async function benchCluster(opts: { messages?: number } = {}): Promise<ClusterBenchResults> {
  const messages = opts.messages ?? 20_000
  const base = { messages, partitions: 6, producers: 4, inFlight: 8 } satisfies ClusterSettingsInput
  const dataDir = mkdtempSync(join(tmpdir(), 'flowlab-bench-cluster-'))
  const engine = createEngine({ dataDir, door: 'cli', labDefinitions: [clusterLab] })
  try {
    await engine.start()
    const up = await engine.execute({ type: 'cluster:up', primaries: 3, replicas: 1 })
    if (!up.ok) throw new Error(up.error.message)
    const lab = clusterLabOf(engine)
    const run = async (settings: ClusterSettingsInput): Promise<ClusterReport> => {
      const started = await engine.execute({ type: 'cluster:start', settings })
      if (!started.ok) throw new Error(started.error.message)
      return lab.waitForSettled()
    }
    const figure = (r: ClusterReport): ClusterProduceFigure => ({
      msgsPerSec: r.producePerSec,
      p50Ms: r.ackLatency.p50Ms,
      p99Ms: r.ackLatency.p99Ms,
      acked: r.counts.acked,
      failed: r.counts.failed
    })
    const one = figure(await run({ ...base, acks: '1', consume: false }))
    const all = figure(await run({ ...base, acks: 'all', consume: false }))
    const killed = await run({
      ...base,
      messages: Math.min(messages, 5_000),
      acks: 'all',
      killLeaderAt: 1_000
    })
    return {
      'acks-1': one,
      'acks-all': all,
      acksAllRatio:
        one.msgsPerSec > 0 ? Math.round((all.msgsPerSec / one.msgsPerSec) * 100) / 100 : null,
      failoverMs: killed.failovers[0]?.ms ?? null,
      settings: { ...base, primaries: 3, replicas: 1 }
    }
  } finally {
    await engine.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

/** `tsx bench/cluster-bench.ts`: the Cluster part alone. */
if (require.main === module) {
  benchCluster().then(
    (r) => process.stdout.write(JSON.stringify(r, null, 2) + '\n'),
    (err: unknown) => {
      process.stderr.write(`${String(err)}\n`)
      process.exit(1)
    }
  )
}
