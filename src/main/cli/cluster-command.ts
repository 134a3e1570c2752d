import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ClusterCommandType, type ClusterReport } from '@shared/contract/labs/cluster'
import { clusterLab, clusterLabOf, type ClusterLab } from '../engine/cluster'
import { createEngine } from '../engine/engine'
import { CLUSTER_USAGE, parseClusterFlags, type ParsedClusterFlags } from './cluster-flags'
import { FlagError } from './flags'
import { withProgress, type CliIo, type ProgressOut } from './io'
import { reapStaleRunDirs, RUN_DIR_PREFIX } from './run-dirs'

/** Violations listed in the human summary (all of them are in --json). */
const SUMMARY_VIOLATIONS_MAX = 20

export interface ClusterCommandOptions {
  /** Called with the lab once the run has started (tests press buttons through it). */
  onLab?: (lab: ClusterLab) => void | Promise<void>
  progress?: ProgressOut
}

/**
 * `flowlab cluster`: one Cluster lab run from the command line.
 * @returns 0 when no acknowledged message was lost, 1 when one was, 2 for bad flags or a cluster
 * that cannot be started or reached, 130 when interrupted.
 */
export async function runClusterCommand(
  argv: string[],
  io: CliIo,
  opts: ClusterCommandOptions = {}
): Promise<number> {
  let parsed: ParsedClusterFlags | 'help'
  try {
    parsed = parseClusterFlags(argv, io.env)
  } catch (err) {
    if (!(err instanceof FlagError)) throw err
    io.stderr(`flowlab cluster: ${err.message}\n${CLUSTER_USAGE}`)
    return 2
  }
  if (parsed === 'help') {
    io.stdout(CLUSTER_USAGE)
    return 0
  }
  const { settings, json } = parsed
  // A cluster left by a `flowlab cluster` that was SIGKILLed is ended here (its nodes are recorded).
  reapStaleRunDirs()
  const dataDir = mkdtempSync(join(tmpdir(), RUN_DIR_PREFIX))
  const engine = createEngine({
    dataDir,
    door: 'cli',
    env: io.env,
    labDefinitions: [clusterLab],
    labs: {
      cluster: {
        ...(parsed.clusterUrl ? { clusterUrl: parsed.clusterUrl } : {}),
        ...(io.env.REDIS_SERVER_BIN ? { redisServerBin: io.env.REDIS_SERVER_BIN } : {})
      }
    },
    onTrace: (event) => {
      if (!json && event.source === clusterLab.id && event.level !== 'info') {
        io.stderr(`flowlab cluster: ${event.message}`)
      }
    }
  })
  const cleanup = async (): Promise<void> => {
    await engine.close().catch(() => undefined)
    rmSync(dataDir, { recursive: true, force: true })
  }
  let interrupted = false
  io.onShutdown(() => {
    interrupted = true
    void engine.execute({ type: ClusterCommandType.Stop })
  })
  try {
    await engine.start()
    const up = await engine.execute({
      type: ClusterCommandType.Up,
      primaries: parsed.primaries,
      replicas: parsed.replicas,
      ...(parsed.clusterUrl ? { url: parsed.clusterUrl } : {})
    })
    if (!up.ok) {
      io.stderr(`flowlab cluster: ${up.error.message}`)
      await cleanup()
      return 2
    }
    if (interrupted) {
      await cleanup()
      return 130
    }
    const lab = clusterLabOf(engine)
    const started = await engine.execute({ type: ClusterCommandType.Start, settings })
    if (!started.ok) {
      io.stderr(`flowlab cluster: ${started.error.message}`)
      await cleanup()
      return 2
    }
    await opts.onLab?.(lab)
    const report = await withProgress(lab.waitForSettled(), () => progressLine(lab), {
      json,
      out: opts.progress
    })
    await cleanup()
    if (json) io.stdout(JSON.stringify(report))
    else for (const line of summary(report)) io.stdout(line)
    if (interrupted) return 130
    return report.verdict === 'held' ? 0 : 1
  } catch (err) {
    io.stderr(`flowlab cluster: ${(err as Error).message}`)
    await cleanup()
    return 2
  }
}

function progressLine(lab: ClusterLab): string {
  const run = lab.toInfo().run
  if (!run) return '\r(starting)'
  const { acked, failed, total } = run.progress
  return `\r${acked + failed}/${total} messages (${acked} acked, ${failed} failed), ${run.rates.producePerSec}/s, ${run.status} `
}

function short(id: string | null): string {
  return id ? id.slice(0, 8) : '–'
}

/** The report in a few lines: what ran, who led what before and after, what was lost and why. */
function summary(r: ClusterReport): string[] {
  const c = r.counts
  const s = r.settings
  const lines = [
    `Cluster run: ${s.messages} messages, ${s.partitions} partitions, ${s.producers} producers, acks=${s.acks}, ${(r.durationMs / 1000).toFixed(1)} s (${r.producePerSec}/s)`,
    `Produced ${c.produced} writes: ${c.acked} acknowledged, ${c.failed} failed (the producer was told); consumed ${c.consumed}`,
    'Partitions (leader before → after):'
  ]
  for (const p of r.partitions) {
    const moved = p.leaderBefore !== p.leaderAfter ? '  ← new leader' : ''
    lines.push(
      `  ${p.id}: slot ${p.slot}, ${short(p.leaderBefore)} → ${short(p.leaderAfter)}, ${p.acked} acked, log end ${p.logEnd}${moved}`
    )
  }
  for (const f of r.failovers) {
    lines.push(`Failover: ${short(f.promotedNode)} replaced ${short(f.failedNode)} in ${f.ms} ms`)
  }
  lines.push(`Promise: ${r.promise}`)
  lines.push(
    `Lost acknowledged: ${c.lostAcked}; duplicates: ${c.duplicates}; out of order: ${c.outOfOrder}; consumer gaps: ${c.gaps}; consumed then lost: ${c.consumedThenLost}`
  )
  lines.push(`Verdict: ${r.verdict.toUpperCase()}`)
  for (const v of r.violations.slice(0, SUMMARY_VIOLATIONS_MAX)) {
    lines.push(`  partition ${v.partition}, message ${v.id}: ${v.kind} — ${v.cause}`)
  }
  if (r.violations.length > SUMMARY_VIOLATIONS_MAX) {
    lines.push(
      `  … and ${r.violations.length - SUMMARY_VIOLATIONS_MAX} more (--json lists them all)`
    )
  }
  return lines
}
