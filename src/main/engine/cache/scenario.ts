import {
  CACHE_CAUSES,
  cacheContract,
  CacheCommandType,
  type CacheReport
} from '@shared/contract/labs/cache'
import type { ScenarioOutcome } from '@shared/contract/scenario'
import {
  issuesOf,
  PersistenceMemo,
  withSeed,
  type ScenarioAdapter,
  type ScenarioIssue
} from '../scenario-adapter'
import { cacheLab, cacheLabOf } from './index'

const COUNTS = [
  'reads',
  'writes',
  'hits',
  'misses',
  'staleReads',
  'lostWrites',
  'failedReads',
  'failedWrites',
  'dbReads',
  'dbWrites',
  'secondWrites',
  'violations',
  'cacheCrashes',
  'evictions',
  'expirations',
  'flusherCrashes'
] as const

/**
 * The Cache lab's scenario adapter: settings are `cache:start`'s; `acked` and `messages` both
 * count operations done; the outcome is the checker's report (both guarantees must hold).
 */
/** The console's Redis AOF setting before a run that changes it. */
const persistence = new PersistenceMemo()

export const cacheScenario: ScenarioAdapter<CacheReport> = {
  lab: 'cache',
  definition: cacheLab,
  mode: 'run',
  triggers: ['acked', 'messages'],
  names: { counts: COUNTS, facts: ['strategy', 'guarantees'] },
  causes: CACHE_CAUSES,
  keyCounts: ['staleReads', 'lostWrites', 'hits', 'misses'],

  settings(settings, seed): ScenarioIssue[] {
    const parsed = cacheContract.commands.safeParse({
      type: CacheCommandType.Start,
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
    const lab = cacheLabOf(engine)
    const status = lab.status
    if (status === 'starting' || status === 'running' || status === 'flushing') {
      await engine.execute({ type: CacheCommandType.Stop })
    }
    await persistence.remember(engine, settings)
    const started = await engine.execute({
      type: CacheCommandType.Start,
      settings: withSeed(settings, seed)
    })
    if (!started.ok) throw new Error(started.error.message)
    return { ...(lab.toInfo().settings ?? settings) }
  },

  restore(engine) {
    return persistence.restore(engine)
  },

  progress(engine) {
    const done = cacheLabOf(engine).toInfo().progress.done
    return { acked: done, messages: done }
  },

  ended(engine) {
    return cacheLabOf(engine).waitForSettled()
  },

  outcome(_engine, r): ScenarioOutcome {
    if (!r) throw new Error('the Cache lab gives its outcome from a report')
    const c = r.counts
    const counts: Record<(typeof COUNTS)[number], number> = {
      reads: c.reads,
      writes: c.writes,
      hits: c.hits,
      misses: c.misses,
      staleReads: c.staleReads,
      lostWrites: c.lostWrites,
      failedReads: c.failedReads,
      failedWrites: c.failedWrites,
      dbReads: c.dbReads,
      dbWrites: c.dbWrites,
      secondWrites: c.secondWrites,
      violations: r.violations.length,
      cacheCrashes: r.faults.cacheCrashes,
      evictions: r.faults.evictions,
      expirations: r.faults.expirations,
      flusherCrashes: r.faults.flusherCrashes
    }
    const causes: Record<string, number> = {}
    for (const v of r.violations) causes[v.cause] = (causes[v.cause] ?? 0) + 1
    return {
      verdict: r.verdict,
      guarantee: r.guarantees.map((g) => `${g.name}: ${g.expected}`).join('; '),
      causes,
      counts,
      facts: {
        strategy: r.strategy,
        guarantees: r.guarantees.map((g) => `${g.name}=${g.held ? 'held' : 'violated'}`).join(',')
      },
      notes: [...r.notes]
    }
  }
}
