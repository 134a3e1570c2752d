import {
  clusterContract,
  ClusterCommandType,
  type ClusterReport
} from '@shared/contract/labs/cluster'
import type { ScenarioOutcome } from '@shared/contract/scenario'
import { issuesOf, withSeed, type ScenarioAdapter, type ScenarioIssue } from '../scenario-adapter'
import { clusterLab, clusterLabOf } from './index'

const COUNTS = [
  'produced',
  'acked',
  'failed',
  'lostAcked',
  'duplicates',
  'consumed',
  'gaps',
  'outOfOrder',
  'consumedThenLost',
  'failovers',
  'violations'
] as const

/** The kinds of finding, as the scenario's causes. */
const CAUSES = ['lost', 'duplicate', 'gap', 'out-of-order'] as const

/**
 * The Cluster lab's scenario adapter: settings are `cluster:start`'s; a managed 3 + 3 cluster is
 * started first when none is up; `acked` counts acknowledged messages and `messages` those
 * acknowledged or failed; the outcome is the checker's report, with the kinds of finding as causes.
 */
export const clusterScenario: ScenarioAdapter<ClusterReport> = {
  lab: 'cluster',
  definition: clusterLab,
  mode: 'run',
  triggers: ['acked', 'messages'],
  names: { counts: COUNTS, facts: ['acks', 'promise'] },
  causes: CAUSES,
  keyCounts: ['acked', 'failed', 'lostAcked', 'duplicates', 'failovers'],

  settings(settings, seed): ScenarioIssue[] {
    const parsed = clusterContract.commands.safeParse({
      type: ClusterCommandType.Start,
      settings: withSeed(settings, seed)
    })
    return parsed.success ? [] : issuesOf(parsed.error)
  },

  knowsName(name, kind) {
    return (kind === 'count' ? (COUNTS as readonly string[]) : this.names.facts).includes(name)
  },

  async start(engine, settings, seed) {
    const lab = clusterLabOf(engine)
    if (lab.status === 'down') {
      const up = await engine.execute({ type: ClusterCommandType.Up, primaries: 3, replicas: 1 })
      if (!up.ok) throw new Error(up.error.message)
    }
    const run = lab.toInfo().run
    if (run && (run.status === 'running' || run.status === 'checking')) {
      await engine.execute({ type: ClusterCommandType.Stop })
    }
    // A broker killed by an earlier lesson comes back first, so each lesson starts whole.
    for (const b of lab.toInfo().brokers.filter((n) => n.state === 'dead' && n.managed)) {
      await engine.execute({
        type: ClusterCommandType.Fault,
        fault: { kind: 'restart-broker', node: b.id }
      })
    }
    const started = await engine.execute({
      type: ClusterCommandType.Start,
      settings: withSeed(settings, seed)
    })
    if (!started.ok) throw new Error(started.error.message)
    return { ...(lab.toInfo().run?.settings ?? settings) }
  },

  progress(engine) {
    const p = clusterLabOf(engine).toInfo().run?.progress
    return { acked: p?.acked ?? 0, messages: (p?.acked ?? 0) + (p?.failed ?? 0) }
  },

  ended(engine) {
    return clusterLabOf(engine).waitForSettled()
  },

  outcome(_engine, r): ScenarioOutcome {
    if (!r) throw new Error('the Cluster lab gives its outcome from a report')
    const c = r.counts
    const counts: Record<(typeof COUNTS)[number], number> = {
      produced: c.produced,
      acked: c.acked,
      failed: c.failed,
      lostAcked: c.lostAcked,
      duplicates: c.duplicates,
      consumed: c.consumed,
      gaps: c.gaps,
      outOfOrder: c.outOfOrder,
      consumedThenLost: c.consumedThenLost,
      failovers: r.failovers.length,
      violations: r.violations.length
    }
    const causes: Record<string, number> = {}
    for (const v of r.violations) causes[v.kind] = (causes[v.kind] ?? 0) + 1
    return {
      verdict: r.verdict,
      guarantee: r.promise,
      causes,
      counts,
      facts: { acks: r.settings.acks, promise: r.promise },
      notes: r.failovers.map(
        (f) => `${f.promotedNode.slice(0, 8)} replaced ${f.failedNode.slice(0, 8)} in ${f.ms} ms`
      )
    }
  }
}
