import {
  DISPATCH_RECORDING_EPOCHS_MAX,
  DISPATCH_RECORDING_EVENTS_MAX,
  dispatchContract,
  DispatchCommandType,
  VIOLATION_CAUSES,
  type DispatchRecording,
  type DispatchReport
} from '@shared/contract/labs/dispatch'
import type { ScenarioOutcome } from '@shared/contract/scenario'
import { freePort } from '../redis/free-port'
import {
  issuesOf,
  PersistenceMemo,
  withSeed,
  type ScenarioAdapter,
  type ScenarioEngine,
  type ScenarioIssue
} from '../scenario-adapter'
import { dispatchLab, dispatchLabOf } from './index'

/** Epochs listed at most in the `lost` and `repeated` facts. */
const EPOCH_FACT_MAX = 100

const COUNTS = [
  'zero',
  'once',
  'many',
  'violations',
  'deliveries',
  'executions',
  'sends',
  'resends',
  'acks',
  'lateAcks',
  'givenUp',
  'requestsDropped',
  'acksDropped',
  'requestsDuplicated',
  'workerCrashes',
  'dispatcherCrashes',
  'redisRestarts'
] as const

/** Epochs (1-based) whose execution count satisfies `test`, comma-separated, first ones. */
function epochsWhere(executions: number[], test: (n: number) => boolean): string {
  const out: number[] = []
  for (let i = 0; i < executions.length && out.length < EPOCH_FACT_MAX; i++) {
    if (test(executions[i] ?? 0)) out.push(i + 1)
  }
  return out.join(',')
}

/** The console's Redis AOF setting before a run that changes it. */
const persistence = new PersistenceMemo()

/**
 * The Dispatch lab's scenario adapter: settings are `dispatch:start`'s, the run ends when every
 * epoch is acked or given up, the outcome is the checker's report.
 */
export const dispatchScenario: ScenarioAdapter<DispatchReport> = {
  lab: 'dispatch',
  definition: dispatchLab,
  mode: 'run',
  triggers: ['acked', 'messages'],
  names: { counts: COUNTS, facts: ['semantics', 'lost', 'repeated'] },
  causes: VIOLATION_CAUSES,
  keyCounts: ['zero', 'once', 'many'],

  settings(settings, seed): ScenarioIssue[] {
    const parsed = dispatchContract.commands.safeParse({
      type: DispatchCommandType.Start,
      settings: withSeed(settings, seed)
    })
    return parsed.success ? [] : issuesOf(parsed.error)
  },

  knowsName(name, kind) {
    return (kind === 'count' ? (COUNTS as readonly string[]) : this.names.facts).includes(name)
  },

  engineOptions(settings) {
    return settings.persistence === false ? { redisPersistence: false } : {}
  },

  async start(engine, settings, seed) {
    const lab = dispatchLabOf(engine)
    const status = lab.status
    if (status === 'starting' || status === 'running' || status === 'settling') {
      await engine.execute({ type: DispatchCommandType.Stop })
    }
    await persistence.remember(engine, settings)
    // A free endpoint unless the file names one: the default port may be another run's.
    const full = {
      ...withSeed(settings, seed),
      endpoint: settings.endpoint ?? `tcp://127.0.0.1:${await freePort()}`
    }
    const started = await engine.execute({ type: DispatchCommandType.Start, settings: full })
    if (!started.ok) throw new Error(started.error.message)
    return { ...(lab.toInfo().settings ?? full) }
  },

  restore(engine) {
    return persistence.restore(engine)
  },

  progress(engine) {
    const info = dispatchLabOf(engine).toInfo()
    return { acked: info.progress.acked, messages: info.dispatcher.sends }
  },

  ended(engine: ScenarioEngine) {
    return dispatchLabOf(engine).waitForSettled()
  },

  record(engine, r): DispatchRecording | null {
    if (!r) return null
    const lab = dispatchLabOf(engine)
    const cut = (a: number[]): number[] => a.slice(0, DISPATCH_RECORDING_EPOCHS_MAX)
    return {
      sampleEvery: lab.toInfo().flow.sampleEvery,
      workers: r.workers.map((w) => w.id),
      flow: lab.recordedFlow().slice(-DISPATCH_RECORDING_EVENTS_MAX),
      perEpoch: {
        deliveries: cut(r.perEpoch.deliveries),
        executions: cut(r.perEpoch.executions),
        attempts: cut(r.perEpoch.attempts)
      },
      violations: r.violations.slice(0, DISPATCH_RECORDING_EPOCHS_MAX)
    }
  },

  outcome(_engine, r): ScenarioOutcome {
    if (!r) throw new Error('the Dispatch lab gives its outcome from a report')
    const dropped = (d: DispatchReport['link']['toWorker']): number =>
      d.counters.dropped + d.counters.droppedNext + d.counters.droppedCut
    const counts: Record<(typeof COUNTS)[number], number> = {
      zero: r.counts.zero,
      once: r.counts.once,
      many: r.counts.many,
      violations: r.violations.length,
      deliveries: r.deliveries,
      executions: r.executions,
      sends: r.dispatcher.sends,
      resends: r.dispatcher.resends,
      acks: r.dispatcher.acks,
      lateAcks: r.dispatcher.lateAcks,
      givenUp: r.perEpoch.attempts.length - r.dispatcher.acks,
      requestsDropped: dropped(r.link.toWorker),
      acksDropped: dropped(r.link.toDispatcher),
      requestsDuplicated: r.link.toWorker.counters.duplicated,
      workerCrashes: r.workers.reduce((n, w) => n + w.crashes, 0),
      dispatcherCrashes: r.dispatcher.crashes,
      redisRestarts: r.redis.restarts
    }
    const causes: Record<string, number> = {}
    for (const [cause, n] of Object.entries(r.byCause)) if (n) causes[cause] = n
    return {
      verdict: r.verdict,
      guarantee: r.guarantee,
      causes,
      counts,
      facts: {
        semantics: r.semantics,
        lost: epochsWhere(r.perEpoch.executions, (n) => n === 0),
        repeated: epochsWhere(r.perEpoch.executions, (n) => n > 1)
      },
      notes: [...r.notes]
    }
  }
}
