import type { z } from 'zod'
import type { Result } from '@shared/contract'
import type { ScenarioOutcome } from '@shared/contract/scenario'
import type { LabDefinition, LabHost } from './lab'

/**
 * How a lab plugs into scenarios (docs/SCENARIOS.md): each lab that has lessons exports one
 * adapter from its own folder (`<lab>/scenario.ts`), listed once in src/main/scenario/adapters.ts.
 * The scenario runner knows labs only through it: how to check a file's settings and count names,
 * how to start a run, how far it got (for the fault schedule), when it ended, and its outcome in
 * the lab-neutral shape. Kept beside lab.ts so that lab folders never import the runner.
 */

/** What an adapter may use of the engine (the engine implements it). */
export interface ScenarioEngine extends LabHost {
  execute(command: unknown): Promise<Result<unknown>>
}

/** One problem of a scenario file: the dotted path of the field and what is wrong. */
export interface ScenarioIssue {
  path: string
  message: string
}

/** How far a run got, for `at: { acked }` and `at: { messages }` triggers. */
export interface ScenarioProgress {
  acked: number
  messages: number
}

export interface ScenarioAdapter<Report = unknown> {
  /** The lab id, as in the file's `lab`. */
  readonly lab: string
  /** The lab to run a headless engine with. */
  readonly definition: LabDefinition
  /**
   * `run`: the lab has a run of its own (start with settings, a fault schedule, a report);
   * `script`: the file's `steps` drive the lab command by command (no start command).
   */
  readonly mode: 'run' | 'script'
  /** Which triggers the schedule may use besides `ms`. */
  readonly triggers: readonly ('acked' | 'messages')[]
  /**
   * The settings of the start command with the seed merged in, checked by the lab's own
   * start-command schema. Issues have paths below `settings` (or `seed`).
   */
  settings(settings: Record<string, unknown>, seed: number | undefined): ScenarioIssue[]
  /** Whether `name` is a count (or, with `fact`, a fact) the lab's outcome can have. */
  knowsName(name: string, kind: 'count' | 'fact'): boolean
  /** Every count and fact name the lab reports (fixed ones; documented in docs/SCENARIOS.md). */
  readonly names: { counts: readonly string[]; facts: readonly string[] }
  /** Causes the lab can name. */
  readonly causes: readonly string[]
  /** Counts the CLI prints on a scenario's line (besides those the file expects). */
  readonly keyCounts: readonly string[]
  /** Engine options for a headless run of these settings (e.g. Redis without AOF). */
  engineOptions?(settings: Record<string, unknown>): {
    redisPersistence?: boolean
    labs?: Record<string, Record<string, unknown>>
  }
  /** Starts the run on the engine (run mode); resolves once it is running. */
  start?(
    engine: ScenarioEngine,
    settings: Record<string, unknown>,
    seed: number | undefined
  ): Promise<Record<string, unknown>>
  /**
   * Undoes what the start changed beyond the lab, once the outcome is taken (the console's Redis
   * gets its AOF setting back after a lesson that ran without it).
   */
  restore?(engine: ScenarioEngine): Promise<void>
  /** How far the live run is. */
  progress?(engine: ScenarioEngine): ScenarioProgress
  /** Resolves with the lab's report when the run has ended (run mode). */
  ended?(engine: ScenarioEngine): Promise<Report>
  /**
   * What an export of the run keeps beside the report so the console can redraw the lab's diagram
   * (checked on load by the lab contract's `recording` schema); none: the export has no diagram.
   */
  record?(engine: ScenarioEngine, report: Report | null): unknown
  /** The outcome: of the report (run mode), or of the lab as it is now (script mode). */
  outcome(engine: ScenarioEngine, report: Report | null): ScenarioOutcome
}

/** Issues of a failed zod parse with full dotted paths (an unknown key's path ends with the key). */
export function issuesOf(error: z.ZodError, prefix = ''): ScenarioIssue[] {
  return error.issues.map((issue) => {
    const parts = issue.path.map(String)
    if (issue.code === 'unrecognized_keys') parts.push(issue.keys[0] ?? '')
    const path = [prefix, ...parts].filter((p) => p !== '').join('.')
    const message =
      issue.code === 'unrecognized_keys'
        ? `unknown field(s): ${issue.keys.join(', ')}`
        : issue.code === 'invalid_type' && issue.input === undefined
          ? 'is missing'
          : issue.message
    return { path: path || prefix || 'value', message }
  })
}

/**
 * Remembers the engine's Redis AOF setting when a run's settings change it (`persistence`), so
 * that `restore` can put it back: a lesson must not leave the console's Redis without AOF.
 */
export class PersistenceMemo {
  /** Per engine (one process may run several). */
  readonly #before = new WeakMap<ScenarioEngine, boolean>()

  async remember(engine: ScenarioEngine, settings: Record<string, unknown>): Promise<void> {
    this.#before.delete(engine)
    if (settings.persistence === undefined) return
    const snap = await engine.execute({ type: 'engine:getSnapshot' })
    const redis = snap.ok ? (snap.value as { redis?: { persistence?: unknown } }).redis : undefined
    if (typeof redis?.persistence === 'boolean') this.#before.set(engine, redis.persistence)
  }

  async restore(engine: ScenarioEngine): Promise<void> {
    const before = this.#before.get(engine)
    this.#before.delete(engine)
    if (before !== undefined)
      await engine.execute({ type: 'redis:setPersistence', enabled: before })
  }
}

/**
 * The settings a run starts with: the file's seed merged in, unless the settings carry their own
 * (a student's change wins over the file).
 */
export function withSeed(
  settings: Record<string, unknown>,
  seed: number | undefined
): Record<string, unknown> {
  return seed === undefined || 'seed' in settings ? settings : { ...settings, seed }
}
